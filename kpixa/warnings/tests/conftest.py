"""Fixtures of the early warning tests: the dossiers' catalogue and the shipped frameworks."""

from kpixa.dossiers.tests.conftest import catalogue  # noqa: F401
from kpixa.scoring.tests.conftest import frameworks  # noqa: F401

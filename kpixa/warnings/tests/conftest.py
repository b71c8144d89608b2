"""Fixtures of the early warning tests: the dossiers' catalogue, the shipped frameworks, the browser."""

from kpixa.dossiers.tests.conftest import catalogue  # noqa: F401
from kpixa.scoring.tests.conftest import frameworks  # noqa: F401
from kpixa.web.tests.conftest import browser, page  # noqa: F401

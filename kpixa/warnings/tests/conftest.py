"""Fixtures of the early warning tests: the dossiers' catalogue and the shipped frameworks.

(The page tests in Chromium are kpixa/web/tests/test_browser_warnings.py: one browser per session.)"""

from kpixa.dossiers.tests.conftest import catalogue  # noqa: F401
from kpixa.scoring.tests.conftest import frameworks  # noqa: F401

"""The dossiers tests' fixtures (the sample alias of Xã Ia Dom, a small catalogue)."""

from kpixa.dossiers.tests.conftest import catalogue, fast_passwords  # noqa: F401

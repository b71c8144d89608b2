"""The link to the frameworks app: which version scores a period, and its parsed framework."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from kpixa.scoring.engine.model import Framework
from kpixa.scoring.engine.periods import Period, PeriodError, parse_period


class ScoringError(Exception):
    """A scoring request that cannot be carried out (message in Vietnamese, for users)."""


def period_of(code: str, as_of: date | None = None) -> Period:
    """Parse ``code`` into an engine Period (a bare ``YYYY-YTD`` ends on ``as_of``/today)."""
    try:
        return parse_period(code, as_of or date.today())
    except PeriodError as exc:
        raise ScoringError(str(exc)) from exc


def version_for(framework_code: str, period: Period) -> Any:
    """Return the FrameworkVersion in force for ``period`` (on its last day), or raise ScoringError.

    The last day decides: a period is judged by the rules in force when it closes.
    """
    from kpixa.frameworks.services import framework_in_force

    version = framework_in_force(framework_code, period.end)
    if version is None:
        raise ScoringError(
            _("Không có phiên bản nào của bộ chỉ số “%(code)s” có hiệu lực cho kỳ %(period)s.")
            % {"code": framework_code, "period": period.code}
        )
    return version


def framework_of(version: Any) -> Framework:
    """Return the parsed engine Framework of a FrameworkVersion row (parsed once per text)."""
    return _parsed(version.sha256, version.source_text, version.source_name or str(version))


@lru_cache(maxsize=64)
def _parsed(sha256: str, text: str, source_name: str) -> Framework:
    # Keyed by the text's hash: a Framework is immutable, so sharing it is safe.
    from kpixa.scoring.engine.loader import load_framework

    return load_framework(text, source_name)

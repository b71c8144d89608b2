"""The link to the frameworks app: which version scores a period, and its parsed framework."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext as _

# The parsed frameworks live with the versions (kpixa.frameworks.parsed); named here as well
# because scoring's callers have always found them here.
from kpixa.frameworks.models import FrameworkVersion
from kpixa.frameworks.parsed import PARSED_KEEP as PARSED_KEEP
from kpixa.frameworks.parsed import VersionRef as VersionRef
from kpixa.frameworks.parsed import _frameworks as _frameworks
from kpixa.frameworks.parsed import framework_of as framework_of
from kpixa.frameworks.services import framework_in_force
from kpixa.scoring.engine.periods import PeriodError, PeriodSpan, parse_period


class ScoringError(Exception):
    """A scoring request that cannot be carried out (message in Vietnamese, for users)."""


def period_of(code: str, as_of: date | None = None) -> PeriodSpan:
    """Parse ``code`` into an engine PeriodSpan (a bare ``YYYY-YTD`` ends on ``as_of``/today)."""
    try:
        return parse_period(code, as_of or date.today())
    except PeriodError as exc:
        raise ScoringError(str(exc)) from exc


def version_for(framework_code: str, period: PeriodSpan) -> FrameworkVersion:
    """Return the FrameworkVersion in force for ``period`` (on its last day), or raise ScoringError.

    The last day decides: a period is judged by the rules in force when it closes.
    """
    return _found(framework_in_force(framework_code, period.end), framework_code, period)


def _found[V: (FrameworkVersion, VersionRef)](
    version: V | None, framework_code: str, period: PeriodSpan
) -> V:
    if version is None:
        raise ScoringError(
            _("Không có phiên bản nào của bộ chỉ số “%(code)s” có hiệu lực cho kỳ %(period)s.")
            % {"code": framework_code, "period": period.code}
        )
    return version


def in_force(versions: Iterable[VersionRef], framework_code: str, period: PeriodSpan) -> VersionRef:
    """The version in force for ``period`` among the framework's active ``versions`` (no query): the
    same rule as ``FrameworkVersion.objects.in_force`` (valid on the period's last day, the latest
    validity first, then the latest loaded). Raise ScoringError when none is."""
    day = period.end
    valid = [v for v in versions if v.valid_from <= day and (v.valid_to is None or v.valid_to >= day)]
    return _found(max(valid, key=lambda v: (v.valid_from, v.loaded_at), default=None), framework_code, period)

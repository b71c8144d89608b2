"""The link to the frameworks app: which version scores a period, and its parsed framework."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from kpixa.scoring.engine.model import Framework
from kpixa.scoring.engine.periods import PeriodError, PeriodSpan, parse_period

PARSED_KEEP = 64  # parsed frameworks kept per process (a few versions are in use at a time)


class ScoringError(Exception):
    """A scoring request that cannot be carried out (message in Vietnamese, for users)."""


def period_of(code: str, as_of: date | None = None) -> PeriodSpan:
    """Parse ``code`` into an engine PeriodSpan (a bare ``YYYY-YTD`` ends on ``as_of``/today)."""
    try:
        return parse_period(code, as_of or date.today())
    except PeriodError as exc:
        raise ScoringError(str(exc)) from exc


def version_for(framework_code: str, period: PeriodSpan) -> Any:
    """Return the FrameworkVersion in force for ``period`` (on its last day), or raise ScoringError.

    The last day decides: a period is judged by the rules in force when it closes.
    """
    from kpixa.frameworks.services import framework_in_force

    return _found(framework_in_force(framework_code, period.end), framework_code, period)


def _found(version: Any, framework_code: str, period: PeriodSpan) -> Any:
    if version is None:
        raise ScoringError(
            _("Không có phiên bản nào của bộ chỉ số “%(code)s” có hiệu lực cho kỳ %(period)s.")
            % {"code": framework_code, "period": period.code}
        )
    return version


@dataclass(frozen=True)
class VersionRef:
    """A FrameworkVersion row without its source text: what the pages need to name and key a version.

    ``framework_of`` reads the text (one query) only when the version is not parsed yet in this
    process, so a page view does not fetch the whole framework file every time.
    """

    pk: int
    code: str
    version: str
    sha256: str
    source_name: str
    valid_from: date
    valid_to: date | None
    loaded_at: datetime

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    @property
    def source_text(self) -> str:
        """The framework file's text (one query)."""
        from kpixa.frameworks.models import FrameworkVersion

        return str(FrameworkVersion.objects.values_list("source_text", flat=True).get(pk=self.pk))


def in_force(versions: Iterable[VersionRef], framework_code: str, period: PeriodSpan) -> VersionRef:
    """The version in force for ``period`` among the framework's active ``versions`` (no query): the
    same rule as ``FrameworkVersion.objects.in_force`` (valid on the period's last day, the latest
    validity first, then the latest loaded). Raise ScoringError when none is."""
    day = period.end
    valid = [v for v in versions if v.valid_from <= day and (v.valid_to is None or v.valid_to >= day)]
    return _found(max(valid, key=lambda v: (v.valid_from, v.loaded_at), default=None), framework_code, period)


_frameworks: OrderedDict[tuple[int | None, str], Framework] = OrderedDict()
_frameworks_lock = threading.Lock()


def framework_of(version: Any) -> Framework:
    """Return the parsed engine Framework of a FrameworkVersion row or a VersionRef.

    Parsed once per process and version (keyed by the row's id and its text's SHA-256): a known
    version's text is not read at all, so it may be a deferred field or a ``VersionRef``.
    """
    key = (version.pk, version.sha256)
    found = _frameworks.get(key)
    if found is None:
        found = _parsed(version.sha256, version.source_text, version.source_name or str(version))
        with _frameworks_lock:
            _frameworks[key] = found
            while len(_frameworks) > PARSED_KEEP:
                _frameworks.popitem(last=False)
    return found


@lru_cache(maxsize=PARSED_KEEP)
def _parsed(sha256: str, text: str, source_name: str) -> Framework:
    # Keyed by the text's hash: a Framework is immutable, so sharing it is safe.
    from kpixa.scoring.engine.loader import load_framework

    return load_framework(text, source_name)

"""Helpers shared by the pages: text folding, period sorting, cache keys and numbers (no queries, no HTML)."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from kpixa.frameworks.models import DEFAULT_FRAMEWORK as DEFAULT_FRAMEWORK  # the pages import it from here
from kpixa.scoring.engine.periods import MONTH, QUARTER, PeriodSpan, month, previous
from kpixa.scoring.versions import ScoringError, period_of

KIND_ORDER = {QUARTER: 4, MONTH: 3, "half": 2, "year": 1, "ytd": 0}
CACHE_SECONDS = 600  # computed dashboards and scorecards, keyed by the stored results' as-of time


# --- text -------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics (đ → d), for searching with or without them."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


# --- periods ----------------------------------------------------------------------------------


def period_order(period: PeriodSpan) -> tuple[date, int]:
    """Sort key of periods: by end, then a quarter after a month ending the same day."""
    return period.end, KIND_ORDER.get(period.kind, 0)


def sort_periods(codes: Iterable[str]) -> list[PeriodSpan]:
    """The valid period codes among ``codes`` as periods, latest first (unknown codes dropped)."""
    periods = []
    for code in set(codes):
        try:
            periods.append(period_of(code))
        except ScoringError:
            continue
    return sorted(periods, key=period_order, reverse=True)


def pick_period(requested: str | None, periods: list[PeriodSpan]) -> PeriodSpan | None:
    """The requested period when it is one of ``periods``, else the latest; None when there are none."""
    for period in periods:
        if requested and period.code == requested.strip().upper():
            return period
    return periods[0] if periods else None


def previous_periods(period: PeriodSpan, count: int) -> list[PeriodSpan]:
    """``count`` periods before ``period``, nearest first."""
    found = []
    current = period
    for _ in range(count):
        current = previous(current)
        found.append(current)
    return found


def months_of(period: PeriodSpan) -> list[PeriodSpan]:
    """The months from January of the period's year to the period's last month."""
    return [month(period.end.year, m) for m in range(1, period.end.month + 1)]


# --- cache keys and numbers ---------------------------------------------------------------------


def digest(text: str) -> str:
    """A short stable key for ``text`` (cache keys built from versions, periods and as-of times)."""
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def round2(value: Any) -> Decimal | None:
    """``value`` as a Decimal with two places (None stays None)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)

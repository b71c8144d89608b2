"""The in-memory shape of a framework: groups, indicators, scoring forms, bands and rules.

Built by ``loader.load_framework`` from a validated file; immutable afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from kpixa.rules.classification import NATIONAL_BANDS
from kpixa.rules.quota import DEFAULT_QUOTA_PERCENT
from kpixa.scoring.engine.expr import Expression
from kpixa.scoring.engine.i18n import english


class Form(StrEnum):
    PROPORTIONAL = "proportional"
    CAPPED = "capped"
    BANDS = "bands"
    LOWER_FLOOR = "lower_floor"
    PASS_FAIL = "pass_fail"  # noqa: S105 — a scoring form, not a secret
    COMPOSITE = "composite"


class NAPolicy(StrEnum):
    FULL_MARKS = "full_marks"
    REDISTRIBUTE = "redistribute"
    EXCLUDE = "exclude"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Source(StrEnum):
    COMPUTED = "computed"
    REPORTED = "reported"
    FRAMEWORK = "framework"


UNIT_KINDS = ("xa", "phuong", "dac_khu", "tinh")


@dataclass(frozen=True)
class Text:
    """A name in Vietnamese and English."""

    vi: str
    en: str = ""

    @property
    def shown(self) -> str:
        """The name in the active language: English when it is active and the file gives one."""
        return self.en if self.en and english() else self.vi


@dataclass(frozen=True)
class Band:
    """A threshold band: a rate at or past ``threshold`` (percent) earns ``points``."""

    threshold: Decimal
    points: Decimal


@dataclass(frozen=True)
class SubRate:
    """A named sub-rate of a composite form: numerator / denominator as a fraction."""

    name: str
    numerator: Expression
    denominator: Expression


@dataclass(frozen=True)
class Scoring:
    """How an indicator's rate becomes points."""

    form: Form
    bands: tuple[Band, ...] = ()
    floor: Decimal | None = None
    rates: tuple[SubRate, ...] = ()
    points: Expression | None = None


@dataclass(frozen=True)
class Applicability:
    """Which units an indicator applies to; an empty set means all."""

    kinds: frozenset[str] = frozenset()
    peer_groups: frozenset[str] = frozenset()

    def covers(self, kind: str, peer_groups: frozenset[str]) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        return not self.peer_groups or bool(self.peer_groups & peer_groups)


# The posts that may own an indicator or a group (the values of ``units.PostKind``): the
# responsibility matrix (docs/review.md, "Owners").
OWNER_POSTS = ("secretary", "chairman", "deputy_secretary", "vice_chairman")


@dataclass(frozen=True)
class Owner:
    """The post answering for an indicator or a group, with the field of a deputy ("kinh tế")."""

    post: str
    field: str = ""


@dataclass(frozen=True)
class Indicator:
    """One scored indicator of a group."""

    code: str
    group: str
    name: Text
    description: str
    source: Source
    numerator: Expression | None
    denominator: Expression | None
    direction: Direction
    scoring: Scoring
    max_points: Decimal
    target: Decimal | None
    na_policy: NAPolicy
    applies_to: Applicability = field(default_factory=Applicability)
    unit_label: str = ""
    owner: Owner | None = None  # the file's default owner; None: the group's, if any

    def measure_names(self) -> frozenset[str]:
        """Every measure name the indicator reads (numerator, denominator, composite rates)."""
        exprs = [self.numerator, self.denominator]
        exprs += [e for r in self.scoring.rates for e in (r.numerator, r.denominator)]
        return frozenset(n for e in exprs if e is not None for n in e.names)


@dataclass(frozen=True)
class Group:
    """A group of indicators with its maximum points."""

    code: str
    name: Text
    max_points: Decimal
    indicators: tuple[Indicator, ...]
    owner: Owner | None = None  # the file's default owner of every indicator without its own


@dataclass(frozen=True)
class ClassBand:
    """A classification band: a total at or above ``min_total`` earns this class."""

    code: str
    min_total: Decimal
    label: Text


@dataclass(frozen=True)
class CollectiveRules:
    """Regulation 366 / Decree 335 rules for a collective beyond its points (docs/rules.md,
    "Classification")."""

    excellent_requires_all_on_time: bool = True
    max_late_share_completed: Decimal = Decimal(20)


@dataclass(frozen=True)
class EvaluationRules:
    """Parameters of leader ratings, quotas and proposed consequences (docs/rules.md, "Leaders",
    "Consequences")."""

    leader_general_max: Decimal = Decimal(30)
    leader_results_max: Decimal = Decimal(70)
    leader_capped_by_unit: bool = True
    excellent_quota_percent: Decimal = DEFAULT_QUOTA_PERCENT
    warning_after_failed_period: bool = True
    joint_departure_enabled: bool = True
    joint_departure_below_total: Decimal = Decimal(50)
    dismissal_after_failed_years: int = 2
    reg377_min_targets_percent: Decimal = Decimal(70)
    reg377_basic_targets: tuple[str, ...] = (
        "growth_rate",
        "budget_revenue",
        "public_investment_disbursement",
        "income_per_capita",
        "poverty_reduction",
    )


DEFAULT_BANDS: tuple[ClassBand, ...] = tuple(
    ClassBand(code.value, min_total, Text(vi, en)) for code, min_total, vi, en in NATIONAL_BANDS
)


@dataclass(frozen=True)
class Framework:
    """A versioned framework: groups of indicators, classification bands and evaluation rules."""

    code: str
    version: str
    name: Text
    valid_from: date
    valid_to: date | None
    status: str
    total_points: Decimal
    groups: tuple[Group, ...]
    classification: tuple[ClassBand, ...] = DEFAULT_BANDS
    collective: CollectiveRules = field(default_factory=CollectiveRules)
    evaluation: EvaluationRules = field(default_factory=EvaluationRules)
    label: str = ""
    source_name: str = ""

    @property
    def is_example(self) -> bool:
        return self.status == "example"

    def indicators(self) -> Iterator[Indicator]:
        """Yield every indicator in file order."""
        for group in self.groups:
            yield from group.indicators

    def indicator(self, code: str) -> Indicator:
        """Return the indicator named ``code`` (KeyError when there is none)."""
        for indicator in self.indicators():
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def measures(self) -> frozenset[str]:
        """Return every measure name the framework reads (what the Django side must supply)."""
        names: set[str] = set()
        for ind in self.indicators():
            names.update(ind.measure_names())
        return frozenset(names)

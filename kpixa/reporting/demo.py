"""Demo step: Gia Lai's communes report, and the province approves, every value of 2025-H2.

Without reported values the collective rules of 2025-H2 count every task as late, so every
commune would fail. Here each active commune of Gia Lai submits every required measure
(``queries.required_measures``) through ``services.submit_value`` with a small PDF as evidence,
by its commune officer (one is created per commune when it has none), and the demo province
admin approves them through ``services.approve_value``. Plausible values from a seeded
generator; most communes submit on time, about 10% submit one or two values late, about 3% miss
one value, and about 2% submit three or four late (more than 20% of their tasks: by the collective
rules they are "không hoàn thành" whatever their points).

**Demo backdating only:** the services stamp ``timezone.now()``; after the calls this module
moves the submission, evidence and review times to January 2026 (on time = by the deadline,
late = after it), as if the demo had been lived then. The audit log keeps its real times.

Idempotent: a value that exists (in any state) is left alone, so a second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from kpixa.accounts.demo import demo_admin
from kpixa.accounts.models import Role, User
from kpixa.accounts.services import create_user
from kpixa.reporting import queries
from kpixa.reporting.models import Evidence, ReportedValue, SubmissionDeadline
from kpixa.reporting.services import approve_value, set_deadline, submit_value
from kpixa.scoring.engine.periods import PeriodSpan, parse_period
from kpixa.units.models import Commune, Province

DEMO_PROVINCE = "52"
DEMO_PERIOD = "2025-H2"
DEMO_SEED = "kpixa-reporting-demo"
LATE_SHARE = 0.10  # communes submitting one or two values after the deadline
MISSING_SHARE = 0.03  # communes never submitting one value
VERY_LATE_SHARE = 0.02  # communes submitting three or four values late
LAST_SUBMISSION_DAY = date(2026, 1, 30)  # late values still come in January
# The demo login of Xã Ia Dom (kpixa.web.demo sets its password later); others get officer_<code>.
OFFICER_USERNAMES = {"23872": "officer_iadom"}
ON_TIME, LATE, MISSING, VERY_LATE = "on_time", "late", "missing", "very_late"
LATE_COUNTS = {LATE: (1, 2), VERY_LATE: (3, 4)}


@dataclass(frozen=True)
class CommunePlan:
    """What one commune reports: its values, which come late, which never come, and when."""

    values: dict[str, Decimal]
    late: frozenset[str]
    missing: frozenset[str]
    submitted_at: dict[str, datetime]
    reviewed_at: datetime


def seed_reporting_demo() -> int:
    """Report and approve Gia Lai's 2025-H2 values; return how many values were created."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    return seed_reported_values(province, parse_period(DEMO_PERIOD), demo_admin(province))


def seed_reported_values(province: Province, period: PeriodSpan, admin: Any) -> int:
    """Set the default deadline if none, then report and approve every commune's missing values."""
    due = ensure_deadline(admin, province, period)
    measures = [m.code for m in queries.required_measures(period)]
    active = Commune.objects.filter(province=province, retired_at__isnull=True).select_related("province")
    communes = list(active.order_by("code"))
    kinds = behaviours([c.code for c in communes])
    present = set(
        ReportedValue.objects.filter(commune__in=communes, period_code=period.code).values_list(
            "commune_id", "measure"
        )
    )
    officers = OfficerCache(admin)
    created = 0
    for commune in communes:
        plan = plan_for(commune.code, measures, kinds[commune.code], period, due)
        todo = [m for m in measures if m not in plan.missing and (commune.pk, m) not in present]
        if todo:
            created += report_commune(commune, period, plan, todo, officers.get(commune), admin)
    return created


def ensure_deadline(admin: Any, province: Province, period: PeriodSpan) -> date:
    """Set the province's default deadline for ``period`` unless one is set; return the deadline."""
    if not SubmissionDeadline.objects.filter(province=province, period_code=period.code).exists():
        set_deadline(admin, province, period, queries.default_deadline(period))
    return queries.deadline_for(province, period)


def behaviours(codes: list[str]) -> dict[str, str]:
    """Assign each commune on time, late, very late or missing: fixed shares, by a seeded shuffle."""
    shuffled = sorted(codes)
    random.Random(f"{DEMO_SEED}:kinds").shuffle(shuffled)
    kinds = dict.fromkeys(codes, ON_TIME)
    start = 0
    for kind, share in ((MISSING, MISSING_SHARE), (LATE, LATE_SHARE), (VERY_LATE, VERY_LATE_SHARE)):
        count = round(len(codes) * share)
        kinds.update(dict.fromkeys(shuffled[start : start + count], kind))
        start += count
    return kinds


# --- one commune's plan -----------------------------------------------------------------------


def plan_for(code: str, measures: list[str], kind: str, period: PeriodSpan, due: date) -> CommunePlan:
    """The commune's values and times, the same on every run (a generator seeded by its code)."""
    rng = random.Random(f"{DEMO_SEED}:{period.code}:{code}")
    values = plausible_values(rng, measures)
    low, high = LATE_COUNTS.get(kind, (0, 0))
    late = frozenset(rng.sample(measures, min(len(measures), rng.randint(low, high))))
    missing = frozenset(rng.sample(measures, min(len(measures), int(kind == MISSING))))
    submitted = _submission_times(rng, measures, late, period, due)
    reviewed = max(submitted.values()) + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
    return CommunePlan(values, late, missing, submitted, reviewed)


def _d(value: float, places: int = 0) -> Decimal:
    return round(Decimal(str(value)), places)


def plausible_values(rng: random.Random, measures: list[str]) -> dict[str, Decimal]:
    """Values for every measure: the example framework's by their meaning, others 50–100.

    A commune's ``quality`` (0–1) pulls all its ratios up or down together, so totals spread.
    Money in million VND, income in million VND per person per year, rates in percent.
    """
    quality = rng.random()

    def share(low: float, high: float) -> float:
        return low + (high - low) * min(1.0, max(0.0, quality + rng.uniform(-0.3, 0.3)))

    budget_plan, invest_plan = rng.randrange(8_000, 60_000, 50), rng.randrange(10_000, 90_000, 100)
    income_target, poor_target, staff = (
        rng.randrange(420, 750) / 10,
        rng.randint(20, 150),
        rng.randint(22, 45),
    )
    known = {
        "budget_revenue_plan": _d(budget_plan),
        "budget_revenue": _d(budget_plan * share(0.85, 1.15)),
        "public_investment_plan": _d(invest_plan),
        "public_investment_disbursed": _d(invest_plan * share(0.60, 1.0)),
        "growth_rate_target": Decimal("7.0"),
        "growth_rate": _d(share(5.0, 9.0), 1),
        "income_per_capita_target": _d(income_target, 1),
        "income_per_capita": _d(income_target * share(0.90, 1.10), 1),
        "poor_households_reduction_target": _d(poor_target),
        "poor_households_reduced": _d(poor_target * share(0.70, 1.30)),
        "staff_total": _d(staff),
        "staff_trained": _d(staff * share(0.60, 1.0)),
        "staff_digital_certified": _d(staff * share(0.55, 0.95)),
    }
    return {m: known[m] if m in known else _d(rng.uniform(50, 100), 1) for m in measures}


def _working_days(first: date, last: date) -> list[date]:
    from kpixa.workdays.calendar import OutOfCalendarRange, get_calendar

    calendar, days = get_calendar(), []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        try:
            working = calendar.is_working_day(day)
        except OutOfCalendarRange:
            working = day.weekday() < 5
        if working:
            days.append(day)
    return days or [last]


def _at(rng: random.Random, day: date) -> datetime:
    """A moment of office hours (8:00–16:59, Vietnam time) on ``day``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, time(rng.randint(8, 15), rng.randint(0, 59)), tzinfo=zone)


def _submission_times(
    rng: random.Random, measures: list[str], late: frozenset[str], period: PeriodSpan, due: date
) -> dict[str, datetime]:
    """On time: one session on a working day up to the deadline; late: one after it, in January."""
    start = _at(rng, rng.choice(_working_days(period.end + timedelta(days=1), due)))
    start_late = _at(rng, rng.choice(_working_days(due + timedelta(days=1), LAST_SUBMISSION_DAY)))
    times, minutes = {}, 0
    for measure in measures:
        minutes += rng.randint(2, 9)
        times[measure] = (start_late if measure in late else start) + timedelta(minutes=minutes)
    return times


# --- reporting through the services -----------------------------------------------------------


class OfficerCache:
    """Each commune's officer: its first active commune officer, else a new demo officer."""

    def __init__(self, admin: Any) -> None:
        self.admin = admin
        self.by_commune: dict[int, Any] = {}

    def get(self, commune: Commune) -> Any:
        if commune.pk not in self.by_commune:
            self.by_commune[commune.pk] = self._existing(commune) or self._create(commune)
        return self.by_commune[commune.pk]

    def _existing(self, commune: Commune) -> Any:
        officers = User.objects.filter(role=Role.COMMUNE_OFFICER, commune=commune, is_active=True)
        return officers.order_by("pk").first()

    def _create(self, commune: Commune) -> Any:
        return create_user(
            username=OFFICER_USERNAMES.get(commune.code, f"officer_{commune.code}"),
            password=None,  # no login until an administrator sets one (the demo login is reset later)
            role=Role.COMMUNE_OFFICER,
            actor=self.admin,
            commune=commune,
            last_name="Văn phòng",
            first_name=commune.name,
        )


def evidence_pdf(commune: Commune, period: PeriodSpan) -> bytes:
    """A valid one-page PDF naming the commune and the period (ASCII text, Helvetica)."""
    text = f"KPI-XA demo evidence - commune {commune.code}, period {period.code}"
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@transaction.atomic
def report_commune(
    commune: Commune, period: PeriodSpan, plan: CommunePlan, todo: list[str], officer: Any, admin: Any
) -> int:
    """Submit ``todo`` by ``officer``, backdate, approve by ``admin``, backdate the review."""
    pdf = evidence_pdf(commune, period)
    name = f"so-lieu-{period.code}-{commune.code}.pdf"
    rows = []
    for measure in todo:
        upload = SimpleUploadedFile(name, pdf, "application/pdf")
        comment = "Nộp bổ sung sau hạn." if measure in plan.late else ""
        rows.append(submit_value(officer, commune, period, measure, plan.values[measure], comment, [upload]))
    backdate_submissions(rows, plan)
    for row in rows:
        approve_value(admin, row)
    ReportedValue.objects.filter(pk__in=[r.pk for r in rows]).update(reviewed_at=plan.reviewed_at)
    return len(rows)


def backdate_submissions(rows: list[ReportedValue], plan: CommunePlan) -> None:
    """Demo backdating: move submission and upload times to the plan's (queryset updates only)."""
    for row in rows:
        row.first_submitted_at = row.submitted_at = plan.submitted_at[row.measure]
    ReportedValue.objects.bulk_update(rows, ["first_submitted_at", "submitted_at"])
    measure_of = {row.pk: row.measure for row in rows}
    files = list(Evidence.objects.filter(value__in=rows))
    for item in files:
        item.uploaded_at = plan.submitted_at[measure_of[item.value_id]]
    Evidence.objects.bulk_update(files, ["uploaded_at"])

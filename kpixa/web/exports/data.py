"""What an export shows: a commune's stored scorecard or a province's stored ranking, read in a
fixed number of queries, plus the official-report header (issuing body, place, date, title).

Everything here comes from stored results (``kpixa.scoring.models``) and units; nothing is
scored on the fly and no dossier (hence no citizen's personal data) is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.scoring.engine.model import Framework, Group
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.versions import ScoringError, framework_of, period_of, version_for
from kpixa.units.models import Commune, DocumentSettings, Province
from kpixa.web import labels
from kpixa.web.labels import class_shown, counted_sentence
from kpixa.web.pages.scorecard import IndicatorLine, Scorecard, period_card

PROVINCE_PREFIXES = ("Tỉnh ", "Thành phố ", "TP. ", "TP ")


class ExportError(Exception):
    """An export that cannot be produced (message in Vietnamese, for users)."""


class NoResults(ExportError):
    """No stored results for the requested unit, framework and period."""


def status_labels() -> dict[str, str]:
    """The label of each stored indicator status (``kpixa.web.labels``)."""
    return labels.status_labels()


# --- the report header ----------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """The issuing body printed top left: its parent ("UBND TỈNH GIA LAI") and itself ("SỞ NỘI VỤ")."""

    parent: str
    body: str


def place_name(province: Province) -> str:
    """The province's name without its kind: "Tỉnh Gia Lai" -> "Gia Lai"."""
    for prefix in PROVINCE_PREFIXES:
        if province.name.startswith(prefix):
            return province.name[len(prefix) :]
    return province.name


def default_issuer(province: Province) -> Issuer:
    """The province's Department of Home Affairs, which runs the evaluation."""
    kind = _("THÀNH PHỐ") if province.name.startswith(("Thành phố", "TP")) else _("TỈNH")
    return Issuer(f"{_('UBND')} {kind} {place_name(province).upper()}", _("SỞ NỘI VỤ"))


def document_settings(province: Province) -> DocumentSettings:
    """The province's stored document settings (one query), or unsaved defaults when it has none."""
    found = DocumentSettings.objects.filter(province=province).first()
    return found or DocumentSettings(province=province)


def number_line(settings: DocumentSettings, number: int | None) -> str:
    """ "Số: 12/BC-SNV"; without a registered number, a blank the clerk fills when the report is
    registered ("Số:      /BC-SNV"); Decree 30/2020/NĐ-CP, Article 8(1)(c) and Appendix I."""
    blank = "\u00a0" * 6
    return _("Số: %(number)s/%(symbol)s") % {
        "number": number if number is not None else blank,
        "symbol": settings.symbol,
    }


@dataclass(frozen=True)
class Signing:
    """Where the report goes and who signs it (Decree 30/2020/NĐ-CP, Article 8(1)(g) and (i)):
    the recipients ("Nơi nhận"), the signatory's authority ("KT. GIÁM ĐỐC"), title and name."""

    recipients: list[str]
    authority: str
    title: str
    name: str

    def recipient_lines(self) -> list[str]:
        """The recipients as the document lists them: "- X;" each, the last one "- Y."."""
        lines = [line.rstrip(";.") for line in self.recipients] or [_("Lưu: VT")]
        return [f"- {line}{'.' if i == len(lines) - 1 else ';'}" for i, line in enumerate(lines)]


def signing(settings: DocumentSettings) -> Signing:
    """The report's recipients and signatory from the province's settings."""
    return Signing(
        settings.recipient_lines(),
        settings.signer_authority.strip().upper(),
        settings.signer_title.strip().upper(),
        settings.signer_name.strip(),
    )


def two_digits_if_needed(number: int, pad: bool) -> str:
    """A day or month as official documents write it: days below 10 and months 1–2 get a leading 0."""
    return f"{number:02d}" if pad else str(number)


def date_line(place: str, day: date) -> str:
    """ "Gia Lai, ngày 28 tháng 11 năm 2026" (Decree 30/2020: "ngày 05 tháng 02")."""
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": two_digits_if_needed(day.day, day.day < 10),
        "month": two_digits_if_needed(day.month, day.month < 3),
        "year": day.year,
    }


def as_of_line(as_of: datetime | None) -> str:
    """ "Số liệu tính đến 14:05 ngày 28/11/2026" in Vietnam time, or a note that none is known."""
    if as_of is None:
        return _("Chưa có thời điểm chốt số liệu")
    local = timezone.localtime(as_of)
    return _("Số liệu tính đến %(time)s ngày %(date)s") % {
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%d/%m/%Y"),
    }


@dataclass(frozen=True)
class Header:
    """The official-report frame around an export's table."""

    issuer: Issuer
    number_line: str
    date_line: str
    title: str
    subject: str
    framework_name: str
    period_label: str
    as_of_line: str
    example_note: str
    signing: Signing


def _header(
    province: Province,
    framework: Framework,
    period: PeriodSpan,
    title: str,
    subject: str,
    as_of: Any,
    number: int | None = None,
) -> Header:
    """The report's frame; reads the province's document settings (one query)."""
    example = _("Bộ chỉ số ví dụ, không phải danh mục chính thức.") if framework.is_example else ""
    settings = document_settings(province)
    issuer = default_issuer(province)
    return Header(
        issuer=Issuer(
            settings.issuer_parent.strip() or issuer.parent, settings.issuer_body.strip() or issuer.body
        ),
        number_line=number_line(settings, number),
        date_line=date_line(settings.place.strip() or place_name(province), timezone.localdate()),
        title=title,
        subject=subject,
        framework_name=framework.name.vi,
        period_label=_("Kỳ đánh giá: %(label)s (%(code)s)") % {"label": period.label_vi, "code": period.code},
        as_of_line=as_of_line(as_of),
        example_note=example,
        signing=signing(settings),
    )


# --- periods and versions -------------------------------------------------------------------


def resolve(framework_code: str, period_code: str) -> tuple[PeriodSpan, Any, Framework]:
    """Return the period, the framework version in force for it (1 query) and its parsed framework."""
    try:
        period = period_of(period_code)
        version = version_for(framework_code, period)
    except ScoringError as exc:
        raise ExportError(str(exc)) from exc
    return period, version, framework_of(version)


def _recency(code: str) -> tuple[date, int]:
    period = period_of(code)
    return period.end, -period.days


def latest_period(framework_code: str, province: Province) -> str | None:
    """Return the code of the latest period with stored results of ``framework_code`` in the province.

    Latest = the latest last day; among periods ending the same day, the shortest (the month
    before its quarter). One query; None when nothing has been computed.
    """
    codes = set(
        UnitScore.objects.filter(framework_version__code=framework_code, commune__province=province)
        .order_by()  # the model's ordering would make DISTINCT return one row per unit
        .values_list("period_code", flat=True)
        .distinct()
    )
    return max(codes, key=_recency) if codes else None


# --- the commune scorecard ------------------------------------------------------------------


@dataclass(frozen=True)
class GroupBlock:
    """A group of the scorecard: its name, stored points of max, and its indicators with a stored
    result (the page's lines, kpixa/web/pages/scorecard.py), numbered from ``first_number``."""

    group: Group
    points: Decimal | None
    max_points: Decimal
    lines: list[IndicatorLine]
    first_number: int = 1

    @property
    def own_points(self) -> Decimal:
        """The sum of its indicators' own points (before any re-scaling)."""
        return sum((score.points or Decimal(0) for _n, _line, score in self.numbered()), Decimal(0))

    def numbered(self) -> list[tuple[int, IndicatorLine, IndicatorScore]]:
        """(table number, line, stored result) of each line."""
        return [
            (number, line, line.score)
            for number, line in enumerate(self.lines, start=self.first_number)
            if line.score is not None
        ]


@dataclass(frozen=True)
class ScorecardReport:
    """A commune's stored scorecard as an official report: the page's scorecard of the period
    (``card``, kpixa/web/pages/scorecard.py) in the report's frame, grouped, with its ranks."""

    header: Header
    card: Scorecard
    unit: UnitScore
    groups: list[GroupBlock]
    ranked_in_province: int
    ranked_same_kind: int

    @property
    def commune(self) -> Commune:
        return self.card.commune

    @property
    def period(self) -> PeriodSpan:
        return self.card.period

    @property
    def framework(self) -> Framework:
        return self.card.framework


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "", "None") else Decimal(str(value))


def status_label(score: IndicatorScore, line: IndicatorLine | None = None) -> str:
    """The words for a stored result's status, with what it does to the total when it has no result."""
    policy = str(line.indicator.na_policy) if line is not None else ""
    return labels.status_text(score.status, policy, score.counted_max)


def _groups(card: Scorecard, unit: UnitScore) -> list[GroupBlock]:
    by_code = {line.indicator.code: line for line in card.lines if line.score is not None}
    blocks, number = [], 1
    for group in card.framework.groups:
        lines = [by_code[indicator.code] for indicator in group.indicators if indicator.code in by_code]
        stored = unit.group_totals.get(group.code, {})
        max_points = _decimal(stored.get("max_points")) or group.max_points
        blocks.append(GroupBlock(group, _decimal(stored.get("points")), max_points, lines, number))
        number += len(lines)
    return blocks


def _rank_counts(unit: UnitScore, commune: Commune) -> dict[str, int]:
    ranked = UnitScore.objects.filter(
        framework_version_id=unit.framework_version_id,
        period_code=unit.period_code,
        commune__province_id=commune.province_id,
        rank_province__isnull=False,
    )
    return ranked.aggregate(province=Count("pk"), kind=Count("pk", filter=Q(commune__kind=commune.kind)))


def load_scorecard(
    commune: Commune, framework_code: str, period_code: str, number: int | None = None
) -> ScorecardReport:
    """Return the commune's stored scorecard (5 queries; ``commune.province`` must be loaded),
    headed with the registered document ``number`` when one is given.

    Raises ExportError for an unknown period or framework, NoResults when nothing is stored.
    """
    period, version, framework = resolve(framework_code, period_code)
    card = period_card(commune, version, framework, period)
    unit = card.unit
    if unit is None:
        raise NoResults(
            _("Chưa có kết quả của %(unit)s cho kỳ %(period)s.")
            % {"unit": commune.name, "period": period.code}
        )
    counts = _rank_counts(unit, commune)
    title = _("BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CỦA %(unit)s") % {"unit": commune.name.upper()}
    subject = f"{commune.name} — {commune.province.name}"
    header = _header(commune.province, framework, period, title, subject, unit.as_of, number)
    return ScorecardReport(header, card, unit, _groups(card, unit), counts["province"], counts["kind"])


def scorecard_summary(card: ScorecardReport) -> list[str]:
    """The lines printed under the scorecard table: how the total is made when something was
    re-scaled (the pages' sentence), classification and ranks."""
    unit = card.unit
    lines = [counted_sentence(unit.max_total)] if card.card.rescaled else []
    label = class_shown(unit.classification_label, unit.classification) or _("Chưa xếp loại")
    lines.append(_("Xếp loại: %(label)s") % {"label": label})
    if unit.rank_province is not None:
        lines.append(
            _("Xếp hạng trong tỉnh: %(rank)s/%(count)s")
            % {"rank": unit.rank_province, "count": card.ranked_in_province}
        )
    if unit.rank_peer_group is not None:
        lines.append(
            _("Xếp hạng trong các đơn vị cùng loại (%(kind)s): %(rank)s/%(count)s")
            % {
                "kind": card.commune.get_kind_display(),
                "rank": unit.rank_peer_group,
                "count": card.ranked_same_kind,
            }
        )
    return lines


# --- the province ranking -------------------------------------------------------------------


@dataclass(frozen=True)
class RankingLine:
    """One commune's row of the ranking: its stored total, class, rank and group points."""

    number: int
    unit: UnitScore
    group_points: list[Decimal | None]
    # per group: whether the group's maximum for this commune differs from the framework's (an
    # indicator without data or not applicable was left out and the rest re-scaled)
    rescaled: list[bool]


@dataclass(frozen=True)
class Ranking:
    """A province's stored ranking for one framework version and period."""

    header: Header
    province: Province
    period: PeriodSpan
    framework: Framework
    lines: list[RankingLine]
    classes: list[tuple[str, int]]


def _class_counts(framework: Framework, units: list[UnitScore]) -> list[tuple[str, int]]:
    counts = [
        (band.label.vi, sum(1 for u in units if u.classification == band.code))
        for band in framework.classification
    ]
    unclassified = sum(1 for u in units if not u.classification)
    return [*counts, (_("Chưa xếp loại"), unclassified)] if unclassified else counts


def _ranking_line(number: int, framework: Framework, unit: UnitScore) -> RankingLine:
    stored = [unit.group_totals.get(group.code, {}) for group in framework.groups]
    maxima = [_decimal(totals.get("max_points")) for totals in stored]
    rescaled = [m is not None and m != g.max_points for m, g in zip(maxima, framework.groups, strict=True)]
    return RankingLine(number, unit, [_decimal(totals.get("points")) for totals in stored], rescaled)


def _ranking_lines(framework: Framework, units: list[UnitScore]) -> list[RankingLine]:
    return [_ranking_line(i, framework, unit) for i, unit in enumerate(units, start=1)]


def load_ranking(
    province: Province, framework_code: str, period_code: str, number: int | None = None
) -> Ranking:
    """Return the province's stored ranking, best first, unranked last (3 queries), headed with
    the registered document ``number`` when one is given.

    Raises ExportError for an unknown period or framework, NoResults when nothing is stored.
    """
    period, version, framework = resolve(framework_code, period_code)
    units = list(
        UnitScore.objects.filter(
            framework_version=version, period_code=period.code, commune__province=province
        )
        .select_related("commune")
        .order_by(F("rank_province").asc(nulls_last=True), "commune__code")
    )
    if not units:
        raise NoResults(
            _("Chưa có kết quả của %(unit)s cho kỳ %(period)s.")
            % {"unit": province.name, "period": period.code}
        )
    title = _("BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CÁC XÃ, PHƯỜNG, ĐẶC KHU")
    subject = _("Trên địa bàn %(province)s") % {"province": province.name[:1].lower() + province.name[1:]}
    as_of = max(u.as_of for u in units)
    header = _header(province, framework, period, title, subject, as_of, number)
    return Ranking(
        header, province, period, framework, _ranking_lines(framework, units), _class_counts(framework, units)
    )

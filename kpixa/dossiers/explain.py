"""One dossier's timeline and how its outcome was reached, rebuilt from stored facts.

Every line goes through gettext (Vietnamese source strings, English from the .po files), in
the language active when ``explain`` runs: the page's, or Vietnamese on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from kpixa.dossiers.facts import outcome_as_of
from kpixa.dossiers.models import Dossier
from kpixa.dossiers.parsing import local
from kpixa.dossiers.records import STATUS_NAMES

# Marked for translation here, translated where shown (gettext at call time).
OUTCOME_VI = {
    "on_time": gettext_noop("Đúng hạn"),
    "late": gettext_noop("Trễ hạn"),
    "open_within": gettext_noop("Đang xử lý trong hạn"),
    "open_overdue": gettext_noop("Đang xử lý quá hạn"),
}
DUE_SOURCES = {
    "NgayHenTra": gettext_noop("ngày hẹn trả (NgayHenTra)"),
    "NgayHenTraTruoc": gettext_noop("ngày hẹn trả trước lần bổ sung đầu tiên (NgayHenTraTruoc)"),
    "luat_dinh": gettext_noop("thời hạn giải quyết luật định của thủ tục, tính theo lịch ngày làm việc"),
    "ThoiGianGiaiQuyet": gettext_noop(
        "thời hạn giải quyết ghi trong hồ sơ (ThoiGianGiaiQuyet), tính theo lịch ngày làm việc"
    ),
}
END_SOURCES = {
    "NgayKetThucXuLy": gettext_noop("ngày kết thúc xử lý (NgayKetThucXuLy)"),
    "NgayTra": gettext_noop("ngày trả kết quả (NgayTra)"),
    "NgayTuChoi": gettext_noop("ngày từ chối (NgayTuChoi)"),
    "bo_sung": gettext_noop("lần yêu cầu bổ sung duy nhất, chưa được đáp ứng"),
}


def fmt(value: Any) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time ('—' when empty)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return (local(value) or value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def duration(seconds: int) -> str:
    """A waiting time as 'N ngày H giờ M phút' (translated)."""
    d = timedelta(seconds=seconds)
    hours, rest = divmod(d.seconds, 3600)
    minutes = rest // 60
    parts = [ngettext("%(n)s ngày", "%(n)s ngày", d.days) % {"n": d.days}] if d.days else []
    parts += [ngettext("%(n)s giờ", "%(n)s giờ", hours) % {"n": hours}] if hours else []
    parts += [ngettext("%(n)s phút", "%(n)s phút", minutes) % {"n": minutes}] if minutes else []
    return " ".join(parts) or ngettext("%(n)s phút", "%(n)s phút", 0) % {"n": 0}


@dataclass
class Explanation:
    """The timeline events, the reasoning steps and the verdict of one dossier."""

    events: list[tuple[str, str]] = field(default_factory=list)  # (time, what)
    reasoning: list[str] = field(default_factory=list)
    verdict: str = ""
    history: list[Change] = field(default_factory=list)  # newest first
    steps: list[StepLine] = field(default_factory=list)  # hours per step, who made it late
    late_by: str = ""

    def lines(self) -> list[str]:
        out = [_("Diễn biến:")] + [f"  {at}  {what}" for at, what in self.events]
        out += [_("Các bước xử lý (giờ làm việc):")] + [f"  {s.text()}" for s in self.steps]
        out += [f"  {self.late_by}"] if self.late_by else []
        out += [_("Cách xác định kết quả:")] + [f"  - {line}" for line in self.reasoning]
        out += [_("Lịch sử thay đổi:")] + [f"  {c.at}  {c.summary}" for c in self.history]
        for change in self.history:
            out += [f"    {name}: {before} → {after}" for name, before, after in change.fields]
        return [*out, _("Kết luận: %(v)s") % {"v": self.verdict}]


@dataclass
class StepLine:
    """One processing step: who held the dossier, working hours, its own due time, overrun."""

    department: str
    handler: str
    end: str
    hours: float
    step_due: str
    late: bool
    hours_over: float
    overrun_hours: float

    def text(self) -> str:
        who = " / ".join(x for x in (self.department, self.handler) if x) or "—"
        line = _("%(who)s: %(h)s giờ, đến %(end)s") % {"who": who, "h": f"{self.hours:.1f}", "end": self.end}
        if self.step_due:
            line += "; " + _("hạn bước %(due)s") % {"due": self.step_due}
        if self.late:
            line += "; " + _("quá hạn bước %(h)s giờ") % {"h": f"{self.hours_over:.1f}"}
        if self.overrun_hours:
            line += "; " + _("gây trễ hạn %(h)s giờ") % {"h": f"{self.overrun_hours:.1f}"}
        return line


LATE_BY_VI = {
    "staff": gettext_noop("Trễ hạn %(h)s giờ làm việc do các bước xử lý: %(who)s."),
    "citizen": gettext_noop("Trễ hạn %(h)s giờ làm việc khi đang chờ công dân bổ sung hồ sơ."),
    "sync": gettext_noop("Trễ hạn %(h)s giờ làm việc do đồng bộ dữ liệu (các bước xử lý đúng hạn)."),
}


def step_lines(d: Dossier) -> tuple[list[StepLine], str]:
    """The step table and the sentence saying who made the dossier late (empty when not late)."""
    from kpixa.dossiers.step_analysis import lateness

    found = lateness(d)
    lines = [
        StepLine(
            s.department,
            s.handler,
            fmt(s.end),
            s.hours,
            fmt(s.step_due),
            s.late,
            s.hours_over,
            s.overrun_hours,
        )
        for s in found.spans
    ]
    if found.cause is None:
        return lines, ""
    who = ", ".join(
        _("%(name)s (%(h)s giờ)") % {"name": name or "—", "h": f"{h:.1f}"}
        for name, h in found.departments.items()
    )
    who = who or "—"
    return lines, _(LATE_BY_VI[found.cause]) % {"h": f"{found.overrun_hours:.1f}", "who": who}


@dataclass
class Change:
    """One kept version of a dossier: when, which batch and who, and the fields it changed."""

    at: str
    summary: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)


def explain(dossier: Dossier, as_of: date | None = None) -> Explanation:
    """Explain ``dossier``'s outcome as of ``as_of`` (default: today, Vietnam time)."""
    as_of = as_of or (local(datetime.now().astimezone()) or datetime.now()).date()
    result = Explanation(events=timeline(dossier))
    result.reasoning = reasoning(dossier)
    result.history = changes(dossier)
    result.steps, result.late_by = step_lines(dossier)
    outcome = outcome_as_of(dossier, as_of) if as_of >= dossier.received_day else "open_within"
    result.verdict = _("%(outcome)s (tính đến hết ngày %(day)s)") % {
        "outcome": _(OUTCOME_VI[outcome]),
        "day": fmt(as_of),
    }
    return result


def timeline(d: Dossier) -> list[tuple[str, str]]:
    """Dated events: submission, receipt, steps, supplement requests and answers, result."""
    events: list[tuple[datetime | None, str]] = [
        (local(d.submitted_at), _("Nộp hồ sơ")),
        (local(d.received_at), _("Tiếp nhận hồ sơ (bắt đầu tính thời gian)")),
    ]
    for step in d.steps:
        events.append((_dt(step.get("at")), _step_text(step)))
    for i, sup in enumerate(d.supplements, 1):
        events.append((_dt(sup["requested_at"]), _("Yêu cầu bổ sung lần %(n)s") % {"n": i}))
        if sup.get("answered_at"):
            events.append((_dt(sup["answered_at"]), _("Tiếp nhận hồ sơ bổ sung lần %(n)s") % {"n": i}))
    events += [(local(d.returned_at), _("Trả kết quả")), (local(d.refused_at), _("Từ chối"))]
    dated = sorted((e for e in events if e[0] is not None), key=lambda e: e[0])  # type: ignore[arg-type, return-value]
    return [(fmt(at), what) for at, what in dated]


def status_name(code: int) -> str:
    """The translated name of a dossier status code ('' when unknown)."""
    name = STATUS_NAMES.get(code)
    return _(name) if name else ""


def _step_text(step: dict[str, Any]) -> str:
    """A step as 'content · status · department, title' (the sender's own words kept as sent)."""
    status = status_name(step.get("status") or 0)
    who = ", ".join(x for x in (step.get("department"), step.get("title")) if x)
    return " · ".join(x for x in (step.get("content"), status, who) if x) or _("Bước xử lý")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def reasoning(d: Dossier) -> list[str]:
    """The rule applied, step by step (docs/rules.md, "Dossier outcome")."""
    lines = [_due_line(d)]
    if d.supplement_count:
        lines.append(_supplement_line(d))
    if d.effective_due_at is not None:
        lines.append(_("Hạn xử lý hiệu lực: %(due)s.") % {"due": fmt(d.effective_due_at)})
    if d.supplement_count > 1:
        lines.append(_("Hơn một lần yêu cầu bổ sung: hồ sơ bị tính là trễ hạn (từ lần yêu cầu thứ hai)."))
    lines.append(_end_line(d))
    if d.online and d.late_receipt:
        lines.append(
            _("Hồ sơ trực tuyến được tiếp nhận sau hơn 8 giờ làm việc kể từ khi nộp: quá hạn tiếp nhận.")
        )
    return lines


def _supplement_line(d: Dossier) -> str:
    params = {"n": d.supplement_count, "wait": duration(d.wait_seconds)}
    if d.supplement_open:
        return (
            _(
                "Có %(n)s lần yêu cầu bổ sung; thời gian chờ công dân bổ sung %(wait)s được trừ "
                "(cộng vào hạn); một yêu cầu vẫn chờ công dân, đồng hồ dừng."
            )
            % params
        )
    return (
        _("Có %(n)s lần yêu cầu bổ sung; thời gian chờ công dân bổ sung %(wait)s được trừ (cộng vào hạn).")
        % params
    )


def _due_line(d: Dossier) -> str:
    if not d.due_source:
        return _(
            "Không có ngày hẹn trả và không có thời hạn giải quyết: không xác định được hạn; hồ sơ "
            "được tính là không đúng hạn (lỗi dữ liệu của hệ thống gửi)."
        )
    source = DUE_SOURCES.get(d.due_source)
    params: dict[str, Any] = {"source": _(source) if source else d.due_source}
    base = d.effective_due_at - timedelta(seconds=d.wait_seconds) if d.effective_due_at else None
    params["due"] = fmt(base)
    proc = d.procedure
    if d.due_source != "luat_dinh" or proc is None:
        return _("Hạn trả lấy theo %(source)s: %(due)s.") % params
    params.update(limit=f"{proc.limit_value:g}", unit=proc.get_limit_unit_display(), hour=proc.cutoff_hour)
    if proc.cutoff_hour:
        template = _(
            "Hạn trả lấy theo %(source)s (%(limit)s %(unit)s từ lúc tiếp nhận, nhận sau %(hour)s:00 "
            "tính từ ngày làm việc sau): %(due)s."
        )
    else:
        template = _("Hạn trả lấy theo %(source)s (%(limit)s %(unit)s từ lúc tiếp nhận): %(due)s.")
    return template % params


def _end_line(d: Dossier) -> str:
    if d.end_at is None:
        return _("Chưa kết thúc xử lý: được đánh giá tại cuối kỳ, trong hạn hay quá hạn.")
    params = {"end": fmt(d.end_at), "source": _end_source(d.end_source)}
    if d.effective_due_at is None or d.supplement_count > 1:
        return _("Kết thúc xử lý lúc %(end)s theo %(source)s.") % params
    if d.on_time:
        return _("Kết thúc xử lý lúc %(end)s theo %(source)s, không muộn hơn hạn hiệu lực.") % params
    return _("Kết thúc xử lý lúc %(end)s theo %(source)s, muộn hơn hạn hiệu lực.") % params


def _end_source(end_source: str) -> str:
    source = END_SOURCES.get(end_source)
    if source is not None:
        return _(source)
    if end_source.startswith("buoc_"):
        code = int(end_source.removeprefix("buoc_"))
        return _("thời điểm bước xử lý có trạng thái %(code)s (%(name)s)") % {
            "code": code,
            "name": status_name(code),
        }
    return end_source


def changes(d: Dossier) -> list[Change]:
    """The dossier's kept versions, newest first, then the batch that created it (one query)."""
    from kpixa.dossiers.services.history import versions_of

    versions = versions_of(d)
    found = [
        Change(
            fmt(v.changed_at),
            _("Lô #%(batch)s (%(who)s) thay đổi %(n)s trường")
            % {"batch": v.batch_id, "who": v.actor_label, "n": len(v.changes)},
            [
                (_field_name(name), _value(before), _value(after))
                for name, (before, after) in sorted(v.changes.items())
            ],
        )
        for v in versions
    ]
    first = versions[-1].previous_batch_id if versions else d.batch_id
    found.append(
        Change(
            fmt(d.ingested_at) if not versions else "—", _("Tạo từ lô #%(batch)s") % {"batch": first or "—"}
        )
    )
    return found


def _field_name(name: str) -> str:
    try:
        return str(getattr(Dossier._meta.get_field(name.removesuffix("_id")), "verbose_name", name))
    except FieldDoesNotExist:  # a column the model no longer has: its stored name
        return name


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ngettext("%(n)s mục", "%(n)s mục", len(value)) % {"n": len(value)}
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        return fmt(value)
    return str(value)

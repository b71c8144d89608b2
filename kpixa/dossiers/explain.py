"""One dossier's timeline and how its outcome was reached, in Vietnamese, rebuilt from stored facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from kpixa.dossiers.facts import outcome_as_of
from kpixa.dossiers.models import Dossier
from kpixa.dossiers.parsing import local
from kpixa.dossiers.records import STATUS_NAMES

OUTCOME_VI = {
    "on_time": "Đúng hạn",
    "late": "Trễ hạn",
    "open_within": "Đang xử lý trong hạn",
    "open_overdue": "Đang xử lý quá hạn",
}
DUE_SOURCES = {
    "NgayHenTra": "ngày hẹn trả (NgayHenTra)",
    "NgayHenTraTruoc": "ngày hẹn trả trước lần bổ sung đầu tiên (NgayHenTraTruoc)",
    "luat_dinh": "thời hạn giải quyết luật định của thủ tục, tính theo lịch ngày làm việc",
}
END_SOURCES = {
    "NgayKetThucXuLy": "ngày kết thúc xử lý (NgayKetThucXuLy)",
    "NgayTra": "ngày trả kết quả (NgayTra)",
    "NgayTuChoi": "ngày từ chối (NgayTuChoi)",
    "bo_sung": "lần yêu cầu bổ sung duy nhất, chưa được đáp ứng",
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
    """A waiting time as 'N ngày H giờ M phút'."""
    d = timedelta(seconds=seconds)
    hours, rest = divmod(d.seconds, 3600)
    parts = [f"{d.days} ngày"] if d.days else []
    parts += [f"{hours} giờ"] if hours else []
    parts += [f"{rest // 60} phút"] if rest // 60 else []
    return " ".join(parts) or "0 phút"


@dataclass
class Explanation:
    """The timeline events, the reasoning steps and the verdict of one dossier."""

    events: list[tuple[str, str]] = field(default_factory=list)  # (time, what)
    reasoning: list[str] = field(default_factory=list)
    verdict: str = ""

    def lines(self) -> list[str]:
        out = [_("Diễn biến:")] + [f"  {at}  {what}" for at, what in self.events]
        out += [_("Cách xác định kết quả:")] + [f"  - {line}" for line in self.reasoning]
        return [*out, _("Kết luận: %(v)s") % {"v": self.verdict}]


def explain(dossier: Dossier, as_of: date | None = None) -> Explanation:
    """Explain ``dossier``'s outcome as of ``as_of`` (default: today, Vietnam time)."""
    as_of = as_of or (local(datetime.now().astimezone()) or datetime.now()).date()
    result = Explanation(events=timeline(dossier))
    result.reasoning = reasoning(dossier)
    outcome = outcome_as_of(dossier, as_of) if as_of >= dossier.received_day else "open_within"
    result.verdict = f"{OUTCOME_VI[outcome]} (tính đến hết ngày {fmt(as_of)})"
    return result


def timeline(d: Dossier) -> list[tuple[str, str]]:
    """Dated events: submission, receipt, steps, supplement requests and answers, result."""
    events: list[tuple[datetime | None, str]] = [
        (local(d.submitted_at), "Nộp hồ sơ"),
        (local(d.received_at), "Tiếp nhận hồ sơ (bắt đầu tính thời gian)"),
    ]
    for step in d.steps:
        status = STATUS_NAMES.get(step.get("status") or 0, "")
        who = ", ".join(x for x in (step.get("department"), step.get("title")) if x)
        text = " · ".join(x for x in (step.get("content"), status, who) if x)
        events.append((_dt(step.get("at")), text or "Bước xử lý"))
    for i, sup in enumerate(d.supplements, 1):
        events.append((_dt(sup["requested_at"]), f"Yêu cầu bổ sung lần {i}"))
        if sup.get("answered_at"):
            events.append((_dt(sup["answered_at"]), f"Tiếp nhận hồ sơ bổ sung lần {i}"))
    events += [(local(d.returned_at), "Trả kết quả"), (local(d.refused_at), "Từ chối")]
    dated = sorted((e for e in events if e[0] is not None), key=lambda e: e[0])  # type: ignore[arg-type, return-value]
    return [(fmt(at), what) for at, what in dated]


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def reasoning(d: Dossier) -> list[str]:
    """The rule applied, step by step (RULES.md §4)."""
    lines = [_due_line(d)]
    if d.supplement_count:
        lines.append(
            f"Có {d.supplement_count} lần yêu cầu bổ sung; thời gian chờ công dân bổ sung "
            f"{duration(d.wait_seconds)} được trừ (cộng vào hạn)"
            + ("; một yêu cầu vẫn chờ công dân, đồng hồ dừng." if d.supplement_open else ".")
        )
    if d.effective_due_at is not None:
        lines.append(f"Hạn xử lý hiệu lực: {fmt(d.effective_due_at)}.")
    if d.supplement_count > 1:
        lines.append("Hơn một lần yêu cầu bổ sung: hồ sơ bị tính là trễ hạn (từ lần yêu cầu thứ hai).")
    lines.append(_end_line(d))
    if d.online and d.late_receipt:
        lines.append(
            "Hồ sơ trực tuyến được tiếp nhận sau hơn 8 giờ làm việc kể từ khi nộp: quá hạn tiếp nhận."
        )
    return lines


def _due_line(d: Dossier) -> str:
    if not d.due_source:
        return "Không có ngày hẹn trả và thủ tục chưa có thời hạn giải quyết: không xác định được hạn."
    line = f"Hạn trả lấy theo {DUE_SOURCES.get(d.due_source, d.due_source)}"
    proc = d.procedure
    if d.due_source == "luat_dinh" and proc is not None:
        unit = proc.get_limit_unit_display()
        cutoff = f", nhận sau {proc.cutoff_hour}:00 tính từ ngày làm việc sau" if proc.cutoff_hour else ""
        line += f" ({proc.limit_value:g} {unit} từ lúc tiếp nhận{cutoff})"
    base = d.effective_due_at - timedelta(seconds=d.wait_seconds) if d.effective_due_at else None
    return f"{line}: {fmt(base)}."


def _end_line(d: Dossier) -> str:
    if d.end_at is None:
        return "Chưa kết thúc xử lý: được đánh giá tại cuối kỳ, trong hạn hay quá hạn."
    source = END_SOURCES.get(d.end_source)
    if source is None and d.end_source.startswith("buoc_"):
        code = int(d.end_source.removeprefix("buoc_"))
        source = f"thời điểm bước xử lý có trạng thái {code} ({STATUS_NAMES.get(code, '')})"
    compare = "không muộn hơn" if d.on_time else "muộn hơn"
    tail = f", {compare} hạn hiệu lực" if d.effective_due_at is not None and d.supplement_count <= 1 else ""
    return f"Kết thúc xử lý lúc {fmt(d.end_at)} theo {source}{tail}."

"""Labels every page and export shares: indicator statuses and class labels in the active language
(the pages reach them through ``kpixa.web.labels``, the score exports here).

Statuses (docs/scoring.md, "Statuses"), one meaning each: "Đạt" / "Chưa đạt" (scored on the
period's figures, target met or not); "Không có dữ liệu" (the period has no figures for it: no
dossier in the denominator, nothing reported); "Không áp dụng" (the indicator does not apply to
this kind of unit); "Không đo được" (kpixa cannot know the measure for the period, e.g. history
loaded after the fact). What the last three do to the total is said beside them, in words of its
own: counted with full marks, its points shared among its group, or left out of the total.

A score stores its class label as the framework band gave it in Vietnamese
(``classification_label``: the record and the JSON export keep it). The pages and the CSV and
XLSX exports show the band's label in the active language instead: the English label of the band
with the same code and Vietnamese label, from the framework versions parsed in this process, the
shipped framework files and the national bands (docs/rules.md, "Classification"). A label no band
knows is shown as stored.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from django.utils.translation import gettext as _

from kpixa.frameworks.parsed import parsed_frameworks
from kpixa.frameworks.services import shipped_files
from kpixa.rules.classification import NATIONAL_BANDS
from kpixa.scoring.engine.i18n import english
from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.versions import ScoringError, framework_of, version_for

NOT_SCORED = ("khong_co_du_lieu", "khong_ap_dung", "khong_do_duoc")


def status_labels() -> dict[str, str]:
    """The label of each stored indicator status, in the active language."""
    return {
        "dat": _("Đạt"),
        "chua_dat": _("Chưa đạt"),
        "khong_ap_dung": _("Không áp dụng"),
        "khong_co_du_lieu": _("Không có dữ liệu"),
        "khong_do_duoc": _("Không đo được"),
    }


def treatment_label(status: str, policy: str, counted_max: Decimal | None) -> str:
    """What an indicator without a result does to the total ("" for a scored one): counted with
    full marks (it still counts), its points shared among its group, or left out of the total."""
    if status not in NOT_SCORED:
        return ""
    if counted_max:
        return _("tính đủ điểm")
    if policy == "redistribute" and status != "khong_do_duoc":
        return _("điểm chia cho các chỉ số khác trong nhóm")
    return _("không tính vào tổng")


def status_text(status: str, policy: str = "", counted_max: Decimal | None = None) -> str:
    """A status's label, with what it does to the total when the indicator has no result:
    "Không có dữ liệu — tính đủ điểm", "Không có dữ liệu — không tính vào tổng"."""
    label = status_labels().get(status, status or "—")
    treatment = treatment_label(status, policy, counted_max)
    return f"{label} — {treatment}" if treatment else label


def policy_status_text(status: str, policy: str) -> str:
    """:func:`status_text` where the stored counted maximum is not at hand (the leader page's
    owned indicators): what the framework's policy does, full marks counting unless the measure
    cannot be known."""
    counts = policy == "full_marks" and status != "khong_do_duoc"
    return status_text(status, policy, Decimal(1) if counts else None)


def framework_name(code: str, period: PeriodSpan) -> str:
    """The name (from its file, in the active language) of framework ``code``'s version in force
    for ``period``; its code when none is or the file names none. A version parsed in this
    process is named without a query (by its file's validity), any other through the database."""
    parsed = [
        f
        for f in parsed_frameworks()
        if f.code == code and f.valid_from <= period.end and (f.valid_to is None or f.valid_to >= period.end)
    ]
    if parsed:
        return max(parsed, key=lambda f: f.valid_from).name.shown or code
    try:
        return framework_of(version_for(code, period)).name.shown or code
    except ScoringError:
        return code


@cache
def _shipped() -> dict[tuple[str, str], str]:
    labels = {(str(code), vi): en for code, _min, vi, en in NATIONAL_BANDS}
    for path in shipped_files():
        for band in load_framework(path.read_text("utf-8"), source_name=path.name).classification:
            if band.label.en:
                labels[(band.code, band.label.vi)] = band.label.en
    return labels


def class_shown(label: str, code: str = "") -> str:
    """The stored Vietnamese class ``label`` (of class ``code``) in the active language."""
    if not label or not english():
        return label
    for framework in parsed_frameworks():
        for band in framework.classification:
            if band.label.vi == label and band.label.en and (not code or band.code == code):
                return band.label.en
    shipped = _shipped()
    found = shipped.get((code, label)) or next((en for (_c, vi), en in shipped.items() if vi == label), None)
    return found or label

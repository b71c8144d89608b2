"""Readable differences between two framework versions (for review and the what-if page)."""

from __future__ import annotations

from typing import Any

from kpixa.scoring.engine.i18n import _
from kpixa.scoring.engine.model import Framework, Group, Indicator
from kpixa.scoring.engine.numbers import fmt_number


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "source"):
        return str(value.source)
    if hasattr(value, "as_tuple"):
        return fmt_number(value)
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or _("tất cả")
    return str(getattr(value, "value", value))


def _indicator_fields(ind: Indicator) -> dict[str, Any]:
    return {
        _("tên"): ind.name.vi,
        _("nhóm"): ind.group,
        _("tử số"): ind.numerator,
        _("mẫu số"): ind.denominator,
        _("chiều"): ind.direction,
        _("dạng tính điểm"): ind.scoring.form,
        _("công thức"): ind.scoring.points,
        _("các mức"): ", ".join(
            f"{fmt_number(b.threshold)}%→{fmt_number(b.points)}" for b in ind.scoring.bands
        ),
        _("ngưỡng 0 điểm"): ind.scoring.floor,
        _("điểm tối đa"): ind.max_points,
        _("chỉ tiêu"): ind.target,
        _("xử lý khi không áp dụng"): ind.na_policy,
        _("loại đơn vị áp dụng"): ind.applies_to.kinds,
        _("nhóm tương đồng áp dụng"): ind.applies_to.peer_groups,
    }


def _field_changes(prefix: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [
        _("{prefix}: {field} {old} → {new}").format(
            prefix=prefix, field=k, old=_show(old[k]), new=_show(new[k])
        )
        for k in old
        if _show(old[k]) != _show(new[k])
    ]


def _header_changes(old: Framework, new: Framework) -> list[str]:
    fields = {
        _("phiên bản"): (old.version, new.version),
        _("tên"): (old.name.vi, new.name.vi),
        _("hiệu lực từ"): (old.valid_from, new.valid_from),
        _("hiệu lực đến"): (old.valid_to, new.valid_to),
        _("trạng thái"): (old.status, new.status),
        _("tổng điểm"): (old.total_points, new.total_points),
    }
    return [
        _("Bộ chỉ số: {field} {old} → {new}").format(field=k, old=_show(a), new=_show(b))
        for k, (a, b) in fields.items()
        if _show(a) != _show(b)
    ]


def _group_changes(old: Framework, new: Framework) -> list[str]:
    before: dict[str, Group] = {g.code: g for g in old.groups}
    after: dict[str, Group] = {g.code: g for g in new.groups}
    out = [
        _("Bỏ nhóm {code} ({name})").format(code=c, name=before[c].name.vi) for c in before if c not in after
    ]
    out += [
        _("Thêm nhóm {code} ({name}, {max} điểm)").format(
            code=c, name=g.name.vi, max=fmt_number(g.max_points)
        )
        for c, g in after.items()
        if c not in before
    ]
    for code in (c for c in before if c in after):
        old_fields = {_("tên"): before[code].name.vi, _("điểm tối đa"): before[code].max_points}
        new_fields = {_("tên"): after[code].name.vi, _("điểm tối đa"): after[code].max_points}
        out += _field_changes(_("Nhóm {code}").format(code=code), old_fields, new_fields)
    return out


def _indicator_changes(old: Framework, new: Framework) -> list[str]:
    before = {i.code: i for i in old.indicators()}
    after = {i.code: i for i in new.indicators()}
    out = [
        _("Bỏ chỉ số {code} ({name})").format(code=c, name=i.name.vi)
        for c, i in before.items()
        if c not in after
    ]
    out += [
        _("Thêm chỉ số {code} ({name}, {max} điểm)").format(
            code=c, name=i.name.vi, max=fmt_number(i.max_points)
        )
        for c, i in after.items()
        if c not in before
    ]
    for code in (c for c in before if c in after):
        prefix = _("Chỉ số {code}").format(code=code)
        out += _field_changes(prefix, _indicator_fields(before[code]), _indicator_fields(after[code]))
    return out


def _band_changes(old: Framework, new: Framework) -> list[str]:
    def show(fw: Framework) -> str:
        return "; ".join(f"{b.label.vi} ≥ {fmt_number(b.min_total)}" for b in fw.classification)

    if show(old) == show(new):
        return []
    return [_("Xếp loại: {old} → {new}").format(old=show(old), new=show(new))]


def diff_frameworks(old: Framework, new: Framework) -> list[str]:
    """Return the changes from ``old`` to ``new`` as readable Vietnamese lines (empty when equal)."""
    return (
        _header_changes(old, new)
        + _group_changes(old, new)
        + _indicator_changes(old, new)
        + _band_changes(old, new)
        + ([_("Quy tắc đánh giá thay đổi")] if old.evaluation != new.evaluation else [])
    )

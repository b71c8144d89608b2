"""Fixed wording of the official report: the national motto, column headers, number styles."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kpixa.scoring.engine.model import Framework

# The national motto is never translated: it is the state's header on every official document.
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUBTITLE = "Độc lập - Tự do - Hạnh phúc"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def group_number(index: int) -> str:
    """A group's number as official reports write it: I, II, III … (1-based ``index``)."""
    return ROMAN[index - 1] if 0 < index <= len(ROMAN) else str(index)


def scorecard_headers() -> list[str]:
    """The scorecard table's column headers."""
    return [
        _("STT"),
        _("Mã"),
        _("Chỉ số"),
        _("Tử số"),
        _("Mẫu số"),
        _("Tỷ lệ (%)"),
        _("Chỉ tiêu (%)"),
        _("Điểm"),
        _("Điểm tối đa"),
        _("Tính vào tổng"),
        _("Tình trạng"),
        _("Giải thích"),
    ]


def ranking_headers(framework: Framework, rescaled: Sequence[bool] = ()) -> list[str]:
    """The ranking table's column headers: one per group of ``framework`` between the fixed ones;
    a group whose maximum was re-scaled for some unit (``rescaled``) has its maximum marked "*"."""
    marks = [("*" if i < len(rescaled) and rescaled[i] else "") for i in range(len(framework.groups))]
    groups = [
        _("%(number)s. %(name)s (%(max)s)")
        % {"number": group_number(i), "name": g.name.vi, "max": points(g.max_points) + marks[i - 1]}
        for i, g in enumerate(framework.groups, start=1)
    ]
    fixed = [_("STT"), _("Hạng"), _("Mã"), _("Tên đơn vị"), _("Loại")]
    return [*fixed, *groups, _("Tổng điểm"), _("Xếp loại")]


def number(value: Any) -> str:
    """A number as Vietnamese documents write it ("1.270", "67,24"); None (no data) as "–"."""
    if value is None:
        return "–"
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return f"{int(amount):,}".replace(",", ".")
    text = f"{amount:,.2f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def points(value: Any) -> str:
    """Points, rates and targets, always with two decimals ("20,00", "67,24"); None as "–".

    One style for every such column, so a group's "20,00" and a commune's "20,83" read alike."""
    if value is None:
        return "–"
    text = f"{Decimal(str(value)):,.2f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")

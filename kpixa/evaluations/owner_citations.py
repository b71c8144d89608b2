"""The indicators an evaluation or a proposed consequence cites with their owner (docs/rules.md,
"Owners cited by evaluations and consequences").

An evaluation names, for each indicator that failed its target or cost the commune the most
points, the post and the person that owned it on the period's end date
(``kpixa.frameworks.owners``): "Chỉ số 2.3 — phụ trách: Phó Chủ tịch UBND Nguyễn Văn A". An
indicator nobody owned is shown as a gap, never left out. The citations are stored with the
evaluation and the proposals as plain data (``Cited.as_dict``) so the pages read no more rows
and show them in the active language.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kpixa.frameworks.models import FrameworkVersion
from kpixa.frameworks.owners import OwnerLine, owners_by_commune
from kpixa.scoring.engine.classification import EXCELLENT
from kpixa.scoring.engine.core import CHUA_DAT
from kpixa.units.models import PostKind

FAILED = CHUA_DAT
TOP_CLASS = EXCELLENT
# How many indicators that met (or had no) target, but lost the most points, are cited beside
# the failed ones.
MOST_LOST = 3


@dataclass(frozen=True)
class ScoreLine:
    """One stored indicator score of a commune, as the citation reads it."""

    code: str
    status: str
    points: Decimal | None
    max_points: Decimal | None

    @property
    def lost(self) -> Decimal:
        if self.points is None or self.max_points is None:
            return Decimal(0)
        return max(Decimal(0), self.max_points - self.points)


def cited_codes(lines: Iterable[ScoreLine], top: bool = False) -> list[str]:
    """The indicators to cite, in order: every one that failed its target (by code), then, unless
    the commune earned the top class (``top``: nothing pulled it down), the (at most ``MOST_LOST``)
    others that lost the most points (largest loss first, then code)."""
    items = sorted(lines, key=lambda s: s.code)
    failed = [s.code for s in items if s.status == FAILED]
    if top:
        return failed
    others = sorted((s for s in items if s.status != FAILED and s.lost > 0), key=lambda s: (-s.lost, s.code))
    return failed + [s.code for s in others[:MOST_LOST]]


def citations(
    version: FrameworkVersion,
    province_id: int,
    scores: Mapping[int, Sequence[ScoreLine]],
    day: date,
    top: Collection[int] = (),
) -> dict[int, list[dict[str, Any]]]:
    """Each commune's cited indicators with their owner on ``day`` (2 queries; none when nothing
    is cited): ``[{code, name_vi, name_en, post, field, person_id, person_name}]``, an empty
    ``post`` for a gap. ``top``: the communes that earned the top class."""
    wanted = {cid: cited_codes(lines, cid in top) for cid, lines in scores.items()}
    wanted = {cid: codes for cid, codes in wanted.items() if codes}
    if not wanted:
        return {}
    owners = owners_by_commune(version, province_id, sorted(wanted), day)
    return {cid: [_as_dict(code, owners[cid].get(code)) for code in codes] for cid, codes in wanted.items()}


def _as_dict(code: str, line: OwnerLine | None) -> dict[str, Any]:
    if line is None:  # an indicator the version no longer has: a gap
        return {
            "code": code,
            "name_vi": "",
            "name_en": "",
            "post": "",
            "field": "",
            "person_id": None,
            "person_name": "",
        }
    return {
        "code": code,
        "name_vi": line.indicator.name.vi,
        "name_en": line.indicator.name.en,
        "post": line.post,
        "field": line.field,
        "person_id": line.person_id,
        "person_name": line.person_name,
    }


def post_label(post: str) -> str:
    """The post's label in the active language (the stored code when it is not a known post)."""
    return str(PostKind(post).label) if post in PostKind.values else post


def line_text(item: Mapping[str, Any]) -> str:
    """One citation in the active language: "Chỉ số 2.3 — phụ trách: Phó Chủ tịch UBND Nguyễn Văn A"."""
    code = item.get("code", "")
    if not item.get("post"):
        return _("Chỉ số {code} — chưa có người phụ trách").format(code=code)
    post = post_label(item["post"])
    if not item.get("person_name"):
        return _("Chỉ số {code} — phụ trách: {post}, chưa có người giữ chức").format(code=code, post=post)
    return _("Chỉ số {code} — phụ trách: {post} {person}").format(
        code=code, post=post, person=item["person_name"]
    )


def summary(items: Sequence[Mapping[str, Any]]) -> str:
    """The citations as one part of an explanation, in the active language ("" without any)."""
    if not items:
        return ""
    return _("chỉ số chưa đạt hoặc mất nhiều điểm nhất: {lines}").format(
        lines="; ".join(line_text(item) for item in _by_owner(items))
    )


def _by_owner(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The citations with one line per owner (post and person; the gaps together), their codes
    joined in order ("1.1, 1.2"), each owner where it first appears."""
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        key = (item.get("post") or "", item.get("person_name") or "")
        if key in lines:
            lines[key]["code"] = f"{lines[key]['code']}, {item.get('code', '')}"
        else:
            lines[key] = {**item}
    return list(lines.values())


def gaps(items: Sequence[Mapping[str, Any]]) -> int:
    """How many of the cited indicators nobody owned."""
    return sum(1 for item in items if not item.get("post"))

"""Demo step: Gia Lai's responsibility matrix and two past review meetings with commitments
(some kept, some not), and a third meeting prepared (idempotent)."""

from __future__ import annotations

from datetime import date, timedelta

from kpixa.frameworks.models import IndicatorOwner
from kpixa.frameworks.services import assign_owner
from kpixa.review import queries
from kpixa.review.models import CommitmentStatus, Meeting, MeetingBody
from kpixa.review.services import add_commitment, prepare_meeting, review_commitment
from kpixa.scoring.versions import period_of, version_for
from kpixa.units.models import Commune, PostKind, Province

DEMO_PROVINCE = "52"
DEMO_COMMUNE = "23872"  # Xã Ia Dom
FRAMEWORK = "dvc766"
START = date(2025, 7, 1)
# Group → (post, field) for every commune of the province; group 6 is left partly unowned (a gap).
OWNERS = {
    "1": (PostKind.VICE_CHAIRMAN, "Văn phòng, công khai thông tin"),
    "2": (PostKind.VICE_CHAIRMAN, "Hành chính công"),
    "3": (PostKind.VICE_CHAIRMAN, "Chuyển đổi số"),
    "4": (PostKind.VICE_CHAIRMAN, "Kinh tế"),
    "5": (PostKind.SECRETARY, ""),
    "6.1": (PostKind.VICE_CHAIRMAN, "Chuyển đổi số"),
}
# (held on, period reviewed, body)
MEETINGS = (
    (date(2025, 11, 12), "2025-10", MeetingBody.PEOPLES_COMMITTEE),
    (date(2025, 12, 10), "2025-11", MeetingBody.PARTY_COMMITTEE),
    (date(2026, 1, 14), "2025-12", MeetingBody.PEOPLES_COMMITTEE),
)
COMMITMENTS_PER_MEETING = 4


def seed_review_demo() -> None:
    """Owners, then the meetings (skipped when the province already has them)."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    _owners(province)
    if Meeting.objects.filter(province=province).exists():
        return
    held = [prepare_meeting(None, province, body, day, code, FRAMEWORK) for day, code, body in MEETINGS]
    for meeting in held[:2]:
        _commitments(meeting)
    # The second meeting checks the first one's commitments: kept where the indicator moved up.
    checked = queries.pack(held[1]).carried
    for index, line in enumerate(checked):
        kept = line.moved == "up" or (index == 0 and not any(c.moved == "up" for c in checked))
        if index == len(checked) - 1 and all(c.moved == "up" for c in checked):
            kept = False  # the demo shows a missed commitment too
        status = CommitmentStatus.KEPT if kept else CommitmentStatus.MISSED
        note = "Đã báo cáo kết quả tại cuộc họp." if kept else "Chưa có chuyển biến; giao rà soát lại."
        review_commitment(None, line.commitment, held[1], status, note)


def _owners(province: Province) -> None:
    version = version_for(FRAMEWORK, period_of("2025-07"))
    if IndicatorOwner.objects.filter(framework_version=version, province=province).exists():
        return
    for code, (post, field) in OWNERS.items():
        assign_owner(
            None, version, province, code, post, START, field=field, note="Quyết định phân công (demo)"
        )
    # From October the Chairman answers for progress himself; in Ia Dom, for satisfaction too.
    assign_owner(
        None, version, province, "2", PostKind.CHAIRMAN, date(2025, 10, 1), note="Điều chỉnh phân công"
    )
    ia_dom = Commune.objects.get(code=DEMO_COMMUNE)
    assign_owner(None, version, province, "5", PostKind.CHAIRMAN, date(2025, 11, 1), commune=ia_dom)


def _commitments(meeting: Meeting) -> None:
    data = queries.pack(meeting)
    worst = data.worst[: COMMITMENTS_PER_MEETING - 1]
    codes = [w.code for w in worst]
    communes = {c.code: c for c in Commune.objects.filter(code__in=[*codes, DEMO_COMMUNE])}
    targets = [(communes[w.code], w.pulls[0].code if w.pulls else "2.1") for w in worst]
    if DEMO_COMMUNE not in codes:
        targets.append((communes[DEMO_COMMUNE], "2.1"))
    for commune, indicator in targets:
        add_commitment(
            None,
            meeting,
            commune,
            PostKind.CHAIRMAN,
            indicator,
            f"Rà soát, xử lý dứt điểm nguyên nhân làm giảm chỉ số {indicator}; báo cáo tại cuộc họp sau.",
            meeting.held_on + timedelta(days=25),
        )

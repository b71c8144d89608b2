"""The monthly review meeting: preparing, commitments with their baseline and owner, checking at
the next meeting (final, audited), the pre-read pack, the pages and their access, the downloads."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from kpixa.accounts.models import AuditEntry
from kpixa.review import queries
from kpixa.review.models import CommitmentStatus
from kpixa.review.services import ReviewError, add_commitment, prepare_meeting, review_commitment
from kpixa.units.models import PostKind
from kpixa.web.tests.helpers import client_for, page

pytestmark = pytest.mark.django_db


def test_a_commitment_keeps_the_indicator_s_value_and_the_person_holding_the_post(meetings: Any) -> None:
    ia_dom = meetings.commitments[0]
    assert ia_dom.baseline == Decimal("72.00")  # 2.1 of Ia Dom in 2025-08
    assert ia_dom.owner_name == "Siu Thị Lan"  # the Chairman on the meeting's day
    entry = AuditEntry.objects.filter(action="review.commitment_recorded", object_id=str(ia_dom.pk)).get()
    assert entry.province_code == "52"


def test_the_next_meeting_shows_whether_each_indicator_moved(meetings: Any) -> None:
    pack = queries.pack(meetings.meetings[1])
    assert pack.previous_meeting == meetings.meetings[0]
    assert pack.since_code == "2025-08"
    moved = {line.commitment.commune.code: (line.now, line.moved) for line in pack.carried}
    assert moved == {
        "23872": (Decimal("60.00"), "down"),
        "23869": (Decimal("100.00"), "same"),
        "21553": (Decimal("90.00"), "up"),
    }
    assert pack.made == []
    assert [w.code for w in pack.worst][0] == "23872"  # the worst of 2025-09 first
    assert pack.worst[0].pulls and pack.worst[0].pulls[0].code == "2.1"


def test_a_commitment_is_checked_once_at_a_later_meeting(meetings: Any) -> None:
    admin = meetings.users["province_admin"]
    first, second = meetings.meetings
    commitment = meetings.commitments[2]
    with pytest.raises(ReviewError):  # not at the meeting it was made at
        review_commitment(admin, commitment, first, CommitmentStatus.KEPT)
    review_commitment(admin, commitment, second, CommitmentStatus.KEPT, "Đã báo cáo")
    commitment.refresh_from_db()
    assert (commitment.status, commitment.reviewed_in) == (CommitmentStatus.KEPT, second)
    with pytest.raises(ReviewError):
        review_commitment(admin, commitment, second, CommitmentStatus.MISSED)
    assert AuditEntry.objects.filter(action="review.commitment_checked").count() == 1


def test_it_refuses_a_commitment_that_cannot_be_tracked(meetings: Any) -> None:
    first = meetings.meetings[0]
    with pytest.raises(ReviewError):
        add_commitment(None, first, meetings.foreign, PostKind.CHAIRMAN, "2.1", "x", date(2025, 9, 30))
    with pytest.raises(ReviewError):
        add_commitment(None, first, meetings.commune, PostKind.CHAIRMAN, "9.9", "x", date(2025, 9, 30))
    with pytest.raises(ReviewError):
        add_commitment(None, first, meetings.commune, PostKind.CHAIRMAN, "2.1", "x", date(2025, 9, 1))
    with pytest.raises(ReviewError):
        prepare_meeting(None, meetings.province, "party_committee", date(2025, 9, 1), "1999-01", "dvc766")


def test_the_pages_list_meetings_and_show_the_pack(meetings: Any, django_assert_num_queries: Any) -> None:
    client = client_for(meetings, "province_viewer")
    client.get("/giao-ban/tinh/52/")  # warm the session and the parsed framework
    with django_assert_num_queries(5):
        html = page(client, "/giao-ban/tinh/52/")
    assert "10/09/2025" in html and "Chuẩn bị cuộc họp" not in html  # a viewer does not prepare
    second = meetings.meetings[1]
    url = f"/giao-ban/tinh/52/{second.pk}/"
    client.get(url)
    with django_assert_num_queries(11):
        html = page(client, url)
    assert "Cam kết tại cuộc họp trước" in html and "Giải quyết đúng hạn (21553)" in html
    assert "Ghi cam kết" not in html
    admin = client_for(meetings, "province_admin")
    assert "Ghi cam kết" in page(admin, url)
    assert page(client, "/giao-ban/tinh/66/", 404)


def test_a_province_admin_prepares_a_meeting_and_records_a_commitment(meetings: Any) -> None:
    admin = client_for(meetings, "province_admin")
    response = admin.post(
        "/giao-ban/tinh/52/", {"body": "peoples_committee", "held_on": "2025-11-12", "period_code": "2025-09"}
    )
    assert response.status_code == 302
    url = response["Location"]
    meeting_id = int(url.rstrip("/").split("/")[-1])
    response = admin.post(
        f"{url}cam-ket/",
        {
            "commune": "23872",
            "post": "chairman",
            "indicator_code": "2.1",
            "what": "Xử lý hồ sơ tồn",
            "due_on": "2025-12-01",
        },
    )
    assert response.status_code == 302
    assert "Xử lý hồ sơ tồn" in page(admin, url)
    viewer = client_for(meetings, "province_viewer")
    assert viewer.post(f"/giao-ban/tinh/52/{meeting_id}/cam-ket/", {}).status_code == 403


def test_checking_a_commitment_asks_for_confirmation(meetings: Any) -> None:
    admin = client_for(meetings, "province_admin")
    commitment = meetings.commitments[0]
    url = f"/giao-ban/tinh/52/cam-ket/{commitment.pk}/"
    assert "không sửa được" in page(admin, url)
    assert admin.post(url, {"status": "missed"}).status_code == 200  # no confirmation: nothing done
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN
    assert (
        admin.post(url, {"status": "missed", "confirm": "on", "note": "Chưa chuyển biến"}).status_code == 302
    )
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.MISSED


def test_the_commune_sees_its_own_commitments_only(meetings: Any, django_assert_num_queries: Any) -> None:
    leader = client_for(meetings, "commune_leader")
    leader.get("/giao-ban/xa/23872/cam-ket/")
    with django_assert_num_queries(8):
        html = page(leader, "/giao-ban/xa/23872/cam-ket/")
    assert "Giải quyết đúng hạn (23872)" in html and "(23869)" not in html
    page(leader, "/giao-ban/xa/23869/cam-ket/", 404)


def test_the_pack_downloads_as_an_official_xlsx(meetings: Any) -> None:
    client = client_for(meetings, "province_viewer")
    response = client.get(f"/tinh/52/giao-ban/{meetings.meetings[1].pk}/tai-lieu.xlsx")
    assert response.status_code == 200
    sheet: Any = load_workbook(io.BytesIO(response.content)).active
    text = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "TÀI LIỆU HỌP GIAO BAN" in text
    assert any(t.startswith("III. Cam kết tại cuộc họp trước") for t in text)
    assert "Nơi nhận:" in text
    assert client.get(f"/tinh/52/giao-ban/{meetings.meetings[1].pk}/tai-lieu.doc").status_code == 404


def test_the_pack_downloads_as_a_pdf(meetings: Any) -> None:
    client = client_for(meetings, "province_viewer")
    response = client.get(f"/tinh/52/giao-ban/{meetings.meetings[0].pk}/tai-lieu.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_meeting_page_speaks_english(meetings: Any) -> None:
    client = client_for(meetings, "province_viewer")
    client.cookies["django_language"] = "en"
    html = page(client, f"/giao-ban/tinh/52/{meetings.meetings[1].pk}/")
    for words in ("The worst communes", "Commitments of the previous meeting", "Pulled down by:", "down"):
        assert words in html
    assert "Các xã/phường kém nhất" not in html

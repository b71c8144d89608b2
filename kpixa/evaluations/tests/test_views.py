"""The lifecycle and appeal pages: each by the right role, refused for the wrong ones, query counts pinned."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from kpixa.accounts.models import Role, User
from kpixa.evaluations.models import Appeal, AppealStatus, Period, PeriodState, Snapshot
from kpixa.evaluations.services import appeals
from kpixa.evaluations.tests.conftest import Q3, score
from kpixa.reporting.tests.conftest import pdf, upload

PERIODS = "/ky-danh-gia/tinh/52/"
PERIOD = f"/ky-danh-gia/tinh/52/{Q3}/"
APPEALS = "/ky-danh-gia/tinh/52/khieu-nai/"
COMMUNE = f"/ky-danh-gia/xa/23872/{Q3}/"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def client_for(world, role=None):
    client = Client()
    if role is not None:
        client.force_login(world.users[role])
    return client


def text(response):
    return response.content.decode()


@pytest.fixture
def scored(world, test_kpi):
    score(world, Q3, {world.commune: 80, world.sibling: 70, world.third: 60})


def file_appeal(world, indicator="1.1"):
    leader = world.users[Role.COMMUNE_LEADER]
    return appeals.file_appeal(leader, world.commune, Q3, "test_kpi", indicator, "Thiếu số liệu tháng 9")


# --- the period pages ----------------------------------------------------------------------------


def test_it_lists_the_provinces_periods_with_their_state(world, published_q3, django_assert_num_queries):
    Period.objects.create(
        province=world.province, code="2025-Q4", kind="quarter", start="2025-10-01", end="2025-12-31"
    )
    client = client_for(world, Role.PROVINCE_ADMIN)
    # session (cached), user, province, unread count, periods with counts, scored periods
    with django_assert_num_queries(5):
        response = client.get(PERIODS)
    page = text(response)
    assert response.status_code == 200
    assert "2025-Q4" in page and "Đang mở" in page
    until = published_q3.period.appeal_until.strftime("%d/%m/%Y")
    assert f"nhận khiếu nại đến hết {until}" in page


@pytest.mark.parametrize("role", [Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER])
def test_commune_roles_cannot_see_the_period_pages(world, published_q3, role):
    client = client_for(world, role)
    for url in (PERIODS, PERIOD, APPEALS):
        assert client.get(url).status_code == 403


def test_another_provinces_period_pages_do_not_exist(world, published_q3):
    client = client_for(world, Role.PROVINCE_ADMIN)
    assert client.get("/ky-danh-gia/tinh/66/").status_code == 404
    assert client.post(f"/ky-danh-gia/tinh/66/{Q3}/khoa/").status_code == 404


def test_anonymous_users_are_sent_to_log_in(world):
    response = Client().get(PERIODS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_viewer_sees_the_period_without_buttons_and_cannot_move_it(world, scored):
    client = client_for(world, Role.PROVINCE_VIEWER)
    page = text(client.get(PERIOD))
    assert "Đang mở" in page and "Xác nhận khóa số liệu</button>" not in page
    assert client.post(PERIOD + "khoa/").status_code == 403
    assert not Period.objects.filter(code=Q3, state=PeriodState.CLOSED).exists()


def test_the_admin_closes_publishes_and_sees_the_hash(world, scored):
    client = client_for(world, Role.PROVINCE_ADMIN)
    assert "Xác nhận khóa số liệu</button>" in text(client.get(PERIOD))  # behind its confirmation
    page = text(client.post(PERIOD + "khoa/", follow=True))
    assert "Đã khóa số liệu kỳ 2025-Q3." in page and "Xác nhận công bố</button>" in page
    page = text(client.post(PERIOD + "cong-bo/", follow=True))
    snapshot = Snapshot.objects.get(period__code=Q3)
    assert f"Mã băm SHA-256 của bản công bố: {snapshot.sha256}" in page
    assert "Công bố lần đầu." in page and "Xác nhận chuyển thành chính thức</button>" in page


def test_it_shows_refusals_in_vietnamese(world, scored):
    client = client_for(world, Role.PROVINCE_ADMIN)
    page = text(client.post(PERIOD + "cong-bo/", follow=True))
    assert "đang ở trạng thái “Đang mở”: không thực hiện được thao tác này" in page
    client.post(PERIOD + "khoa/")
    client.post(PERIOD + "cong-bo/")
    page = text(client.post(PERIOD + "chinh-thuc/", follow=True))
    assert "Chưa hết hạn khiếu nại" in page


def test_a_pending_appeal_blocks_finalising_on_the_page(world, published_q3):
    file_appeal(world)
    Period.objects.filter(pk=published_q3.period_id).update(
        appeal_until=timezone.localdate() - timedelta(days=1)
    )
    page = text(client_for(world, Role.PROVINCE_ADMIN).post(PERIOD + "chinh-thuc/", follow=True))
    assert "Còn khiếu nại chưa giải quyết." in page


def test_the_admin_finalises_after_the_window(world, published_q3):
    Period.objects.filter(pk=published_q3.period_id).update(
        appeal_until=timezone.localdate() - timedelta(days=1)
    )
    page = text(client_for(world, Role.PROVINCE_ADMIN).post(PERIOD + "chinh-thuc/", follow=True))
    assert "Kỳ 2025-Q3 đã chính thức." in page
    assert Period.objects.get(pk=published_q3.period_id).state == PeriodState.FINAL


def test_the_period_page_lists_revisions_with_what_changed(world, published_q3, django_assert_num_queries):
    appeals.uphold_appeal(world.users[Role.PROVINCE_ADMIN], file_appeal(world), "Đã đối chiếu", Decimal(85))
    client = client_for(world, Role.PROVINCE_VIEWER)
    with django_assert_num_queries(5):  # session (cached), user, province, unread count, period, snapshots
        response = client.get(PERIOD)
    page = text(response)
    revision = Snapshot.objects.get(period__code=Q3, revision=2)
    assert revision.sha256 in page and published_q3.sha256 in page
    assert "Đã đối chiếu" in page and "1.1.points: 70.00 → 85" in page


# --- the commune page and appeals ----------------------------------------------------------------


def test_the_leader_sees_the_published_result_with_appeal_forms(
    world, published_q3, django_assert_num_queries
):
    file_appeal(world)
    client = client_for(world, Role.COMMUNE_LEADER)
    # user, commune (guard + view), snapshot+period, unread, appeals (session cached)
    with django_assert_num_queries(6):
        response = client.get(COMMUNE)
    page = text(response)
    assert response.status_code == 200 and published_q3.sha256 in page
    assert page.count("Gửi khiếu nại</button>") == 2
    assert "Thiếu số liệu tháng 9" in page and "Đang xem xét" in page


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.PROVINCE_VIEWER, Role.PROVINCE_ADMIN])
def test_others_see_the_result_without_appeal_forms(world, published_q3, role):
    page = text(client_for(world, role).get(COMMUNE))
    assert published_q3.sha256 in page and "Gửi khiếu nại</button>" not in page


def test_nothing_is_shown_before_publication(world, scored):
    page = text(client_for(world, Role.COMMUNE_LEADER).get(COMMUNE))
    assert "Kết quả kỳ này chưa được công bố." in page


def test_a_sibling_or_foreign_commune_page_does_not_exist(world, published_q3):
    client = client_for(world, Role.COMMUNE_LEADER)
    assert client.get(f"/ky-danh-gia/xa/23869/{Q3}/").status_code == 404
    assert client_for(world, Role.PROVINCE_ADMIN).get(f"/ky-danh-gia/xa/24121/{Q3}/").status_code == 404


def test_the_leader_files_an_appeal_with_evidence(world, published_q3):
    data = {"framework": "test_kpi", "indicator": "1.2", "reason": "Đã thu đủ", "evidence": pdf()}
    page = text(client_for(world, Role.COMMUNE_LEADER).post(COMMUNE + "khieu-nai/", data, follow=True))
    assert "Đã gửi khiếu nại" in page
    appeal = Appeal.objects.get()
    assert (appeal.indicator_code, appeal.evidence_type) == ("1.2", "application/pdf")


def test_the_appeal_form_refuses_a_fake_file_and_a_missing_reason(world, published_q3):
    client = client_for(world, Role.COMMUNE_LEADER)
    fake = upload("bien-ban.pdf", b"MZ not a pdf")
    page = text(
        client.post(
            COMMUNE + "khieu-nai/",
            {"framework": "test_kpi", "indicator": "1.1", "reason": "x", "evidence": fake},
            follow=True,
        )
    )
    assert "không phải PDF, ảnh PNG/JPEG, XLSX hoặc DOCX" in page
    page = text(
        client.post(COMMUNE + "khieu-nai/", {"framework": "test_kpi", "indicator": "1.1"}, follow=True)
    )
    assert "Lý do khiếu nại:" in page
    assert not Appeal.objects.exists()


def test_an_appeal_after_the_window_is_refused(world, published_q3):
    Period.objects.filter(pk=published_q3.period_id).update(
        appeal_until=timezone.localdate() - timedelta(days=1)
    )
    client = client_for(world, Role.COMMUNE_LEADER)
    assert "Gửi khiếu nại</button>" not in text(client.get(COMMUNE))
    data = {"framework": "test_kpi", "indicator": "1.1", "reason": "muộn"}
    assert "Đã hết hạn khiếu nại." in text(client.post(COMMUNE + "khieu-nai/", data, follow=True))


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER])
def test_only_the_leader_may_post_an_appeal(world, published_q3, role):
    data = {"framework": "test_kpi", "indicator": "1.1", "reason": "x"}
    assert client_for(world, role).post(COMMUNE + "khieu-nai/", data).status_code == 403
    assert not Appeal.objects.exists()


def test_the_admin_lists_appeals_pending_first(world, published_q3, django_assert_num_queries):
    first = file_appeal(world)
    appeals.reject_appeal(world.users[Role.PROVINCE_ADMIN], first, "Không có căn cứ")
    file_appeal(world, "1.2")
    client = client_for(world, Role.PROVINCE_ADMIN)
    with django_assert_num_queries(4):  # session (cached), user, province, unread count, appeals
        page = text(client.get(APPEALS))
    assert page.index("Đang xem xét") < page.index("Không có căn cứ")
    assert "Không có căn cứ" not in text(client.get(APPEALS + "?status=pending"))


def test_the_viewer_cannot_review_appeals(world, published_q3):
    appeal = file_appeal(world)
    client = client_for(world, Role.PROVINCE_VIEWER)
    assert client.get(APPEALS).status_code == 403
    assert client.get(f"/ky-danh-gia/khieu-nai/{appeal.pk}/").status_code == 403
    assert (
        client.post(f"/ky-danh-gia/khieu-nai/{appeal.pk}/khong-chap-nhan/", {"reason": "x"}).status_code
        == 403
    )


def test_another_provinces_admin_cannot_reach_the_appeal(world, published_q3):
    appeal = file_appeal(world)
    admin66 = User.objects.create(username="admin66", role=Role.PROVINCE_ADMIN, province=world.other_province)
    client = Client()
    client.force_login(admin66)
    assert client.get(f"/ky-danh-gia/khieu-nai/{appeal.pk}/").status_code == 404
    assert (
        client.post(
            f"/ky-danh-gia/khieu-nai/{appeal.pk}/chap-nhan/", {"reason": "x", "corrected_points": "1"}
        ).status_code
        == 404
    )
    assert Appeal.objects.get().status == AppealStatus.PENDING


def test_the_admin_upholds_an_appeal_into_a_new_revision(world, published_q3):
    appeal = file_appeal(world)
    client = client_for(world, Role.PROVINCE_ADMIN)
    page = text(client.get(f"/ky-danh-gia/khieu-nai/{appeal.pk}/"))
    assert "Điểm tối đa của chỉ số: 90<" in page  # the Vietnamese way, without trailing zeros
    data = {"reason": "Đã đối chiếu chứng từ", "corrected_points": "85"}
    page = text(client.post(f"/ky-danh-gia/khieu-nai/{appeal.pk}/chap-nhan/", data, follow=True))
    revision = Snapshot.objects.get(period__code=Q3, revision=2)
    assert f"bản công bố lần 2, mã băm {revision.sha256}" in page
    leader_page = text(client_for(world, Role.COMMUNE_LEADER).get(COMMUNE))
    assert (
        "Chấp nhận" in leader_page
        and "Đã đối chiếu chứng từ" in leader_page
        and revision.sha256 in leader_page
    )


def test_the_uphold_form_refuses_points_above_the_maximum(world, published_q3):
    appeal = file_appeal(world)
    data = {"reason": "ok", "corrected_points": "95"}
    page = text(
        client_for(world, Role.PROVINCE_ADMIN).post(
            f"/ky-danh-gia/khieu-nai/{appeal.pk}/chap-nhan/", data, follow=True
        )
    )
    assert "Điểm sau điều chỉnh:" in page
    assert not Snapshot.objects.filter(revision=2).exists()


def test_the_admin_rejects_an_appeal_with_a_reason(world, published_q3):
    appeal = file_appeal(world)
    client = client_for(world, Role.PROVINCE_ADMIN)
    url = f"/ky-danh-gia/khieu-nai/{appeal.pk}/khong-chap-nhan/"
    assert "Lý do giải quyết:" in text(client.post(url, {"reason": ""}, follow=True))
    page = text(client.post(url, {"reason": "Không có căn cứ"}, follow=True))
    assert "Đã không chấp nhận khiếu nại." in page
    assert Appeal.objects.get().status == AppealStatus.REJECTED
    page = text(client.post(url, {"reason": "lần nữa"}, follow=True))
    assert "Khiếu nại này đã được giải quyết." in page

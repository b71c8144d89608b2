import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_serves_the_home_page_in_vietnamese_by_default() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert "Đánh giá KPI cấp xã" in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_it_uses_the_vietnam_time_zone(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


@pytest.mark.django_db
def test_it_answers_not_found_in_vietnamese_with_the_site_layout() -> None:
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


@pytest.mark.django_db
def test_it_titles_the_admin_site_in_vietnamese() -> None:
    response = Client().get("/admin/login/")
    assert "Quản trị kpixa" in response.content.decode()

"""The early warning pages: content, access, query counts."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from kpixa.warnings import views
from kpixa.warnings.models import DigestKind, OptOut
from kpixa.warnings.tests.test_queries import run, timelines
from kpixa.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 9, 0).astimezone()


@pytest.fixture
def loaded(catalogue, frameworks, monkeypatch):  # type: ignore[no-untyped-def]
    run(timelines())
    monkeypatch.setattr(views, "_now", lambda request: NOW)
    return catalogue


def test_the_commune_page_lists_what_to_finish_in_due_order(loaded):  # type: ignore[no-untyped-def]
    html = client_for(loaded, "commune_leader").get("/canh-bao/xa/23872/").content.decode()
    assert "Việc cần làm — Xã Ia Dom" in html
    # overdue first, then due in the next working day, then later this week
    assert html.index("O1") < html.index("O5") < html.index("O2") < html.index("O3")
    assert "O4" not in html  # due after the next 5 working days
    assert 'href="/dossiers/motcua/O5/"' in html
    assert "Nếu không xử lý thêm" in html


def test_the_province_page_lists_communes_whose_worst_case_falls_a_class(loaded):  # type: ignore[no-untyped-def]
    html = client_for(loaded, "province_viewer").get("/canh-bao/tinh/52/").content.decode()
    assert "Cảnh báo sớm — Tỉnh Gia Lai" in html
    assert "Xã/phường có nguy cơ tụt xếp loại cuối kỳ" in html


def test_pages_refuse_other_scopes(loaded):  # type: ignore[no-untyped-def]
    assert client_for(loaded, "commune_leader").get("/canh-bao/xa/23869/").status_code == 404
    assert client_for(loaded, "commune_leader").get("/canh-bao/tinh/52/").status_code == 403
    assert client_for(loaded, "province_viewer").get("/canh-bao/tinh/66/").status_code == 404
    assert client_for(loaded, None).get("/canh-bao/xa/23872/").status_code == 302


def test_query_counts_are_pinned(loaded, django_assert_num_queries):  # type: ignore[no-untyped-def]
    leader, viewer = client_for(loaded, "commune_leader"), client_for(loaded, "province_viewer")
    leader.get("/canh-bao/xa/23872/")
    viewer.get("/canh-bao/tinh/52/")
    # 30th: the open dossiers counted by overdue day (the province page's 18th)
    with django_assert_num_queries(30):  # 29th: the procedures connected to population data (6.6)
        leader.get("/canh-bao/xa/23872/")
    with django_assert_num_queries(18):  # 17th: the framework's name from its file
        viewer.get("/canh-bao/tinh/52/")


def test_a_person_unsubscribes_from_one_kind(loaded):  # type: ignore[no-untyped-def]
    client = client_for(loaded, "commune_officer")
    page = client.get("/canh-bao/dang-ky/?bo=due_week").content.decode()
    assert page.count('name="kind"') == len(DigestKind.values)
    kept = [k for k in DigestKind.values if k != DigestKind.DUE_WEEK]
    response = client.post("/canh-bao/dang-ky/", {"kind": kept})
    assert response.status_code == 302
    user = loaded.users["commune_officer"]
    assert list(OptOut.objects.filter(user=user).values_list("kind", flat=True)) == [DigestKind.DUE_WEEK]
    assert timezone.now()  # the page is served again after saving
    assert 'value="due_week">' in client.get("/canh-bao/dang-ky/").content.decode()

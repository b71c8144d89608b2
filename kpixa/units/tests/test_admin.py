from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from kpixa.accounts.models import AuditEntry
from kpixa.units.admin import PROVINCE_ADMIN_PERMISSIONS
from kpixa.units.models import PeerGroup, Person, PostKind, Tenure, UnitAlias
from kpixa.units.tests.conftest import make_tenure


@pytest.fixture
def admin_client_52(world, client):  # type: ignore[no-untyped-def]
    """A logged-in province admin of Gia Lai with the permissions the accounts app grants."""
    user = world.users["province_admin"]
    for app_label, codename in PROVINCE_ADMIN_PERMISSIONS:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client.force_login(user)
    return client


def test_every_listed_permission_exists(db):
    for app_label, codename in PROVINCE_ADMIN_PERMISSIONS:
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()


def test_a_province_admin_sees_only_his_communes(world, admin_client_52, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = admin_client_52.get(reverse("admin:units_commune_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Xã Ia Dom" in text
    assert "Phường Buôn Ma Thuột" not in text
    foreign = admin_client_52.get(reverse("admin:units_commune_change", args=[world.foreign.pk]))
    assert foreign.status_code == 302  # the admin's "does not exist" redirect


def test_a_province_admin_sees_only_his_province(world, admin_client_52):
    text = admin_client_52.get(reverse("admin:units_province_changelist")).content.decode()
    assert "Tỉnh Gia Lai" in text and "Tỉnh Đắk Lắk" not in text


def test_a_province_admin_edits_peer_groups_and_the_change_is_audited(world, admin_client_52):
    group = PeerGroup.objects.create(code="bien_gioi", name="Xã biên giới")
    url = reverse("admin:units_commune_change", args=[world.commune.pk])
    response = admin_client_52.post(url, {"peer_groups": [group.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(world.commune.peer_groups.all()) == [group]
    entry = AuditEntry.objects.get(action="admin.change", object_type="units.Commune")
    assert entry.province_code == "52"
    assert entry.after["peer_groups"] == [group.pk]  # type: ignore[index]
    assert entry.before["peer_groups"] == []  # type: ignore[index]


def test_a_province_admin_cannot_point_an_alias_at_another_province(world, admin_client_52):
    from kpixa.accounts.models import ApiToken

    ApiToken.objects.create(name="Một cửa", system="gl-motcua", province=world.province, prefix="p1")
    url = reverse("admin:units_unitalias_add")
    refused = admin_client_52.post(url, {"alias": "X1", "system": "gl-motcua", "commune": world.foreign.pk})
    assert refused.status_code == 200  # the form comes back with an error
    assert not UnitAlias.objects.exists()
    added = admin_client_52.post(url, {"alias": "X1", "system": "gl-motcua", "commune": world.commune.pk})
    assert added.status_code == 302
    assert AuditEntry.objects.filter(action="admin.add", object_type="units.UnitAlias").count() == 1


def test_the_admin_refuses_an_overlapping_tenure_in_vietnamese(world, admin_client_52):
    make_tenure(world.commune, PostKind.CHAIRMAN, "Siu Thị Hoa", date(2025, 7, 1))
    person = Person.objects.create(full_name="Ksor Y Nam", province=world.province)
    response = admin_client_52.post(
        reverse("admin:units_tenure_add"),
        {"commune": world.commune.pk, "post": "chairman", "person": person.pk, "start": "01/10/2025"},
    )
    assert response.status_code == 200
    assert "đã có Siu Thị Hoa đảm nhiệm" in response.content.decode()
    assert Tenure.objects.count() == 1


def test_a_person_added_by_a_province_admin_belongs_to_his_province(world, admin_client_52):
    response = admin_client_52.post(reverse("admin:units_person_add"), {"full_name": "Nay H'Nhung"})
    assert response.status_code == 302
    assert Person.objects.get().province == world.province


def test_tenures_of_another_province_are_hidden(world, admin_client_52):
    make_tenure(world.foreign, PostKind.CHAIRMAN, "Y Moan Niê", date(2025, 7, 1))
    make_tenure(world.commune, PostKind.CHAIRMAN, "Siu Thị Hoa", date(2025, 7, 1))
    text = admin_client_52.get(reverse("admin:units_tenure_changelist")).content.decode()
    assert "Siu Thị Hoa" in text and "Y Moan Niê" not in text


def test_the_commune_list_does_not_grow_queries_with_rows(
    world, admin_client_52, django_assert_max_num_queries
):
    from kpixa.units.demo import seed_units_demo

    seed_units_demo()  # loads the package's 135 Gia Lai communes and gives each a peer group
    with django_assert_max_num_queries(12):
        page = admin_client_52.get(reverse("admin:units_commune_changelist"))
    assert "Xã biên giới" in page.content.decode()
    with django_assert_max_num_queries(12):
        admin_client_52.get(reverse("admin:units_tenure_changelist"))


def _document_form(**changes: str) -> dict[str, str]:
    form = {
        "issuer_parent": "",
        "issuer_body": "",
        "symbol": "BC-SNV",
        "place": "",
        "recipients": "UBND tỉnh (b/c)\nLưu: VT",
        "signer_authority": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer_name": "Nguyễn Văn An",
    }
    return form | changes


def test_a_province_admin_sets_his_document_settings_once_and_each_change_is_audited(world, admin_client_52):  # type: ignore[no-untyped-def]
    from kpixa.units.models import DocumentSettings

    add = reverse("admin:units_documentsettings_add")
    assert admin_client_52.post(add, _document_form()).status_code == 302
    settings = DocumentSettings.objects.get()
    assert settings.province == world.province  # his province, whatever the form said
    again = admin_client_52.post(add, _document_form(signer_name="Người khác"))
    assert again.status_code == 200 and "hãy sửa bản đã có" in again.content.decode()
    assert DocumentSettings.objects.count() == 1
    change = reverse("admin:units_documentsettings_change", args=[settings.pk])
    assert admin_client_52.post(change, _document_form(signer_name="Trần Thị Bình")).status_code == 302
    entry = AuditEntry.objects.filter(object_type="units.DocumentSettings", action="admin.change").get()
    assert entry.province_code == "52"
    assert entry.before["signer_name"] == "Nguyễn Văn An"  # type: ignore[index]
    assert entry.after["signer_name"] == "Trần Thị Bình"  # type: ignore[index]
    delete = reverse("admin:units_documentsettings_delete", args=[settings.pk])
    assert admin_client_52.post(delete, {"post": "yes"}).status_code == 403

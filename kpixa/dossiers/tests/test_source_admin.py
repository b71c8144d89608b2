"""The source systems in the admin (kpixa/dossiers/admin.py): a province admin registers and
renames his province's official systems, sees national ones read-only, never another province's
and never deletes one; the code, kind and scope are fixed once registered; every change audited
with the province."""

from __future__ import annotations

import pytest
from django.test import Client

from kpixa.accounts.models import AuditEntry
from kpixa.accounts.services import grant_province_admin_permissions
from kpixa.dossiers.models import SourceKind, SourceSystem

pytestmark = pytest.mark.django_db
ADMIN = "/admin/dossiers/sourcesystem/"


@pytest.fixture
def client(world) -> Client:
    user = world.users["province_admin"]
    user.is_staff = True
    user.save()
    grant_province_admin_permissions(user)
    client = Client()
    client.force_login(user)
    return client


def test_it_registers_an_official_system_of_the_province_audited(world, client):
    response = client.post(
        f"{ADMIN}add/",
        {
            "code": "motcua-gialai",
            "name": "Một cửa Gia Lai",
            "kind": "official",
            "province": world.province.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source = SourceSystem.objects.get(code="motcua-gialai")
    assert source.province == world.province and source.kind == SourceKind.OFFICIAL
    entry = AuditEntry.objects.get(action="admin.add", object_type="dossiers.SourceSystem")
    assert entry.province_code == "52"


def test_it_refuses_another_provinces_commune_and_a_commune_for_an_official_system(world, client):
    foreign = {"code": "xa-x", "kind": "local", "province": world.province.pk, "commune": world.foreign.pk}
    assert client.post(f"{ADMIN}add/", foreign).status_code == 200  # the form again, with the error
    official = {
        "code": "ht-x",
        "kind": "official",
        "province": world.province.pk,
        "commune": world.commune.pk,
    }
    page = client.post(f"{ADMIN}add/", official).content.decode()
    assert "không thuộc riêng một xã/phường" in page
    assert not SourceSystem.objects.filter(code__in=["xa-x", "ht-x"]).exists()


def test_the_kind_and_scope_stay_fixed_and_nothing_is_deleted(world, client):
    source = SourceSystem.objects.create(code="motcua-52", kind=SourceKind.OFFICIAL, province=world.province)
    client.post(f"{ADMIN}{source.pk}/change/", {"name": "Mới", "kind": "local", "commune": world.commune.pk})
    source.refresh_from_db()
    assert (source.name, source.kind, source.commune_id) == ("Mới", SourceKind.OFFICIAL, None)
    assert client.post(f"{ADMIN}{source.pk}/delete/", {"post": "yes"}).status_code == 403
    foreign = SourceSystem.objects.create(
        code="motcua-66", kind=SourceKind.OFFICIAL, province=world.other_province
    )
    assert client.get(f"{ADMIN}{foreign.pk}/change/").status_code in (302, 403, 404)
    listed = client.get(ADMIN).content.decode()
    assert "motcua-52" in listed and "motcua-66" not in listed

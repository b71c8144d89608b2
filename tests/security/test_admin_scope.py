"""A province administrator is confined to his province in every admin page and action.

Reproduces, as the ``province_admin`` of Gia Lai (52) through ``/admin/``, what he could do
before: add a national calendar day off (audited without a province), map Đắk Lắk's commune
code 24121 to Xã Ia Dom as an alias (after which Đắk Lắk's own token was refused for its
commune and Gia Lai's token could file Buôn Ma Thuột's records under Ia Dom), rename or add
national peer groups; and checks that each is now refused. See docs/security.md, "Province
administrators in the admin".
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from kpixa.accounts import audit, services
from kpixa.accounts.models import ApiToken, AuditEntry, User
from kpixa.units.models import PeerGroup, UnitAlias
from kpixa.workdays.models import CalendarException, ExceptionKind

pytestmark = pytest.mark.django_db

ADMIN = "/admin"
API = "/api/v1/dossiers"


@pytest.fixture
def root(world) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser(username="scope_root", password=None)


@pytest.fixture
def admin_52(world) -> Client:  # type: ignore[no-untyped-def]
    """Gia Lai's province admin with exactly the permissions the accounts app grants him."""
    user = world.users["province_admin"]
    services.grant_province_admin_permissions(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def root_client(root) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(root)
    return client


def _token(province: Any, system: str, prefix: str) -> ApiToken:
    return ApiToken.objects.create(name=system, system=system, province=province, prefix=prefix, key_hash="-")


@pytest.fixture
def systems(world) -> None:  # type: ignore[no-untyped-def]
    """Gia Lai's own system, Đắk Lắk's own system, and one system both provinces use."""
    _token(world.province, "gl-motcua", "gl1")
    _token(world.other_province, "dl-motcua", "dl1")
    _token(world.province, "motcua", "sh1")
    _token(world.other_province, "motcua", "sh2")


# --- the national calendar ---------------------------------------------------------------------


def test_it_refuses_a_province_admin_a_national_day_off(world, admin_52):
    response = admin_52.post(
        f"{ADMIN}/workdays/calendarexception/add/",
        {"day": "17/03/2026", "kind": "day_off", "reason": "Nghỉ thêm"},
    )
    assert response.status_code == 403
    assert not CalendarException.objects.exists()
    assert not AuditEntry.objects.filter(object_type="workdays.CalendarException").exists()
    assert admin_52.get(f"{ADMIN}/workdays/calendarexception/").status_code == 200  # he may still read it


def test_it_refuses_a_province_admin_changing_or_deleting_a_national_exception(world, admin_52):
    day = CalendarException.objects.create(
        day=date(2026, 3, 17), kind=ExceptionKind.DAY_OFF, reason="Nghỉ thêm"
    )
    url = f"{ADMIN}/workdays/calendarexception/{day.pk}"
    changed = admin_52.post(f"{url}/change/", {"day": "18/03/2026", "kind": "day_off", "reason": "x"})
    deleted = admin_52.post(f"{url}/delete/", {"post": "yes"})
    assert (changed.status_code, deleted.status_code) == (403, 403)
    day.refresh_from_db()
    assert day.day == date(2026, 3, 17)


def test_it_lets_a_superuser_add_a_national_day_off(world, root_client):
    response = root_client.post(
        f"{ADMIN}/workdays/calendarexception/add/",
        {"day": "17/03/2026", "kind": "day_off", "reason": "Nghỉ thêm"},
    )
    assert response.status_code == 302
    assert CalendarException.objects.count() == 1


# --- unit aliases ------------------------------------------------------------------------------


def _add_alias(client: Client, alias: str, system: str, commune: Any) -> Any:
    return client.post(
        f"{ADMIN}/units/unitalias/add/", {"alias": alias, "system": system, "commune": commune.pk}
    )


def test_it_refuses_an_alias_capturing_another_provinces_commune_code(world, systems, admin_52, root_client):
    for client in (admin_52, root_client):  # nobody may capture an official code of another province
        for system in ("gl-motcua", ""):
            response = _add_alias(client, "24121", system, world.commune)
            assert response.status_code == 200
            assert "mã chính thức của Phường Buôn Ma Thuột" in response.content.decode()
    assert not UnitAlias.objects.exists()


def test_it_refuses_an_alias_capturing_a_live_commune_of_the_province(world, systems, admin_52):
    response = _add_alias(admin_52, "23869", "gl-motcua", world.commune)  # Xã Ia Dơk's code
    assert response.status_code == 200
    assert not UnitAlias.objects.exists()


def test_it_keeps_dak_laks_records_in_dak_lak(world, systems, admin_52):
    from kpixa.dossiers.models import Dossier, Procedure

    Procedure.objects.create(code="1.004227", name="Đăng ký biến động", limit_value=10)
    _add_alias(admin_52, "24121", "", world.commune)  # the old attack, refused now
    _add_alias(admin_52, "24121", "gl-motcua", world.commune)
    root = User.objects.create_superuser(username="api_root", password=None)
    _dl, dak_lak_key = services.issue_api_token("Một cửa Đắk Lắk", "dl-api", world.other_province, root)
    _gl, gia_lai_key = services.issue_api_token("Một cửa Gia Lai", "gl-motcua", world.province, root)

    own = _post(_record("DL-1", "24121"), dak_lak_key).json()
    smuggled = _post(_record("GL-1", "24121"), gia_lai_key).json()

    assert own["results"][0]["status"] == "created", own  # Đắk Lắk's token still writes its commune
    assert smuggled["results"][0]["status"] == "rejected"  # and Gia Lai's cannot file it under Ia Dom
    assert list(Dossier.objects.values_list("ma_ho_so", "commune__code")) == [("DL-1", "24121")]


def test_it_never_lets_a_stored_alias_override_a_commune_code(world):
    from kpixa.units.queries import alias_map, resolve_unit

    UnitAlias.objects.create(system="", alias="24121", commune=world.commune)  # stored before the rule
    UnitAlias.objects.create(system="motcua", alias="24121", commune=world.commune)
    assert alias_map("")["24121"] == alias_map("motcua")["24121"] == world.foreign.pk
    assert resolve_unit("24121", "motcua") == world.foreign


def test_it_refuses_aliases_of_systems_outside_the_province(world, systems, admin_52):
    for system in ("", "dl-motcua", "motcua", "unregistered"):
        response = _add_alias(admin_52, "H52.X1", system, world.commune)
        assert response.status_code == 200, system
        assert "hệ thống nguồn riêng của tỉnh: gl-motcua" in response.content.decode()
    assert not UnitAlias.objects.exists()
    assert _add_alias(admin_52, "H52.X1", "gl-motcua", world.commune).status_code == 302
    entry = AuditEntry.objects.get(action="admin.add", object_type="units.UnitAlias")
    assert entry.province_code == "52"


def test_it_follows_the_source_system_registry(world, systems, admin_52):
    from kpixa.dossiers.models import SourceKind, SourceSystem

    SourceSystem.objects.create(code="gl-2", kind=SourceKind.OFFICIAL, province=world.province)
    SourceSystem.objects.create(code="gl-motcua", kind=SourceKind.OFFICIAL, province=world.other_province)
    assert (
        _add_alias(admin_52, "H52.X3", "gl-motcua", world.commune).status_code == 200
    )  # registered elsewhere
    assert _add_alias(admin_52, "H52.X3", "gl-2", world.commune).status_code == 302  # registered to Gia Lai


def test_it_refuses_an_alias_onto_another_provinces_commune(world, systems, admin_52):
    assert _add_alias(admin_52, "H52.X2", "gl-motcua", world.foreign).status_code == 200
    assert not UnitAlias.objects.exists()


def test_it_hides_and_protects_other_provinces_and_national_aliases(world, systems, admin_52):
    foreign = UnitAlias.objects.create(system="dl-motcua", alias="DL.1", commune=world.foreign)
    national = UnitAlias.objects.create(system="", alias="000.00.21.H52", commune=world.commune)
    listing = admin_52.get(f"{ADMIN}/units/unitalias/").content.decode()
    assert "DL.1" not in listing and "dl-motcua" not in listing  # neither the row nor its filter
    assert admin_52.get(f"{ADMIN}/units/unitalias/{foreign.pk}/change/").status_code == 302  # "no such row"
    moved = admin_52.post(
        f"{ADMIN}/units/unitalias/{national.pk}/change/",
        {"alias": "000.00.21.H52", "system": "", "commune": world.sibling.pk},
    )
    assert moved.status_code == 403  # a system-less alias steers every system: superusers only
    admin_52.post(
        f"{ADMIN}/units/unitalias/",
        {"action": "delete_selected", "_selected_action": [foreign.pk, national.pk], "post": "yes"},
    )
    national.refresh_from_db()
    assert national.commune == world.commune
    assert UnitAlias.objects.count() == 2


def test_it_offers_only_the_provinces_communes_in_the_alias_autocomplete(world, admin_52):
    query = {"app_label": "units", "model_name": "unitalias", "field_name": "commune"}
    found = admin_52.get(f"{ADMIN}/autocomplete/", {**query, "term": ""}).json()["results"]
    assert {r["text"] for r in found} == {"Xã Ia Dom", "Xã Ia Dơk", "Phường Quy Nhơn Bắc"}
    assert admin_52.get(f"{ADMIN}/autocomplete/", {**query, "term": "24121"}).json()["results"] == []


def test_it_refuses_a_province_admin_a_token_of_another_provinces_system(world, systems, admin_52):
    response = admin_52.post(
        f"{ADMIN}/accounts/apitoken/add/", {"name": "x", "system": "dl-motcua", "province": world.province.pk}
    )
    assert response.status_code == 200
    assert "đã được cấp khóa cho tỉnh khác" in response.content.decode()
    foreign = admin_52.post(
        f"{ADMIN}/accounts/apitoken/add/",
        {"name": "x", "system": "gl-2", "province": world.other_province.pk},
    )
    assert foreign.status_code == 200
    assert ApiToken.objects.count() == 4


def test_it_revokes_only_the_provinces_own_tokens(world, systems, admin_52):
    ids = list(ApiToken.objects.values_list("pk", flat=True))
    admin_52.post(f"{ADMIN}/accounts/apitoken/", {"action": "revoke", "_selected_action": ids})
    revoked = set(ApiToken.objects.exclude(revoked_at=None).values_list("province__code", flat=True))
    assert revoked == {"52"}


# --- peer groups -------------------------------------------------------------------------------


@pytest.fixture
def groups(world) -> dict[str, PeerGroup]:  # type: ignore[no-untyped-def]
    return {
        "national": PeerGroup.objects.create(code="bien_gioi", name="Xã biên giới"),
        "own": PeerGroup.objects.create(code="52-cao-su", name="Xã trồng cao su", province=world.province),
        "foreign": PeerGroup.objects.create(
            code="66-ca-phe", name="Xã cà phê", province=world.other_province
        ),
    }


def test_it_refuses_a_province_admin_renaming_a_national_peer_group(world, groups, admin_52):
    national = groups["national"]
    response = admin_52.post(
        f"{ADMIN}/units/peergroup/{national.pk}/change/", {"code": "bien_gioi", "name": "Đổi"}
    )
    assert response.status_code == 403
    assert admin_52.post(f"{ADMIN}/units/peergroup/{national.pk}/delete/", {"post": "yes"}).status_code == 403
    national.refresh_from_db()
    assert national.name == "Xã biên giới"
    assert admin_52.get(f"{ADMIN}/units/peergroup/{national.pk}/change/").status_code == 200  # read-only


def test_it_adds_a_province_admins_peer_group_to_his_province_only(world, groups, admin_52):
    national_code = admin_52.post(f"{ADMIN}/units/peergroup/add/", {"code": "ven_bien", "name": "Ven biển"})
    assert national_code.status_code == 200
    assert "phải bắt đầu bằng 52-" in national_code.content.decode()
    smuggled = admin_52.post(
        f"{ADMIN}/units/peergroup/add/",
        {"code": "52-ven-bien", "name": "Ven biển", "province": world.other_province.pk},
    )
    assert smuggled.status_code == 302
    added = PeerGroup.objects.get(code="52-ven-bien")
    assert added.province == world.province  # the posted province is ignored
    entry = AuditEntry.objects.get(action="admin.add", object_type="units.PeerGroup")
    assert entry.province_code == "52"


def test_it_hides_other_provinces_peer_groups(world, groups, admin_52):
    listing = admin_52.get(f"{ADMIN}/units/peergroup/").content.decode()
    assert "Xã trồng cao su" in listing and "Xã biên giới" in listing
    assert "Xã cà phê" not in listing and "Tỉnh Đắk Lắk" not in listing
    assert admin_52.get(f"{ADMIN}/units/peergroup/{groups['foreign'].pk}/change/").status_code == 302
    form = admin_52.get(f"{ADMIN}/units/commune/{world.commune.pk}/change/").content.decode()
    assert "Xã trồng cao su" in form and "Xã cà phê" not in form
    world.foreign.peer_groups.add(groups["foreign"])
    communes = admin_52.get(f"{ADMIN}/units/commune/").content.decode()
    assert "Xã cà phê" not in communes and "Tỉnh Đắk Lắk" not in communes  # list filters included


def test_it_refuses_a_commune_in_another_provinces_peer_group(world, groups, admin_52):
    url = f"{ADMIN}/units/commune/{world.commune.pk}/change/"
    response = admin_52.post(url, {"peer_groups": [groups["foreign"].pk]})
    assert response.status_code == 200  # not a valid choice
    assert not world.commune.peer_groups.exists()
    assert admin_52.post(url, {"peer_groups": [groups["own"].pk, groups["national"].pk]}).status_code == 302
    assert world.commune.peer_groups.count() == 2


def test_it_scopes_the_changelists_without_a_query_per_row(
    world, systems, groups, admin_52, django_assert_max_num_queries
):
    for n in range(30):
        UnitAlias.objects.create(system="gl-motcua", alias=f"H52.{n}", commune=world.commune)
        PeerGroup.objects.create(code=f"52-g{n}", name=f"Nhóm {n}", province=world.province)
    for page, most in (("unitalias", 7), ("peergroup", 7), ("commune", 9)):  # 30+ rows each
        with django_assert_max_num_queries(most):
            assert admin_52.get(f"{ADMIN}/units/{page}/").status_code == 200


# --- every other admin page ----------------------------------------------------------------------


def test_it_offers_and_accepts_only_the_provinces_own_foreign_keys(world, admin_52):
    from django.contrib.auth.models import Permission

    user = world.users["province_admin"]
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_provincepolicy", "view_provincepolicy"])
    )
    form = admin_52.get(f"{ADMIN}/evaluations/provincepolicy/add/").content.decode()
    assert "Tỉnh Gia Lai" in form and "Tỉnh Đắk Lắk" not in form
    response = admin_52.post(
        f"{ADMIN}/evaluations/provincepolicy/add/",
        {"province": world.other_province.pk, "quota_peer_groups": "[]", "leader_framework_code": "x"},
    )
    assert response.status_code == 200
    from kpixa.evaluations.models import ProvincePolicy

    assert not ProvincePolicy.objects.exists()


def test_it_lists_no_other_province_in_the_users_filters(world, admin_52):
    User.objects.create(username="dl_admin", role="province_admin", province=world.other_province)
    listing = admin_52.get(f"{ADMIN}/accounts/user/").content.decode()
    assert "Tỉnh Gia Lai" in listing
    assert "Tỉnh Đắk Lắk" not in listing and "dl_admin" not in listing


def test_it_refuses_a_province_admin_another_provinces_user(world, admin_52):
    other = User.objects.create(username="dl_officer", role="commune_officer", commune=world.foreign)
    other.set_password("Old-passw0rd-66")
    other.save()
    new = "Rung-xanh-2026!"
    admin_52.post(
        f"{ADMIN}/accounts/user/{other.pk}/password/",
        {"usable_password": "true", "password1": new, "password2": new},
    )
    moved = admin_52.post(
        f"{ADMIN}/accounts/user/{world.users['commune_officer'].pk}/change/",
        {"username": "commune_officer", "role": "commune_officer", "commune": world.foreign.pk},
    )
    other.refresh_from_db()
    assert other.check_password("Old-passw0rd-66")
    assert moved.status_code == 200
    assert "commune" in moved.context["adminform"].form.errors  # Buôn Ma Thuột is not a valid choice
    assert User.objects.get(username="commune_officer").commune == world.commune


def test_it_exports_only_the_provinces_audit_entries(world, admin_52):
    own = audit.record("test.own", province_code="52")
    foreign = audit.record("test.foreign", province_code="66")
    national = audit.record("test.national")
    response = admin_52.post(
        f"{ADMIN}/accounts/auditentry/",
        {"action": "export_csv", "_selected_action": [own.pk, foreign.pk, national.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[3] for r in rows[1:]] == ["test.own"]


def test_it_audits_admin_changes_with_the_province(world, groups, admin_52, root_client):
    admin_52.post(f"{ADMIN}/units/commune/{world.commune.pk}/change/", {"peer_groups": [groups["own"].pk]})
    root_client.post(
        f"{ADMIN}/units/peergroup/{groups['foreign'].pk}/change/",
        {"code": "66-ca-phe", "name": "Cà phê", "province": world.other_province.pk},
    )
    codes = dict(AuditEntry.objects.filter(action="admin.change").values_list("object_type", "province_code"))
    assert codes == {"units.Commune": "52", "units.PeerGroup": "66"}


# --- helpers -----------------------------------------------------------------------------------


def _record(key: str, unit: str) -> dict[str, str]:
    return {
        "MaHoSo": key,
        "MaTTHC": "1.004227",
        "DonViXuLy": unit,
        "KenhThucHien": "2",
        "NgayNopHoSo": "20260303083000",
        "NgayTiepNhan": "20260303090000",
        "NgayHenTra": "20260306170000",
        "TrangThaiHoSo": "4",
    }


def _post(record: dict[str, str], key: str) -> Any:
    return Client().post(
        API, json.dumps([record]), content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )


def test_it_names_the_province_in_the_audit_entry_of_a_score_refresh(world):
    """An audit entry always carries the scope it touched: a refresh of one province's scores
    after an ingest batch names that province."""
    from kpixa.accounts.models import AuditEntry
    from kpixa.scoring.models import ScoreRun
    from kpixa.scoring.services.scores import _audit_refresh

    run = ScoreRun(pk=1, province=world.province, period_code="2025-Q3")
    _audit_refresh([run], {world.commune.pk}, set())
    assert AuditEntry.objects.get(action="scoring.refresh").province_code == world.province.code

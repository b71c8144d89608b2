from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from kpixa.accounts import access
from kpixa.accounts.models import Role, User

ROLES = ["province_admin", "province_viewer", "commune_leader", "commune_officer"]


def codes(qs):  # type: ignore[no-untyped-def]
    return sorted(c.code for c in qs)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("province_admin", ["21553", "23869", "23872"]),
        ("province_viewer", ["21553", "23869", "23872"]),
        ("commune_leader", ["23872"]),
        ("commune_officer", ["23872"]),
    ],
)
def test_it_scopes_visible_communes_by_role(world, role, expected):
    assert codes(access.visible_communes(world.users[role])) == expected


def test_it_shows_nothing_to_anonymous_users(world):
    assert codes(access.visible_communes(AnonymousUser())) == []
    assert list(access.visible_provinces(AnonymousUser())) == []
    assert not access.can_view_commune(AnonymousUser(), world.commune)


def test_it_shows_everything_to_superusers(world, superuser):
    assert codes(access.visible_communes(superuser)) == ["21553", "23869", "23872", "24121"]
    assert sorted(p.code for p in access.visible_provinces(superuser)) == ["52", "66"]


def test_it_shows_nothing_to_users_without_role(world):
    user = User.objects.create_user(username="norole", password="x")
    assert codes(access.visible_communes(user)) == []


def test_it_hides_province_wide_data_from_commune_roles(world):
    assert [p.code for p in access.visible_provinces(world.users["province_viewer"])] == ["52"]
    assert list(access.visible_provinces(world.users["commune_leader"])) == []


def test_it_hides_inactive_users_scope(world):
    user = world.users["province_admin"]
    user.is_active = False
    assert codes(access.visible_communes(user)) == []


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_can_view_commune_for_own_sibling_and_foreign(world, role):
    user = world.users[role]
    province_role = role.startswith("province")
    assert access.can_view_commune(user, world.commune)
    assert access.can_view_commune(user, world.sibling) is province_role
    assert not access.can_view_commune(user, world.foreign)


def test_it_lets_only_the_province_admin_manage_the_province(world, superuser):
    assert access.can_manage_province(world.users["province_admin"], world.province)
    assert not access.can_manage_province(world.users["province_admin"], world.other_province)
    assert not access.can_manage_province(world.users["province_viewer"], world.province)
    assert not access.can_manage_province(world.users["commune_officer"], world.province)
    assert access.can_manage_province(superuser, world.other_province)


def test_it_lets_officers_and_province_admins_report(world):
    assert access.can_report_for(world.users["commune_officer"], world.commune)
    assert not access.can_report_for(world.users["commune_officer"], world.sibling)
    assert not access.can_report_for(world.users["commune_leader"], world.commune)
    assert not access.can_report_for(world.users["province_viewer"], world.commune)
    assert access.can_report_for(world.users["province_admin"], world.sibling)
    assert not access.can_report_for(world.users["province_admin"], world.foreign)


def test_it_fetches_a_visible_commune_by_code(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        commune = access.get_commune_or_404(world.users["commune_leader"], "23872")
        assert commune.province.code == "52"


@pytest.mark.parametrize("code", ["23869", "24121", "99999"])
def test_it_hides_communes_outside_the_scope_as_missing(world, code):
    with pytest.raises(Http404):
        access.get_commune_or_404(world.users["commune_leader"], code)


def test_it_fetches_a_commune_of_the_tokens_province_only(world):
    from kpixa.accounts.services import issue_api_token

    token, _ = issue_api_token("Một cửa", "motcua", world.province, actor=_root())
    assert access.token_commune_or_404(token, "23869").code == "23869"
    with pytest.raises(Http404):
        access.token_commune_or_404(token, "24121")


def _root() -> User:
    return User.objects.create_superuser(username="root2", password="x")


@pytest.mark.parametrize(
    ("role", "own", "sibling"),
    [
        ("province_admin", True, True),
        ("province_viewer", False, False),
        ("commune_leader", False, False),
        ("commune_officer", True, False),
    ],
)
def test_it_shows_personal_data_only_to_those_who_need_it(world, role, own, sibling):
    user = world.users[role]
    assert access.sees_personal_data(user, world.commune) is own
    assert access.sees_personal_data(user, world.sibling) is sibling
    assert not access.sees_personal_data(user, world.foreign)


def test_it_never_shows_personal_data_to_the_public(world):
    assert not access.sees_personal_data(AnonymousUser())
    assert not access.sees_personal_data(AnonymousUser(), world.commune)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V*** A**"),
        ("Nguyễn Văn Anh", "Nguyễn V*** A**"),
        ("Trần Thị Ngọc Lan", "Trần T*** N*** L**"),
        ("Lê Bình", "Lê B**"),
        ("Hùng", "H**"),
        ("  ", ""),
        ("", ""),
    ],
)
def test_it_masks_names(name, masked):
    assert access.mask_name(name) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("064123456734", "0641******34"), ("064 123 456 734", "0641******34"), ("12345", "*****"), ("", "")],
)
def test_it_masks_id_numbers(value, masked):
    assert access.mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("0905123456", "0905***456"), ("0905 123 456", "0905***456"), ("113", "***")],
)
def test_it_masks_phone_numbers(value, masked):
    assert access.mask_phone(value) == masked


# --- model consistency -----------------------------------------------------------------------


def test_it_requires_a_province_and_no_commune_for_province_roles(world):
    user = User(username="p", role=Role.PROVINCE_VIEWER)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert "province" in error.value.message_dict
    user = User(username="p", role=Role.PROVINCE_VIEWER, province=world.province, commune=world.commune)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert "commune" in error.value.message_dict


def test_it_requires_a_commune_for_commune_roles_and_takes_its_province(world):
    with pytest.raises(ValidationError) as error:
        User(username="c", role=Role.COMMUNE_LEADER, province=world.province).clean()
    assert "commune" in error.value.message_dict
    user = User(username="c", role=Role.COMMUNE_LEADER, province=world.other_province, commune=world.sibling)
    user.clean()
    assert user.province_id == world.province.pk


def test_it_refuses_a_scope_without_a_role(world):
    with pytest.raises(ValidationError):
        User(username="x", province=world.province).clean()


# --- view decorators -------------------------------------------------------------------------


def _ok(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("ok")


def _call(view, user, **kwargs):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/x/")
    request.user = user
    return view(request, **kwargs)


def test_it_records_the_declared_policy_on_the_view():
    assert access.declared_policy(access.access("province")(_ok)) == "province"
    assert access.declared_policy(access.role_required(Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN)(_ok)) == (
        "roles:commune_officer,province_admin"
    )
    assert access.declared_policy(access.access("public")(_ok)) == "public"


def test_it_refuses_unknown_policies_and_roles():
    with pytest.raises(ValueError):
        access.access("everyone")
    with pytest.raises(ValueError):
        access.role_required("mayor")
    with pytest.raises(ValueError):
        access.api_access("nobody")


def test_it_sends_anonymous_users_to_the_login_page(world):
    response = _call(access.access("login")(_ok), AnonymousUser())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_lets_anyone_through_a_public_view():
    assert _call(access.access("public")(_ok), AnonymousUser()).status_code == 200


@pytest.mark.parametrize(
    ("policy", "allowed"),
    [
        ("province", {"province_admin", "province_viewer"}),
        ("admin", {"province_admin"}),
        ("report", {"province_admin", "commune_officer"}),
        ("commune", set(ROLES)),
        ("login", set(ROLES)),
    ],
)
def test_it_enforces_roles_of_a_policy(world, policy, allowed):
    view = access.access(policy)(_ok)
    for role in ROLES:
        if role in allowed:
            assert _call(view, world.users[role]).status_code == 200, role
        else:
            with pytest.raises(PermissionDenied):
                _call(view, world.users[role])


def test_it_checks_the_commune_named_in_the_url(world):
    view = access.access("commune")(_ok)
    leader = world.users["commune_leader"]
    assert _call(view, leader, code="23872").status_code == 200
    with pytest.raises(Http404):
        _call(view, leader, code="23869")
    with pytest.raises(Http404):
        _call(view, world.users["province_admin"], commune_code="24121")


def test_it_checks_reporting_rights_on_the_named_commune(world):
    view = access.access("report")(_ok)
    assert _call(view, world.users["commune_officer"], code="23872").status_code == 200
    with pytest.raises(Http404):
        _call(view, world.users["commune_officer"], code="23869")
    assert _call(view, world.users["province_admin"], code="23869").status_code == 200


def test_it_enforces_role_required(world, superuser):
    view = access.role_required(Role.COMMUNE_OFFICER)(_ok)
    assert _call(view, world.users["commune_officer"]).status_code == 200
    assert _call(view, superuser).status_code == 200
    assert _call(view, AnonymousUser()).status_code == 302
    with pytest.raises(PermissionDenied):
        _call(view, world.users["commune_leader"])


def test_it_declares_api_policies_for_the_openapi_schema():
    assert access.api_access("token") == {"x-kpixa-access": "token"}

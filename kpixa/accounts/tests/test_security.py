from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from conftest import PASSWORD
from kpixa.accounts.models import User

ROOT = Path(__file__).resolve().parents[3]
LOGIN = "/accounts/login/"


def test_it_hashes_new_passwords_with_argon2(db, real_hashers):
    user = User.objects.create_user(username="argon", password="Mật-khẩu-dài-42")
    assert user.password.startswith("argon2")
    assert user.check_password("Mật-khẩu-dài-42")


# --- login throttling ------------------------------------------------------------------------


def _login(client: Client, password: str, username: str = "commune_officer"):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_logs_in_with_the_right_password(world, client):
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["commune_officer"].pk)


def test_it_locks_the_user_and_ip_after_five_failures(world, client):
    for _ in range(4):
        assert _login(client, "wrong").status_code == 200
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page and "Đăng nhập sai quá nhiều lần" in page
    refused = _login(client, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_keeps_other_users_free_while_one_is_locked(world, client):
    for _ in range(5):
        _login(client, "wrong")
    assert _login(client, PASSWORD, username="commune_leader").status_code == 302


# --- CSRF, headers, login page ---------------------------------------------------------------


def test_it_enforces_csrf_on_login(world):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, PASSWORD).status_code == 403
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    response = client.post(
        LOGIN, {"username": "commune_officer", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/", LOGIN])
def test_it_sends_security_headers(db, client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_it_lists_demo_logins_in_demo_mode(db, client, settings):
    settings.DEMO_MODE = True
    page = client.get(LOGIN).content.decode()
    for name in ("province_admin", "province_viewer", "leader_iadom", "officer_iadom"):
        assert f"<code>{name}</code>" in page
    assert "<code>demo</code>" in page


def test_it_hides_demo_logins_outside_demo_mode(db, client, settings):
    settings.DEMO_MODE = False
    page = client.get(LOGIN).content.decode()
    assert "leader_iadom" not in page and "<code>demo</code>" not in page


def test_it_logs_out_on_post(world, client):
    client.force_login(world.users["commune_leader"])
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


# --- production fail-fast --------------------------------------------------------------------

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://kpixa@127.0.0.1:5432/kpixa",
    "ALLOWED_HOSTS": "kpi.gialai.gov.vn",
}
CHECK = "import django; django.setup(); from django.conf import settings; print(settings.MODE)"


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("KPIXA_")}
    base.update({"DJANGO_SETTINGS_MODULE": "kpixa.settings", "KPIXA_MODE": "production", **env})
    return subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_it_refuses_to_start_in_production_without_a_required_setting(missing):
    result = _start({k: v for k, v in PRODUCTION_ENV.items() if k != missing})
    assert result.returncode != 0
    assert "KPIXA_MODE=production requires these environment variables" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_it_names_every_missing_setting_at_once():
    result = _start({})
    last = result.stderr.splitlines()[-1]
    assert all(name in last for name in PRODUCTION_ENV)


def test_it_starts_in_production_with_every_required_setting():
    result = _start(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production"

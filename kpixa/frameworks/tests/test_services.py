from datetime import date

import pytest
from django.core.management import call_command

from kpixa.accounts.models import AuditEntry
from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion
from kpixa.frameworks.services import (
    activate_framework,
    framework_in_force,
    install_framework,
    shipped_files,
)
from kpixa.scoring.engine.loader import FrameworkError

SHIPPED_2025 = next(p for p in shipped_files() if p.name == "dvc766.yaml").read_text("utf-8")


@pytest.mark.django_db
def test_it_installs_a_framework_as_a_draft_with_an_audit_entry(world) -> None:  # type: ignore[no-untyped-def]
    admin = world.users["province_admin"]
    fv, created = install_framework(SHIPPED_2025, admin, source_name="dvc766.yaml")
    assert created and fv.status == FrameworkStatus.DRAFT
    assert (fv.code, fv.version, len(fv.sha256)) == ("dvc766", "2025", 64)
    assert fv.framework().indicator("2.1").max_points == 20
    entry = AuditEntry.objects.get(action="frameworks.install")
    assert entry.actor == admin and (entry.after or {})["version"] == "2025"


@pytest.mark.django_db
def test_it_is_idempotent_and_refuses_changed_text_under_the_same_version() -> None:
    first, _ = install_framework(SHIPPED_2025)
    again, created = install_framework(SHIPPED_2025)
    assert again.pk == first.pk and not created
    with pytest.raises(FrameworkError, match="hãy tăng số phiên bản"):
        install_framework(SHIPPED_2025.replace("target: 90", "target: 85"))


@pytest.mark.django_db
def test_it_refuses_an_invalid_file_and_stores_nothing() -> None:
    with pytest.raises(FrameworkError):
        install_framework(SHIPPED_2025.replace("max: 20", "max: 21"))
    assert not FrameworkVersion.objects.exists()


@pytest.mark.django_db
def test_it_finds_the_version_in_force_for_a_day() -> None:
    call_command("load_frameworks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert framework_in_force("dvc766", date(2024, 6, 1)).version == "2022"  # type: ignore[union-attr]
    # 2025.4 replaces 2025.3, which replaced 2025.2, which replaced 2025 (docs/rules.md, "The
    # service index").
    assert framework_in_force("dvc766", date(2025, 7, 1)).version == "2025.4"  # type: ignore[union-attr]
    assert framework_in_force("dvc766", date(2021, 1, 1)) is None
    assert framework_in_force("leader_nd335", date(2025, 12, 31)) is None


@pytest.mark.django_db
def test_it_retires_an_overlapping_active_version_on_activation() -> None:
    old, _ = install_framework(SHIPPED_2025, activate=True)
    new, _ = install_framework(SHIPPED_2025.replace('version: "2025"', 'version: "2025.1"'))
    activate_framework(new)
    old.refresh_from_db()
    assert (old.status, new.status) == (FrameworkStatus.RETIRED, FrameworkStatus.ACTIVE)
    assert framework_in_force("dvc766", date(2025, 7, 1)) == new


@pytest.mark.django_db
def test_the_command_installs_the_shipped_files_once(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("load_frameworks")
    call_command("load_frameworks")
    out = capsys.readouterr().out
    assert out.count("installed") == len(shipped_files()) and out.count("unchanged") == len(shipped_files())
    # dvc766 2025.2 (installed after dvc766.yaml) retires version 2025, whose validity it covers,
    # 2025.3 (after dvc766_2025-2.yaml) retires 2025.2 and 2025.4 (after dvc766_2025-3.yaml)
    # 2025.3; kpi_xa_example 2025.3 (after kpi-xa-example.yaml) retires 2025.2 the same way.
    assert FrameworkVersion.objects.filter(status=FrameworkStatus.ACTIVE).count() == len(shipped_files()) - 4
    active_766 = FrameworkVersion.objects.filter(code="dvc766", status=FrameworkStatus.ACTIVE)
    assert set(active_766.values_list("version", flat=True)) == {"2022", "2025.4"}
    assert (
        FrameworkVersion.objects.get(code="kpi_xa_example", status=FrameworkStatus.ACTIVE).version == "2025.3"
    )
    assert all(v.is_example for v in FrameworkVersion.objects.filter(code="kpi_xa_example"))


@pytest.mark.django_db
def test_the_admin_shows_versions_read_only(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    fv, _ = install_framework(SHIPPED_2025)
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw-long-enough-42")
    client.force_login(root)
    page = client.get(f"/admin/frameworks/frameworkversion/{fv.pk}/change/")
    assert page.status_code == 200 and "Tiến độ giải quyết" in page.content.decode()
    assert client.get("/admin/frameworks/frameworkversion/add/").status_code == 403

"""The step table and who made a dossier late, in explain_dossier and the dossier timeline."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kpixa.accountability.tests.test_pass import LAND, bounced, load, normal
from kpixa.dossiers.explain import explain
from kpixa.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_it_explains_who_made_the_dossier_late(catalogue: Any, tmp_path: Path) -> None:
    load(tmp_path, [bounced(), normal()])
    found = explain(Dossier.objects.get(ma_ho_so="HS-BOUNCE"))
    assert [round(s.hours, 1) for s in found.steps] == [0.5, 0.5, 8.0, 23.0, 1.0]
    assert found.steps[3].department == LAND and found.steps[3].late
    assert "Địa chính - Xây dựng (1.5 giờ)" in found.late_by
    assert explain(Dossier.objects.get(ma_ho_so="HS-OK")).late_by == ""
    out = StringIO()
    call_command("explain_dossier", "HS-BOUNCE", stdout=out)
    assert "gây trễ hạn 1.5 giờ" in out.getvalue()


def test_it_shows_the_step_table_on_the_timeline(catalogue: Any, tmp_path: Path) -> None:
    load(tmp_path, [bounced()])
    client = Client()
    client.force_login(catalogue.users["province_admin"])
    page = client.get(reverse("dossiers:timeline", args=["dvcq", "HS-BOUNCE"]))
    assert page.status_code == 200, page.status_code
    body = page.content.decode()
    assert 'id="steps"' in body
    assert "Trễ hạn 2.5 giờ làm việc do các bước xử lý" in body

"""Explanations and flag messages go through gettext; rejection reasons stay Vietnamese data."""

from __future__ import annotations

from datetime import date

import pytest

from kpixa.dossiers import explain as explain_module
from kpixa.dossiers import models as models_module
from kpixa.dossiers.explain import explain
from kpixa.dossiers.models import Dossier, Flag, Rejection
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import importing
from kpixa.dossiers.tests.conftest import base_record, sample_payload

pytestmark = pytest.mark.django_db


def english(text: str) -> str:
    """A stand-in catalogue: marks every translated string, so untranslated ones stand out."""
    return f"EN[{text}]"


def run(records: list) -> None:  # type: ignore[type-arg]
    importing.run_batch(importing.new_batch("dossier", "motcua"), source_from_document(records))


def test_it_translates_every_explanation_line(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    run(sample_payload())
    monkeypatch.setattr(explain_module, "_", english)
    monkeypatch.setattr(explain_module, "ngettext", lambda one, many, n: english(one))
    for dossier in Dossier.objects.select_related("procedure"):
        result = explain(dossier, date(2026, 3, 31))
        assert result.reasoning and all(line.startswith("EN[") for line in result.reasoning)
        assert result.verdict.startswith("EN[")
        own_words = {s.get("content") for s in dossier.steps}  # the sender's text, kept as sent
        assert all(
            what.startswith("EN[") or what in own_words or " · " in what for _at, what in result.events
        )


def test_it_keeps_the_vietnamese_explanation_by_default(catalogue):  # type: ignore[no-untyped-def]
    run([base_record("A", NgayHenTra=None, MaTTHC="1.000001", NgayKetThucXuLy="20260303150000")])
    lines = explain(Dossier.objects.get(), date(2026, 3, 31)).lines()
    assert any("(8 giờ từ lúc tiếp nhận): 04/03/2026 09:00." in line for line in lines), lines
    assert lines[-1].startswith("Kết luận: Đúng hạn")


def test_it_shows_flags_in_the_readers_language(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    run([base_record("P", MaTTHC="9.999999"), base_record("N", MaTTHC="9.999998", NgayHenTra=None)])
    flags = {f.code: f for f in Flag.objects.all()}
    assert flags["thu_tuc_chua_xac_minh"].message() == flags["thu_tuc_chua_xac_minh"].message_vi
    assert flags["khong_xac_dinh_han"].message_vi.startswith("N: Không có ngày hẹn trả")
    monkeypatch.setattr(models_module, "gettext", english)
    assert flags["khong_xac_dinh_han"].message() == english(models_module.FLAG_TEMPLATES["no_due"]) % {
        "key": "N"
    }


def test_it_falls_back_to_the_stored_text_for_flags_without_a_template(catalogue):  # type: ignore[no-untyped-def]
    batch = importing.new_batch("dossier", "motcua")
    flag = Flag.objects.create(batch=batch, code="cu", message_vi="Cảnh báo cũ.")
    assert flag.message() == "Cảnh báo cũ."


def test_it_stores_rejection_reasons_in_vietnamese_whatever_the_language(catalogue):  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"):
        run([base_record("U1", DonViXuLy="000.99.99.H99")])
    assert "không phải mã xã/phường" in Rejection.objects.get().reason_vi

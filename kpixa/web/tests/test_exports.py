"""Official-report exports: XLSX and PDF of a commune's scorecard and a province's ranking."""

from __future__ import annotations

import io
import os
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path
from openpyxl import load_workbook

from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion
from kpixa.frameworks.services import install_framework, shipped_files
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.tests.conftest import FedInputs, progress
from kpixa.web import export_views, exports
from kpixa.web.exports import data, pdf
from kpixa.web.exports.text import MOTTO, MOTTO_SUBTITLE, number, points
from kpixa.web.pages import scorecard as scorecard_page

# The exports' own URLs (the web app includes them into the site's URLs), plus the login page.
urlpatterns = [
    path("", include("kpixa.web.export_urls")),
    path("accounts/", include("kpixa.accounts.urls")),
]
pytestmark = pytest.mark.urls("kpixa.web.tests.test_exports")

PERIOD = "2026-10"


@pytest.fixture
def scored(world: Any) -> Any:
    """dvc766 installed, and October 2026 (plus an older month) scored for Gia Lai and Đắk Lắk."""
    source = next(p for p in shipped_files() if p.stem == "dvc766")
    install_framework(source.read_text("utf-8"), activate=True, source_name=source.name)
    fed = FedInputs(
        {
            world.commune.pk: progress(1270, 854, **{"ratings.total": 40, "ratings.satisfied": 39}),
            world.sibling.pk: progress(100, 95),
            world.foreign.pk: progress(50, 50),
        }
    )
    for period in ("2026-09", PERIOD):
        compute_scores("dvc766", period, "52", providers=fed.providers())
    compute_scores("dvc766", PERIOD, "66", providers=fed.providers())
    return world


def _keep_sample(name: str, content: bytes) -> None:
    """Write ``content`` for review when KPIXA_EXPORT_SAMPLES names a directory (not committed)."""
    folder = os.environ.get("KPIXA_EXPORT_SAMPLES")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as out:
            out.write(content)


def _sheet(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content)).active


def _cells(sheet: Any) -> list[Any]:
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]


def _row_of(sheet: Any, column: int, value: Any) -> tuple[Any, ...]:
    for row in sheet.iter_rows(values_only=True):
        if row[column] == value:
            return tuple(row)
    raise AssertionError(f"no row with {value!r} in column {column}")


def _same(cell: Any, stored: Decimal | None) -> bool:
    return stored is None if cell is None else Decimal(str(cell)) == stored


# --- the header and its wording ------------------------------------------------------------


def test_it_writes_the_date_line_as_official_documents_do(world: Any) -> None:
    assert data.date_line("Gia Lai", date(2026, 11, 28)) == "Gia Lai, ngày 28 tháng 11 năm 2026"
    assert data.date_line("Gia Lai", date(2026, 2, 5)) == "Gia Lai, ngày 05 tháng 02 năm 2026"
    assert data.date_line("Gia Lai", date(2026, 3, 15)) == "Gia Lai, ngày 15 tháng 3 năm 2026"


def test_it_names_the_issuing_body_after_the_province(world: Any) -> None:
    issuer = data.default_issuer(world.province)
    assert (issuer.parent, issuer.body) == ("UBND TỈNH GIA LAI", "SỞ NỘI VỤ")
    assert data.place_name(world.other_province) == "Đắk Lắk"


def test_it_formats_numbers_the_vietnamese_way() -> None:
    assert [number(Decimal("1270")), number(Decimal("67.24")), number(None)] == ["1.270", "67,24", "–"]
    assert number(Decimal("12345.678")) == "12.345,68"


def test_it_gives_an_ascii_filename_and_the_utf8_one() -> None:
    header = export_views.content_disposition("Kết quả đánh giá Xã Ia Dơk 2026-10.pdf")
    assert 'filename="Ket-qua-danh-gia-Xa-Ia-Dok-2026-10.pdf"' in header
    assert "filename*=UTF-8''K%E1%BA%BFt%20qu%E1%BA%A3" in header
    assert header.isascii()


# --- the commune scorecard -----------------------------------------------------------------


def test_it_exports_the_scorecard_as_xlsx_with_the_official_header(scored: Any) -> None:
    sheet = _sheet(exports.scorecard_xlsx(scored.commune, "dvc766", PERIOD))
    cells = _cells(sheet)
    assert {"UBND TỈNH GIA LAI", "SỞ NỘI VỤ", MOTTO, MOTTO_SUBTITLE} <= set(cells)
    assert any(str(c).startswith("Gia Lai, ngày ") for c in cells)
    assert "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CỦA XÃ IA DOM" in cells
    assert "Kỳ đánh giá: Tháng 10/2026 (2026-10)" in cells
    assert {"Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SNV", "Nơi nhận:", "- Lưu: VT.", "GIÁM ĐỐC"} <= set(
        cells
    )
    motto = next(c for row in sheet.iter_rows() for c in row if c.value == MOTTO_SUBTITLE)
    assert motto.font.u == "single"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4


def test_it_writes_the_stored_indicator_results_into_the_xlsx(scored: Any) -> None:
    sheet = _sheet(exports.scorecard_xlsx(scored.commune, "dvc766", PERIOD))
    stored = IndicatorScore.objects.filter(commune=scored.commune, period_code=PERIOD)
    assert stored.count() > 10
    for score in stored:
        row = _row_of(sheet, 1, score.indicator_code)
        values = (score.numerator, score.denominator, score.rate_display, score.target, score.points)
        assert all(_same(cell, value) for cell, value in zip(row[3:8], values, strict=True)), row
        assert _same(row[8], score.max_points)
        assert _same(row[9], score.counted_points)
        assert row[11] == score.explanation_vi
    progress_row = _row_of(sheet, 1, "2.1")
    assert (progress_row[3], progress_row[4], progress_row[5]) == (854, 1270, 67.24)


def test_it_reads_the_indicators_of_the_version_that_gave_the_total(scored: Any) -> None:
    """Results of another version of the framework for the same period (kept when a version is
    replaced) never mix into the scorecard: its lines come from the version of its total."""
    in_force = UnitScore.objects.get(commune=scored.commune, period_code=PERIOD).framework_version
    other = FrameworkVersion.objects.create(
        code="dvc766",
        version="0-replaced",  # ordered after the version in force: its rows would be read last
        name=in_force.name,
        valid_from=in_force.valid_from,
        source_text=in_force.source_text,
        sha256="0" * 64,
        status=FrameworkStatus.RETIRED,
    )
    stale = list(IndicatorScore.objects.filter(commune=scored.commune, period_code=PERIOD))
    for score in stale:
        score.pk, score.framework_version, score.explanation_vi = None, other, "kết quả của phiên bản cũ"
    IndicatorScore.objects.bulk_create(stale)
    report = data.load_scorecard(scored.commune, "dvc766", PERIOD)
    read = [line.score for line in report.card.lines if line.score is not None]
    assert read and {score.framework_version_id for score in read} == {in_force.pk}
    assert "phiên bản cũ" not in pdf.scorecard_html(report)


def test_it_exports_the_page_scorecard_itself(scored: Any) -> None:
    report = data.load_scorecard(scored.commune, "dvc766", PERIOD)
    assert isinstance(report.card, scorecard_page.Scorecard)
    assert all(isinstance(line, scorecard_page.IndicatorLine) for b in report.groups for line in b.lines)
    numbers = [number for block in report.groups for number, _line, _score in block.numbered()]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 10


def test_it_writes_the_stored_total_and_rank_into_the_xlsx(scored: Any) -> None:
    unit = UnitScore.objects.get(commune=scored.commune, period_code=PERIOD)
    sheet = _sheet(exports.scorecard_xlsx(scored.commune, "dvc766", PERIOD))
    total = _row_of(sheet, 2, "TỔNG CỘNG")
    assert _same(total[9], unit.total) and _same(total[8], unit.max_total)
    progress_group = _row_of(sheet, 0, "II")
    assert progress_group[2] == unit.group_totals["2"]["name"]
    assert _same(progress_group[9], Decimal(unit.group_totals["2"]["points"]))
    cells = _cells(sheet)
    assert f"Xếp loại: {unit.classification_label}" in cells
    ranked = UnitScore.objects.filter(
        period_code=PERIOD, commune__province=scored.province, total__isnull=False
    )
    assert ranked.count() == 2  # the third commune has no data at all: unranked
    assert f"Xếp hạng trong tỉnh: {unit.rank_province}/2" in cells


def test_it_renders_the_scorecard_html_with_the_motto_and_values(scored: Any) -> None:
    card = data.load_scorecard(scored.commune, "dvc766", PERIOD)
    html = pdf.scorecard_html(card)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert "UBND TỈNH GIA LAI" in html and "Nơi nhận:" in html and "GIÁM ĐỐC" in html
    assert "size: A4 portrait" in html and "counter(pages)" in html
    assert ">854<" in html and ">1.270<" in html and ">67,24<" in html
    assert f">{points(card.unit.total)}<" in html


def test_it_exports_the_scorecard_as_a_pdf_with_pages(scored: Any) -> None:
    content = exports.scorecard_pdf(scored.commune, "dvc766", PERIOD)
    _keep_sample("scorecard.pdf", content)
    _keep_sample("scorecard.xlsx", exports.scorecard_xlsx(scored.commune, "dvc766", PERIOD))
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    document = pdf.render_document(pdf.scorecard_html(data.load_scorecard(scored.commune, "dvc766", PERIOD)))
    assert len(document.pages) >= 1


def test_it_reads_the_scorecard_in_a_fixed_number_of_queries(
    scored: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):
        exports.scorecard_xlsx(scored.commune, "dvc766", PERIOD)


def test_it_says_when_nothing_is_stored_for_the_period(scored: Any) -> None:
    with pytest.raises(exports.NoResults, match="Chưa có kết quả"):
        exports.scorecard_xlsx(scored.commune, "dvc766", "2026-08")
    with pytest.raises(exports.ExportError, match="không hiểu kỳ"):
        exports.scorecard_xlsx(scored.commune, "dvc766", "tháng 8")


# --- the province ranking ------------------------------------------------------------------


def test_it_exports_the_ranking_as_xlsx_with_stored_totals_in_rank_order(scored: Any) -> None:
    sheet = _sheet(exports.ranking_xlsx(scored.province, "dvc766", PERIOD))
    assert MOTTO in _cells(sheet) and sheet.page_setup.orientation == "landscape"
    units = UnitScore.objects.filter(period_code=PERIOD, commune__province=scored.province)
    rows = [_row_of(sheet, 2, unit.commune.code) for unit in units]
    for unit, row in zip(units, rows, strict=True):
        assert row[1] == unit.rank_province and row[3] == unit.commune.name
        assert _same(row[-2], unit.total) and row[-1] == (unit.classification_label or "Chưa xếp loại")
    assert [row[1] for row in sorted(rows, key=lambda r: r[0])] == [1, 2, None]  # unranked last
    assert "24121" not in _cells(sheet)


def test_it_renders_the_ranking_html_landscape_with_every_commune(scored: Any) -> None:
    html = pdf.ranking_html(data.load_ranking(scored.province, "dvc766", PERIOD))
    assert "size: A4 landscape" in html and MOTTO_SUBTITLE in html
    assert "Xã Ia Dom" in html and "Xã Ia Dơk" in html and "Phường Buôn Ma Thuột" not in html
    assert "Trên địa bàn tỉnh Gia Lai" in html


def test_it_exports_the_ranking_as_a_pdf(scored: Any) -> None:
    content = exports.ranking_pdf(scored.province, "dvc766", PERIOD)
    _keep_sample("ranking.pdf", content)
    _keep_sample("ranking.xlsx", exports.ranking_xlsx(scored.province, "dvc766", PERIOD))
    assert content.startswith(b"%PDF-")


def test_it_reads_the_ranking_in_a_fixed_number_of_queries(
    scored: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        exports.ranking_xlsx(scored.province, "dvc766", PERIOD)
    with django_assert_num_queries(3):  # the PDF reads the same, whatever the number of communes
        exports.ranking_pdf(scored.province, "dvc766", PERIOD)


def test_it_defaults_to_the_latest_computed_period(scored: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert exports.latest_period("dvc766", scored.province) == PERIOD
    assert exports.latest_period("kpi-xa-example", scored.province) is None


# --- the download views and who may use them -----------------------------------------------


def _client(world: Any, role: str | None) -> Client:
    client = Client()
    if role is not None:
        client.force_login(world.users[role])
    return client


def test_it_downloads_the_scorecard_with_a_safe_filename(scored: Any) -> None:
    response = _client(scored, "commune_leader").get("/xa/23872/xuat/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="Ket-qua-danh-gia-Xa-Ia-Dom-2026-10.xlsx"' in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_it_downloads_a_pdf_of_the_requested_period(scored: Any) -> None:
    response = _client(scored, "province_viewer").get("/tinh/52/xuat/pdf/?period=2026-09&framework=dvc766")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert "2026-09.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (None, "/xa/23872/xuat/xlsx/", 302),
        ("commune_officer", "/xa/23872/xuat/xlsx/", 200),
        ("commune_leader", "/xa/23869/xuat/xlsx/", 404),
        ("province_viewer", "/xa/23869/xuat/xlsx/", 200),
        ("province_admin", "/xa/24121/xuat/xlsx/", 404),
        (None, "/tinh/52/xuat/xlsx/", 302),
        ("commune_leader", "/tinh/52/xuat/xlsx/", 403),
        ("commune_officer", "/tinh/52/xuat/xlsx/", 403),
        ("province_admin", "/tinh/52/xuat/xlsx/", 200),
        ("province_viewer", "/tinh/66/xuat/xlsx/", 404),
        ("province_admin", "/tinh/66/xuat/xlsx/", 404),
    ],
)
def test_it_scopes_downloads_to_what_the_user_may_see(
    scored: Any, role: str | None, url: str, status: int
) -> None:
    response = _client(scored, role).get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_an_unknown_format_or_an_empty_period(scored: Any) -> None:
    client = _client(scored, "province_admin")
    assert client.get("/xa/23872/xuat/docx/").status_code == 404
    assert client.get("/xa/23872/xuat/xlsx/?period=2025-01").status_code in (400, 404)
    assert client.get("/tinh/52/xuat/xlsx/?framework=kpi-xa-example").status_code == 404


def test_it_answers_400_for_a_period_it_cannot_read(scored: Any) -> None:
    response = _client(scored, "province_admin").get("/xa/23872/xuat/pdf/?period=quy-3")
    assert response.status_code == 400
    assert "không hiểu kỳ" in response.content.decode()


def test_it_declares_the_access_policy_of_each_view() -> None:
    assert export_views.commune_export.kpixa_access == "commune"  # type: ignore[attr-defined]
    assert export_views.province_export.kpixa_access == "province"  # type: ignore[attr-defined]


def test_it_leaves_citizens_personal_data_out(scored: Any) -> None:
    card = data.load_scorecard(scored.commune, "dvc766", PERIOD)
    html = pdf.scorecard_html(card)
    assert not re.search(r"\b0\d{9,11}\b", html)  # no phone or identity numbers
    assert "ChuHoSo" not in html and "SoDienThoai" not in html


# session, user, the access check and the view's scoped lookup (the commune is fetched by both),
# the latest period, then the export's own queries (5 for a scorecard, 3 for a ranking: each
# reads the province's document settings).
@pytest.mark.parametrize(("url", "queries"), [("/xa/23872/xuat/xlsx/", 9), ("/tinh/52/xuat/xlsx/", 6)])
def test_it_serves_a_download_in_a_fixed_number_of_queries(
    scored: Any, django_assert_num_queries: Any, url: str, queries: int
) -> None:
    client = _client(scored, "province_admin")
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# --- the document's form (Decree 30/2020/NĐ-CP, Article 8(1)) ------------------------------


def _settings(world: Any) -> Any:
    from kpixa.units.models import DocumentSettings

    return DocumentSettings.objects.create(
        province=world.province,
        symbol="BC-SNV",
        recipients="UBND tỉnh (b/c);\nCác xã, phường\nLưu: VT, CCHC",
        signer_authority="kt. giám đốc",
        signer_title="Phó Giám đốc",
        signer_name="Nguyễn Văn An",
    )


def test_it_numbers_addresses_and_signs_the_report_from_the_province_settings(scored: Any) -> None:
    _settings(scored)
    sheet = _sheet(exports.ranking_xlsx(scored.province, "dvc766", PERIOD, number=12))
    cells = _cells(sheet)
    assert {"Số: 12/BC-SNV", "Nơi nhận:", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"} <= set(cells)
    assert [c for c in cells if isinstance(c, str) and c.startswith("- ")] == [
        "- UBND tỉnh (b/c);",
        "- Các xã, phường;",
        "- Lưu: VT, CCHC.",
    ]
    html = pdf.scorecard_html(data.load_scorecard(scored.commune, "dvc766", PERIOD, number=7))
    assert "Số: 7/BC-SNV" in html and "Nguyễn Văn An" in html and "- Lưu: VT, CCHC." in html


def test_it_leaves_the_number_blank_and_invents_no_signatory_without_settings(scored: Any) -> None:
    card = data.load_scorecard(scored.commune, "dvc766", PERIOD)
    assert card.header.number_line == "Số: " + "\u00a0" * 6 + "/BC-SNV"
    assert card.header.signing.name == "" and card.header.signing.recipient_lines() == ["- Lưu: VT."]


def test_it_writes_one_decimal_style_and_whole_numbers_as_integers(scored: Any) -> None:
    assert [points(Decimal("20")), points(Decimal("20.833")), points(None)] == ["20,00", "20,83", "–"]
    sheet = _sheet(exports.ranking_xlsx(scored.province, "dvc766", PERIOD))
    row = next(r for r in sheet.iter_rows() if r[2].value == scored.commune.code)
    assert row[0].number_format == "#,##0" and row[1].number_format == "#,##0"  # STT, rank
    assert {cell.number_format for cell in row[5:-1] if cell.value is not None} == {"#,##0.00"}
    html = pdf.ranking_html(data.load_ranking(scored.province, "dvc766", PERIOD))
    assert re.search(r"\((18|20),00\*?\)", html)  # group maxima in the headers, two decimals
    assert not re.search(r"<td class=\"num\">\d+</td>", html.split("<tbody>")[1].split("</tbody>")[0])


def test_it_fits_a_province_of_135_communes_on_four_landscape_pages(scored: Any) -> None:
    from kpixa.units.models import Commune, CommuneKind

    version = UnitScore.objects.filter(commune=scored.commune, period_code=PERIOD).get().framework_version
    communes = Commune.objects.bulk_create(
        Commune(
            code=f"9{n:04d}", name=f"Xã Ia Pết Đăk Krông {n}", kind=CommuneKind.XA, province=scored.province
        )
        for n in range(133)
    )
    UnitScore.objects.bulk_create(
        UnitScore(
            framework_version=version,
            commune=c,
            period_code=PERIOD,
            total=Decimal("70.5"),
            max_total=Decimal("100"),
            group_totals={"1": {"points": "17.25", "max_points": "18"}},
            as_of=UnitScore.objects.get(commune=scored.commune, period_code=PERIOD).as_of,
        )
        for c in communes
    )
    _settings(scored)
    ranking = data.load_ranking(scored.province, "dvc766", PERIOD)
    assert len(ranking.lines) == 136  # 133 + Ia Dom, Ia Dơk and the commune without data
    assert len(pdf.render_document(pdf.ranking_html(ranking)).pages) <= 4


def test_it_takes_the_registered_number_from_the_address_and_refuses_a_wrong_one(scored: Any) -> None:
    _settings(scored)
    client = _client(scored, "province_admin")
    response = client.get("/tinh/52/xuat/xlsx/?period=2026-10&framework=dvc766&so=35")
    assert response.status_code == 200 and "Số: 35/BC-SNV" in _cells(_sheet(response.content))
    refused = client.get("/tinh/52/xuat/xlsx/?period=2026-10&framework=dvc766&so=3a")
    assert refused.status_code == 400 and "Số văn bản" in refused.content.decode()


def test_it_marks_a_group_maximum_re_scaled_for_some_commune_and_says_why(scored: Any) -> None:
    ranking = data.load_ranking(scored.province, "dvc766", PERIOD)
    rescaled = [any(line.rescaled[i] for line in ranking.lines) for i in range(len(ranking.framework.groups))]
    html = pdf.ranking_html(ranking)
    for group, marked in zip(ranking.framework.groups, rescaled, strict=True):
        assert (f"({points(group.max_points)}*)" in html) == marked
    assert ("(*) Nhóm có chỉ số không áp dụng" in html) == any(rescaled)
    assert any(rescaled)  # 1.1–1.3 are province-only: every commune's group I is re-scaled


# --- every column adds up ---------------------------------------------------------------------


def _rescaled(scored: Any) -> UnitScore:
    unit = UnitScore.objects.get(commune=scored.commune, period_code=PERIOD)
    rows = IndicatorScore.objects.filter(commune=scored.commune, period_code=PERIOD)
    assert any(r.rescaled for r in rows), "indicators without data: the others count re-scaled"
    return unit


def test_the_xlsx_scorecard_adds_up_in_both_point_columns(scored: Any) -> None:
    unit = _rescaled(scored)
    sheet = _sheet(exports.scorecard_xlsx(scored.commune, "dvc766", PERIOD))
    rows = list(sheet.iter_rows(values_only=True))
    first = next(i for i, row in enumerate(rows) if row[0] == "STT")
    total = _row_of(sheet, 2, "TỔNG CỘNG")
    body = rows[first + 1 : rows.index(total)]
    groups = [row for row in body if isinstance(row[0], str) and row[0]]
    indicators = [row for row in body if isinstance(row[0], int)]

    def column(found: list[tuple[Any, ...]], at: int) -> Decimal:
        return sum((Decimal(str(row[at])) for row in found if row[at] is not None), Decimal(0))

    for at in (7, 9):  # the indicators' own points, and what they count in the total
        assert column(indicators, at) == column(groups, at) == Decimal(str(total[at]))
    assert Decimal(str(total[9])) == unit.total
    assert Decimal(str(total[7])) != unit.total  # re-scaled: both are shown, and the sentence says why
    assert any(str(c).startswith("Tổng điểm là tổng cột “Tính vào tổng”") for c in _cells(sheet))


def test_the_pdf_scorecard_adds_up_in_the_counted_column(scored: Any) -> None:
    unit = _rescaled(scored)
    report = data.load_scorecard(scored.commune, "dvc766", PERIOD)
    rows = pdf.scorecard_rows(report)
    at = pdf.scorecard_headers().index("Tính vào tổng") - 5  # the total row's label spans 6 columns

    def value(row: dict[str, Any], index: int) -> Decimal:
        return Decimal(row["cells"][index]["text"].replace(".", "").replace(",", "."))

    indicators = [r for r in rows if r["kind"] == "indicator"]
    total = next(r for r in rows if r["kind"] == "total")
    counted = sum((value(r, at + 5) for r in indicators), Decimal(0))
    assert counted == value(total, at) == unit.total
    html = pdf.scorecard_html(report)
    assert "Tổng điểm là tổng cột “Tính vào tổng”" in html


def test_the_csv_export_adds_up_to_each_units_total(scored: Any) -> None:
    import csv

    from kpixa.scoring import exports as score_exports
    from kpixa.scoring.queries import scoreboard

    _rescaled(scored)
    board = scoreboard("dvc766", PERIOD, "52")
    text = score_exports.to_csv(board).decode("utf-8").lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    head, body = lines[0], lines[1:]
    code, total, counted = head.index("Mã đơn vị"), head.index("Tổng điểm"), head.index("Tính vào tổng")
    sums: dict[str, Decimal] = {}
    totals: dict[str, str] = {}
    for row in body:
        sums[row[code]] = sums.get(row[code], Decimal(0)) + Decimal(row[counted] or 0)
        totals[row[code]] = row[total]
    checked = [c for c, t in totals.items() if t]
    assert checked and all(sums[c] == Decimal(totals[c]) for c in checked)

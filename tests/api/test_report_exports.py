"""The yearly report as files through the API: GET /units/{id}/reports/{year}.xlsx and .pdf."""

from io import BytesIO

import openpyxl
from pypdf import PdfReader

from doanvien.reports.exports import PDF_TYPE, XLSX_TYPE
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import registration_approve

from ..factories import evaluation_passed
from ..reports.test_rollup import AREAS, YEAR, _register
from ..training.conftest import framework  # noqa: F401
from .conftest import ApiClient


def _assess(world):
    evaluation_passed(world.province, YEAR)

    registration = registration_approve(actor=None, registration=_register(world.member))
    assessment_record(actor=None, registration=registration, areas=dict.fromkeys(AREAS, 19))


def test_it_returns_the_workbook(world, framework):  # noqa: F811
    _assess(world)
    response = ApiClient(world.base_cadre).get(
        f"/api/v1/units/{world.base.pk}/reports/{YEAR}.xlsx", {"number": "15"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-ren-luyen-TN-TA-THPT-{YEAR}.xlsx"'
    )
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    assert sheet["A2"].value == "ĐOÀN TRƯỜNG THPT TÂN AN"
    assert "15-BC/" in sheet["A5"].value
    assert [sheet[c].value for c in ("B10", "C10", "D10", "G10", "H10")] == [
        "Chi đoàn 12A1",
        2,
        1,
        1,
        0.5,
    ]
    assert sheet["H10"].number_format == "0.00%"


def test_it_returns_the_pdf(world, framework):  # noqa: F811
    _assess(world)
    response = ApiClient(world.base_cadre).get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == PDF_TYPE
    assert response["Content-Disposition"].endswith(f'-{YEAR}.pdf"')
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Chi đoàn 12A1" in text and "33,33" in text


def test_the_json_report_still_answers_beside_the_files(world, framework):  # noqa: F811
    client = ApiClient(world.base_cadre)
    response = client.get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}")
    assert response.status_code == 200
    assert response.json()["year"] == YEAR
    assert client.get(f"/api/v1/units/{world.base.pk}/reports/1999.xlsx").status_code == 422
    assert client.get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}.doc").status_code == 422


def test_out_of_scope_units_are_404(world, framework):  # noqa: F811
    outsider = ApiClient(world.outsider)
    for suffix in ("xlsx", "pdf"):
        assert (
            outsider.get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}.{suffix}").status_code
            == 404
        )
        assert outsider.get(f"/api/v1/units/999999/reports/{YEAR}.{suffix}").status_code == 404
        assert (
            ApiClient().get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}.{suffix}").status_code
            == 401
        )


def test_the_openapi_document_gives_the_file_types(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for suffix, content_type in (("xlsx", XLSX_TYPE), ("pdf", PDF_TYPE)):
        operation = paths[f"/api/v1/units/{{unit_id}}/reports/{{year}}.{suffix}"]["get"]
        content = operation["responses"]["200"]["content"]
        assert list(content) == [content_type]
        assert content[content_type]["schema"] == {"type": "string", "format": "binary"}
        assert {p["name"] for p in operation["parameters"]} >= {"unit_id", "year", "number"}

"""The yearly report as files: the Excel workbook read back cell by cell, the PDF rendered and
its text read back, the print view, and the whole-subtree workbook."""

import unicodedata
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from doanvien.reports import exports
from doanvien.reports.selectors import report, year_over_year
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import registration_approve, registration_save

from ..factories import evaluation_passed, make_member, make_unit
from ..training.conftest import complete_items
from .test_rollup import AREAS, YEAR, _register


def vi(text: str) -> str:
    """What the documents print for this source text: they are always in Vietnamese."""
    with translation.override("vi"):
        return gettext(text)


@pytest.fixture
def figures(world, framework):
    """The hand-made tree of test_rollup: in the district, the high school's branch 12A1 has
    an excellent and a good member, 12A2 one registered and not assessed (incomplete); the
    commune's branch has one member with a draft (incomplete)."""

    evaluation_passed(world.province, YEAR)

    def approve(member):
        return registration_approve(actor=None, registration=_register(member))

    assessment_record(
        actor=None, registration=approve(world.member), areas=dict.fromkeys(AREAS, 19)
    )
    assessment_record(
        actor=None, registration=approve(world.member2), areas=dict.fromkeys(AREAS, 17)
    )
    _register(world.member_in_branch2)
    registration_save(
        actor=None,
        member=world.outsider_member,
        year=YEAR,
        items=complete_items(world.outsider_member, year=YEAR),
    )
    return world


def _xlsx(unit, **options):
    rows = report(unit, YEAR)
    content = exports.report_xlsx(unit=unit, year=YEAR, rows=rows, **options)
    return openpyxl.load_workbook(BytesIO(content)).active


def _pdf_text(content: bytes) -> str:
    """The document's text, lines joined by spaces (a long line may wrap anywhere)."""
    reader = PdfReader(BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


# --- Excel --------------------------------------------------------------------------------------


def test_the_workbook_has_the_title_block_and_vietnamese_headers(figures):
    with translation.override("en"):  # whatever the interface language
        sheet = _xlsx(figures.district, number="862")
    assert sheet.title == vi("Report")
    assert sheet["A1"].value == "TỈNH ĐOÀN THỬ NGHIỆM"  # the unit above
    assert sheet["A2"].value == "HUYỆN ĐOÀN TÂN AN"
    with translation.override("vi"):
        title = gettext("Training programme results %(year)s") % {"year": YEAR}
    assert sheet["A4"].value == title.upper()
    assert str(YEAR) in sheet["A4"].value
    assert "Huyện đoàn Tân An" in sheet["A5"].value and "862-BC/" in sheet["A5"].value
    assert sheet["B7"].value == "Đơn vị"  # the catalogue's Vietnamese
    headers = {
        "A7": "No.",
        "B7": "Unit",
        "C7": "Total members",
        "D7": "Members registered",
        "E7": "Members classified",
        "F7": "Not classified",
        "G7": "Classification results",
        "G8": "Excellently completed",
        "I8": "Well completed",
        "K8": "Completed",
        "M8": "Not completed",
        "G9": "Number",
        "H9": "Share",
        "N9": "Share",
    }
    for cell, text in headers.items():
        assert sheet[cell].value == vi(text), cell
    assert "G7:N7" in {str(r) for r in sheet.merged_cells.ranges}


def test_counts_are_numbers_and_shares_are_percentages(figures):
    sheet = _xlsx(figures.district)
    table = [[c.value for c in row] for row in sheet.iter_rows(min_row=10, max_row=12)]
    assert table == [
        [1, "Đoàn trường THPT Tân An", 3, 3, 3, 0, 1, 0.3334, 1, 0.3333, 0, 0, 1, 0.3333],
        [2, "Đoàn xã Tân Hòa", 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1],
        [None, vi("Total"), 4, 3, 4, 0, 1, 0.25, 1, 0.25, 0, 0, 2, 0.5],
    ]
    for cell in ("C10", "D10", "G10", "C12", "M12"):
        assert type(sheet[cell].value) is int, cell
        assert sheet[cell].number_format == "#,##0"
    for cell in ("H10", "J10", "L10", "N10", "H12", "N12"):
        assert sheet[cell].number_format == "0.00%", cell
    # The shares of a row still add up to exactly 100 %.
    assert sum(sheet[f"{c}10"].value for c in "HJLN") == pytest.approx(1.0)
    assert sheet["B12"].font.bold
    # The year is still running (its evaluation date has passed): the note says so first.
    assert sheet["A13"].value == " ".join(
        [
            vi("Year %(year)s has not ended: its figures may still change.") % {"year": YEAR},
            vi(
                "The members of a year are those whose membership covers the year's evaluation "
                "date; those admitted less than the required months before it are not "
                "classified. Shares are of the classified members and add up to 100.00; a "
                "classified member who did not register or was not assessed counts as "
                "incomplete. A year whose results were recognised keeps the figures recognised."
            ),
        ]
    )


def test_a_branch_has_only_its_total_row(figures):
    sheet = _xlsx(figures.branch)
    assert sheet["B10"].value == vi("Total")
    assert [sheet[c].value for c in ("C10", "D10", "E10", "G10", "I10")] == [2, 2, 2, 1, 1]
    assert sheet["A1"].value == figures.base.name.upper()


def test_the_years_before_follow_the_table(figures):
    history = year_over_year(figures.district, [YEAR - 2, YEAR - 1, YEAR])
    sheet = _xlsx(figures.district, history=history)
    assert sheet["B15"].value == vi("Year over year")
    assert [sheet[f"{c}16"].value for c in "BCDE"] == [
        vi("Year"),
        vi("Total members"),
        vi("Members registered"),
        vi("Members classified"),
    ]
    assert sheet["B17"].value == YEAR - 2
    assert sheet["C17"].value == vi("Nothing recorded for this year.")
    assert [sheet[f"{c}19"].value for c in "BCDEFGHI"] == [YEAR, 4, 3, 4, 0.25, 0.25, 0, 0.5]
    assert sheet["F19"].number_format == "0.00%"


def test_the_file_name_is_plain_ascii(world):
    unit = make_unit(world.base, code="ĐTN-Tân An/01")
    assert exports.filename(unit, 2027, "xlsx") == "bao-cao-ren-luyen-DTN-TAN-AN-01-2027.xlsx"
    assert exports.filename(world.district, 2027, "pdf") == "bao-cao-ren-luyen-TN-TA-2027.pdf"


# --- PDF ----------------------------------------------------------------------------------------


def test_the_pdf_is_an_a4_document_with_the_figures_and_the_signature(figures):
    unit = figures.district
    content = exports.report_pdf(
        unit=unit,
        year=YEAR,
        rows=report(unit, YEAR),
        history=year_over_year(unit, [YEAR - 1, YEAR]),
        number="862",
        place="Tân An",
        signer=exports.Signer(name="Trần Trí Cường"),
    )
    assert content.startswith(b"%PDF")
    reader = PdfReader(BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = _pdf_text(content)
    for expected in (
        "HUYỆN ĐOÀN TÂN AN",
        "TỈNH ĐOÀN THỬ NGHIỆM",
        "Đoàn trường THPT Tân An",
        "Đoàn xã Tân Hòa",
        "862-BC/",
        vi("HO CHI MINH COMMUNIST YOUTH UNION"),
        vi("REPORT"),
        str(YEAR),
        "33,34",
        "33,33",
        "25,00",
        "50,00",
        "100,00",
        vi("ON BEHALF OF THE STANDING COMMITTEE"),
        vi("SECRETARY"),
        "Trần Trí Cường",
        "Tân An",
        vi("Registration and assessment in the units under it"),
    ):
        assert expected in text, expected
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("+DejaVu-Sans" in name for name in fonts), fonts


def test_the_pdf_leaves_the_number_and_the_signer_to_fill_in(figures):
    content = exports.report_pdf(
        unit=figures.base, year=YEAR, rows=report(figures.base, YEAR), on=None
    )
    text = _pdf_text(content)
    assert f"{exports.BLANK}-BC/{exports.BLANK}" in text
    assert "Chi đoàn 12A1" in text and "Chi đoàn 12A2" in text
    assert vi("SECRETARY") in text


def test_the_document_is_rendered_without_the_network(settings):
    fetcher = exports._static_fetcher()
    css = fetcher.fetch(
        exports.DOCUMENT_BASE_URL + settings.STATIC_URL.lstrip("/") + "css/print.css"
    )
    assert b"@page" in css.read()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/tracker.css")


# --- Pages ----------------------------------------------------------------------------------------


def test_the_print_view_is_the_document_with_its_charts(client, figures):
    client.force_login(figures.province_cadre)
    response = client.get(
        reverse("reports:unit-report-print", args=[figures.district.pk, YEAR]), {"number": "12"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3 and "chart-levels" in html and "chart-children" in html
    assert "chart-progress" in html
    assert "HUYỆN ĐOÀN TÂN AN" in html and "12-BC/" in html
    assert "css/print.css" in html and "base.html" not in html
    assert 'class="topbar"' not in html  # a page of its own, without the site's navigation
    assert (
        reverse("reports:unit-report-pdf", args=[figures.district.pk, YEAR]) + "?number=12" in html
    )


def test_the_downloads_are_attachments(client, figures):
    client.force_login(figures.base_cadre)
    response = client.get(reverse("reports:unit-report-xlsx", args=[figures.base.pk, YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ren-luyen-TN-TA-THPT-2027.xlsx"'
    )
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    assert sheet["B10"].value == "Chi đoàn 12A1" and sheet["C12"].value == 3
    response = client.get(reverse("reports:unit-report-pdf", args=[figures.base.pk, YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ren-luyen-TN-TA-THPT-2027.pdf"'
    )
    assert "Chi đoàn 12A1" in _pdf_text(response.content)


def test_the_report_page_offers_the_files(client, figures):
    client.force_login(figures.base_cadre)
    html = client.get(reverse("reports:unit-report", args=[figures.base.pk, YEAR])).content.decode()
    for name in ("unit-report-print", "unit-report-xlsx", "unit-report-pdf"):
        assert reverse(f"reports:{name}", args=[figures.base.pk, YEAR]) in html


@pytest.mark.parametrize("name", ["unit-report-print", "unit-report-xlsx", "unit-report-pdf"])
def test_out_of_scope_is_404_and_anonymous_must_log_in(client, world, name):
    url = reverse(f"reports:{name}", args=[world.base.pk, YEAR])
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.secretary)  # her branch, not the base union above it
    assert client.get(url).status_code == 404
    assert client.get(reverse(f"reports:{name}", args=[world.branch.pk, YEAR])).status_code == 200
    assert client.post(reverse(f"reports:{name}", args=[world.branch.pk, YEAR])).status_code == 405


# --- The whole subtree --------------------------------------------------------------------------


def _subtree_sheet(unit, year=YEAR, progress=None):
    out = BytesIO()
    written = exports.subtree_xlsx(unit=unit, year=year, out=out, progress=progress)
    sheet = openpyxl.load_workbook(BytesIO(out.getvalue())).active
    return written, sheet


def test_the_subtree_lists_every_unit_once_in_tree_order_with_its_figures(figures, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 4)
    calls = []
    written, sheet = _subtree_sheet(
        figures.district, progress=lambda done, total: calls.append((done, total))
    )
    units = [
        figures.district,
        figures.base,
        figures.branch,
        figures.branch2,
        figures.other_base,
        figures.other_branch,
    ]
    assert written == 6
    assert calls == [(4, 6), (6, 6)]
    header = exports.SUBTREE_HEADER_ROW + 1
    assert [c.value for c in sheet[header]][:4] == [
        vi("Code"),
        vi("Unit"),
        vi("Level"),
        vi("Total members"),
    ]
    rows = list(sheet.iter_rows(min_row=header + 1, values_only=True))
    assert [r[0] for r in rows] == [u.code for u in units]
    for unit, values in zip(units, rows, strict=True):
        own = report(unit, YEAR)[0]
        expected = [own.total, own.registered, own.classified, own.not_classified]
        for level in own.levels.values():
            expected += [level["count"], float(level["share"] / 100)]
        # The training figures, then the evaluations' (evaluations/report.py; none here).
        assert list(values[3:15]) == pytest.approx(expected), unit.name
        assert set(values[15:]) == {0}
        assert values[1] == unit.name
    assert rows[1][3:15] == pytest.approx([3, 3, 3, 0, 1, 0.3334, 1, 0.3333, 0, 0, 1, 0.3333])
    # Depth shows as indentation, and rows are grouped under their unit.
    cells = [sheet.cell(row=header + 1 + i, column=2) for i in range(6)]
    assert [c.alignment.indent for c in cells] == [0, 1, 2, 2, 1, 2]
    assert sheet.row_dimensions[header + 3].outline_level == 2
    assert sheet["I" + str(header + 2)].number_format == "0.00%"


def test_the_subtree_counts_units_with_nothing_recorded(world, tmp_path, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 3)  # the last call is not repeated
    extra = make_unit(world.other_base, name="Chi đoàn Ấp 2", code="TN-TA-TH-A2")
    make_member(extra)
    path = tmp_path / "subtree.xlsx"
    calls = []
    written = exports.subtree_xlsx(
        unit=world.other_base, year=YEAR + 3, out=path, progress=lambda *a: calls.append(a)
    )
    assert written == 3 and calls == [(3, 3)]
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=exports.SUBTREE_HEADER_ROW + 2, values_only=True))
    assert [(r[1], r[3], r[4], r[13]) for r in rows] == [
        ("Đoàn xã Tân Hòa", 2, 0, 2),
        ("Chi đoàn Ấp 1", 1, 0, 1),
        ("Chi đoàn Ấp 2", 1, 0, 1),
    ]

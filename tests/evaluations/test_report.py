"""The evaluation figures in the yearly report: its page, the Excel workbook (a sheet of their
own), the print view and the PDF, the report API, the training progress page and the unit's
evaluation page; all read from the roll-ups."""

import json
import unicodedata
from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from doanvien.accounts.services import api_token_issue
from doanvien.evaluations import collectives, introductions, ratings, services
from doanvien.evaluations import report as evaluation_report
from doanvien.evaluations.models import COUNTERS
from doanvien.reports import exports
from doanvien.reports.selectors import report
from tests.factories import make_member

from .conftest import YEAR, full_points, give_evidence, recognised, submitted


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


@pytest.fixture
def figures(world):
    """12A1 recognised strong, then rated "well completed" (its rating recognised) and its
    leadership collective "completed" (approved), 12A2
    submitted, Ấp 1 only registered; An rated excellent (approved) and introduced to the Party
    and admitted; Đào rated good (proposed only); Hạnh (12A2, admitted in September) assessed,
    not classified (approved)."""
    recognised(world.branch)
    rating_of_12a1 = services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="unit_rating"
    )
    points = full_points(rating_of_12a1)
    # The check item came pre-filled at its maximum (12A1 is strong); another item at 15 of 40.
    assert (
        rating_of_12a1.self_points
        == {k: v for k, v in points.items() if k in rating_of_12a1.self_points}
        != {}
    )
    points[max(points, key=lambda k: Decimal(points[k]))] = "15"
    services.self_assessment_record(actor=None, evaluation=rating_of_12a1, items=points)
    give_evidence(rating_of_12a1)
    services.evaluation_submit(actor=None, evaluation=rating_of_12a1)
    services.assessment_record(actor=None, evaluation=rating_of_12a1, items=points)
    assert services.evaluation_recognise(actor=None, evaluation=rating_of_12a1).level == "good"
    collective = collectives.collective_propose(
        actor=None, unit=world.branch, year=YEAR, level="complete", reason="Tự đánh giá"
    )
    collectives.collective_decide(actor=None, rating=collective, approve=True)
    submitted(world.branch2)
    services.evaluation_register(
        actor=None, unit=world.other_branch, year=YEAR, scheme_code="strong_branch"
    )
    rating = ratings.rating_propose(
        actor=None, member=world.member, year=YEAR, level="excellent", reason="Gương mẫu"
    )
    ratings.rating_decide(actor=None, rating=rating, approve=True)
    ratings.rating_propose(
        actor=None, member=world.member2, year=YEAR, level="good", reason="Tích cực"
    )
    # Admitted in September: assessed, not classified (approved), counted apart.
    newcomer = make_member(world.branch2, full_name="Vũ Thị Hạnh", joined_union_on=date(YEAR, 9, 1))
    rating = ratings.rating_propose(
        actor=None, member=newcomer, year=YEAR, level="not_classified", reason="Tích cực"
    )
    ratings.rating_decide(actor=None, rating=rating, approve=True)
    introduction = introductions.introduction_propose(
        actor=None,
        member=world.member,
        year=YEAR,
        branch_resolution_no="02-NQ/CĐ",
        branch_resolution_date=date(YEAR, 3, 1),
        votes_for=12,
        present=14,
    )
    introductions.introduction_update(
        actor=None,
        introduction=introduction,
        data={
            "introduction_no": "15-NQ/ĐTN",
            "introduced_on": date(YEAR, 4, 1),
            "course_on": date(YEAR, 5, 1),
            "probationary_on": date(YEAR, 9, 1),
        },
    )
    return world


# The district's row, then the high school's and the commune's, in COUNTERS order.
DISTRICT = [3, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1]
SCHOOL = [2, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1]
COMMUNE = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_the_columns_are_the_roll_ups_counters_in_order():
    assert [k for k, _title in evaluation_report.columns()] == list(COUNTERS)


def test_the_rows_count_each_units_subtree(figures):
    rows = evaluation_report.rows([figures.district, figures.base, figures.other_base], YEAR)
    assert [r.values for r in rows] == [DISTRICT, SCHOOL, COMMUNE]
    assert evaluation_report.rows([figures.province], YEAR - 1)[0].empty
    # Units from anywhere in the tree, folded or not: each as its own roll-up reads.
    from doanvien.evaluations import rollup
    from doanvien.training import rollup as training_rollup

    scattered = [figures.branch, figures.other_branch, figures.province, figures.base]
    for _fold in (False, True):
        got = evaluation_report.rows(scattered, YEAR)
        assert [r.unit for r in got] == scattered
        assert [r.figures for r in got] == [rollup.figures_of(u, YEAR) for u in scattered]
        training_rollup.fold_all()


def test_the_report_page_has_the_evaluations_table(client, figures):
    client.force_login(figures.province_cadre)
    page = client.get(reverse("reports:unit-report", args=[figures.district.pk, YEAR]))
    html = page.content.decode()
    assert page.status_code == 200
    table = html[
        html.index('id="evaluations"') : html.index("</table>", html.index('id="evaluations"'))
    ]
    assert figures.base.name in table and figures.other_base.name in table
    cells = [c.split("<")[0] for c in table.split('<td class="num">')[1:]]
    children = sorted([figures.base, figures.other_base], key=lambda u: u.name)
    by_name = {figures.base.name: SCHOOL, figures.other_base.name: COMMUNE}
    expected = [str(v) for u in children for v in by_name[u.name]] + [str(v) for v in DISTRICT]
    assert cells == expected


def test_the_workbook_has_an_evaluations_sheet_in_vietnamese(figures):
    with translation.override("en"):
        rows = report(figures.district, YEAR)
        content = exports.report_xlsx(
            unit=figures.district,
            year=YEAR,
            rows=rows,
            evaluations=evaluation_report.rows([r.unit for r in rows], YEAR),
        )
    book = openpyxl.load_workbook(BytesIO(content))
    sheet = book[vi("Evaluations")[:31]]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = values[3] + values[4]
    assert vi("Strong branch") in header and vi("Admitted to the Party") in header
    data = [row for row in values[5:] if row[1] and isinstance(row[2], int)]
    names = {row[1]: list(row[2:]) for row in data}
    assert names[figures.base.name] == SCHOOL
    assert names[figures.other_base.name] == COMMUNE
    assert names[vi("Total")] == DISTRICT


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_the_print_view_and_the_pdf_carry_the_table(client, figures):
    client.force_login(figures.province_cadre)
    printed = client.get(reverse("reports:unit-report-print", args=[figures.district.pk, YEAR]))
    html = printed.content.decode()
    title = vi("Unit evaluations, ratings and Party introductions %(year)s") % {"year": YEAR}
    assert title in html and 'id="evaluations"' in html
    pdf = client.get(reverse("reports:unit-report-pdf", args=[figures.district.pk, YEAR]))
    text = _pdf_text(pdf.content)
    assert vi("Outstanding members introduced to the Party") in text
    assert vi("Members' yearly rating (approved)") in text


def test_the_report_api_gives_each_rows_evaluation_figures(figures):
    client = Client()
    token = api_token_issue(user=figures.province_cadre)
    answer = client.get(
        f"/api/v1/units/{figures.district.pk}/reports/{YEAR}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    rows = {r["unit"]["id"]: r["evaluations"] for r in json.loads(answer.content)["rows"]}
    assert [rows[figures.district.pk][k] for k in COUNTERS] == DISTRICT
    assert [rows[figures.other_base.pk][k] for k in COUNTERS] == COMMUNE
    for unit, expected in ((figures.district, DISTRICT), (figures.branch, None)):
        progress = client.get(
            f"/api/v1/units/{unit.pk}/progress/{YEAR}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert progress.status_code == 200
        got = [json.loads(progress.content)["evaluations"][k] for k in COUNTERS]
        if expected:
            assert got == expected
        else:
            assert got[0] == 1 and got[COUNTERS.index("units_good")] == 1


def test_the_progress_and_evaluation_pages_show_the_unit_figures(client, figures):
    client.force_login(figures.province_cadre)
    progress = client.get(reverse("training:training-progress", args=[figures.district.pk, YEAR]))
    html = progress.content.decode()
    section = html[html.index('id="evaluations"') :]
    assert gettext("Admitted to the Party") in section
    page = client.get(reverse("evaluations:unit-evaluations", args=[figures.district.pk, YEAR]))
    facts = page.content.decode()
    assert gettext("Members' yearly rating (approved)") in facts
    assert "<dd>3</dd>" in facts  # branches registered in the district


def test_the_subtree_workbook_carries_each_units_evaluation_figures(figures, tmp_path):
    from doanvien.evaluations import rollup
    from doanvien.training import rollup as training_rollup

    def read(name):
        exports.subtree_xlsx(unit=figures.province, year=YEAR, out=tmp_path / name)
        sheet = openpyxl.load_workbook(tmp_path / name).active
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[exports.SUBTREE_HEADER_ROW]
        first = header.index(f"{vi('Strong branch')}: {vi('Registered')}")
        return header, {row[0]: list(row[first : first + len(COUNTERS)]) for row in rows[4:]}

    header, before = read("before.xlsx")  # the deltas not folded yet
    assert (
        f"{vi('Outstanding members introduced to the Party')}: {vi('Admitted to the Party')}"
        in header
    )
    assert before[figures.district.code] == DISTRICT
    assert before[figures.other_base.code] == COMMUNE
    training_rollup.fold_all()
    assert rollup.waiting() == 0
    _header, after = read("after.xlsx")
    assert after == before
    assert after[figures.province.code] == DISTRICT

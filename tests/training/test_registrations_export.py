"""Exporting the registrations of a unit's subtree to Excel: the file (headers, rows, the sheet of
criteria, formula-like text), the state filter, scoping, the pages, the real worker, the API.
Every person and plan is invented."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from doanvien.accounts.services import api_token_issue
from doanvien.jobs.models import Job
from doanvien.training import exports
from doanvien.training.exports import registrations_xlsx
from doanvien.training.models import Criterion, Registration, RegistrationItem
from doanvien.training.services.assessment import assessment_record, self_assessment_record
from doanvien.training.services.registrations import registration_save, registration_submit

from .conftest import YEAR, complete_items
from .test_workflow import AREAS, approved

HEADERS = [
    "Branch",
    "Full name",
    "Member identifier",
    "Date of birth",
    "State",
    "Number of criteria",
    "Submitted on",
    "Approved on",
    "Self-assessed",
    "Branch total",
    "Classification",
    "Entered by the branch",
]
ITEM_HEADERS = [
    "Full name",
    "Member identifier",
    "Branch",
    "Area",
    "Criterion",
    "Plan",
    "Target date",
]
# The title block takes rows 1–4 (Excel's numbering); the headers are on row 5.
HEADER_ROW = 5
BRANCH_POINTS = {"1": 19, "2": 18, "3": "17.5", "4": 19, "5": 18}  # 91.5: excellent


def export(user, unit, *, year=YEAR, state="", **kwargs):
    out = io.BytesIO()
    with translation.override("en"):
        count = registrations_xlsx(user=user, unit=unit, year=year, state=state, out=out, **kwargs)
    out.seek(0)
    return count, openpyxl.load_workbook(out)


def rows_of(sheet, first=1):
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=first)]


def data_rows(sheet):
    return rows_of(sheet, HEADER_ROW + 1)


def names_in(book) -> set[str]:
    return {row[1] for row in data_rows(book.worksheets[0])}


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


@pytest.fixture
def assessed(world, items):
    """The member's registration: entered by the secretary, approved, self-assessed (90) and
    assessed by the branch (91.5), with its dates pinned near midnight in Vietnam."""
    registration = registration_save(
        actor=world.secretary, member=world.member, year=YEAR, items=items, by_branch=True
    )
    registration = approved(world, items)
    self_assessment_record(actor=None, registration=registration, areas=AREAS)
    assessment_record(actor=None, registration=registration, areas=BRANCH_POINTS)
    # 20:30 UTC is 03:30 the next day in Vietnam: the file gives the local dates.
    Registration.objects.filter(pk=registration.pk).update(
        submitted_at=at("2025-11-03T20:30:00"), approved_at=at("2025-11-10T02:00:00")
    )
    return Registration.objects.get(pk=registration.pk)


@pytest.fixture
def draft(world, framework):
    """member2's draft, with a plan that a spreadsheet would take for a formula."""
    items = complete_items(world.member2)
    items[0]["plan"] = '=HYPERLINK("http://example.com","x")'
    items[1]["plan"] = "+84 ngày tình nguyện"
    return registration_save(actor=None, member=world.member2, year=YEAR, items=items)


@pytest.fixture
def elsewhere(world, framework):
    """A submitted registration in the sibling branch and one in the other base union."""
    for member in (world.member_in_branch2, world.outsider_member):
        registration = registration_save(
            actor=None, member=member, year=YEAR, items=complete_items(member)
        )
        registration_submit(actor=None, registration=registration, today=date(2025, 11, 1))


class TestTheFile:
    def test_it_has_a_title_block_and_the_headers(self, world, assessed):
        count, book = export(world.base_cadre, world.base)
        assert count == 1
        assert [s.title for s in book.worksheets] == ["Registrations", "Registered criteria"]
        sheet = book.worksheets[0]
        assert rows_of(sheet)[:HEADER_ROW] == [
            ["Member training programme registrations, 2026"] + [None] * 11,
            ["Đoàn trường THPT Tân An (TN-TA-THPT)"] + [None] * 11,
            [None] * 12,
            [None] * 12,
            HEADERS,
        ]
        assert rows_of(book.worksheets[1])[HEADER_ROW - 1] == ITEM_HEADERS

    def test_a_registration_is_one_row_with_dates_numbers_and_labels(self, world, assessed):
        _count, book = export(world.base_cadre, world.base)
        sheet = book.worksheets[0]
        criteria = assessed.items.count()
        assert criteria >= 10
        assert data_rows(sheet) == [
            [
                "Chi đoàn 12A1",
                "Nguyễn Văn An",
                world.member.member_code,
                datetime(2004, 3, 15),
                "Approved",
                criteria,
                datetime(2025, 11, 4),
                datetime(2025, 11, 10),
                90,
                91.5,
                "Excellent (completed duties excellently)",
                "Yes",
            ]
        ]
        row = next(sheet.iter_rows(min_row=HEADER_ROW + 1))
        assert row[3].number_format == "dd/mm/yyyy" and row[6].number_format == "dd/mm/yyyy"
        assert (row[2].data_type, row[2].number_format) == ("s", "@")
        assert (row[5].data_type, row[8].data_type, row[9].data_type) == ("n", "n", "n")
        assert row[9].number_format == "0.0"

    def test_the_second_sheet_lists_every_registered_criterion(self, world, assessed):
        _count, book = export(world.base_cadre, world.base)
        items = list(assessed.items.select_related("criterion").order_by("id"))
        expected = [
            [
                "Nguyễn Văn An",
                world.member.member_code,
                "Chi đoàn 12A1",
                i.criterion.area_code,
                i.criterion.text,
                i.plan,
                datetime(2026, 5, 31),
            ]
            for i in items
        ]
        assert data_rows(book.worksheets[1]) == expected
        criterion = Criterion.objects.get(pk=items[0].criterion_id)
        assert data_rows(book.worksheets[1])[0][3:6] == [
            criterion.area_code,
            criterion.text,
            f"Kế hoạch thực hiện {criterion.pk}",
        ]
        assert len(expected) == len(items) >= 10

    def test_text_that_looks_like_a_formula_stays_text(self, world, draft):
        _count, book = export(world.secretary, world.branch)
        sheet = book.worksheets[1]
        cells = [row[5] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)][:2]
        assert [c.value for c in cells] == [
            '=HYPERLINK("http://example.com","x")',
            "+84 ngày tình nguyện",
        ]
        assert all(c.data_type == "s" and c.quotePrefix for c in cells)
        plain = next(sheet.iter_rows(min_row=HEADER_ROW + 1))[0]
        assert (plain.value, plain.quotePrefix) == ("Trần Thị Đào", False)
        # A draft: not submitted, no points, not entered by the branch.
        assert data_rows(book.worksheets[0])[0][4:] == [
            "Draft",
            draft.items.count(),
            None,
            None,
            None,
            None,
            None,
            "No",
        ]

    def test_rows_follow_the_tree_then_the_names(self, world, assessed, draft, elsewhere):
        _count, book = export(world.province_cadre, world.province)
        assert [(r[0], r[1]) for r in data_rows(book.worksheets[0])] == [
            ("Chi đoàn 12A1", "Nguyễn Văn An"),
            ("Chi đoàn 12A1", "Trần Thị Đào"),
            ("Chi đoàn 12A2", "Lê Minh Châu"),
            ("Chi đoàn Ấp 1", "Phạm Đức Dũng"),
        ]

    def test_only_the_year_asked_for(self, world, assessed):
        count, book = export(world.base_cadre, world.base, year=YEAR + 1)
        assert count == 0 and data_rows(book.worksheets[0])[0][0] == "No registrations."

    def test_with_no_registration_the_file_has_its_headers_and_says_so(self, world, framework):
        count, book = export(world.base_cadre, world.base)
        assert count == 0
        for sheet, headers in zip(book.worksheets, (HEADERS, ITEM_HEADERS), strict=True):
            assert rows_of(sheet)[HEADER_ROW - 1] == headers
            assert data_rows(sheet) == [["No registrations."] + [None] * (len(headers) - 1)]

    def test_progress_is_reported_batch_by_batch(
        self, world, assessed, draft, elsewhere, monkeypatch, django_assert_max_num_queries
    ):
        monkeypatch.setattr(exports, "BATCH", 2)
        calls = []
        # The user's scope, a count, the registrations, then the criteria of each batch; on
        # PostgreSQL the rows stream in a transaction of their own (a savepoint here: 2 more).
        streamed = 2 if connection.vendor == "postgresql" else 0
        with django_assert_max_num_queries(5 + streamed):
            count, book = export(
                world.province_cadre, world.province, progress=lambda d, t: calls.append((d, t))
            )
        assert count == 4 and calls == [(2, 4), (4, 4)]
        assert len(data_rows(book.worksheets[0])) == 4

    def test_a_full_sheet_goes_on_in_another(self, world, assessed, draft, elsewhere, monkeypatch):
        monkeypatch.setattr(exports, "MAX_ROWS", HEADER_ROW + 2)  # two rows a sheet
        _count, book = export(world.province_cadre, world.province)
        main = [s for s in book.worksheets if s.title.startswith("Registrations")]
        assert [s.title for s in main] == ["Registrations", "Registrations (2)"]
        for sheet in main:
            assert rows_of(sheet)[HEADER_ROW - 1] == HEADERS
            assert sheet.auto_filter.ref == f"A{HEADER_ROW}:L{HEADER_ROW + 2}"
        assert [r[1] for s in main for r in data_rows(s)] == [
            "Nguyễn Văn An",
            "Trần Thị Đào",
            "Lê Minh Châu",
            "Phạm Đức Dũng",
        ]
        items = [s for s in book.worksheets if s.title.startswith("Registered criteria")]
        assert items[1].title == "Registered criteria (2)"
        assert all(rows_of(s)[HEADER_ROW - 1] == ITEM_HEADERS for s in items)
        assert sum(len(data_rows(s)) for s in items) == RegistrationItem.objects.count()


class TestTheStateFilter:
    def test_only_the_registrations_in_that_state(self, world, assessed, draft, elsewhere):
        count, book = export(world.base_cadre, world.base, state="submitted")
        assert count == 1 and names_in(book) == {"Lê Minh Châu"}
        assert rows_of(book.worksheets[0])[2][0] == (
            "Only the registrations in the state “Waiting for review”."
        )
        assert {r[0] for r in data_rows(book.worksheets[1])} == {"Lê Minh Châu"}

    def test_every_state_without_a_filter(self, world, assessed, draft, elsewhere):
        count, book = export(world.base_cadre, world.base)
        assert count == 3
        assert names_in(book) == {"Nguyễn Văn An", "Trần Thị Đào", "Lê Minh Châu"}
        states = {r[1]: r[4] for r in data_rows(book.worksheets[0])}
        assert states["Trần Thị Đào"] == "Draft" and states["Lê Minh Châu"] == "Waiting for review"


class TestScoping:
    def test_a_base_cadre_gets_his_base_union_and_nothing_of_another(
        self, world, assessed, elsewhere
    ):
        _count, book = export(world.base_cadre, world.base)
        text = {str(c) for row in rows_of(book.worksheets[0]) for c in row}
        text |= {str(c) for row in rows_of(book.worksheets[1]) for c in row}
        assert "Nguyễn Văn An" in text and "Lê Minh Châu" in text
        assert "Phạm Đức Dũng" not in text and "Chi đoàn Ấp 1" not in text
        assert world.outsider_member.member_code not in text

    def test_the_list_never_holds_a_member_the_user_may_not_see(self, world, assessed, elsewhere):
        """Whatever unit the export is given, the members come from the user's own scope."""
        _count, book = export(world.base_cadre, world.district)
        assert names_in(book) == {"Nguyễn Văn An", "Lê Minh Châu"}
        _count, book = export(world.province_cadre, world.district)
        assert "Phạm Đức Dũng" in names_in(book)


# --- The pages ----------------------------------------------------------------------------------


def export_url(unit, year=YEAR):
    return reverse("training:training-registrations-export", args=[unit.pk, year])


def test_the_progress_pages_offer_the_export_with_every_state(client, world, framework):
    client.force_login(world.base_cadre)
    for url, unit in (
        (reverse("training:training-progress", args=[world.base.pk, YEAR]), world.base),
        (reverse("training:branch-training", args=[world.branch.pk, YEAR]), world.branch),
    ):
        html = client.get(url).content.decode()
        assert f'action="{export_url(unit)}"' in html, url
        for value in ("", "draft", "submitted", "returned", "approved"):
            assert f'<option value="{value}"' in html, (url, value)


def test_the_page_starts_a_job_for_the_unit_and_sends_to_its_page(client, world, framework):
    client.force_login(world.base_cadre)
    response = client.post(export_url(world.base), {"state": "approved"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:job-detail", args=[job.pk]
    )
    assert (job.kind, job.unit, job.created_by) == (
        Job.Kind.REGISTRATIONS_EXPORT,
        world.base,
        world.base_cadre,
    )
    assert job.params["year"] == YEAR and job.params["state"] == "approved"


def test_an_unknown_state_is_refused(client, world):
    client.force_login(world.base_cadre)
    assert client.post(export_url(world.base), {"state": "lost"}).status_code == 400
    assert not Job.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "member_user"])
def test_nobody_outside_the_unit_can_start_it(client, world, who):
    client.force_login(getattr(world, who))
    assert client.post(export_url(world.base)).status_code == 404
    assert client.post(export_url(world.branch)).status_code == 404
    assert not Job.objects.exists()


def test_it_is_started_by_a_post_only(client, world):
    client.force_login(world.base_cadre)
    assert client.get(export_url(world.base)).status_code == 405


# --- Through the real worker and the API -------------------------------------------------------


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def download(client, job) -> openpyxl.Workbook:
    response = client.get(reverse("jobs:job-download", args=[job.pk]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_file_offered_on_the_job_page(client, world, assessed, elsewhere):
    client.force_login(world.base_cadre)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(export_url(world.base))
    job = Job.objects.get()
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert job.result["rows"] == 2 and job.result["lines"] == ["2 registrations in the file."]
    assert job.output_name == f"dang-ky-ren-luyen-TN-TA-THPT-{YEAR}.xlsx"
    page = client.get(response["Location"]).content.decode()
    assert reverse("jobs:job-download", args=[job.pk]) in page
    book = download(client, job)
    assert book.worksheets[0].title == "Registrations"
    assert names_in(book) == {"Nguyễn Văn An", "Lê Minh Châu"}
    assert {r[0] for r in data_rows(book.worksheets[1])} == {"Nguyễn Văn An", "Lê Minh Châu"}


@pytest.mark.django_db(transaction=True)
def test_the_api_starts_the_export_and_the_job_gives_the_file(client, world, assessed, elsewhere):
    token = api_token_issue(user=world.base_cadre)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    url = f"/api/v1/units/{world.base.pk}/registrations/{YEAR}/export"
    response = client.post(
        url, {"state": "approved"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]
    job = Job.objects.get(pk=job_id)
    assert (job.kind, job.unit, job.params["state"]) == (
        Job.Kind.REGISTRATIONS_EXPORT,
        world.base,
        "approved",
    )
    run_worker()
    body = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
    assert body["state"] == "succeeded" and body["result"]["rows"] == 1
    # The link takes the same bearer token (no browser session needed).
    assert body["download"].endswith(f"/api/v1/jobs/{job_id}/download")
    got = client.get(body["download"], headers=headers)
    assert got.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(got.streaming_content)))
    assert names_in(book) == {"Nguyễn Văn An"}


def test_the_api_exports_every_state_without_a_body(client, world):
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.secretary)}"}
    url = f"/api/v1/units/{world.branch.pk}/registrations/{YEAR}/export"
    for response in (
        client.generic("POST", url, headers=headers),  # no body at all
        client.post(url, {}, content_type="application/json", headers=headers),
    ):
        assert response.status_code == 202, response.content
        job = Job.objects.get(pk=response.json()["job"])
        assert (job.unit, job.params["state"], job.params["year"]) == (world.branch, "", YEAR)


def test_the_api_refuses_an_unknown_state_and_outsiders(client, world):
    url = f"/api/v1/units/{world.base.pk}/registrations/{YEAR}/export"
    headers = {
        "Authorization": f"Bearer {api_token_issue(user=world.base_cadre)}",
        "Accept-Language": "en",
    }
    response = client.post(url, {"state": "lost"}, content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "state", "message": "Choose a value from the list."}
    ]
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.outsider)}"}
    assert client.post(url, {}, content_type="application/json", headers=headers).status_code == 404
    too_late = f"/api/v1/units/{world.base.pk}/registrations/2200/export"
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.base_cadre)}"}
    assert client.generic("POST", too_late, headers=headers).status_code == 422
    assert not Job.objects.exists()

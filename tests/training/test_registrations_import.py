"""Importing a branch's registrations from Excel: the template, the preview, all or nothing, the
errors by row and column, the background job, and the page. Every person and plan is invented;
the files are made in the tests."""

import threading
import unicodedata
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from doanvien.accounts.services import api_token_issue
from doanvien.actions.members import member_remove, member_update
from doanvien.core.models import AuditEvent
from doanvien.jobs import files, runner
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_confirm, job_start
from doanvien.training import jobs as training_jobs
from doanvien.training.imports import registrations_import, registrations_template_xlsx
from doanvien.training.jobs import import_registrations
from doanvien.training.models import Criterion, Deadline, Registration, RegistrationItem, YearStats
from doanvien.training.recompute import differences
from doanvien.training.services.registrations import (
    registration_return,
    registration_save,
    registration_submit,
)

from ..factories import make_member, make_user
from .conftest import YEAR, complete_items

TODAY = date(2025, 11, 1)  # inside programme year 2026 of a school branch (06/2025–05/2026)
HEADER = [
    "Mã đoàn viên",
    "Họ và tên",
    "Mã tiêu chí",
    "Tiêu chí",
    "Kế hoạch thực hiện",
    "Thời gian hoàn thành (dd/mm/yyyy)",
]
TITLES = ["ĐĂNG KÝ RÈN LUYỆN ĐOÀN VIÊN NĂM 2026", "Chi đoàn 12A1", ""]
MEMBER_IMPORT_FILES = Path(__file__).parents[1] / "members" / "import_files"


def book(tmp_path, rows, *, header=HEADER, titles=TITLES, name="dang-ky.xlsx"):
    """A workbook as a secretary makes it: title rows merged across the table, the header, the
    rows (dates as Excel dates, numbers as numbers, text as text)."""
    path = tmp_path / name
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, title in enumerate(titles):
        if title:
            sheet.merge_range(r, 0, r, len(header) - 1, title)
    top = len(titles)
    for r, values in enumerate([header, *rows], start=top):
        for c, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def rows_for(member, items=None, *, as_text=False):
    """The file's rows of a member: one per item, target dates as Excel dates (or as text)."""
    rows = []
    for item in items if items is not None else complete_items(member):
        target = date.fromisoformat(item["target_date"]) if item["target_date"] else None
        if as_text and target:
            target = target.strftime("%d/%m/%Y")
        text = Criterion.objects.get(pk=item["criterion"]).text
        rows.append(
            [member.member_code, member.full_name, item["criterion"], text, item["plan"], target]
        )
    return rows


FIRST = len(TITLES) + 2  # the file's row number of the first data row


def run(world, path, *, confirm=True, actor=None, year=YEAR, **kwargs):
    with translation.override("en"):
        return registrations_import(
            actor=actor or world.secretary,
            branch=kwargs.pop("branch", world.branch),
            year=year,
            path=path,
            filename=Path(path).name,
            confirm=confirm,
            today=TODAY,
            **kwargs,
        )


def state():
    """Everything an import could write."""
    return (
        list(Registration.objects.order_by("pk").values_list()),
        list(RegistrationItem.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
        list(YearStats.objects.order_by("pk").values_list()),
    )


def errors_of(result):
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


def items_of(member):
    registration = Registration.objects.get(member=member, year=YEAR)
    return [
        {"criterion": i.criterion_id, "plan": i.plan, "target_date": i.target_date.isoformat()}
        for i in registration.items.order_by("id")
    ]


@pytest.fixture
def good_file(world, framework, tmp_path):
    rows = rows_for(world.member) + rows_for(world.member2, as_text=True)
    return book(tmp_path, rows)


# --- the template -----------------------------------------------------------------------------


class TestTheTemplate:
    def open(self, world, tmp_path):
        path = tmp_path / "mau.xlsx"
        registrations_template_xlsx(branch=world.branch, year=YEAR, out=path)
        return openpyxl.load_workbook(path)

    def test_it_has_the_sheets_the_header_and_a_row_per_member_and_mandatory_criterion(
        self, world, framework, tmp_path
    ):
        workbook = self.open(world, tmp_path)
        data, criteria, guide = workbook.worksheets[:3]
        assert [c.value for c in data[5]] == HEADER
        mandatory = list(
            Criterion.objects.filter(framework=framework, mandatory=True, sector__in=["", "school"])
            .order_by("area_code", "order", "id")
            .values_list("pk", flat=True)
        )
        assert mandatory
        prefilled = [
            (r[0].value, r[2].value) for r in data.iter_rows(min_row=6) if r[0].value is not None
        ]
        members = sorted([world.member, world.member2], key=lambda m: m.sort_key)
        assert prefilled == [(m.member_code, pk) for m in members for pk in mandatory]
        assert data.cell(6, 2).value.startswith("=")  # the name fills itself in
        assert guide.max_row >= 5
        codes = [r[0].value for r in criteria.iter_rows(min_row=2)]
        assert set(mandatory) <= set(codes) and len(codes) > 20
        flags = {r[0].value: r[3].value for r in criteria.iter_rows(min_row=2)}
        assert {pk for pk, flag in flags.items() if flag} == set(mandatory)

    def test_the_list_of_criteria_notes_the_group_a_criterion_is_for(
        self, world, framework, tmp_path
    ):
        criteria = self.open(world, tmp_path).worksheets[1]
        notes = {r[0].value: r[4].value for r in criteria.iter_rows(min_row=2)}
        cadres = Criterion.objects.get(framework=framework, audience="cadre")
        assert notes[cadres.pk] == "Chỉ dành cho: Cán bộ Đoàn"

    def test_a_groups_mandatory_criterion_is_prefilled_for_its_members_only(
        self, world, framework, tmp_path
    ):
        cadres = Criterion.objects.get(framework=framework, audience="cadre")
        Criterion.objects.filter(pk=cadres.pk).update(mandatory=True)
        member_update(actor=None, member=world.member, data={"audience": "cadre"})
        data = self.open(world, tmp_path).worksheets[0]
        prefilled = {
            (r[0].value, r[2].value) for r in data.iter_rows(min_row=6) if r[0].value is not None
        }
        assert (world.member.member_code, cadres.pk) in prefilled
        assert (world.member2.member_code, cadres.pk) not in prefilled

    def test_the_criterion_code_column_has_a_drop_down_list(self, world, framework, tmp_path):
        data = self.open(world, tmp_path).worksheets[0]
        lists = [v for v in data.data_validations.dataValidation if v.type == "list"]
        by_column = {str(v.sqref).split(":")[0]: v for v in lists}
        assert "C6" in by_column and "A6" in by_column
        assert "!$A$2:$A$" in by_column["C6"].formula1

    def test_a_draft_gives_its_own_rows_and_a_submitted_one_is_left_out(
        self, world, framework, tmp_path
    ):
        draft = complete_items(world.member)[:3]
        registration_save(actor=None, member=world.member, year=YEAR, items=draft)
        done = registration_save(
            actor=None, member=world.member2, year=YEAR, items=complete_items(world.member2)
        )
        registration_submit(actor=None, registration=done, today=TODAY)
        data = self.open(world, tmp_path).worksheets[0]
        rows = [
            (r[0].value, r[2].value, r[4].value)
            for r in data.iter_rows(min_row=6)
            if r[0].value is not None
        ]
        assert {code for code, _c, _p in rows} == {world.member.member_code}
        assert rows[:3] == [(world.member.member_code, i["criterion"], i["plan"]) for i in draft]

    def test_the_template_filled_in_is_imported(self, world, framework, tmp_path):
        """The secretary writes plans and dates on the prefilled rows and adds the chosen
        criteria at the bottom: the file goes in as it is."""
        path = tmp_path / "mau.xlsx"
        registrations_template_xlsx(branch=world.branch, year=YEAR, out=path)
        workbook = openpyxl.load_workbook(path)
        data = workbook.worksheets[0]
        last_row = max(r[0].row for r in data.iter_rows(min_row=6) if r[0].value is not None)
        for r in range(6, last_row + 1):
            data.cell(r, 5, "Thực hiện đều đặn hằng tháng")
            data.cell(r, 6, "15/04/2026")
        row = last_row
        for member in (world.member, world.member2):
            mandatory = {c.pk for c in Criterion.objects.filter(mandatory=True)}
            for item in complete_items(member):
                if item["criterion"] in mandatory:
                    continue
                row += 1
                data.cell(row, 1, member.member_code)
                data.cell(row, 3, item["criterion"])
                data.cell(row, 5, item["plan"])
                data.cell(row, 6, date(2026, 5, 1))
        workbook.save(path)
        result = run(world, path)
        assert errors_of(result) == [] and result.written
        assert result.to_create == 2
        assert Registration.objects.filter(branch=world.branch, state="submitted").count() == 2


# --- a good file ------------------------------------------------------------------------------


class TestAGoodFile:
    def test_the_preview_counts_and_writes_nothing(self, world, good_file):
        before = state()
        result = run(world, good_file, confirm=False)
        assert errors_of(result) == [] and result.ok and not result.written
        n1, n2 = len(complete_items(world.member)), len(complete_items(world.member2))
        assert (result.rows, result.to_create, result.to_update) == (n1 + n2, 2, 0)
        assert [(s.row, s.action, s.full_name, s.changes) for s in result.sample] == [
            (FIRST, "create", "Nguyễn Văn An", [f"{n1} criteria"]),
            (FIRST + n1, "create", "Trần Thị Đào", [f"{n2} criteria"]),
        ]
        assert state() == before

    def test_it_creates_submitted_registrations_with_the_items_of_the_file(self, world, good_file):
        result = run(world, good_file)
        assert result.ok and result.written
        for member in (world.member, world.member2):
            registration = Registration.objects.get(member=member, year=YEAR)
            assert registration.state == "submitted" and registration.entered_by_secretary
            assert registration.branch == world.branch and not registration.submitted_late
            assert items_of(member) == complete_items(member)

    def test_the_roll_ups_stay_exact_and_the_audit_trail_is_written(self, world, good_file):
        run(world, good_file)
        assert differences() == []
        stats = YearStats.objects.get(unit=world.branch, year=YEAR)
        assert stats.registered == 2
        actions = list(
            AuditEvent.objects.filter(actor=world.secretary).values_list("action", flat=True)
        )
        assert actions.count("registration.saved") == 2
        assert actions.count("registration.submitted") == 2
        assert actions.count("registrations.imported") == 1

    def test_progress_is_reported(self, world, good_file):
        calls = []
        run(world, good_file, confirm=False, progress=lambda done, total: calls.append(done))
        assert calls and calls[-1] >= len(complete_items(world.member))

    def test_drafts_and_returned_registrations_are_replaced(self, world, good_file):
        registration_save(
            actor=None, member=world.member, year=YEAR, items=complete_items(world.member)[:2]
        )
        returned = registration_save(
            actor=None, member=world.member2, year=YEAR, items=complete_items(world.member2)
        )
        registration_submit(actor=None, registration=returned, today=TODAY)
        registration_return(actor=world.secretary, registration=returned, comment="Bổ sung")
        result = run(world, good_file)
        assert result.ok and (result.to_create, result.to_update) == (0, 2)
        assert items_of(world.member) == complete_items(world.member)
        states = Registration.objects.filter(branch=world.branch).values_list("state", flat=True)
        assert set(states) == {"submitted"}
        assert differences() == []

    def test_a_file_as_typed_by_hand_is_read(self, world, framework, tmp_path):
        """Decomposed Vietnamese, stray spaces, a member code in lower case merged over his
        rows, an empty row, a heading row, a row numbering the columns, dates typed as text or
        as Excel dates, the criterion code as text."""
        items = complete_items(world.member)
        rows = [["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]]
        for i, item in enumerate(items):
            target = date.fromisoformat(item["target_date"])
            plan = unicodedata.normalize("NFD", f"  Tham gia   đầy đủ  {i} ")
            rows.append(
                [
                    f" {world.member.member_code.lower()} " if i == 0 else None,
                    unicodedata.normalize("NFD", world.member.full_name) if i == 0 else None,
                    str(item["criterion"]) if i % 2 else item["criterion"],
                    None,
                    plan,
                    target.strftime("%d/%m/%Y") if i % 2 else target,
                ]
            )
            if i == 2:
                rows.append([None] * 6)
            if i == 5:
                rows.append([None, None, None, "II. Đạo đức, lối sống", None, None])
        result = run(world, book(tmp_path, rows))
        assert errors_of(result) == [] and result.written
        assert result.rows == len(items)
        assert result.warnings == [
            "1 rows with no criterion code, plan or target date were skipped: 13.",
            f"{len(items) - 1} rows have no member code and were counted for the member of the "
            "rows above them (the first in row 7).",
            "1 active member of the branch is not in the file: left as he is.",
        ]
        saved = items_of(world.member)
        assert [i["criterion"] for i in saved] == [i["criterion"] for i in items]
        assert saved[1]["plan"] == "Tham gia đầy đủ 1"  # composed, single spaces

    def test_names_and_texts_help_the_reader_and_codes_count(self, world, framework, tmp_path):
        rows = rows_for(world.member)
        rows[0][1] = "Nguyễn Văn Bình"  # not his name: the code counts, with a warning
        rows[1][2] = None  # no code: the criterion is found by its text
        rows[2][3] = rows[3][3]  # another criterion's text: the code counts, with a warning
        result = run(world, book(tmp_path, rows + rows_for(world.member2)))
        assert errors_of(result) == [] and result.written
        assert result.warnings == [
            f"1 rows have a name that is not the name of the member with their code (the first "
            f"in row {FIRST}); members are found by their code.",
            f"1 rows have a criterion text that is not the text of the criterion with their code "
            f"(the first in row {FIRST + 2}); criteria are found by their code.",
        ]
        assert items_of(world.member) == complete_items(world.member)

    def test_a_late_registration_is_recorded_as_late(self, world, good_file):
        Deadline.objects.create(
            unit=world.base, year=YEAR, kind="registration", due_on=date(2025, 10, 15)
        )
        result = run(world, good_file)
        assert result.ok
        assert result.warnings == [
            "2 registrations are submitted after the deadline and recorded as late."
        ]
        assert Registration.objects.filter(submitted_late=True).count() == 2


# --- errors: nothing is written ---------------------------------------------------------------


def one_bad_row(world, rows):
    """The first member's rows with one changed by the test, then the second member's."""
    return rows + rows_for(world.member2)


class TestOneBadRowAndNothingIsWritten:
    @pytest.mark.parametrize("confirm", [False, True])
    def test_a_date_outside_the_programme_year(self, world, framework, tmp_path, confirm):
        rows = rows_for(world.member)
        rows[3][5] = date(2026, 6, 15)  # the school year ended on 31/05/2026
        before = state()
        result = run(world, book(tmp_path, one_bad_row(world, rows)), confirm=confirm)
        assert errors_of(result) == [
            (
                FIRST + 3,
                "Thời gian hoàn thành (dd/mm/yyyy)",
                "15/06/2026",
                "The target date must fall within the programme year (01/06/2025–31/05/2026).",
            )
        ]
        assert result.errors[0].col == 5 and result.error_rows == 1
        assert not result.written and state() == before

    @pytest.mark.parametrize("confirm", [False, True])
    def test_an_unknown_member_code(self, world, framework, tmp_path, confirm):
        rows = rows_for(world.member)
        stray = [*rows[0]]
        stray[0] = "DV9999999999"
        before = state()
        result = run(world, book(tmp_path, one_bad_row(world, [stray, *rows])), confirm=confirm)
        assert errors_of(result) == [
            (
                FIRST,
                "Mã đoàn viên",
                "DV9999999999",
                "DV9999999999 is not the member code of an active member of Chi đoàn 12A1.",
            )
        ]
        assert not result.written and state() == before

    def test_a_member_of_another_branch_is_not_named(self, world, framework, tmp_path):
        rows = rows_for(world.member_in_branch2, complete_items(world.member))
        result = run(world, book(tmp_path, rows))
        code = world.member_in_branch2.member_code
        assert {e.message for e in result.errors} == {
            f"{code} is not the member code of an active member of Chi đoàn 12A1."
        }
        assert result.error_rows == len(rows)
        assert all(world.member_in_branch2.full_name not in e.message for e in result.errors)
        assert not Registration.objects.exists()

    def test_a_member_who_left_the_roll(self, world, framework, tmp_path):
        member_remove(actor=None, member=world.member2, reason="Chuyển công tác", on=TODAY)
        result = run(world, book(tmp_path, rows_for(world.member2, complete_items(world.member))))
        assert result.errors[0].message.endswith(
            "is not the member code of an active member of Chi đoàn 12A1."
        )
        assert not Registration.objects.exists()

    @pytest.mark.parametrize("confirm", [False, True])
    def test_a_criterion_not_in_the_framework(self, world, framework, tmp_path, confirm):
        workers_only = Criterion.objects.get(framework=framework, sector="workers")
        rows = rows_for(world.member)
        rows[4][2] = workers_only.pk
        before = state()
        result = run(world, book(tmp_path, one_bad_row(world, rows)), confirm=confirm)
        assert errors_of(result) == [
            (
                FIRST + 4,
                "Mã tiêu chí",
                str(workers_only.pk),
                "This criterion is not in your framework.",
            )
        ]
        assert result.errors[0].col == 2
        assert not result.written and state() == before

    @pytest.mark.parametrize("confirm", [False, True])
    def test_a_criterion_for_another_member_group(self, world, framework, tmp_path, confirm):
        cadres = Criterion.objects.get(framework=framework, audience="cadre")
        rows = rows_for(world.member)
        rows[4][2] = cadres.pk
        before = state()
        result = run(world, book(tmp_path, one_bad_row(world, rows)), confirm=confirm)
        [(row, column, value, message)] = errors_of(result)
        assert (row, column, value) == (FIRST + 4, "Mã tiêu chí", str(cadres.pk))
        assert message.endswith(
            "” is only for the group “Union cadre”: it is not offered to Nguyễn Văn An, whose "
            "group is “Member (no particular group)”."
        )
        assert not result.written and state() == before

    def test_a_cadre_registers_the_cadres_criterion(self, world, framework, tmp_path):
        member_update(actor=None, member=world.member, data={"audience": "cadre"})
        cadres = Criterion.objects.get(framework=framework, audience="cadre")
        rows = rows_for(world.member)
        rows[4][2] = cadres.pk
        result = run(world, book(tmp_path, rows))
        assert result.ok and result.written, result.errors
        assert cadres.pk in [i["criterion"] for i in items_of(world.member)]

    @pytest.mark.parametrize("confirm", [False, True])
    def test_a_missing_mandatory_criterion(self, world, framework, tmp_path, confirm):
        # A pupil: his own item of area 3 keeps the area chosen without the mandatory ones.
        member_update(actor=None, member=world.member, data={"audience": "student"})
        world.member.refresh_from_db()
        mandatory = {c.pk for c in Criterion.objects.filter(mandatory=True)}
        items = [
            i for i in complete_items(world.member, per_area=3) if i["criterion"] not in mandatory
        ]
        rows = rows_for(world.member, items)
        before = state()
        result = run(world, book(tmp_path, one_bad_row(world, rows)), confirm=confirm)
        [error] = result.errors
        assert (error.row, error.column, error.value, error.col) == (
            FIRST,
            "Mã tiêu chí",
            str(items[0]["criterion"]),
            2,
        )
        assert error.message.startswith("These criteria are mandatory: ")
        assert not result.written and state() == before

    def test_a_missing_plan_and_a_criterion_code_that_is_not_one(self, world, framework, tmp_path):
        rows = rows_for(world.member)
        rows[1][4] = "   "
        rows[2][2] = "abc"
        result = run(world, book(tmp_path, one_bad_row(world, rows)))
        assert errors_of(result) == [
            (
                FIRST + 2,
                "Mã tiêu chí",
                "abc",
                "“abc” is not a criterion code: choose a code from the list of criteria.",
            )
        ]
        rows[2][2] = complete_items(world.member)[2]["criterion"]
        result = run(world, book(tmp_path, one_bad_row(world, rows)))
        assert errors_of(result) == [
            (FIRST + 1, "Kế hoạch thực hiện", "", "Write how you will do it.")
        ]
        assert not Registration.objects.exists()

    def test_a_date_that_is_not_one(self, world, framework, tmp_path):
        rows = rows_for(world.member)
        rows[0][5] = "31/02/2026"
        result = run(world, book(tmp_path, one_bad_row(world, rows)))
        assert errors_of(result) == [
            (
                FIRST,
                "Thời gian hoàn thành (dd/mm/yyyy)",
                "31/02/2026",
                "Enter the target date as dd/mm/yyyy.",
            )
        ]

    def test_too_few_criteria_is_on_the_members_first_row(self, world, framework, tmp_path):
        few = complete_items(world.member, per_area=1)
        rows = rows_for(world.member2) + rows_for(world.member, few)
        result = run(world, book(tmp_path, rows))
        first = FIRST + len(complete_items(world.member2))
        assert errors_of(result) == [
            (
                first,
                "Mã tiêu chí",
                str(few[0]["criterion"]),
                f"Choose at least 10 criteria (now {len(few)}).",
            )
        ]

    def test_a_missing_area_is_on_the_members_first_row(self, world, framework, tmp_path):
        items = [
            i
            for i in complete_items(world.member)
            if Criterion.objects.get(pk=i["criterion"]).area_code != "5"
        ]
        result = run(world, book(tmp_path, rows_for(world.member, items)))
        assert [(e.row, e.column) for e in result.errors] == [(FIRST, "Mã tiêu chí")]
        assert result.errors[0].message.startswith("Choose criteria in every content area")

    def test_a_submitted_registration_must_be_returned_first(self, world, good_file):
        registration = registration_save(
            actor=None, member=world.member2, year=YEAR, items=complete_items(world.member2)
        )
        registration_submit(actor=None, registration=registration, today=TODAY)
        before = state()
        result = run(world, good_file)
        n1 = len(complete_items(world.member))
        assert errors_of(result) == [
            (
                FIRST + n1,
                "Mã đoàn viên",
                world.member2.member_code,
                "The registration of Trần Thị Đào for 2026 is already “Waiting for review”: "
                "return it for changes first, then import the file again.",
            )
        ]
        assert state() == before

    def test_a_deadline_that_refuses_late_registrations(self, world, good_file):
        Deadline.objects.create(
            unit=world.base,
            year=YEAR,
            kind="registration",
            due_on=date(2025, 10, 15),
            allow_late=False,
        )
        before = state()
        result = run(world, good_file)
        assert [(e.row, e.column) for e in result.errors] == [
            (FIRST, "Mã đoàn viên"),
            (FIRST + len(complete_items(world.member)), "Mã đoàn viên"),
        ]
        assert "does not accept late actions" in result.errors[0].message
        assert state() == before

    def test_the_database_is_checked_again_when_confirming(self, world, good_file):
        assert run(world, good_file, confirm=False).ok
        registration = registration_save(
            actor=None, member=world.member, year=YEAR, items=complete_items(world.member)
        )
        registration_submit(actor=None, registration=registration, today=TODAY)
        before = state()
        result = run(world, good_file)
        assert not result.written and result.error_count == 1
        assert state() == before


# --- nobody waits for the check ---------------------------------------------------------------


def elsewhere(work) -> str | None:
    """`work()` done by another person meanwhile, on a connection of its own: None when it is
    written, else the error."""
    outcome: list[str | None] = []

    def run():
        try:
            work()
            outcome.append(None)
        except Exception as e:  # noqa: BLE001 - the error is the answer
            outcome.append(repr(e))
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return outcome[0] if outcome else "no answer"


def write_elsewhere(user, *, looks: bool = False):
    """What another person does meanwhile, on a connection of its own: he signs in to the API
    (a write). None when it is written, else the error; with `looks`, also how many
    registrations he saw then."""
    seen = []

    def signs_in():
        seen.append(Registration.objects.count())
        api_token_issue(user=user)

    error = elsewhere(signs_in)
    return (error, seen[0] if seen else None) if looks else error


@pytest.mark.django_db(transaction=True)
class TestNobodyWaitsForTheCheck:
    """The check of a file (the preview, and the confirmation's first pass) runs outside any
    write transaction, and the confirmation writes a chunk of members a transaction: another
    connection writes while the file is checked and between two chunks. On SQLite a write
    transaction holds the only write lock; there, a preview or a confirmation in one
    transaction made every other write wait, then fail."""

    def test_a_write_succeeds_while_the_file_is_checked(self, world, good_file):
        during = []

        def hook(done, total):
            during.append((connection.in_atomic_block, write_elsewhere(world.member_user)))

        result = run(world, good_file, confirm=False, progress=hook)
        assert result.ok and not result.written
        assert len(during) >= 2 and during == [(False, None)] * len(during)
        assert Registration.objects.count() == 0

    def test_the_confirmation_checks_first_then_writes_a_chunk_at_a_time(
        self, world, good_file, settings
    ):
        """Each member's registration in a chunk of its own: between two chunks another
        connection writes, and sees the registrations of the chunks written so far."""
        settings.IMPORT_CHUNK_ROWS = 1
        during = []

        def hook(done, total):
            during.append(
                (connection.in_atomic_block, write_elsewhere(world.member_user, looks=True))
            )

        result = run(world, good_file, progress=hook)
        assert result.written and result.to_create == 2
        assert during and not any(inside for inside, _w in during)
        assert [w[0] for _inside, w in during] == [None] * len(during)
        seen = [w[1] for _inside, w in during]
        # The whole check (nothing written), then the first member's chunk, then the second's.
        assert seen[:2] == [0, 0] and seen[2:4] == [1, 2]
        assert Registration.objects.filter(state="submitted").count() == 2
        assert differences() == []

    def test_what_changed_since_the_check_is_found_by_the_writes(self, world, good_file, settings):
        """Once the first member's chunk is written, member2's registration is submitted by
        someone else (on his own connection): member2's chunk finds it submitted, and the
        first chunk is undone; the other person's registration stays."""
        settings.IMPORT_CHUNK_ROWS = 1
        events_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        other = []

        def submits_member2():
            registration = registration_save(
                actor=world.member_user,
                member=world.member2,
                year=YEAR,
                items=complete_items(world.member2),
            )
            registration_submit(actor=world.member_user, registration=registration, today=TODAY)

        def hook(done, total):
            first = Registration.objects.filter(member=world.member).exists()
            if first and not other:
                other.append(elsewhere(submits_member2))

        result = run(world, good_file, progress=hook)
        assert other == [None]
        assert not result.written and result.error_count == 1
        n1 = len(complete_items(world.member))
        assert (result.errors[0].row, result.errors[0].column) == (FIRST + n1, "Mã đoàn viên")
        assert "Waiting for review" in result.errors[0].message
        assert not Registration.objects.filter(member=world.member).exists()
        assert Registration.objects.get(member=world.member2).state == "submitted"
        assert differences() == []
        new_events = AuditEvent.objects.filter(pk__gt=events_before or 0).order_by("pk")
        assert [e.action for e in new_events] == [
            "registration.saved",
            "registration.submitted",
            "import.undone",
        ]
        assert new_events[0].actor_id == world.member_user.pk

    def test_a_cell_with_a_control_character_is_an_error_of_its_own(
        self, world, framework, tmp_path
    ):
        rows = rows_for(world.member)
        rows[0][4] = "Đọc sách\x00 mỗi tuần"
        rows[1][0] = world.member.member_code + "\u202e"
        result = run(world, book(tmp_path, rows))
        assert not result.written and Registration.objects.count() == 0
        assert [(e.row, e.column) for e in result.errors][:2] == [
            (FIRST, "Kế hoạch thực hiện"),
            (FIRST + 1, "Mã đoàn viên"),
        ]
        assert "U+0000" in result.errors[0].message and "U+202E" in result.errors[1].message


# --- files that cannot be imported ------------------------------------------------------------


class TestFilesThatCannotBeImported:
    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("empty.csv", "The file is empty."),
            ("empty_sheet.xlsx", "The file is empty."),
            (
                "report.pdf",
                "This file is not a spreadsheet. Upload an Excel file (.xlsx or .xls) or a CSV "
                "file.",
            ),
            (
                "letter.xlsx",
                "This file is not a spreadsheet. Upload an Excel file (.xlsx or .xls) or a CSV "
                "file.",
            ),
        ],
    )
    def test_a_file_that_is_not_a_filled_template(self, world, framework, name, message):
        before = state()
        result = run(world, MEMBER_IMPORT_FILES / name)
        assert errors_of(result) == [(None, "", "", message)]
        assert state() == before

    def test_a_file_with_no_header(self, world, framework, tmp_path):
        path = book(tmp_path, [["DV1", "An", 3, "", "x", "01/01/2026"]], header=[], titles=[])
        result = run(world, path)
        assert [e.message for e in result.errors] == [
            "No header row found: one of the first 30 rows must name the columns, for example "
            "“Mã đoàn viên” and “Họ và tên”. Download the template to see them all."
        ]

    def test_a_header_and_no_rows(self, world, framework, tmp_path):
        result = run(world, book(tmp_path, []))
        assert [e.message for e in result.errors] == [
            "The file has a header row but no registration rows below it."
        ]

    def test_a_column_missing(self, world, framework, tmp_path):
        header = ["Mã đoàn viên", "Họ và tên", "Mã tiêu chí", "Kế hoạch thực hiện"]
        result = run(world, book(tmp_path, [["DV1", "An", 3, "x"]], header=header))
        assert [e.message for e in result.errors] == [
            "The file needs these columns too: “Thời gian hoàn thành”."
        ]

    def test_a_file_with_too_many_rows(self, world, framework, tmp_path, settings):
        settings.MEMBER_IMPORT_MAX_ROWS = 10
        result = run(world, book(tmp_path, rows_for(world.member)))
        assert result.errors[0].message.startswith("The file has ")
        assert "at most 10 rows" in result.errors[0].message

    def test_a_file_too_large(self, world, good_file, settings):
        settings.MEMBER_IMPORT_MAX_BYTES = 1000
        result = run(world, good_file)
        assert result.errors[0].message.startswith("The file is too large")

    def test_someone_who_may_not_register_the_branch(self, world, good_file):
        viewer = make_user("viewer", role="viewer", unit=world.base)
        for user in (world.outsider, viewer, world.member_user):
            result = run(world, good_file, actor=user)
            assert [e.message for e in result.errors] == [
                "You may not register the members of Chi đoàn 12A1."
            ]
        assert not Registration.objects.exists()

    def test_a_cadre_above_the_branch_may(self, world, good_file):
        assert run(world, good_file, actor=world.base_cadre).written

    def test_a_year_with_no_framework(self, world, good_file):
        result = run(world, good_file, year=2040)
        assert [e.message for e in result.errors] == ["No training framework applies to 2040."]

    def test_errors_are_in_vietnamese_by_default(self, world, framework, tmp_path):
        rows = rows_for(world.member)
        rows[0][0] = "DV0"
        with translation.override("vi"):
            result = registrations_import(
                actor=world.secretary,
                branch=world.branch,
                year=YEAR,
                path=book(tmp_path, rows),
                filename="x.xlsx",
                confirm=False,
                today=TODAY,
            )
        assert "Chi đoàn 12A1" in result.errors[0].message


# --- through the background job ---------------------------------------------------------------


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


class WorkerKilled(BaseException):
    """The worker process ending, as far as the code it runs can tell."""


def dies_after(import_progress):
    """`import_progress` (jobs/progress.py) whose worker dies as the import returns: after its
    transaction committed, before the runner records how the job ended."""

    @contextmanager
    def dying(*args, **kwargs):
        with import_progress(*args, **kwargs) as report:
            yield report
        raise WorkerKilled

    return dying


def upload(path):
    return SimpleUploadedFile(Path(path).name, Path(path).read_bytes())


# The worker drops connections it finds inside a transaction: on PostgreSQL that would be the
# test's own, so these tests commit for real (the database is emptied after each).
@pytest.mark.django_db(transaction=True)
class TestThroughTheWorker:
    def start(self, world, path, **params):
        return job_start(
            actor=world.secretary,
            kind=Job.Kind.REGISTRATIONS_IMPORT,
            unit=world.branch,
            params=params,
            upload=upload(path),
        )

    def test_the_handler_is_known_to_the_runner(self):
        assert runner.HANDLERS[Job.Kind.REGISTRATIONS_IMPORT].endswith("import_registrations")

    def test_checked_then_confirmed_then_written(self, world, good_file, monkeypatch):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
        job = self.start(world, good_file, year=YEAR)
        run_worker()
        job.refresh_from_db()
        assert job.state == Job.State.AWAITING_CONFIRMATION, (job.message, job.errors)
        assert job.result["to_create"] == 2 and not job.result["written"]
        assert len(job.result["lines"]) == 3
        assert not Registration.objects.exists()

        job_confirm(actor=world.secretary, job=job)
        run_worker()
        job.refresh_from_db()
        assert job.state == Job.State.SUCCEEDED and job.result["written"]
        assert Registration.objects.filter(state="submitted", branch=world.branch).count() == 2
        assert differences() == []

    def test_errors_give_the_file_with_the_bad_cells_marked(self, world, framework, tmp_path):
        rows = rows_for(world.member)
        rows[3][5] = date(2026, 6, 15)
        job = self.start(world, book(tmp_path, one_bad_row(world, rows)), year=YEAR)
        run_worker()
        job.refresh_from_db()
        assert job.state == Job.State.INVALID and job.output_name == "loi-dang-ky.xlsx"
        [error] = job.errors
        assert (error["row"], error["col"]) == (FIRST + 3, 5)
        report = openpyxl.load_workbook(files.output_path(job))
        copy = report.worksheets[0]
        bad = copy.cell(FIRST + 3, 6)
        assert bad.comment is not None and bad.fill.fgColor.rgb.endswith("FFC7CE")
        assert copy.cell(FIRST + 2, 6).comment is None
        assert not Registration.objects.exists()

    def test_a_job_whose_worker_dies_once_the_rows_are_written_is_not_left_running(
        self, world, good_file, monkeypatch
    ):
        """The job's end is written in the transaction that ends the import: a worker that
        dies right after it commits leaves the job done, not running."""
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
        job = self.start(world, good_file, year=YEAR)
        run_worker()
        job_confirm(actor=world.secretary, job=Job.objects.get(pk=job.pk))
        monkeypatch.setattr(
            "doanvien.training.jobs.import_progress", dies_after(training_jobs.import_progress)
        )
        run_worker()
        job.refresh_from_db()
        assert job.state == Job.State.SUCCEEDED and job.result["written"]
        assert len(job.result["lines"]) == 2 and job.finished_at is not None
        assert Registration.objects.filter(state="submitted", branch=world.branch).count() == 2

    def test_a_job_without_a_year_takes_the_branchs_current_one(
        self, world, good_file, monkeypatch
    ):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
        job = self.start(world, good_file)
        job.refresh_from_db()
        outcome = import_registrations(job, lambda done, total: None)
        assert outcome.result["year"] == YEAR and outcome.state == Job.State.AWAITING_CONFIRMATION


# --- the page ---------------------------------------------------------------------------------


def page(world, year=YEAR):
    return reverse("training:branch-training-import", args=[world.branch.pk, year])


def template_url(world, year=YEAR):
    return reverse("training:branch-training-import-template", args=[world.branch.pk, year])


class TestThePage:
    def test_the_secretary_gets_the_form_and_the_template(self, client, world, framework):
        client.force_login(world.secretary)
        body = client.get(page(world)).content.decode()
        assert template_url(world) in body and 'type="file"' in body
        response = client.get(template_url(world))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "TN-TA-THPT-12A1-2026" in response["Content-Disposition"]

    def test_uploading_starts_the_job_for_the_year(self, client, world, good_file):
        client.force_login(world.secretary)
        response = client.post(page(world), {"file": upload(good_file)})
        job = Job.objects.get(kind=Job.Kind.REGISTRATIONS_IMPORT)
        assert response.status_code == 302
        assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
        assert job.unit == world.branch and job.params["year"] == YEAR
        assert job.input_name == "dang-ky.xlsx" and files.input_path(job) is not None

    def test_an_empty_upload_is_refused_on_the_page(self, client, world, framework):
        client.force_login(world.secretary)
        empty = SimpleUploadedFile("trong.xlsx", b"")
        response = client.post(page(world), {"file": empty})
        assert response.status_code == 200 and not Job.objects.exists()

    def test_the_progress_page_links_to_it(self, client, world, framework):
        client.force_login(world.secretary)
        body = client.get(reverse("training:branch-training", args=[world.branch.pk, YEAR])).content
        assert page(world) in body.decode()

    def test_a_cadre_above_may_use_it(self, client, world, framework):
        client.force_login(world.base_cadre)
        assert client.get(page(world)).status_code == 200
        assert client.get(template_url(world)).status_code == 200

    def test_inside_without_the_right_is_forbidden(self, client, world, good_file):
        client.force_login(make_user("viewer", role="viewer", unit=world.base))
        assert client.get(page(world)).status_code == 403
        assert client.get(template_url(world)).status_code == 403
        assert client.post(page(world), {"file": upload(good_file)}).status_code == 403
        assert not Job.objects.exists()

    def test_out_of_scope_is_not_found(self, client, world, good_file):
        for user in (world.outsider, world.member_user):
            client.force_login(user)
            assert client.get(page(world)).status_code == 404
            assert client.get(template_url(world)).status_code == 404
            assert client.post(page(world), {"file": upload(good_file)}).status_code == 404
        assert not Job.objects.exists()

    def test_a_unit_that_is_not_a_branch_is_not_found(self, client, world, framework):
        client.force_login(world.base_cadre)
        url = reverse("training:branch-training-import", args=[world.base.pk, YEAR])
        assert client.get(url).status_code == 404

    def test_a_new_member_is_in_the_template(self, client, world, framework, tmp_path):
        newcomer = make_member(world.branch, full_name="Võ Thị Hồng")
        client.force_login(world.secretary)
        path = tmp_path / "mau.xlsx"
        path.write_bytes(client.get(template_url(world)).content)
        codes = {r[0].value for r in openpyxl.load_workbook(path).worksheets[0].iter_rows()}
        assert newcomer.member_code in codes

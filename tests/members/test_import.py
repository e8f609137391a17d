"""Importing members from spreadsheets: the files are in import_files/ (made by make_files.py);
every person in them is invented."""

import logging
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils import translation

from doanvien.core import audit
from doanvien.core.models import AuditEvent
from doanvien.core.spreadsheets import parsing
from doanvien.members.imports import ID_NUMBER_SHAPE, members_import
from doanvien.members.models import Category, Member, Membership, Position
from doanvien.members.validation import clean_member_data
from doanvien.units import member_counts
from doanvien.units.models import Unit

from .. import hostile
from ..factories import make_user, member_data

FILES = Path(__file__).parent / "import_files"
TODAY = date(2026, 11, 22)


def run(world, name, *, unit=None, actor=None, confirm=True, path=None, **kwargs):
    with translation.override("en"):
        return members_import(
            actor=actor or world.base_cadre,
            unit=unit or world.base,
            path=path or FILES / name,
            filename=name,
            confirm=confirm,
            today=TODAY,
            **kwargs,
        )


def state():
    """Everything an import could change."""
    return (
        list(Member.objects.order_by("pk").values_list()),
        list(Membership.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
        [u.member_count for u in member_counts.exact(Unit.objects.order_by("pk"))],
    )


def errors_of(result):
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


def sheet(tmp_path, header, rows, name="file.xlsx"):
    """A small workbook made in the test, for cases that need the test's own data."""
    path = tmp_path / name
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet()
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            if isinstance(value, date):
                ws.write_datetime(r, c, value, dates)
            elif value is not None:
                ws.write_string(r, c, str(value))
    book.close()
    return path


PLAIN = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn", "Chi đoàn"]


def new_members(name, id_prefix, count):
    """Rows of PLAIN for `count` new members of Chi đoàn 12A1, numbered from 1."""
    return [
        [
            f"{name} {n}",
            date(2008, 1, n),
            "Nam",
            f"{id_prefix}{n:02d}",
            date(2025, 3, 26),
            "Chi đoàn 12A1",
        ]
        for n in range(1, count + 1)
    ]


class TestAGoodFile:
    def test_the_preview_counts_and_writes_nothing(self, world):
        before = state()
        result = run(world, "good.xlsx", confirm=False)
        assert result.ok and not result.written
        assert (result.rows, result.to_create, result.to_update, result.unchanged) == (3, 3, 0, 0)
        assert [(s.row, s.action, s.full_name, s.branch) for s in result.sample] == [
            (5, "create", "Nguyễn Thị Lan", "Chi đoàn 12A1"),
            (6, "create", "Trần Văn Bình", "Chi đoàn 12A2"),
            (8, "create", "Lê Hoàng Nam", "Chi đoàn 12A1"),
        ]
        assert result.warnings == [
            "These columns are not imported: “Ghi chú thêm”.",
            "ID card number: leading zeros put back in 1 cells that Excel had turned into "
            "numbers (the first in row 5).",
            "Phone: leading zeros put back in 1 cells that Excel had turned into numbers (the "
            "first in row 5).",
        ]
        assert state() == before

    def test_it_creates_the_members_as_typed_in_excel(self, world):
        result = run(world, "good.xlsx")
        assert result.ok and result.written
        lan = Member.objects.get(id_number="038208001234")
        assert lan.full_name == "Nguyễn Thị Lan"  # composed (NFC), as typed decomposed
        assert lan.name_folded == "nguyen thi lan"
        assert (lan.date_of_birth, lan.joined_union_on) == (date(2008, 5, 12), date(2024, 6, 1))
        assert (lan.sex, lan.phone, lan.email) == ("female", "0912345678", "lan.nguyen@example.com")
        assert lan.federation_member is True
        assert lan.branch == world.branch and lan.unit_path == world.branch.path
        assert lan.member_code.startswith("DV") and len(lan.member_code) == 12
        binh = Member.objects.get(id_number="038208001235")
        assert binh.full_name == "Trần Văn Bình"  # the formula's value
        assert (binh.date_of_birth, binh.branch) == (date(2008, 4, 3), world.branch2)
        assert binh.phone == "0987654321"
        nam = Member.objects.get(id_number="038208001236")
        assert (nam.full_name, nam.branch) == ("Lê Hoàng Nam", world.branch)

    def test_it_keeps_member_counts_spans_and_the_audit_trail(self, world):
        events = AuditEvent.objects.count()
        run(world, "good.xlsx")
        counts = {u.code: u.member_count for u in member_counts.exact(Unit.objects.all())}
        assert counts["TN-TA-THPT-12A1"] == 4 and counts["TN-TA-THPT-12A2"] == 2
        assert counts["TN-TA-THPT"] == 6 and counts["TN-TA"] == 7 and counts["TN"] == 7
        created = Member.objects.filter(id_number__startswith="0382080012")
        spans = Membership.objects.filter(member__in=created)
        assert sorted((s.member.id_number, s.branch_id, s.started_on) for s in spans) == [
            ("038208001234", world.branch.pk, date(2024, 6, 1)),
            ("038208001235", world.branch2.pk, date(2025, 3, 26)),
            ("038208001236", world.branch.pk, date(2025, 1, 9)),
        ]
        new_events = AuditEvent.objects.order_by("pk")[events:]
        assert [(e.action, e.actor_id) for e in new_events] == [
            ("member.created", world.base_cadre.pk),
            ("member.created", world.base_cadre.pk),
            ("member.created", world.base_cadre.pk),
            ("members.imported", world.base_cadre.pk),
        ]
        lan = created.get(id_number="038208001234")
        event = AuditEvent.objects.get(target_type="member", target_id=lan.pk)
        assert (event.action, audit.shown([event])[0].text, event.unit_path) == (
            "member.created",
            "Nguyễn Thị Lan",
            world.branch.path,
        )
        summary = new_events[3]
        assert (summary.target_type, summary.target_id) == ("unit", world.base.pk)
        assert summary.changes == {"created": [None, 3], "updated": [None, 0]}

    def test_progress_is_reported(self, world):
        calls = []
        run(world, "good.xlsx", progress=lambda done, total: calls.append((done, total)))
        assert calls[-1] == (4, 4)

    def test_a_csv_file_from_excel_is_read(self, world):
        result = run(world, "members.csv", unit=world.branch, actor=world.secretary)
        assert result.ok and result.to_create == 2
        huy = Member.objects.get(id_number="038208001240")
        assert (huy.full_name, huy.phone, huy.branch) == (
            "Đặng Quốc Huy",
            "0912000240",
            world.branch,
        )
        anh = Member.objects.get(id_number="038308001241")
        assert (anh.full_name, anh.date_of_birth) == ("Võ Ngọc Ánh", date(2008, 12, 1))
        assert anh.awards == "Học sinh giỏi\nnăm 2024"

    def test_a_csv_cell_longer_than_the_csv_module_allows_is_a_row_error(self, world, tmp_path):
        """Python's csv reader stops at 131,072 characters a field; the file is read whole and
        the long cell is the row's error, the other rows are checked as usual."""
        lines = (FILES / "members.csv").read_text(encoding="utf-8-sig").splitlines()
        header, first = lines[0], lines[1]
        cells = first.split(";")
        second = ";".join([cells[0] + " Em", cells[1], cells[2], "038208001299", *cells[4:]])
        cells[0] = "A" * 200_000
        path = tmp_path / "long.csv"
        path.write_text("\n".join([header, ";".join(cells), second]) + "\n")
        before = state()
        result = run(world, "long.csv", path=path, unit=world.branch, actor=world.secretary)
        assert not result.ok and result.errors
        assert {e.row for e in result.errors} == {2}
        assert state() == before

    def test_an_old_excel_file_is_read(self, world):
        """A genuine Excel 97-2003 (.xls, BIFF8) workbook, made by make_files.py with xlwt."""
        assert (FILES / "old_excel.xls").read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
        result = run(world, "old_excel.xls")
        assert result.ok and result.written, result.errors
        assert (result.rows, result.to_create, result.to_update) == (2, 2, 0)
        mai = Member.objects.get(id_number="038308001601")
        assert (mai.full_name, mai.sex, mai.branch) == ("Phan Thị Mai", "female", world.branch)
        assert (mai.date_of_birth, mai.joined_union_on) == (date(2008, 2, 12), date(2025, 3, 26))
        khanh = Member.objects.get(id_number="038207001602")  # its leading zero put back
        assert (khanh.full_name, khanh.sex, khanh.branch) == ("Đỗ Văn Khánh", "male", world.branch2)
        assert (khanh.date_of_birth, khanh.joined_union_on) == (date(2007, 11, 5), date(2024, 9, 2))
        assert result.warnings == [
            "ID card number: leading zeros put back in 1 cells that Excel had turned into "
            "numbers (the first in row 3)."
        ]

    def test_the_database_is_checked_again_when_confirming(self, world):
        assert run(world, "good.xlsx", confirm=False).ok
        Member.objects.filter(pk=world.outsider_member.pk).update(id_number="038208001235")
        before = state()
        result = run(world, "good.xlsx")
        assert not result.written
        assert errors_of(result) == [
            (
                6,
                "Số CMND/CCCD",
                "038208001235",
                # He does not see Chi đoàn Ấp 1: nothing is named.
                "This ID card number is already in the system; contact the Union level above.",
            )
        ]
        # Nothing written but the record of the refused number (test_duplicate_ids.py).
        members, spans, events, counts = before
        assert state() == (members, spans, events + 1, counts)
        assert AuditEvent.objects.latest("id").action == "member.duplicate_id_refused"


class TestTheNationalExport:
    def test_it_is_accepted_as_it_is_and_updates_only_what_changed(self, world):
        Member.objects.filter(pk=world.member.pk).update(id_number="038204000201")
        before = Member.objects.get(pk=world.member.pk)
        result = run(world, "national_export.xlsx", unit=world.branch, actor=world.secretary)
        assert result.ok and result.written, result.errors
        assert (result.rows, result.to_create, result.to_update) == (2, 1, 1)
        assert result.warnings == [
            "These columns are kept by the system and were not imported: “Tình trạng rèn "
            "luyện”, “Kết quả đánh giá”.",
            "1 rows with neither a name nor an ID card number were skipped: 9.",
        ]
        an = Member.objects.get(pk=world.member.pk)
        assert (an.occupation, an.phone, an.ethnicity) == ("Công nhân", "0988000201", "Kinh")
        assert (an.id_issued_on, an.federation_member) == (date(2021, 4, 2), True)
        assert (an.full_name, an.member_code) == (before.full_name, before.member_code)
        event = AuditEvent.objects.filter(target_id=an.pk, action="member.updated").get()
        changes = audit.shown([event])[0].details
        assert changes["occupation"] == ["", "Công nhân"]
        assert changes["phone"] == [before.phone, "0988000201"]
        assert "full_name" not in changes and "date_of_birth" not in changes
        mai = Member.objects.get(id_number="038306000202")
        assert (mai.member_code, mai.card_number) == ("DV0000000777", "TN0000777")
        assert (mai.category, mai.position) == (Category.TEMPORARY, Position.DEPUTY)
        assert (mai.id_issued_on, mai.joined_union_on) == (date(2022, 6, 5), date(2023, 3, 26))
        assert mai.professional_qualification == "Trung cấp"
        world.branch.refresh_from_db()
        assert world.branch.member_count == 3

    def test_the_same_file_again_changes_nothing(self, world):
        Member.objects.filter(pk=world.member.pk).update(id_number="038204000201")
        run(world, "national_export.xlsx", unit=world.branch, actor=world.secretary)
        members = list(Member.objects.order_by("pk").values_list())
        result = run(world, "national_export.xlsx", unit=world.branch, actor=world.secretary)
        assert result.ok and (result.to_create, result.to_update, result.unchanged) == (0, 0, 2)
        assert list(Member.objects.order_by("pk").values_list()) == members


class TestMatching:
    def test_a_member_outside_the_unit_is_an_error_that_names_only_his_branch(self, world):
        """Named to a user who sees his branch (the province imports into the base union)."""
        Member.objects.filter(pk=world.outsider_member.pk).update(id_number="038204000301")
        before = state()
        result = run(world, "id_elsewhere.xlsx", actor=world.province_cadre)
        message = "The ID card number 038204000301 is already on a member of Chi đoàn Ấp 1."
        assert errors_of(result) == [(2, "Số CMND/CCCD", "038204000301", message)]
        assert world.outsider_member.full_name not in message
        assert state() == before

    def test_a_member_out_of_the_users_sight_is_an_error_that_names_nothing(self, world):
        Member.objects.filter(pk=world.outsider_member.pk).update(id_number="038204000301")
        before = state()
        result = run(world, "id_elsewhere.xlsx")  # the base union's cadre: Ấp 1 is not his
        message = "This ID card number is already in the system; contact the Union level above."
        assert errors_of(result) == [(2, "Số CMND/CCCD", "038204000301", message)]
        members, spans, events, counts = before
        assert state() == (members, spans, events + 1, counts)  # the refusal, recorded
        assert AuditEvent.objects.latest("id").action == "member.duplicate_id_refused"

    def test_a_member_can_be_moved_to_another_branch_of_the_unit(self, world, tmp_path):
        member = world.member
        path = sheet(tmp_path, ["Số CMND/CCCD", "Chi đoàn"], [[member.id_number, "Chi đoàn 12A2"]])
        result = run(world, "move.xlsx", path=path)
        assert result.ok and result.to_update == 1
        member.refresh_from_db()
        assert member.branch == world.branch2
        spans = list(member.memberships.values_list("branch_id", "ended_on"))
        assert spans == [(world.branch.pk, TODAY), (world.branch2.pk, None)]
        counts = {u.code: u.member_count for u in member_counts.exact(Unit.objects.all())}
        assert (counts["TN-TA-THPT-12A1"], counts["TN-TA-THPT-12A2"]) == (1, 2)

    def test_blank_cells_leave_fields_as_they_are(self, world, tmp_path):
        member = world.member
        path = sheet(
            tmp_path, ["Số CMND/CCCD", "Họ và tên", "Dân tộc"], [[member.id_number, "", "Mường"]]
        )
        result = run(world, "blank.xlsx", path=path, unit=world.branch, actor=world.secretary)
        assert result.ok and result.to_update == 1
        member.refresh_from_db()
        assert (member.full_name, member.ethnicity) == ("Nguyễn Văn An", "Mường")

    def test_into_a_branch_the_branch_column_is_not_needed(self, world, tmp_path):
        rows = [
            ["Hồ Văn Thử 1", date(2008, 1, 1), "Nam", "038208001901", date(2025, 3, 26), ""],
            ["Hồ Văn Thử 2", date(2008, 1, 2), "Nam", "038208001902", date(2025, 3, 26), "12A9"],
        ]
        path = sheet(tmp_path, PLAIN, rows)
        result = run(world, "b.xlsx", path=path, unit=world.branch, actor=world.secretary)
        assert result.ok and result.to_create == 2
        assert result.warnings == [
            "Every member goes to Chi đoàn 12A1; 1 rows named another unit in the “Chi đoàn” "
            "column."
        ]
        assert Member.objects.filter(branch=world.branch).count() == 4

    def test_a_row_numbering_the_columns_is_not_a_member(self, world, tmp_path):
        rows = [
            ["1", "2", "3", "4", "5", "6"],
            ["Hồ Văn Thử 1", date(2008, 1, 1), "Nam", "038208001911", date(2025, 3, 26), "12A1"],
        ]
        path = sheet(tmp_path, PLAIN, rows)
        result = run(world, "n.xlsx", path=path, unit=world.branch, actor=world.secretary)
        assert result.ok and (result.rows, result.to_create) == (1, 1)

    def test_updates_need_no_branch_column(self, world, tmp_path):
        path = sheet(
            tmp_path, ["Số CMND/CCCD", "Dân tộc"], [[world.member_in_branch2.id_number, "Tày"]]
        )
        result = run(world, "u.xlsx", path=path)
        assert result.ok and result.to_update == 1
        world.member_in_branch2.refresh_from_db()
        assert (world.member_in_branch2.ethnicity, world.member_in_branch2.branch) == (
            "Tày",
            world.branch2,
        )

    def test_a_user_may_only_import_into_branches_he_may_edit(self, world):
        before = state()
        result = run(world, "good.xlsx", actor=world.secretary)
        assert errors_of(result) == [
            (6, "Chi đoàn", "TN-TA-THPT-12A2", "You may not change the members of Chi đoàn 12A2.")
        ]
        assert state() == before

    def test_an_outsider_cannot_import_into_a_branch(self, world):
        result = run(world, "members.csv", unit=world.branch, actor=world.outsider)
        assert [e.message for e in result.errors] == [
            "You may not change the members of Chi đoàn 12A1."
        ] * 2
        assert not result.written

    @pytest.mark.parametrize(
        "number", ["012345678", "001204012345", "12345", "0123456789", "00120401234A", "١٢٣٤٥٦٧٨٩"]
    )
    def test_the_id_number_shape_is_the_rules_shape(self, db, number):
        try:
            clean_member_data(member_data(id_number=number), today=TODAY)
            accepted = True
        except ValidationError as e:
            accepted = "id_number" not in e.message_dict
        assert bool(ID_NUMBER_SHAPE.fullmatch(number)) == accepted


MB = 1024  # in KB, as /proc tells memory


def _memory_kb(field: str) -> int:
    """VmRSS (now) or VmHWM (the peak) of this process."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(f"{field}:"))


class TestMalformedFiles:
    """Each file gives one clear message, and nothing is written. The import runs here as it
    does in the worker, which reads each file in a child process (core/spreadsheets/parsing.py):
    for every file, this process's memory grows by less than 100 MB and the child's peak, as
    the system measured it, is under 500 MB."""

    @pytest.fixture(autouse=True)
    def memory_is_bounded(self, caplog):
        caplog.set_level(logging.INFO, logger=parsing.__name__)
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
        before = _memory_kb("VmRSS")
        yield
        assert _memory_kb("VmHWM") - before < 100 * MB
        children = [r.usage for r in caplog.records if hasattr(r, "usage")]
        assert all(usage.most_kb < 500 * MB for usage in children), children

    @pytest.mark.parametrize("kind", list(hostile.KINDS))
    @pytest.mark.parametrize("confirm", [False, True])
    def test_a_hostile_file_is_refused_by_name(self, world, hostile_files, kind, confirm):
        """The sheet of the report (A1 and XFD200000, and the same at two smaller depths), zip
        bombs and the like: each refused before the reader opens it, naming the cell."""
        path = hostile_files[kind]
        before = state()
        result = run(world, path.name, path=path, confirm=confirm)
        assert errors_of(result) == [(None, "", "", hostile.KINDS[kind][1](path))]
        assert not result.written and state() == before

    def test_a_file_that_needs_more_memory_than_an_import_may_use(self, world, tmp_path, settings):
        # Five sheets of 150,000 rows × 52 columns of nothing: the reader keeps every empty
        # cell of a sheet it reads, 260 MB a sheet.
        settings.IMPORT_PARSE_MEMORY_MB = 128
        path = hostile.sparse_xlsx(tmp_path / "wide.xlsx", "AZ150000", sheets=5)
        result = run(world, "wide.xlsx", path=path)
        assert [e.message for e in result.errors] == [
            "Reading the file needed more than the 128.0\xa0MB of memory an import may use. "
            "Split it into several files, or delete what the import does not need (other "
            "sheets, pictures)."
        ]

    def test_a_file_that_takes_longer_than_an_import_may_take(self, world, tmp_path, settings):
        # The same five sheets take about 4.5 s of CPU to read in full.
        settings.IMPORT_PARSE_CPU_SECONDS = 1
        settings.IMPORT_PARSE_MEMORY_MB = 400
        path = hostile.sparse_xlsx(tmp_path / "wide.xlsx", "AZ150000", sheets=5)
        result = run(world, "wide.xlsx", path=path)
        assert [e.message for e in result.errors] == [
            "Reading the file took longer than an import may take (1 second of computing). "
            "Split it into several files."
        ]

    @pytest.mark.parametrize(
        "name,message",
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
            (
                "web_page.xls",
                "This file is a web page saved with a spreadsheet's name. Open it in Excel and "
                "save it as an Excel workbook (.xlsx).",
            ),
            (
                "windows_1258.csv",
                "The CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)”.",
            ),
            (
                "no_header.xlsx",
                "No header row found: one of the first 30 rows must name the columns, for "
                "example “Họ và tên” and “Số CCCD/CMND”. Download the template to see them all.",
            ),
            ("header_only.xlsx", "The file has a header row but no member rows below it."),
            (
                "no_id_column.xlsx",
                "The file has no “Số CCCD/CMND” column: members are matched by it.",
            ),
            (
                "no_branch_column.xlsx",
                "The file has no “Chi đoàn” column: write each new member's branch, or import "
                "the file into a branch.",
            ),
            (
                "missing_columns.xlsx",
                "To add new members the file needs these columns too: “Ngày sinh”, “Giới "
                "tính”, “Ngày vào Đoàn”.",
            ),
        ],
    )
    @pytest.mark.parametrize("confirm", [False, True])
    def test_a_file_that_cannot_be_imported(self, world, name, message, confirm):
        before = state()
        result = run(world, name, confirm=confirm)
        assert errors_of(result) == [(None, "", "", message)]
        assert not result.written and result.error_count == 1
        assert state() == before

    def test_a_file_with_too_many_rows(self, world, settings):
        settings.MEMBER_IMPORT_MAX_ROWS = 10
        before = state()
        result = run(world, "twelve_rows.csv", unit=world.branch)
        assert [e.message for e in result.errors] == [
            "The file has 12 rows; at most 10 rows can be imported at once. Split it into "
            "several files."
        ]
        assert state() == before

    def test_a_workbook_with_too_many_rows_is_refused_before_it_is_read(
        self, world, settings, monkeypatch
    ):
        settings.MEMBER_IMPORT_MAX_ROWS = 1
        monkeypatch.setattr("doanvien.core.spreadsheets.reading.HEADER_SEARCH_ROWS", 0)
        monkeypatch.setattr(
            "doanvien.core.spreadsheets.reading._calamine_sheets", lambda *a: pytest.fail("read")
        )
        before = state()
        result = run(world, "one_bad_row.xlsx")
        assert [e.message for e in result.errors] == [
            "The file has 4 rows; at most 1 rows can be imported at once. Split it into "
            "several files."
        ]
        assert state() == before

    def test_a_file_too_large(self, world, settings):
        settings.MEMBER_IMPORT_MAX_BYTES = 1000
        before = state()
        result = run(world, "good.xlsx")
        assert [e.message for e in result.errors] == [
            "The file is too large (6.0\xa0KB); the limit is 1000\xa0bytes. Split it into "
            "several files."
        ]
        assert state() == before

    @pytest.mark.parametrize("confirm", [False, True])
    def test_every_bad_cell_is_named(self, world, confirm):
        before = state()
        result = run(world, "bad_cells.xlsx", confirm=confirm)
        assert errors_of(result) == [
            (
                2,
                "Ngày sinh",
                "31/02/2008",
                "Date of birth: “31/02/2008” is not a date in dd/mm/yyyy form.",
            ),
            (3, "Giới tính", "Khác", "Sex: choose a value from the list."),
            (
                4,
                "Số CMND/CCCD",
                "12345",
                "The ID card number has 12 digits (citizen ID) or 9 digits (old ID card).",
            ),
            (
                5,
                "Số điện thoại",
                "12345",
                "The phone number has 10 or 11 digits and starts with 0 (e.g. 0912345678).",
            ),
            (
                6,
                "Hội viên Hội LHTN",
                "có lẽ",
                "Federation member: write “Có” (yes) or “Không” (no).",
            ),
            (7, "Email", "not-an-email", "Enter a valid e-mail address."),
            (
                8,
                "Chi đoàn",
                "Chi đoàn 99Z",
                "Đoàn trường THPT Tân An has no branch “Chi đoàn 99Z”: import the units first.",
            ),
            (
                9,
                "Số CMND/CCCD",
                "3.82083E+10",
                "ID card number: “3.82083E+10” was shown as a rounded number and has lost "
                "digits. Format the column as Text and type the number again.",
            ),
            (
                10,
                "Ngày vào Đoàn",
                "26/03/2022",
                "Admission to the Union is from a full 15 years and 1 day of age to the end of "
                "the age of 30; this person is 14 on 26/03/2022.",
            ),
        ]
        assert (result.error_rows, result.to_create) == (9, 0)
        assert [e.col for e in result.errors][:3] == [1, 2, 3]
        assert state() == before

    def test_a_duplicate_id_number_is_an_error_on_both_rows(self, world):
        before = state()
        result = run(world, "duplicate_ids.xlsx")
        assert errors_of(result) == [
            (
                2,
                "Số CMND/CCCD",
                "038208001401",
                "ID card number 038208001401 is also in row 4 of the file.",
            ),
            (
                4,
                "Số CMND/CCCD",
                "038208001401",
                "ID card number 038208001401 is also in row 2 of the file.",
            ),
        ]
        assert (result.to_create, result.error_rows) == (1, 2)
        assert state() == before

    def test_one_bad_row_and_nothing_is_written(self, world):
        before = state()
        result = run(world, "one_bad_row.xlsx")
        assert [(e.row, e.column) for e in result.errors] == [(5, "Ngày vào Đoàn")]
        assert (result.to_create, result.error_rows, result.written) == (3, 1, False)
        assert state() == before

    def test_duplicates_across_chunks_undo_what_was_written(self, world, tmp_path, monkeypatch):
        monkeypatch.setattr("doanvien.members.imports.CHUNK_SIZE", 2)
        rows = new_members("Hồ Văn Thử", "0382080016", 5)
        rows.append([*rows[0][:3], rows[0][3], date(2025, 3, 26), "Chi đoàn 12A1"])
        before = state()
        result = run(world, "chunks.xlsx", path=sheet(tmp_path, PLAIN, rows))
        assert [(e.row, e.message) for e in result.errors] == [
            (2, "ID card number 038208001601 is also in row 7 of the file."),
            (7, "ID card number 038208001601 is also in row 2 of the file."),
        ]
        assert state() == before

    def test_made_identifiers_that_are_taken_or_met_twice_are_made_again(
        self, world, tmp_path, monkeypatch
    ):
        """A new member's identifier is made at random: one already in use (in the database,
        by a row of an earlier chunk, or twice in a chunk) is made again before writing."""
        monkeypatch.setattr("doanvien.members.imports.CHUNK_SIZE", 2)
        taken = world.member.member_code
        one, two, three = "DV0000000001", "DV0000000002", "DV0000000003"
        made = iter(
            [
                taken,  # row 2: in use in the database
                one,  # row 3
                one,  # row 2 again: met twice in the chunk
                two,  # row 2 again
                one,  # row 4: written by the first chunk
                three,  # row 5
                *(f"DV00000001{n:02d}" for n in range(20)),
            ]
        )
        monkeypatch.setattr("doanvien.members.imports.member_code_candidate", lambda: next(made))
        rows = new_members("Hồ Văn Mã", "0382080019", 4)
        result = run(world, "codes.xlsx", path=sheet(tmp_path, PLAIN, rows))
        assert result.written and result.error_count == 0
        codes = list(
            Member.objects.filter(id_number__startswith="0382080019").values_list(
                "member_code", flat=True
            )
        )
        assert len(codes) == len(set(codes)) == 4
        assert taken not in codes and all(c.startswith("DV") and len(c) == 12 for c in codes)

    def test_a_card_number_twice(self, world, tmp_path):
        header = [*PLAIN, "Số thẻ đoàn viên"]
        rows = [
            [
                "Hồ Văn Thử 1",
                date(2008, 1, 1),
                "Nam",
                "038208001701",
                date(2025, 3, 26),
                "Chi đoàn 12A1",
                "T1",
            ],
            [
                "Hồ Văn Thử 2",
                date(2008, 1, 2),
                "Nam",
                "038208001702",
                date(2025, 3, 26),
                "Chi đoàn 12A1",
                "T1",
            ],
        ]
        result = run(world, "cards.xlsx", path=sheet(tmp_path, header, rows))
        assert [(e.row, e.message) for e in result.errors] == [
            (2, "Member card number T1 is also in row 3 of the file."),
            (3, "Member card number T1 is also in row 2 of the file."),
        ]

    def test_card_numbers_must_come_from_a_range_above_the_branch(self, world, tmp_path):
        from doanvien.members.services.cards import card_range_allocate

        card_range_allocate(actor=None, unit=world.province, first=1, last=1_000_000)
        card_range_allocate(actor=None, unit=world.district, first=1, last=100_000)
        card_range_allocate(actor=None, unit=world.other_base, first=50_001, last=60_000)
        header = [*PLAIN, "Số thẻ đoàn viên"]
        person = ["Nam", "038208001801", date(2025, 3, 26), "Chi đoàn 12A1"]
        cards = {
            "Hồ Văn Trong": "12345",  # the district's range: written with its ten digits
            "Hồ Văn Cũ": "ĐV-00777",  # issued before this numbering: kept as it is
            "Hồ Văn Ngoài": "55555",  # the range of another base union
            "Hồ Văn Dài": "12345678901",
        }
        rows = []
        for i, (name, card) in enumerate(cards.items()):
            birth, rest = date(2008, 1, 1 + i), person[1:]
            rows.append([name, birth, "Nam", f"03820800180{i}", *rest[1:], card])
        before = state()
        result = run(world, "ranges.xlsx", path=sheet(tmp_path, header, rows))
        assert [(e.row, e.value, e.message) for e in result.errors] == [
            (
                4,
                "55555",
                "The number 0000055555 belongs to the range of Đoàn xã Tân Hòa, which is not "
                "above this member's branch.",
            ),
            (5, "12345678901", "A member card number has at most 10 digits (not all zeros)."),
        ]
        assert state() == before
        del rows[2:]
        result = run(world, "ranges.xlsx", path=sheet(tmp_path, header, rows))
        assert result.ok and result.written, result.errors
        assert set(
            Member.objects.filter(full_name__startswith="Hồ Văn").values_list(
                "full_name", "card_number"
            )
        ) == {("Hồ Văn Trong", "0000012345"), ("Hồ Văn Cũ", "ĐV-00777")}

    def test_errors_are_in_vietnamese_by_default(self, world):
        with translation.override("vi"):
            result = members_import(
                actor=world.base_cadre,
                unit=world.base,
                path=FILES / "bad_cells.xlsx",
                filename="bad_cells.xlsx",
                confirm=False,
                today=TODAY,
            )
        assert "số" in result.errors[3].message.lower()


def test_a_cadre_above_the_unit_may_import_into_it(world):
    cadre = make_user("district", role="cadre", unit=world.district)
    result = run(world, "good.xlsx", actor=cadre)
    assert result.ok and result.to_create == 3

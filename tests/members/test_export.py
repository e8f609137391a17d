from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import openpyxl
from django.utils import translation

from doanvien.core.spreadsheets.writing import error_report_xlsx
from doanvien.members.columns import COLUMNS, NATIONAL_COLUMNS, SPECS
from doanvien.members.exports import members_template_xlsx, members_xlsx
from doanvien.members.imports import members_import
from doanvien.members.models import Member

from ..factories import make_member

FILES = Path(__file__).parent / "import_files"
TODAY = date(2026, 11, 22)


def export(queryset, **kwargs):
    out = BytesIO()
    with translation.override("en"):
        count = members_xlsx(members_queryset=queryset, out=out, **kwargs)
    out.seek(0)
    return count, openpyxl.load_workbook(out)


def rows_of(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows()]


class TestTheMemberList:
    def test_it_has_the_national_columns_with_vietnamese_headers(self, world):
        count, book = export(Member.objects.filter(branch=world.branch).order_by("pk"))
        sheet = book.active
        assert count == 2
        assert rows_of(sheet)[0] == [SPECS[name].header for name in NATIONAL_COLUMNS]
        assert rows_of(sheet)[0][:4] == ["Họ và tên", "Mã đoàn viên", "Ngày sinh", "Giới tính"]

    def test_dates_are_dates_and_numbers_keep_their_zeros(self, world):
        member = make_member(
            world.branch,
            full_name="Hà Thị Xuân",
            sex="female",
            id_number="001204012345",
            phone="0912000111",
            id_issued_on=date(2021, 5, 6),
        )
        _count, book = export(Member.objects.filter(pk=member.pk), columns=None)
        sheet = book.active
        header = rows_of(sheet)[0]
        row = {h: c for h, c in zip(header, next(sheet.iter_rows(min_row=2)), strict=True)}
        assert row["Ngày sinh"].value == datetime(2004, 3, 15)
        assert row["Ngày sinh"].number_format == "dd/mm/yyyy"
        assert row["Ngày cấp"].value == datetime(2021, 5, 6)
        assert (row["Số CCCD/CMND"].value, row["Số CCCD/CMND"].data_type) == ("001204012345", "s")
        assert (row["Số điện thoại"].value, row["Số điện thoại"].data_type) == ("0912000111", "s")
        assert row["Giới tính"].value == "Female"
        assert row["Chi đoàn"].value == "Chi đoàn 12A1"
        assert row["Tình trạng rèn luyện"].value == "Not registered"
        assert row["Hội viên Hội LHTN"].value == "No"

    def test_text_that_looks_like_a_formula_stays_text(self, world):
        texts = ['=HYPERLINK("http://example.com","x")', "+1+2", "-3", "@SUM(A1)"]
        members = [make_member(world.branch, full_name="An", awards=t) for t in texts]
        _count, book = export(
            Member.objects.filter(pk__in=[m.pk for m in members]).order_by("pk"),
            columns=["full_name", "awards"],
        )
        cells = [row[1] for row in book.active.iter_rows(min_row=2)]
        assert [c.value for c in cells] == texts
        assert all(c.data_type == "s" and c.quotePrefix for c in cells)
        plain = next(book.active.iter_rows(min_row=2))[0]
        assert (plain.value, plain.quotePrefix) == ("An", False)

    def test_chosen_columns_and_masked_id_numbers(self, world):
        _count, book = export(
            Member.objects.filter(pk=world.member.pk),
            columns=["full_name", "id_number", "status"],
            mask_id_numbers=True,
        )
        assert rows_of(book.active) == [
            ["Họ và tên", "Số CCCD/CMND", "Trạng thái"],
            ["Nguyễn Văn An", world.member.id_number_masked, "Active"],
        ]

    def test_progress_is_reported(self, world):
        calls = []
        export(Member.objects.all(), progress=lambda done, total: calls.append((done, total)))
        assert calls[-1] == (4, 4)

    def test_an_exported_list_imports_back_unchanged(self, world, tmp_path):
        path = tmp_path / "list.xlsx"
        with translation.override("vi"):
            members_xlsx(members_queryset=Member.objects.filter(branch=world.branch), out=path)
            before = list(Member.objects.order_by("pk").values_list())
            result = members_import(
                actor=world.secretary,
                unit=world.branch,
                path=path,
                filename="list.xlsx",
                confirm=True,
                today=TODAY,
            )
        assert result.ok, result.errors
        assert (result.unchanged, result.to_update, result.to_create) == (2, 0, 0)
        assert list(Member.objects.order_by("pk").values_list()) == before


class TestTheTemplate:
    def make(self, unit, tmp_path):
        path = tmp_path / "template.xlsx"
        members_template_xlsx(unit=unit, out=path)
        return path, openpyxl.load_workbook(path)

    def test_it_has_vietnamese_headers_and_drop_down_lists(self, world, tmp_path):
        _path, book = self.make(world.base, tmp_path)
        data = book.worksheets[0]
        header = rows_of(data)[0]
        assert header[:5] == ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD/CMND", "Ngày cấp"]
        assert header[-2:] == ["Chi đoàn", "Đường dẫn chi đoàn"]
        lists = {}
        for validation in data.data_validations.dataValidation:
            if validation.type == "list":
                column = header[next(iter(validation.sqref.ranges)).min_col - 1]
                lists[column] = validation.formula1
        assert set(lists) == {
            "Giới tính",
            "Chức vụ",
            "Đối tượng đoàn viên",
            "Loại đoàn viên",
            "Hội viên Hội LHTN",
            "Đoàn viên danh dự",
            "Chi đoàn",
            "Đường dẫn chi đoàn",
        }
        choices = book.worksheets[2]
        sheet_name, cells = lists["Chi đoàn"].lstrip("=").split("!")
        assert sheet_name.strip("'") == choices.title
        branch_values = [c.value for row in choices[cells.replace("$", "")] for c in row]
        assert branch_values == [
            "Chi đoàn 12A1 (TN-TA-THPT-12A1)",
            "Chi đoàn 12A2 (TN-TA-THPT-12A2)",
        ]
        # The paths below the base union: here the branches are right under it.
        path_cells = lists["Đường dẫn chi đoàn"].split("!")[1].replace("$", "")
        assert [c.value for row in choices[path_cells] for c in row] == branch_values
        sex_cells = lists["Giới tính"].split("!")[1].replace("$", "")
        assert [c.value for row in choices[sex_cells] for c in row] == ["Nam", "Nữ"]

    def test_a_branch_template_has_no_branch_column(self, world, tmp_path):
        _path, book = self.make(world.branch, tmp_path)
        assert "Chi đoàn" not in rows_of(book.worksheets[0])[0]
        assert "Đường dẫn chi đoàn" not in rows_of(book.worksheets[0])[0]

    def test_it_explains_itself_with_an_example(self, world, tmp_path):
        _path, book = self.make(world.base, tmp_path)
        guide = rows_of(book.worksheets[1])
        header = next(r for r in guide if r[1] == "Họ và tên")
        example = guide[guide.index(header) + 1]
        assert header[1:4] == ["Họ và tên", "Ngày sinh", "Giới tính"]
        assert example[1:4] == ["Nguyễn Thị Thu Hà", datetime(2007, 9, 2), "Nữ"]

    def test_a_filled_template_imports(self, world, tmp_path):
        path, book = self.make(world.base, tmp_path)
        data = book.worksheets[0]
        header = rows_of(data)[0]
        values = {
            "Họ và tên": "Bùi Minh Khoa",
            "Ngày sinh": datetime(2008, 6, 1),
            "Giới tính": "Nam",
            "Số CCCD/CMND": "038208001801",
            "Ngày vào Đoàn": datetime(2025, 3, 26),
            "Chức vụ": "Bí thư",
            "Loại đoàn viên": "Sinh hoạt chính",
            "Hội viên Hội LHTN": "Có",
            "Chi đoàn": "Chi đoàn 12A2 (TN-TA-THPT-12A2)",
        }
        for name, value in values.items():
            data.cell(row=2, column=header.index(name) + 1, value=value)
        book.save(path)
        with translation.override("en"):
            result = members_import(
                actor=world.base_cadre,
                unit=world.base,
                path=path,
                filename="template.xlsx",
                confirm=True,
                today=TODAY,
            )
        assert result.ok and result.written, result.errors
        khoa = Member.objects.get(id_number="038208001801")
        assert (khoa.branch, khoa.position, khoa.federation_member) == (
            world.branch2,
            "secretary",
            True,
        )


class TestTheErrorReport:
    def test_bad_cells_are_marked_and_listed(self, world, tmp_path):
        source = FILES / "bad_cells.xlsx"
        with translation.override("en"):
            result = members_import(
                actor=world.base_cadre,
                unit=world.base,
                path=source,
                filename="bad_cells.xlsx",
                confirm=False,
                today=TODAY,
            )
            out = tmp_path / "errors.xlsx"
            error_report_xlsx(source_path=source, errors=result.errors, out=out, columns=COLUMNS)
        book = openpyxl.load_workbook(out)
        copy, listing = book.worksheets
        assert copy["A2"].value == "Lý Thị Hoa"
        bad = copy["B2"]
        assert bad.value == "31/02/2008" and bad.fill.fgColor.rgb.endswith("FFC7CE")
        assert "is not a date" in bad.comment.text
        assert copy["C2"].comment is None and not copy["C2"].fill.fgColor.rgb.endswith("FFC7CE")
        errors_column = copy.max_column
        assert copy.cell(row=1, column=errors_column).value == "Errors"
        assert copy.cell(row=3, column=errors_column).value == (
            "Giới tính: Sex: choose a value from the list."
        )
        assert copy["D9"].value == "3.82083E+10" and copy["D9"].comment is not None
        listed = rows_of(listing)
        assert listed[0] == ["Row", "Column", "Value", "Problem"]
        assert listed[1] == [
            2,
            "Ngày sinh",
            "31/02/2008",
            "Date of birth: “31/02/2008” is not a date in dd/mm/yyyy form.",
        ]
        assert len(listed) == 1 + len(result.errors)

    def test_a_file_that_could_not_be_read_gets_the_list_only(self, world, tmp_path):
        errors = [{"row": None, "column": "", "value": "", "message": "The file is empty."}]
        out = tmp_path / "errors.xlsx"
        error_report_xlsx(source_path=FILES / "empty.csv", errors=errors, out=out, columns=COLUMNS)
        book = openpyxl.load_workbook(out)
        assert len(book.worksheets) == 1
        assert rows_of(book.worksheets[0])[1] == [None, None, None, "The file is empty."]

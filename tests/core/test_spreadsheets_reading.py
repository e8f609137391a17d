"""Reading spreadsheets: typed cells, and header rows found for any import's columns."""

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from doanvien.core.spreadsheets.reading import (
    ColumnSpec,
    SpreadsheetError,
    cell_bool,
    cell_date,
    cell_text,
    is_blank,
    multiline_text,
    open_sheet,
    raw_sheets,
)


class TestCells:
    @pytest.mark.parametrize(
        "value,expected",
        [
            (datetime(2004, 3, 15), date(2004, 3, 15)),
            (38061.0, date(2004, 3, 15)),  # an Excel date that lost its format
            ("15/03/2004", date(2004, 3, 15)),
            ("15.3.2004", date(2004, 3, 15)),
            ("2004-03-15 00:00:00", date(2004, 3, 15)),
            ("31/02/2004", "31/02/2004"),  # not a date: left for the rules to say so
            (2004, "2004"),  # a year alone
        ],
    )
    def test_dates(self, value, expected):
        assert cell_date(value) == expected

    @pytest.mark.parametrize(
        "value,expected",
        [("Có", True), ("x", True), (1, True), ("Không", False), ("-", False), ("maybe", None)],
    )
    def test_yes_and_no(self, value, expected):
        assert cell_bool(value) is expected

    def test_text_is_tidied(self):
        assert cell_text("  Nguye\u0302\u0303n\u200b  Văn\tA ") == "Nguyễn Văn A"
        assert cell_text(12.0) == "12" and cell_text(None) == ""
        assert multiline_text(" a  b \n c ") == "a b\nc"
        assert is_blank(" \u00a0\u200b") and not is_blank("0")


# An import's own column table: the reading knows nothing else of it.
BOOKS = (
    ColumnSpec("code", "Mã sách", ("Mã",)),
    ColumnSpec("title", "Tên sách", ("Tựa sách",)),
    ColumnSpec("price", "Giá", computed=True),
)


def xlsx(path, rows):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


class TestHeaderRows:
    def test_title_rows_a_header_on_two_rows_and_a_numbering_row(self, tmp_path):
        path = xlsx(
            tmp_path / "books.xlsx",
            [
                ["DANH SÁCH SÁCH"],
                [],
                ["Mã", "Sách", None, "Giá", "Khác", "Ghi chú"],
                [None, "Tên", None, None, None, None],
                ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
                ["S1", "Truyện Kiều", "", 10, "?", ""],
            ],
        )
        sheet = open_sheet(path, BOOKS)
        assert sheet.header_row == 5
        assert [(c.index, c.field) for c in sheet.columns] == [(0, "code"), (1, "title")]
        assert sheet.unknown_headers == ["Khác"]  # "Ghi chú" is a note: not reported
        assert sheet.computed_headers == ["Giá"]
        assert [values[:2] for _n, values in sheet.rows()] == [["S1", "Truyện Kiều"]]

    def test_a_csv_file_with_semicolons_and_a_byte_order_mark(self, tmp_path):
        path = tmp_path / "books.csv"
        path.write_bytes("\ufeffMã;Tựa sách;Tựa sách\nS1;Truyện Kiều;x\n".encode())
        sheet = open_sheet(path, BOOKS)
        assert sheet.raw.kind == "csv" and sheet.header_row == 1
        assert sheet.duplicate_headers == ["Tựa sách"]
        assert list(sheet.rows()) == [(2, ["S1", "Truyện Kiều", "x"])]

    def test_no_header_row_names_the_first_columns(self, tmp_path):
        path = xlsx(tmp_path / "books.xlsx", [["a", "b"], ["c", "d"]])
        with pytest.raises(SpreadsheetError) as error:
            open_sheet(path, BOOKS)
        assert "“Mã sách”" in error.value.message and "“Tên sách”" in error.value.message


class TestFormatsByContent:
    """A file's format is told by its bytes, not by its name."""

    FILES = Path(__file__).resolve().parent.parent / "members" / "import_files"

    def test_a_real_xls_saved_under_an_xlsx_name_is_read(self, tmp_path):
        renamed = tmp_path / "danh-sach.xlsx"
        shutil.copy(self.FILES / "old_excel.xls", renamed)
        sheets = list(raw_sheets(renamed))
        assert sheets and sheets[0].height > 1

    def test_an_xlsx_saved_under_an_xls_name_is_read(self, tmp_path):
        renamed = tmp_path / "danh-sach.xls"
        shutil.copy(self.FILES / "good.xlsx", renamed)
        sheets = list(raw_sheets(renamed))
        assert sheets and sheets[0].height > 1

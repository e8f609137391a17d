"""Writing spreadsheets (XlsxWriter): the one way the product writes text into a sheet, and the
copy of an uploaded file with its errors marked.

Text is always written as text (`write_string`), never through XlsxWriter's `write()` or
`merge_range()` with the text itself, which turn text starting with "=" into a formula and web
addresses into links. Text that a spreadsheet would read as a formula if it were typed again
(starting with = + - @, or a tab or a carriage return) is written with Excel's "quote prefix"
style: the cell holds exactly the original characters, shows them as they are, and stays text
when it is edited; no character is added to the value, so the file reads back unchanged.

Every format a sheet writes text with is made through `Formats.add`, which knows how to make
its quote-prefixed twin; `Formats.write_text` and `Formats.merge_text` pick the twin when the
text needs it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from xlsxwriter.format import Format

from .reading import ColumnSpec, SpreadsheetError, open_sheet

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would take `text` for a formula if it were typed into a cell."""
    return text.startswith(_FORMULA_START)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class Formats:
    """The cell formats of one workbook, each made with `add` so that text written with it is
    safe (see `write_text`)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.workbook = workbook
        self._properties: dict[Format | None, dict[str, Any]] = {None: {}}
        self._quoted: dict[Format | None, Format] = {}

    def add(self, properties: dict[str, Any]) -> Format:
        fmt = self.workbook.add_format(properties)
        self._properties[fmt] = properties
        return fmt

    def quoted(self, fmt: Format | None) -> Format:
        """`fmt` with the quote prefix (made once); `fmt` must have been made with `add`."""
        twin = self._quoted.get(fmt)
        if twin is None:
            twin = self.workbook.add_format({**self._properties[fmt], "quote_prefix": True})
            self._quoted[fmt] = twin
        return twin

    def write_text(self, sheet, row: int, col: int, text: str, fmt: Format | None = None) -> None:
        """Text as text: never a formula, with the quote prefix when it looks like one. Empty
        text without a format writes nothing."""
        if not text and fmt is None:
            return
        if is_formula_like(text):
            sheet.write_string(row, col, text, self.quoted(fmt))
        else:
            sheet.write_string(row, col, text, fmt)

    def merge_text(
        self, sheet, first_row: int, first_col: int, last_row: int, last_col: int, text: str, fmt
    ) -> None:
        """Merged cells holding text, written as `write_text` does. (Not in a constant-memory
        sheet over several rows: the first row is written again after the others.)"""
        sheet.merge_range(first_row, first_col, last_row, last_col, "", fmt)
        self.write_text(sheet, first_row, first_col, text, fmt)


class CellFormats(Formats):
    """The formats of the lists the product writes (members, registrations, error reports)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        super().__init__(workbook)
        add = self.add
        self.header = add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.required = add(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "font_color": "#C00000",
            }
        )
        self.date = add({"num_format": "dd/mm/yyyy"})
        self.text = add({"num_format": "@"})
        self.bad = add({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.bad_date = add(
            {"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "dd/mm/yyyy"}
        )
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.title = add({"bold": True, "font_size": 14})


# --- the error report ------------------------------------------------------------------------


def _error_fields(error) -> tuple[int | None, int | None, str, str, str]:
    if isinstance(error, dict):
        get = error.get
    else:

        def get(key, default=None):
            return getattr(error, key, default)

    return get("row"), get("col"), get("column") or "", get("value") or "", get("message") or ""


def _write_value(sheet, row: int, col: int, value: Any, fmt: CellFormats, bad: bool) -> None:
    if value is None or value == "":
        if bad:
            sheet.write_blank(row, col, None, fmt.bad)
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt.bad if bad else None)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt.bad if bad else None)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, fmt.bad_date if bad else fmt.date)
    elif isinstance(value, time | timedelta):
        sheet.write_string(row, col, str(value), fmt.bad if bad else None)
    else:
        fmt.write_text(sheet, row, col, str(value), fmt.bad if bad else None)


def error_report_xlsx(
    *,
    source_path: str | Path,
    errors: Iterable,
    out,
    columns: Sequence[ColumnSpec],
) -> None:
    """A copy of the uploaded sheet with each bad cell in red and its problems in a comment, an
    extra column with every problem of the row, and a second sheet listing them all (row,
    column, value, problem). `errors` are `importing.RowError`s or their dicts; `columns` are
    the import's columns, to find the same sheet and header row as the import did. A file that
    could not be read gets the list only."""
    items = [_error_fields(e) for e in errors]
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    by_row: dict[int, list[str]] = defaultdict(list)
    for row, col, column, _value, message in items:
        if row is None:
            continue
        if col is not None:
            by_cell[(row, col)].append(message)
        by_row[row].append(f"{column}: {message}" if column else message)

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    fmt = CellFormats(workbook)
    try:
        sheet = open_sheet(source_path, columns)
    except SpreadsheetError:
        sheet = None
    if sheet is not None:
        copy = workbook.add_worksheet(_("Data")[:31])
        width = max((len(values) for _n, values in sheet.raw.rows()), default=0)
        width = max([width, *(c + 1 for _r, c in by_cell)])
        copy.set_column(width, width, 60)
        for number, values in sheet.raw.rows():
            r = number - 1
            for col in range(max(len(values), width)):
                value = values[col] if col < len(values) else None
                messages = by_cell.get((number, col))
                _write_value(copy, r, col, value, fmt, bool(messages))
                if messages:
                    copy.write_comment(r, col, "\n".join(messages), {"x_scale": 2, "y_scale": 2})
            if number == sheet.header_row:
                copy.write_string(r, width, _("Errors"), fmt.header)
            elif number in by_row:
                fmt.write_text(copy, r, width, "\n".join(by_row[number]), fmt.bad)
        copy.freeze_panes(sheet.header_row, 0)

    listing = workbook.add_worksheet(_("Error list")[:31])
    for col, (title, size) in enumerate(
        ((_("Row"), 8), (_("Column"), 24), (_("Value"), 24), (_("Problem"), 90))
    ):
        listing.write_string(0, col, capfirst(title), fmt.header)
        listing.set_column(col, col, size)
    for i, (row, _col, column, value, message) in enumerate(items, start=1):
        if row is not None:
            listing.write_number(i, 0, row)
        fmt.write_text(listing, i, 1, column)
        fmt.write_text(listing, i, 2, value)
        fmt.write_text(listing, i, 3, message, fmt.wrap)
    workbook.close()

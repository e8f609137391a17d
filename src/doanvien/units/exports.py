"""The unit tree's spreadsheets: the import template (drop-down lists for level and sector)
and the export of a subtree (the same columns, plus each unit's count of members), which the
tree import reads back as it is."""

from pathlib import Path
from typing import IO

import xlsxwriter
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import translation
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from doanvien.core.spreadsheets.reading import max_rows
from doanvien.core.spreadsheets.writing import CellFormats, is_formula_like

from . import member_counts
from .columns import EXPORT_COLUMNS, IMPORT_COLUMNS, SPECS
from .models import Level, Sector, Unit

_WIDTHS = {"code": 18, "name": 40, "level": 28, "sector": 26, "parent_code": 20}
# Units read from the database at a time, in path order.
CHUNK = 2000


def _source(sheet: str, col: int, count: int) -> str:
    letter = xl_col_to_name(col)
    return f"='{sheet}'!${letter}$2:${letter}${count + 1}"


def tree_template_xlsx(*, unit: Unit, out: str | Path | IO[bytes]) -> None:
    """The tree import's template for `unit`: Vietnamese headers, drop-down lists of the levels
    under the unit's and of the sectors, and an example row under the unit."""
    with translation.override("vi"):
        workbook = xlsxwriter.Workbook(out)
        fmt = CellFormats(workbook)
        data = workbook.add_worksheet(_("Units")[:31])
        lists_name = _("Lists")[:31]
        lists = workbook.add_worksheet(lists_name)
        levels = [lv.name for lv in Level.objects.filter(rank__gt=unit.level.rank)]
        sectors = [str(label) for _value, label in Sector.choices]
        for col, (title, values) in enumerate(((_("Level"), levels), (_("Sector"), sectors))):
            lists.write_string(0, col, title, fmt.header)
            for i, value in enumerate(values, start=1):
                fmt.write_text(lists, i, col, value)
            lists.set_column(col, col, 32)
        lists.hide()
        last = max_rows()
        for col, name in enumerate(IMPORT_COLUMNS):
            header = fmt.required if name in ("code", "name") else fmt.header
            data.write_string(0, col, SPECS[name].header, header)
            data.set_column(col, col, _WIDTHS[name], fmt.text)
        for col, name, values, list_col in ((2, "level", levels, 0), (3, "sector", sectors, 1)):
            if values:
                data.data_validation(
                    1,
                    col,
                    last,
                    col,
                    {
                        "validate": "list",
                        "source": _source(lists_name, list_col, len(values)),
                        "error_title": SPECS[name].header[:32],
                        "error_message": _("Choose a value from the list.")[:255],
                    },
                )
        data.freeze_panes(1, 1)
        example = (
            f"{unit.code}-01",
            _("Example unit (delete this row)"),
            levels[0] if levels else "",
            "",
            unit.code,
        )
        for col, value in enumerate(example):
            fmt.write_text(data, 1, col, value)
        workbook.close()


def tree_xlsx(*, unit: Unit, out: str | Path | IO[bytes]) -> int:
    """The units under `unit` (not the unit itself), in tree order, in the import's columns
    plus the count of members of each (exact: the deltas not folded yet added); a unit's
    parent code is blank for the units right under `unit`, so the file imports back into it.
    Returns how many units were written."""
    with translation.override("vi"):
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
        fmt = CellFormats(workbook)
        sheet = workbook.add_worksheet(_("Units")[:31])
        for col, name in enumerate(EXPORT_COLUMNS):
            sheet.write_string(0, col, SPECS[name].header, fmt.header)
            sheet.set_column(col, col, _WIDTHS.get(name, 14))
        levels = dict(Level.objects.values_list("pk", "name"))
        sectors = {value: str(label) for value, label in Sector.choices}
        units = (
            Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth)
            .annotate(parent_path=Substr("path", 1, F("depth") * Unit.steplen - Unit.steplen))
            .order_by("path")
        )
        codes: dict[str, str] = {unit.path: ""}
        written, last = 0, ""
        while True:
            chunk = list(
                member_counts.with_counts(units.filter(path__gt=last))
                .annotate(count=Coalesce(F("members_now"), Value(0)))
                .values_list("path", "parent_path", "code", "name", "level_id", "sector", "count")[
                    :CHUNK
                ]
            )
            if not chunk:
                break
            for path, parent_path, code, name, level_id, sector, count in chunk:
                codes[path] = code
                written += 1
                values = (
                    code,
                    name,
                    levels.get(level_id, ""),
                    sectors.get(sector, ""),
                    codes.get(parent_path, ""),
                )
                for col, value in enumerate(values):
                    fmt.write_text(sheet, written, col, value)
                sheet.write_number(written, len(values), count)
            last = chunk[-1][0]
        workbook.close()
    return written


def safe_csv(value):
    """A CSV cell that a spreadsheet will not run: text that looks like a formula starts with
    an apostrophe (a CSV has no quote-prefix style)."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def audit_xlsx(rows, columns, out) -> None:
    """Audit events (rows of `columns`) in a workbook: every text written as text."""
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    fmt = CellFormats(workbook)
    sheet = workbook.add_worksheet("Nhật ký")
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, fmt.header)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(r, col, value)
            else:
                fmt.write_text(sheet, r, col, str(value))
    workbook.close()

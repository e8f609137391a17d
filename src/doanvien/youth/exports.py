"""The "1+1" report as an .xlsx file (seed 003 §4.2): the official header (the unit above, the
unit, the title), the units under the unit numbered, then the unit's own row as the total."""

from datetime import date
from io import BytesIO

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core.spreadsheets.writing import CellFormats
from doanvien.units.models import Unit

from .selectors import ReportRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def column_titles() -> list[str]:
    return [
        _("No."),
        _("Unit"),
        _("Members"),
        _("Members who introduced a youth"),
        _("Share (%)"),
        _("Youths introduced"),
        _("Joined the Federation"),
        _("Proposed for admission"),
        _("Admitted to the Union"),
        _("Groups attached"),
    ]


def _values(row: ReportRow) -> list:
    f = row.figures
    return [
        row.members,
        f["members_referring"],
        float(row.share),
        f["youths_referred"],
        f["joined_federation"],
        f["proposed"],
        f["admitted"],
        f["groups_attached"],
    ]


def report_xlsx(*, unit: Unit, year: int, rows: list[ReportRow], on: date | None = None) -> bytes:
    on = on or timezone.localdate()
    output = BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    f = CellFormats(workbook)
    bold = f.add({"bold": True, "border": 1})
    cell = f.add({"border": 1})
    sheet = workbook.add_worksheet(_("Report")[:31])
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 9, 13)
    parent = unit.parent()
    if parent is not None:
        f.write_text(sheet, 0, 0, parent.name.upper(), f.add({"align": "left"}))
    f.write_text(sheet, 1, 0, unit.name.upper(), f.add({"bold": True}))
    title = _("Results of the “1+1” programme in %(year)s") % {"year": year}
    f.write_text(sheet, 3, 0, title.upper(), f.title)
    f.write_text(sheet, 4, 0, _("Figures as of %(date)s") % {"date": on.strftime("%d/%m/%Y")}, None)
    for col, text in enumerate(column_titles()):
        f.write_text(sheet, 6, col, text, f.header)
    line = 7
    for number, row in enumerate(rows[1:], start=1):
        sheet.write_number(line, 0, number, cell)
        f.write_text(sheet, line, 1, row.unit.name, cell)
        for col, value in enumerate(_values(row), start=2):
            sheet.write_number(line, col, value, cell)
        line += 1
    f.write_text(sheet, line, 1, _("Total: %(unit)s") % {"unit": unit.name}, bold)
    sheet.write_string(line, 0, "", bold)
    for col, value in enumerate(_values(rows[0]), start=2):
        sheet.write_number(line, col, value, bold)
    workbook.close()
    return output.getvalue()


def filename(unit: Unit, year: int) -> str:
    return f"1+1-{unit.code}-{year}.xlsx"

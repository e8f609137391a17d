"""The member statistics table as an .xlsx file: the official header (the unit above, the
unit, the title), the units under the unit numbered, then the unit's own row as the total."""

from io import BytesIO

import xlsxwriter
from django.utils.translation import gettext as _

from doanvien.core.spreadsheets.writing import CellFormats

from .selectors import DIMENSIONS, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def column_titles(table: Table) -> list[str]:
    return [
        " · ".join(table.label(d, v) for d, v in zip(table.by, key, strict=True))
        for key in table.combinations()
    ]


def statistics_xlsx(table: Table) -> bytes:
    output = BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    f = CellFormats(workbook)
    bold = f.add({"bold": True, "border": 1})
    cell = f.add({"border": 1})
    sheet = workbook.add_worksheet(_("Member statistics")[:31])
    sheet.set_landscape()
    sheet.set_paper(9)
    keys, titles = table.combinations(), column_titles(table)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, len(keys) + 2, 14)
    unit = table.unit
    parent = unit.parent()
    if parent is not None:
        f.write_text(sheet, 0, 0, parent.name.upper(), f.add({"align": "left"}))
    f.write_text(sheet, 1, 0, unit.name.upper(), f.add({"bold": True}))
    dims = ", ".join(str(DIMENSIONS[d]).lower() for d in table.by)
    f.write_text(sheet, 3, 0, (_("Members by %(dims)s") % {"dims": dims}).upper(), f.title)
    f.write_text(
        sheet, 4, 0, _("Figures as of %(date)s") % {"date": table.on.strftime("%d/%m/%Y")}, None
    )
    for col, text in enumerate([_("No."), _("Unit"), *titles, _("Total")]):
        f.write_text(sheet, 6, col, text, f.header)
    line = 7
    for number, child in enumerate(table.children, start=1):
        counts = table.counts.get(child.pk, {})
        sheet.write_number(line, 0, number, cell)
        f.write_text(sheet, line, 1, child.name, cell)
        for col, key in enumerate(keys, start=2):
            sheet.write_number(line, col, counts.get(key, 0), cell)
        sheet.write_number(line, len(keys) + 2, table.total(child.pk), cell)
        line += 1
    counts = table.counts.get(unit.pk, {})
    sheet.write_string(line, 0, "", bold)
    f.write_text(sheet, line, 1, _("Total: %(unit)s") % {"unit": unit.name}, bold)
    for col, key in enumerate(keys, start=2):
        sheet.write_number(line, col, counts.get(key, 0), bold)
    sheet.write_number(line, len(keys) + 2, table.total(unit.pk), bold)
    workbook.close()
    return output.getvalue()


def filename(table: Table) -> str:
    return f"so-lieu-doan-vien-{table.unit.code}-{'-'.join(table.by)}-{table.on:%Y%m%d}.xlsx"

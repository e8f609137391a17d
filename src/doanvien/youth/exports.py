"""The "1+1" report as an .xlsx file (seed 003 §4.2): the official header (the unit above, the
unit, the title), the units under the unit numbered, then the unit's own row as the total."""

from datetime import date
from io import BytesIO

import xlsxwriter
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from doanvien.core.spreadsheets.reading import max_rows
from doanvien.core.spreadsheets.writing import CellFormats
from doanvien.reports import exports as document
from doanvien.units.models import Unit

from .columns import COLUMNS
from .models import Group, Situation, YouthSex
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
        _("Youths surveyed"),
        _("Members (survey)"),
        _("Federation members (survey)"),
        _("Youth-gathering rate (%)"),
        _("Groups found"),
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
        f["youths_surveyed"],
        f["members_surveyed"],
        f["federation_surveyed"],
        float(row.gathering_rate) if row.gathering_rate else "",
        f["groups_found"],
    ]


def _write(sheet, row: int, col: int, value, fmt) -> None:
    if value == "":
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


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
    sheet.set_column(2, 14, 13)
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
            _write(sheet, line, col, value, cell)
        line += 1
    f.write_text(sheet, line, 1, _("Total: %(unit)s") % {"unit": unit.name}, bold)
    sheet.write_string(line, 0, "", bold)
    for col, value in enumerate(_values(rows[0]), start=2):
        _write(sheet, line, col, value, bold)
    workbook.close()
    return output.getvalue()


def filename(unit: Unit, year: int) -> str:
    return f"1+1-{unit.code}-{year}.xlsx"


# --- The import's template ----------------------------------------------------------------------

# Drop-down lists of units and groups longer than this are left out (Excel lists are meant to
# be short; a code or a name typed by hand is read the same).
LIST_LIMIT = 1000
_WIDTHS = {"full_name": 28, "place": 32, "group": 28, "notes": 30, "unit_code": 20}


def _source(sheet: str, col: int, count: int) -> str:
    letter = xl_col_to_name(col)
    return f"='{sheet}'!${letter}$2:${letter}${count + 1}"


def template_xlsx(*, unit: Unit, out) -> None:
    """The youth import's template for `unit`: Vietnamese headers, drop-down lists of sex,
    situation and kind of group, of the codes of the units under it and of the groups already
    recorded, and an example row."""
    with translation.override("vi"):
        workbook = xlsxwriter.Workbook(out)
        fmt = CellFormats(workbook)
        data = workbook.add_worksheet(_("Youths")[:31])
        lists_name = _("Lists")[:31]
        lists = workbook.add_worksheet(lists_name)
        codes = list(
            Unit.objects.filter(path__startswith=unit.path)
            .order_by("path")
            .values_list("code", flat=True)[: LIST_LIMIT + 1]
        )
        groups = list(
            Group.objects.filter(
                Q(unit_path__startswith=unit.path) | Q(unit_path__in=unit.ancestor_paths())
            )
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()[: LIST_LIMIT + 1]
        )
        choices = {
            "sex": [str(label) for _v, label in YouthSex.choices],
            "situation": [str(label) for _v, label in Situation.choices],
            "group_kind": [str(label) for _v, label in Group.Kind.choices],
            "unit_code": codes if len(codes) <= LIST_LIMIT else [],
            "group": groups if len(groups) <= LIST_LIMIT else [],
        }
        last = max_rows()
        list_col = 0
        for col, spec in enumerate(COLUMNS):
            header = fmt.required if spec.field == "full_name" else fmt.header
            data.write_string(0, col, spec.header, header)
            data.set_column(col, col, _WIDTHS.get(spec.field, 16), fmt.text)
            values = choices.get(spec.field)
            if not values:
                continue
            lists.write_string(0, list_col, spec.header, fmt.header)
            for i, value in enumerate(values, start=1):
                fmt.write_text(lists, i, list_col, value)
            validation = {
                "validate": "list",
                "source": _source(lists_name, list_col, len(values)),
                "error_title": spec.header[:32],
                "error_message": _("Choose a value from the list.")[:255],
            }
            if spec.field == "group":
                # A new group's name may be typed: the list only suggests.
                validation["error_type"] = "information"
            data.data_validation(1, col, last, col, validation)
            list_col += 1
        lists.hide()
        data.freeze_panes(1, 1)
        example = {
            "full_name": _("Example Youth (delete this row)"),
            "date_of_birth": "01/01/2008",
            "sex": choices["sex"][0],
            "situation": choices["situation"][0],
            "unit_code": unit.code,
        }
        for col, spec in enumerate(COLUMNS):
            if spec.field in example:
                fmt.write_text(data, 1, col, example[spec.field])
        workbook.close()


# --- The document: print view and PDF -----------------------------------------------------------


def document_context(
    *,
    unit: Unit,
    year: int,
    rows: list[ReportRow],
    number: str = "",
    place: str = "",
    on: date | None = None,
    **extra,
) -> dict:
    """What youth/print.html needs (the official layout of reports/print.html: the issuing unit
    and number, the Union's name, place and date, the title, the table, recipients and the
    signature block)."""
    return {
        "unit": unit,
        "year": year,
        "own": rows[0],
        "children": rows[1:],
        "titles": column_titles()[2:],
        **document.header_context(
            unit=unit, number=number, place=place, on=on or timezone.localdate()
        ),
        **extra,
    }


def report_html(*, request=None, **options) -> str:
    """The "1+1" report as an official document, in the documents' language (Vietnamese)."""
    with translation.override(document.DOCUMENT_LANGUAGE):
        return render_to_string("youth/print.html", document_context(**options), request=request)


def report_pdf(**options) -> bytes:
    """The same document as an A4 PDF (reports.exports.render_pdf)."""
    return document.render_pdf(report_html(**options))


def pdf_filename(unit: Unit, year: int) -> str:
    return f"1+1-{unit.code}-{year}.pdf"

"""The yearly report as files: an Excel workbook, a PDF, and the whole subtree as one workbook.

- report_xlsx(): the report page's table (the unit, then each unit directly under it), with a
  title block and, when given, the year-over-year table.
- report_html() / report_pdf(): the official document (header block, title, table, charts,
  year over year, signature block) from the template reports/print.html; the browser's print
  view shows the same HTML, and WeasyPrint turns it into the PDF.
- subtree_xlsx(): every unit of the subtree, in tree order, streamed to a file with constant
  memory. A province has tens of thousands of units: a background job calls it.

Documents are written in Vietnamese (DOCUMENT_LANGUAGE) whatever the language of the person who
asks for them: they are filed and sent to the level above as official papers. Their text is in
the code as English gettext strings, like everything else; the Vietnamese comes from the
catalogue.

Figures come from reports.selectors (ReportRow): counts are written as numbers, shares as
fractions (0.3334) with a percent format, so a spreadsheet can compute with them.
"""

import mimetypes
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import xlsxwriter
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from doanvien.core.spreadsheets.writing import Formats
from doanvien.evaluations import report as evaluation_report
from doanvien.evaluations import rollup as evaluation_rollup
from doanvien.evaluations.models import EvaluationStats
from doanvien.evaluations.report import EvaluationRow
from doanvien.training import rollup
from doanvien.training.models import COUNTERS, YearStats
from doanvien.units.models import Level, Unit

from .charts import FONT, children_bars, level_distribution, progress_chart
from .selectors import LEVELS, ReportRow, report_row

DOCUMENT_LANGUAGE = "vi"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
# subtree_xlsx() reports its progress after this many units (and once at the end).
PROGRESS_EVERY = 2000
# What the official form leaves to be filled in by hand.
BLANK = "…………"
# The report's number as the official form writes it: "<n>-BC/<issuer's abbreviation>" (BC for
# "báo cáo", a report); a bare number gets the rest as dots to fill in.
NUMBER_FORM = "{number}-BC/" + BLANK

# Excel: the report table's columns after "No." and "Unit".
FIGURES = ("total", "registered", "classified", "not_classified")
SHARE_FORMAT = "0.00%"
COUNT_FORMAT = "#,##0"
MAX_INDENT = 15  # Excel's largest cell indent
MAX_OUTLINE = 7  # Excel's deepest row grouping


# --- Text -------------------------------------------------------------------------------------


def figure_titles() -> dict[str, str]:
    """Column titles of the figures, in the wording of the official appendix table (seed 002)."""
    return {
        "total": _("Total members"),
        "registered": _("Members registered"),
        "classified": _("Members classified"),
        "not_classified": _("Not classified"),
    }


def level_titles() -> dict[str, str]:
    """The four levels as the official report names them."""
    return {
        "excellent": _("Excellently completed"),
        "good": _("Well completed"),
        "complete": _("Completed"),
        "incomplete": _("Not completed"),
    }


def title(year: int) -> str:
    return _("Training programme results %(year)s") % {"year": year}


def filename(unit: Unit, year: int, extension: str) -> str:
    """The download name: bao-cao-ren-luyen-<unit code>-<year>.<extension>, in plain ASCII."""
    code = unicodedata.normalize("NFKD", unit.code.replace("đ", "d").replace("Đ", "D"))
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", code.encode("ascii", "ignore").decode()).strip("-")
    return f"bao-cao-ren-luyen-{code or unit.pk}-{year}.{extension}"


def number_text(number: str) -> str:
    """What follows "No.:" in the header: the number as given, a bare number in the official
    form, or dots to fill in by hand."""
    number = (number or "").strip()
    if not number:
        return NUMBER_FORM.format(number=BLANK)
    return NUMBER_FORM.format(number=number) if number.isdigit() else number


def _day_month(on: date) -> tuple[str, str]:
    """Official documents write days below 10, and January and February, with a leading zero."""
    day = f"{on.day:02d}"
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return day, month


def _share(share) -> float:
    """A share of 33.34 (percent) as the fraction Excel formats as a percentage."""
    return float(share / 100)


# --- Excel: the report ------------------------------------------------------------------------


# The font of every cell of the report's workbooks.
_BASE_FORMAT = {"font_name": "Times New Roman", "font_size": 11, "valign": "vcenter"}


class _Formats(Formats):
    """The workbook's cell formats, made once (more with `add`: text written with them goes
    through `write_text`)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        super().__init__(workbook)

        def add(**options):
            return self.add({**_BASE_FORMAT, **options})

        self.issuer = add(align="center")
        self.issuer_bold = add(align="center", bold=True)
        self.title = add(align="center", bold=True, font_size=14)
        self.subtitle = add(align="center", italic=True)
        self.header = add(bold=True, align="center", text_wrap=True, border=1, bg_color="#e7ecf3")
        self.text = add(border=1, text_wrap=True)
        self.cell = add(border=1)
        self.ordinal = add(border=1, align="center")
        self.count = add(border=1, num_format=COUNT_FORMAT)
        self.share = add(border=1, num_format=SHARE_FORMAT)
        self.total_text = add(border=1, bold=True, top=2)
        self.total_count = add(border=1, bold=True, top=2, num_format=COUNT_FORMAT)
        self.total_share = add(border=1, bold=True, top=2, num_format=SHARE_FORMAT)
        self.note = add(italic=True, text_wrap=True, valign="top")
        self.section = add(bold=True)
        self.year = add(border=1, align="center")
        self.empty = add(border=1, italic=True, font_color="#5f6b7a")


def _figures(row: ReportRow) -> list[int]:
    return [getattr(row, name) for name in FIGURES]


def _write_row(sheet, r: int, first_col: int, row: ReportRow, count_fmt, share_fmt) -> None:
    col = first_col
    for value in _figures(row):
        sheet.write_number(r, col, value, count_fmt)
        col += 1
    for level in row.shown_levels.values():
        _number_or_dash(sheet, r, col, level["count"], count_fmt)
        _number_or_dash(sheet, r, col + 1, level["share"], share_fmt, _share)
        col += 2


def _number_or_dash(sheet, r: int, col: int, value, fmt, convert=float) -> None:
    """A figure, or a dash where it is not a result yet (before the evaluation date)."""
    if value is None:
        sheet.write_string(r, col, "—", fmt)
    else:
        sheet.write_number(r, col, convert(value), fmt)


# The report sheet's layout (rows and columns counted from 0).
TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 3, 4, 6
FIRST_DATA_ROW = HEADER_ROW + 3
COLUMNS = 2 + len(FIGURES) + 2 * len(LEVELS)  # No., Unit, the figures, count and share per level


def report_xlsx(
    *,
    unit: Unit,
    year: int,
    rows: list[ReportRow],
    history: list[tuple[int, ReportRow | None]] | None = None,
    evaluations: list[EvaluationRow] | None = None,
    number: str = "",
    on: date | None = None,
) -> bytes:
    """The report table as an .xlsx file: `rows` as report() gives them (the unit first, then
    the units directly under it). The units under it come first, numbered, then the unit's own
    row as the total; `history` (as year_over_year() gives it) adds the comparison below;
    `evaluations` (evaluations.report.rows() of the same units) a second sheet."""
    on = on or timezone.localdate()
    output = BytesIO()
    with translation.override(DOCUMENT_LANGUAGE):
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        workbook.set_properties({"title": title(year), "subject": unit.name, "company": unit.name})
        f = _Formats(workbook)
        sheet = workbook.add_worksheet(_("Report")[:31])
        _report_sheet(sheet, f, unit=unit, year=year, rows=rows, number=number, on=on)
        if history:
            _history_block(sheet, f, history, first_row=FIRST_DATA_ROW + len(rows) + 2)
        if evaluations:
            _evaluations_sheet(
                workbook.add_worksheet(_("Evaluations")[:31]), f, unit, year, evaluations
            )
        workbook.close()
    return output.getvalue()


def evaluations_title(year: int) -> str:
    return _("Unit evaluations, ratings and Party introductions %(year)s") % {"year": year}


def _evaluations_sheet(sheet, f: _Formats, unit: Unit, year: int, rows: list[EvaluationRow]):
    """The evaluations' table: the units under the unit, numbered, then the unit as the total;
    two header rows (the group over its columns)."""
    groups = evaluation_report.groups()
    last_col = 1 + sum(len(cols) for _title, cols in groups)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, last_col, 11)
    sheet.merge_range(0, 0, 0, last_col, evaluations_title(year).upper(), f.title)
    f.merge_text(sheet, 1, 0, 1, last_col, unit.name, f.subtitle)
    h = 3
    sheet.set_row(h, 32)
    sheet.set_row(h + 1, 32)
    sheet.merge_range(h, 0, h + 1, 0, _("No."), f.header)
    sheet.merge_range(h, 1, h + 1, 1, _("Unit"), f.header)
    col = 2
    for title, cols in groups:
        if len(cols) > 1:
            sheet.merge_range(h, col, h, col + len(cols) - 1, title, f.header)
        else:
            sheet.write_string(h, col, title, f.header)
        for _name, text in cols:
            sheet.write_string(h + 1, col, text, f.header)
            col += 1
    sheet.freeze_panes(h + 2, 2)
    r = h + 2
    for n, row in enumerate(rows[1:], start=1):
        sheet.write_number(r, 0, n, f.ordinal)
        f.write_text(sheet, r, 1, row.unit.name, f.text)
        for c, value in enumerate(row.values, start=2):
            sheet.write_number(r, c, value, f.count)
        r += 1
    sheet.write_blank(r, 0, None, f.total_text)
    sheet.write_string(r, 1, _("Total"), f.total_text)
    for c, value in enumerate(rows[0].values, start=2):
        sheet.write_number(r, c, value, f.total_count)
    sheet.merge_range(r + 1, 0, r + 1, last_col, _evaluations_note(), f.note)
    sheet.set_row(r + 1, 30)


def _evaluations_note() -> str:
    return _(
        "Each row counts the unit and every unit under it. Submitted counts the evaluations "
        "submitted or recognised; ratings count the members' yearly ratings approved by the "
        "level above the branch, those admitted too recently to be classified apart (assessed, "
        "not classified); admitted counts those admitted as probationary Party members."
    )


def _report_sheet(sheet, f: _Formats, *, unit, year, rows, number, on) -> None:
    last_col = COLUMNS - 1
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(HEADER_ROW, FIRST_DATA_ROW - 1)
    sheet.set_footer("&C&P / &N")
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 1 + len(FIGURES), 12)
    sheet.set_column(2 + len(FIGURES), last_col, 10)

    # Title block: the issuing unit under the unit above it, then the title.
    parent = unit.parent()
    if parent is not None:
        f.merge_text(sheet, 0, 0, 0, 4, parent.name.upper(), f.issuer)
    f.merge_text(sheet, 1, 0, 1, 4, unit.name.upper(), f.issuer_bold)
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, title(year).upper(), f.title)
    if number:
        subtitle = _("Attached to report No. %(number)s of %(unit)s, dated %(date)s") % {
            "number": number_text(number),
            "unit": unit.name,
            "date": on.strftime("%d/%m/%Y"),
        }
    else:
        subtitle = _("%(unit)s and the units under it, figures as of %(date)s") % {
            "unit": unit.name,
            "date": on.strftime("%d/%m/%Y"),
        }
    f.merge_text(sheet, SUBTITLE_ROW, 0, SUBTITLE_ROW, last_col, subtitle, f.subtitle)

    # Three header rows: the figures span them; the levels sit under "Classification results",
    # each over its count and share.
    h = HEADER_ROW
    sheet.set_row(h, 20)
    sheet.set_row(h + 1, 32)
    sheet.merge_range(h, 0, h + 2, 0, _("No."), f.header)
    sheet.merge_range(h, 1, h + 2, 1, _("Unit"), f.header)
    titles = figure_titles()
    for i, name in enumerate(FIGURES):
        sheet.merge_range(h, 2 + i, h + 2, 2 + i, titles[name], f.header)
    first_level_col = 2 + len(FIGURES)
    sheet.merge_range(h, first_level_col, h, last_col, _("Classification results"), f.header)
    for i, level_title in enumerate(level_titles().values()):
        col = first_level_col + 2 * i
        sheet.merge_range(h + 1, col, h + 1, col + 1, level_title, f.header)
        sheet.write_string(h + 2, col, _("Number"), f.header)
        sheet.write_string(h + 2, col + 1, _("Share"), f.header)
    sheet.freeze_panes(FIRST_DATA_ROW, 2)

    own, children = rows[0], rows[1:]
    r = FIRST_DATA_ROW
    for n, row in enumerate(children, start=1):
        sheet.write_number(r, 0, n, f.ordinal)
        f.write_text(sheet, r, 1, row.unit.name, f.text)
        _write_row(sheet, r, 2, row, f.count, f.share)
        r += 1
    sheet.write_blank(r, 0, None, f.total_text)
    sheet.write_string(r, 1, _("Total"), f.total_text)
    _write_row(sheet, r, 2, own, f.total_count, f.total_share)
    note = _(
        "The members of a year are those whose membership covers the year's evaluation date; "
        "those admitted less than the required months before it are not classified. Shares are "
        "of the classified members and add up to 100.00; a classified member who did not "
        "register or was not assessed counts as incomplete. A year whose results were "
        "recognised keeps the figures recognised."
    )
    if own.state_note:
        note = " ".join([own.state_note, note])
    sheet.merge_range(r + 1, 0, r + 1, last_col, note, f.note)
    sheet.set_row(r + 1, 30)


def _history_block(sheet, f: _Formats, history, first_row: int) -> None:
    """The unit's own figures year by year: members, registered, classified, and the share of
    each level."""
    r = first_row
    sheet.write_string(r, 1, _("Year over year"), f.section)
    r += 1
    titles = figure_titles()
    headers = [_("Year"), titles["total"], titles["registered"], titles["classified"]]
    headers += list(level_titles().values())
    for col, text in enumerate(headers, start=1):
        sheet.write_string(r, col, text, f.header)
    sheet.set_row(r, 32)
    for year, row in history:
        r += 1
        sheet.write_number(r, 1, year, f.year)
        if row is None:
            sheet.merge_range(r, 2, r, len(headers), _("Nothing recorded for this year."), f.empty)
            continue
        for col, value in enumerate([row.total, row.registered, row.classified], start=2):
            sheet.write_number(r, col, value, f.count)
        for col, level in enumerate(row.shown_levels.values(), start=5):
            _number_or_dash(sheet, r, col, level["share"], f.share, _share)


# --- Excel: the whole subtree, streamed -------------------------------------------------------

# Columns of the subtree sheet: one header row, so it can be filtered and sorted.
SUBTREE_HEADER_ROW = 3


def _subtree_headers() -> list[str]:
    titles, levels = figure_titles(), level_titles()
    headers = [_("Code"), _("Unit"), _("Level"), *(titles[name] for name in FIGURES)]
    for level in LEVELS:
        headers += [levels[level], _("%(level)s (share)") % {"level": levels[level]}]
    return headers + [title for _k, title in evaluation_report.columns()]


def _subtree_rows(unit: Unit, year: int):
    """Every unit of the subtree in tree (path) order with its row of the year, if any (units
    with nothing recorded in the year have none), the deltas not folded yet added, and its
    evaluation figures (evaluations/rollup.py, their deltas added too): one statement, read in
    chunks."""
    deepest = Unit.objects.filter(path__startswith=unit.path).aggregate(n=Max("depth"))["n"]
    lengths = [d * Unit.steplen for d in range(unit.depth, (deepest or unit.depth) + 1)]
    tail, params = rollup.tail_cte([year], unit.path, lengths)
    ev_tail, ev_params = evaluation_rollup.tail_cte(year, unit.path, lengths)
    q = connection.ops.quote_name
    units, levels = q(Unit._meta.db_table), q(Level._meta.db_table)
    sql = (
        f"WITH {tail}, {ev_tail} SELECT u.id, u.path, u.depth, u.name, u.code, u.member_count, "
        f"l.name, s.id, {rollup.with_tail()}, {evaluation_rollup.with_tail_sql()} "
        f"FROM {units} u "
        f"LEFT JOIN {levels} l ON l.id = u.level_id "
        f"LEFT JOIN {q(YearStats._meta.db_table)} s ON s.unit_id = u.id AND s.year = %s "
        "LEFT JOIN tail t ON t.year = s.year AND t.owner = s.unit_path "
        f"LEFT JOIN {q(EvaluationStats._meta.db_table)} es ON es.unit_id = u.id AND es.year = %s "
        "LEFT JOIN ev_tail et ON et.owner = u.path "
        "WHERE u.path LIKE %s ORDER BY u.path"
    )
    n = len(COUNTERS)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [*params, *ev_params, year, year, f"{unit.path}%"])
        while chunk := cursor.fetchmany(PROGRESS_EVERY):
            for pk, path, depth, name, code, member_count, level, stats_pk, *values in chunk:
                node = Unit(
                    pk=pk, path=path, depth=depth, name=name, code=code, member_count=member_count
                )
                stats = None
                if stats_pk is not None:
                    stats = YearStats(
                        pk=stats_pk,
                        unit_id=pk,
                        year=year,
                        **dict(zip(COUNTERS, values[:n], strict=True)),
                    )
                yield report_row(node, stats), level or "", values[n:]


def subtree_xlsx(
    *,
    unit: Unit,
    year: int,
    out: str | Path | IO[bytes],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the year's report row of every unit in `unit`'s subtree (the unit included) to
    `out`, a path or a binary file, as an .xlsx workbook; return the number of units written.

    Rows are in tree order: each unit is followed by the units under it, its name indented by
    its depth below `unit` (and its rows grouped under it, so Excel can fold them). Columns: code,
    unit, level, total members, registered, classified, not classified, then each level's count
    and share (a fraction formatted as a percentage). The figures are those of the report page
    for that unit (each row counts the unit's whole subtree).

    Memory stays flat whatever the size: the units are read in chunks and XlsxWriter writes each
    row to disk as soon as it is done (constant_memory). `progress(done, total)` is called every
    PROGRESS_EVERY units and once at the end, `total` being the number of units in the subtree.
    Meant for a background job: a province is tens of thousands of rows."""
    rollup.ensure_year(year)
    total = Unit.objects.filter(path__startswith=unit.path).count()
    with translation.override(DOCUMENT_LANGUAGE):
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
        workbook.set_properties({"title": title(year), "subject": unit.name})
        f = _Formats(workbook)
        indents = {}

        def indent_format(level: int):
            if level not in indents:
                indents[level] = f.add(
                    {
                        "font_name": "Times New Roman",
                        "font_size": 11,
                        "border": 1,
                        "indent": level,
                        "bold": level == 0,
                    }
                )
            return indents[level]

        headers = _subtree_headers()
        sheet = workbook.add_worksheet(_("Report")[:31])
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 48)
        sheet.set_column(2, 2, 24)
        sheet.set_column(3, len(headers) - 1, 12)
        sheet.outline_settings(True, False, True, False)  # parents above their units
        sheet.freeze_panes(SUBTREE_HEADER_ROW + 1, 2)
        sheet.write_string(0, 0, title(year).upper(), f.section)
        f.write_text(
            sheet,
            1,
            0,
            _("%(unit)s and every unit under it, figures as of %(date)s")
            % {"unit": unit.name, "date": timezone.localdate().strftime("%d/%m/%Y")},
        )
        sheet.set_row(SUBTREE_HEADER_ROW, 45)
        for col, text in enumerate(headers):
            sheet.write_string(SUBTREE_HEADER_ROW, col, text, f.header)

        r, done = SUBTREE_HEADER_ROW, 0
        for row, level_name, evaluation_values in _subtree_rows(unit, year):
            r += 1
            done += 1
            below = row.unit.depth - unit.depth
            if below:
                sheet.set_row(r, None, None, {"level": min(below, MAX_OUTLINE)})
            f.write_text(sheet, r, 0, row.unit.code, f.cell)
            f.write_text(sheet, r, 1, row.unit.name, indent_format(min(below, MAX_INDENT)))
            f.write_text(sheet, r, 2, level_name, f.cell)
            _write_row(sheet, r, 3, row, f.count, f.share)
            first = 3 + len(FIGURES) + 2 * len(LEVELS)
            for c, value in enumerate(evaluation_values, start=first):
                sheet.write_number(r, c, value, f.count)
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
        sheet.autofilter(SUBTREE_HEADER_ROW, 0, max(r, SUBTREE_HEADER_ROW), len(headers) - 1)
        workbook.close()
    if progress and (done % PROGRESS_EVERY or not done):
        progress(done, total)
    return done


# --- The document: print view and PDF ---------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """Who signs. Blank parts print as the official form has them: on behalf of the standing
    committee, the secretary, and room for the name to be written by hand."""

    on_behalf: str = ""
    role: str = ""
    name: str = ""


# The charts' font in a document: DejaVu Sans (fonts-dejavu-core) has every Vietnamese glyph, so
# a PDF never mixes in a fallback font for the letters another font lacks; its condensed face
# keeps the units' names within the room the charts leave for them.
CHART_FONT = "'DejaVu Sans Condensed', 'DejaVu Sans', sans-serif"


def _in_document_font(svg: SafeString) -> SafeString:
    """A chart drawn in the document's font. WeasyPrint does not apply the page's stylesheet to
    inline SVG, so the font is set on the drawing itself."""
    return mark_safe(svg.replace(f'font-family="{FONT}"', f'font-family="{CHART_FONT}"', 1))


def header_context(
    *, unit: Unit, number: str = "", place: str = "", on: date, signer: Signer | None = None
) -> dict:
    """What the header and the foot of an official document take (reports/_doc_head.html,
    _doc_foot.html): the issuing unit's parent, the number, the place and date line, the
    signer, and the number and place asked for, carried over to the other files' links."""
    day, month = _day_month(on)
    return {
        "parent": unit.parent(),
        "number": (number or "").strip(),
        "number_text": number_text(number),
        "query": urlencode({k: v.strip() for k, v in (("number", number), ("place", place)) if v}),
        "place": (place or "").strip() or BLANK,
        "day": day,
        "month": month,
        "date_year": on.year,
        "on": on,
        "signer": signer or Signer(),
    }


def document_context(
    *,
    unit: Unit,
    year: int,
    rows: list[ReportRow],
    history: list[tuple[int, ReportRow | None]] | None = None,
    evaluations: list[EvaluationRow] | None = None,
    number: str = "",
    place: str = "",
    on: date | None = None,
    signer: Signer | None = None,
) -> dict:
    """What reports/print.html needs. Call it in the document's language: the charts' text and
    numbers are written now."""
    on = on or timezone.localdate()
    children = rows[1:]
    # Before the evaluation date the levels are not results yet: no level charts.
    levels = not rows[0].pending
    return {
        "unit": unit,
        "year": year,
        "own": rows[0],
        "children": children,
        "levels_chart": _in_document_font(level_distribution(rows[0])) if levels else "",
        "children_chart": (
            _in_document_font(children_bars(children)) if children and levels else ""
        ),
        "progress_chart": _in_document_font(progress_chart(unit, year)) if children else "",
        "history": history or [],
        "evaluations": evaluations or [],
        "evaluation_groups": evaluation_report.groups(),
        "evaluations_title": evaluations_title(year),
        "evaluations_note": _evaluations_note(),
        **header_context(unit=unit, number=number, place=place, on=on, signer=signer),
        "figure_titles": figure_titles(),
        "level_titles": level_titles(),
    }


def report_html(*, request=None, **options) -> str:
    """The document as HTML (reports/print.html) in the document's language; `options` as for
    document_context()."""
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("reports/print.html", document_context(**options), request=request)


# The address the document is rendered at: only its own static files are fetched (see below).
DOCUMENT_BASE_URL = "https://document.invalid/"


def _static_file(name: str) -> Path | None:
    """A static file on disk: from the apps' static folders, or collected under STATIC_ROOT
    (where a hashed name from a manifest storage is found)."""
    found = finders.find(name)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def _static_fetcher():
    """A WeasyPrint URL fetcher that reads the document's static files (its stylesheet) from
    disk and refuses everything else, so rendering a PDF never goes to the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFiles(URLFetcher):
        def fetch(self, url, headers=None):
            prefix = urljoin(DOCUMENT_BASE_URL, settings.STATIC_URL)
            if url.startswith(prefix):
                found = _static_file(unquote(urlsplit(url[len(prefix) :]).path))
                if found:
                    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, found.read_bytes(), {"Content-Type": content_type}
                    )
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"not fetched while rendering a document: {url}")

    return StaticFiles()


def report_pdf(
    *,
    unit: Unit,
    year: int,
    rows: list[ReportRow],
    history: list[tuple[int, ReportRow | None]] | None = None,
    evaluations: list[EvaluationRow] | None = None,
    number: str = "",
    place: str = "",
    on: date | None = None,
    signer: Signer | None = None,
) -> bytes:
    """The document as an A4 PDF: the same HTML as the print view, rendered by WeasyPrint with
    the DejaVu Sans font (it has every Vietnamese glyph)."""
    html = report_html(
        unit=unit,
        year=year,
        rows=rows,
        history=history,
        evaluations=evaluations,
        number=number,
        place=place,
        on=on,
        signer=signer,
    )
    return render_pdf(html)


def render_pdf(html: str) -> bytes:
    """An official document's HTML (with the stylesheet css/print.css) as an A4 PDF, rendered
    by WeasyPrint from the static files on disk only (other programmes' reports use it too)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=_static_fetcher())
    return document.write_pdf()

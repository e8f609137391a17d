"""A return as files: an Excel workbook with a sheet per form in the form's layout (its rows
and columns), and a PDF with the official header and foot of the yearly report's document
(reports/_doc_head.html, _doc_foot.html: the issuing unit and its number on the left, the
Union's name, place and date on the right; the recipients and the signature block), rendered
by WeasyPrint from returns/print.html. The number, place and signer are the return's own
(entered when it was submitted, or later); the date is the day it was submitted.

Documents are written in Vietnamese whatever the language of who asks for them (they are sent
to the level above as official papers), like the yearly report's (reports/exports.py). Labels
come from the forms' data, written as text, never as formulas."""

from io import BytesIO

import xlsxwriter
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doanvien.core.spreadsheets.writing import Formats
from doanvien.reports import exports as document
from doanvien.units.models import Unit

from .models import Campaign
from .selectors import AsOf, as_of, cell_basis, state_of
from .sources import SUBMISSION
from .workflow import STATES

DOCUMENT_LANGUAGE = "vi"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def grid(form: dict) -> list[dict]:
    """The form's rows, each with its label and its cells in the columns' order (None where
    the form has no cell)."""
    cells = {(c["row"], c["col"]): c for c in form["cells"]}
    return [
        {
            "key": row["key"],
            "label": row["label"],
            "cells": [cells.get((row["key"], col["key"])) for col in form["columns"]],
        }
        for row in form["rows"]
    ]


def at_submission(cell: dict | None) -> bool:
    """A computed figure that could not be counted as of the campaign's last day."""
    return bool(cell) and cell["source"] == "computed" and cell_basis(cell) == SUBMISSION


def as_of_text(when: AsOf) -> str:
    return _("Figures as of %(day)s") % {"day": when.day.strftime("%d/%m/%Y")}


def submission_note(when: AsOf) -> str:
    """The legend of the figures marked *: when they were counted, and that they are not as of
    the last day."""
    values = {
        "day": when.day.strftime("%d/%m/%Y"),
        "counted": when.counted_on.strftime("%d/%m/%Y"),
    }
    if when.frozen:
        return (
            _(
                "* At the time of submission (%(counted)s): these figures cannot be counted as "
                "of %(day)s from the data kept."
            )
            % values
        )
    return (
        _(
            "* At the time of submission: these figures cannot be counted as of %(day)s; they "
            "are counted as the data stand (today, %(counted)s) and kept as they are when the "
            "return is submitted."
        )
        % values
    )


def file_name(unit: Unit, campaign: Campaign, extension: str) -> str:
    return f"bao-cao-so-lieu-{campaign.year}-{campaign.period}-{unit.code}.{extension}"


def return_xlsx(*, unit: Unit, campaign: Campaign, ret, forms: list[dict]) -> bytes:
    out = BytesIO()
    with translation.override(DOCUMENT_LANGUAGE):
        workbook = xlsxwriter.Workbook(out, {"in_memory": True})
        fmt = Formats(workbook)
        title = fmt.add({"bold": True, "font_size": 13})
        header = fmt.add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        label = fmt.add({"border": 1, "text_wrap": True, "valign": "top"})
        number = fmt.add({"border": 1, "num_format": "#,##0"})
        typed = fmt.add({"border": 1, "num_format": "#,##0", "bg_color": "#FFF2CC"})
        # A figure at the time of submission: italic, with "*" after it, and the legend below.
        submitted = fmt.add({"border": 1, "num_format": '#,##0"*"', "italic": True})
        note = fmt.add({"italic": True, "text_wrap": True, "valign": "top"})
        when = as_of(campaign, ret, forms)
        for form in forms:
            sheet = workbook.add_worksheet(_("Form %(n)s") % {"n": form["number"]})
            sheet.set_column(0, 0, 46)
            sheet.set_column(1, len(form["columns"]), 16)
            fmt.write_text(sheet, 0, 0, unit.name.upper(), title)
            fmt.write_text(sheet, 1, 0, f"{campaign.title} {campaign.year}", title)
            fmt.write_text(
                sheet,
                2,
                0,
                _("Form %(n)s. %(title)s") % {"n": form["number"], "title": form["title"]},
                title,
            )
            fmt.write_text(
                sheet,
                3,
                0,
                _("State: %(state)s") % {"state": STATES[ret.state if ret else None]}
                + " · "
                + as_of_text(when),
            )
            if ret is not None and ret.doc_number:
                fmt.write_text(
                    sheet,
                    4,
                    0,
                    _("No.: %(number)s") % {"number": document.number_text(ret.doc_number)},
                )
            fmt.write_text(sheet, 5, 0, _("Indicator"), header)
            for j, col in enumerate(form["columns"], start=1):
                fmt.write_text(sheet, 5, j, col["label"], header)
            rows = grid(form)
            for i, row in enumerate(rows, start=6):
                fmt.write_text(sheet, i, 0, row["label"], label)
                for j, cell in enumerate(row["cells"], start=1):
                    if cell is None:
                        sheet.write_blank(i, j, None, label)
                    elif cell["value"] is None:
                        sheet.write_blank(i, j, None, typed)
                    else:
                        style = typed if cell["source"] == "typed" else number
                        if at_submission(cell):
                            style = submitted
                        sheet.write_number(i, j, cell["value"], style)
            if any(at_submission(c) for c in form["cells"]):
                last = 6 + len(rows) + 1
                sheet.set_row(last, 30)
                fmt.write_text(sheet, last, 0, submission_note(when), note)
        workbook.close()
    return out.getvalue()


def marked_grid(form: dict) -> list[dict]:
    """grid(form) with each cell's `at_submission` mark (the pages and the PDF show a *)."""
    rows = grid(form)
    for row in rows:
        row["cells"] = [
            {**cell, "at_submission": at_submission(cell)} if cell else None
            for cell in row["cells"]
        ]
    return rows


def signer_of(ret) -> document.Signer:
    if ret is None:
        return document.Signer()
    return document.Signer(
        on_behalf=ret.signer_on_behalf, role=ret.signer_role, name=ret.signer_name
    )


def document_date(ret):
    """The document's date: the day it was submitted, else today."""
    if ret is not None and ret.submitted_at:
        return timezone.localdate(ret.submitted_at)
    return timezone.localdate()


def return_html(*, unit: Unit, campaign: Campaign, ret, forms: list[dict]) -> str:
    when = as_of(campaign, ret, forms)
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "returns/print.html",
            {
                "unit": unit,
                "campaign": campaign,
                "ret": ret,
                "state": state_of(ret),
                "state_label": STATES[ret.state if ret else None],
                "forms": [
                    {
                        **form,
                        "grid": marked_grid(form),
                        "at_submission": any(at_submission(c) for c in form["cells"]),
                    }
                    for form in forms
                ],
                "as_of_text": as_of_text(when),
                "submission_note": submission_note(when),
                **document.header_context(
                    unit=unit,
                    number=ret.doc_number if ret else "",
                    place=ret.doc_place if ret else "",
                    on=document_date(ret),
                    signer=signer_of(ret),
                ),
            },
        )


def return_pdf(**options) -> bytes:
    """The document as an A4 PDF (reports.exports.render_pdf: its stylesheet read from disk,
    nothing fetched)."""
    return document.render_pdf(return_html(**options))

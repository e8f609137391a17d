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
from .selectors import state_of
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
                _("State: %(state)s") % {"state": STATES[ret.state if ret else None]},
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
            for i, row in enumerate(grid(form), start=6):
                fmt.write_text(sheet, i, 0, row["label"], label)
                for j, cell in enumerate(row["cells"], start=1):
                    if cell is None:
                        sheet.write_blank(i, j, None, label)
                    elif cell["value"] is None:
                        sheet.write_blank(i, j, None, typed)
                    else:
                        sheet.write_number(
                            i, j, cell["value"], typed if cell["source"] == "typed" else number
                        )
        workbook.close()
    return out.getvalue()


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
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "returns/print.html",
            {
                "unit": unit,
                "campaign": campaign,
                "ret": ret,
                "state": state_of(ret),
                "state_label": STATES[ret.state if ret else None],
                "forms": [{**form, "grid": grid(form)} for form in forms],
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

"""The issued codes on paper and in a spreadsheet: an A4 sheet of slips to cut (name, branch,
code, the activation address and its QR code) and an Excel list. Both are made from the codes
just issued (only an HMAC of each is stored): they are the one chance to print them."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import segno
import xlsxwriter
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from doanvien.core.spreadsheets.writing import CellFormats

# Slips, like other documents, are in the site's language (Vietnamese).
DOCUMENT_LANGUAGE = "vi"


@dataclass(frozen=True)
class Slip:
    full_name: str
    member_code: str
    branch: str
    code: str
    expires_at: datetime


def slips_of(issued) -> list[Slip]:
    """Slips from IssuedCode rows (services.codes_issue) or checked ActivationCode rows."""
    return [
        Slip(
            full_name=row.member.full_name,
            member_code=row.member.member_code,
            branch=row.member.branch.name,
            code=row.code,
            expires_at=row.expires_at,
        )
        for row in issued
    ]


def qr_svg(text: str, *, scale: int = 3) -> str:
    """A QR code of `text` as inline SVG (segno), safe to put in a page."""
    return mark_safe(segno.make(text, error="m").svg_inline(scale=scale))  # noqa: S308 (segno's own markup)


def qr_svg_uri(text: str) -> str:
    """The same QR code as an SVG data: address. The sheet of slips uses it: WeasyPrint reads
    one image once for every slip, where it would lay out an inline SVG again on each."""
    return segno.make(text, error="m").svg_data_uri(scale=3)


def slips_html(slips: list[Slip], *, activate_url: str) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "member_accounts/slips_print.html",
            {"slips": slips, "activate_url": activate_url, "qr": qr_svg_uri(activate_url)},
        )


def slips_pdf(slips: list[Slip], *, activate_url: str) -> bytes:
    """The slips on A4 pages (WeasyPrint, with static/css/slips.css; the QR image is in the
    document, and nothing is fetched)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"not fetched while rendering the slips: {url}")

    html = slips_html(slips, activate_url=activate_url)
    document = HTML(string=html, base_url="https://document.invalid/", url_fetcher=DataOnly())
    return document.write_pdf(stylesheets=[CSS(filename=finders.find("css/slips.css"))])


def codes_xlsx(slips: list[Slip], out: Path, *, activate_url: str) -> int:
    """The codes as a list: one row per member. Returns the number of rows."""
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    fmt = CellFormats(workbook)
    with translation.override(DOCUMENT_LANGUAGE):
        sheet = workbook.add_worksheet(_("Activation codes")[:31])
        headers = [
            _("Full name"),
            _("Member identifier"),
            _("Branch"),
            _("Activation code"),
            _("Valid until"),
        ]
        widths = [28, 16, 28, 16, 14]
        for col, (title, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.set_column(col, col, width)
            fmt.write_text(sheet, 0, col, title, fmt.header)
        for n, slip in enumerate(slips, 1):
            fmt.write_text(sheet, n, 0, slip.full_name)
            fmt.write_text(sheet, n, 1, slip.member_code, fmt.text)
            fmt.write_text(sheet, n, 2, slip.branch)
            fmt.write_text(sheet, n, 3, slip.code, fmt.text)
            sheet.write_datetime(
                n, 4, timezone.localtime(slip.expires_at).replace(tzinfo=None), fmt.date
            )
        fmt.write_text(
            sheet,
            len(slips) + 2,
            0,
            _("Open %(url)s, enter the code and your date of birth.") % {"url": activate_url},
        )
    workbook.close()
    return len(slips)

"""The yearly report as documents: the official HTML (print view), the PDF made from it by the
report's renderer (reports.exports.render_pdf: numbered pages, the header, the signature block)
and a Word document (python-docx) with the same header, sections, figures, prose and the
appendix table as a real Word table. Always in the documents' language (Vietnamese), whatever
the language of the person who asks: they are filed and sent to the level above."""

from io import BytesIO

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from doanvien.reports import exports as document
from doanvien.units.models import Unit

from .selectors import Draft, draft, num, pct

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = document.PDF_TYPE
# The font of the Word document: the administrative documents' font, with every Vietnamese
# glyph.
FONT = "Times New Roman"
BODY_SIZE = 13
TABLE_SIZE = 9


def draft_for_document(unit: Unit, year: int) -> Draft:
    """The draft with its sentences in the documents' language."""
    with translation.override(document.DOCUMENT_LANGUAGE):
        return draft(unit, year)


def filename(unit: Unit, year: int, extension: str) -> str:
    """bao-cao-nam-<unit code>-<year>.<extension>, in plain ASCII (the report's file names)."""
    plain = document.filename(unit, year, extension)
    return "bao-cao-nam-" + plain.removeprefix("bao-cao-ren-luyen-")


def signer(d: Draft) -> document.Signer:
    return document.Signer(role=d.value("signer_role"), name=d.value("signer_name"))


def appendix_subtitle(d: Draft) -> str:
    return _("Attached to report No. %(number)s of %(unit)s, dated %(date)s") % {
        "number": document.number_text(d.value("number")),
        "unit": d.unit.name,
        "date": d.on.strftime("%d/%m/%Y"),
    }


def appendix_note() -> str:
    return _(
        "The members of a year are those whose membership covers the year's evaluation date; "
        "those admitted less than the required months before it are not classified. Shares are "
        "of the classified members and add up to 100.00; a classified member who did not "
        "register or was not assessed counts as incomplete. A year whose results were "
        "recognised keeps the figures recognised."
    )


def document_context(d: Draft) -> dict:
    """What yearly_reports/print.html needs. Call it in the documents' language."""
    return {
        "draft": d,
        "unit": d.unit,
        "year": d.year,
        "sections": d.sections,
        "own": d.own,
        "children": d.children,
        "figure_titles": document.figure_titles(),
        "level_titles": document.level_titles(),
        "appendix_subtitle": appendix_subtitle(d),
        "appendix_note": appendix_note(),
        **document.header_context(
            unit=d.unit,
            number=d.value("number"),
            place=d.value("place"),
            on=d.on,
            signer=signer(d),
        ),
    }


def report_html(d: Draft, *, request=None) -> str:
    with translation.override(document.DOCUMENT_LANGUAGE):
        return render_to_string("yearly_reports/print.html", document_context(d), request=request)


def report_pdf(d: Draft) -> bytes:
    """The official document as an A4 PDF: the same renderer, stylesheet and font as the
    yearly report's PDF (pages numbered, header and signature block)."""
    return document.render_pdf(report_html(d))


# --- Word ---------------------------------------------------------------------------------------


def _font(run_or_style, *, size=None, bold=None, italic=None, underline=None) -> None:
    """Times New Roman for every script (Word picks the East Asian and complex-script fonts
    apart from the Latin one), with the size and emphasis given."""

    font = run_or_style.font
    font.name = FONT
    r_pr = run_or_style.element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if underline is not None:
        font.underline = underline


def _paragraph(
    container,
    text: str = "",
    *,
    align=None,
    size=BODY_SIZE,
    bold=False,
    italic=False,
    underline=False,
    indent=False,
    space_after=4,
):

    p = container.add_paragraph()
    p.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }.get(align or "justify")
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if text:
        run = p.add_run(text)
        _font(run, size=size, bold=bold, italic=italic, underline=underline)
    return p


def _setup(doc, d: Draft) -> None:

    normal = doc.styles["Normal"]
    _font(normal, size=BODY_SIZE)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    for level, size in ((1, BODY_SIZE), (2, BODY_SIZE), (3, BODY_SIZE)):
        style = doc.styles[f"Heading {level}"]
        _font(style, size=size, bold=True, italic=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(3)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_numbers(section)
    properties = doc.core_properties
    properties.title = document.title(d.year)
    properties.subject = d.unit.name
    properties.author = d.unit.name
    properties.language = "vi-VN"


def _page_numbers(section) -> None:
    """The page number centred in the footer, as a field Word updates."""

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)


def _borderless(table) -> None:

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _head(doc, d: Draft, context: dict) -> None:
    """The header of an official document (reports/_doc_head.html): the unit above and the
    unit, the number on the left; the Union's name and the place and date on the right."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    if context["parent"] is not None:
        _paragraph(left, context["parent"].name.upper(), align="center", size=12, space_after=0)
    _paragraph(left, d.unit.name.upper(), align="center", size=12, bold=True, space_after=0)
    _paragraph(left, "***", align="center", size=12, space_after=0)
    _paragraph(
        left, f"{_('No.:')} {context['number_text']}", align="center", size=12, space_after=0
    )
    _paragraph(
        right,
        _("HO CHI MINH COMMUNIST YOUTH UNION"),
        align="center",
        size=12,
        bold=True,
        underline=True,
        space_after=12,
    )
    _paragraph(
        right,
        _("%(place)s, day %(day)s month %(month)s year %(year)s")
        % {
            "place": context["place"],
            "day": context["day"],
            "month": context["month"],
            "year": context["date_year"],
        },
        align="center",
        size=12,
        italic=True,
        space_after=0,
    )
    for cell in (left, right):
        first = cell.paragraphs[0]
        if not first.text:
            first._p.getparent().remove(first._p)


def _sections(doc, d: Draft) -> None:
    for s in d.sections:
        if s.level:
            heading = doc.add_heading(s.heading, level=min(s.level, 3))
            for run in heading.runs:
                _font(run, size=BODY_SIZE, bold=True)
        for fact in s.facts:
            _paragraph(doc, fact, indent=True)
        if s.key == "good_models":
            for g in s.good_models:
                p = _paragraph(doc, indent=True)
                _font(p.add_run(g.title), size=BODY_SIZE, bold=True)
                if g.origin_id:
                    _font(p.add_run(f" ({g.origin.name})"), size=BODY_SIZE, italic=True)
                if g.description:
                    _font(p.add_run(f": {g.description}"), size=BODY_SIZE)
                if g.result:
                    _paragraph(doc, _("Result: %(result)s") % {"result": g.result}, indent=True)
            if not s.good_models and not s.paragraphs:
                _paragraph(doc, s.empty_note, indent=True, italic=True)
        for text in s.paragraphs:
            _paragraph(doc, text, indent=True)


def _foot(doc, context: dict) -> None:
    """Recipients and the signature block (reports/_doc_foot.html)."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    left, right = table.rows[0].cells
    _paragraph(left, _("Recipients:"), align="left", size=12, bold=True, italic=True, space_after=0)
    if context["parent"] is not None:
        _paragraph(
            left,
            "- " + _("%(name)s (to report);") % {"name": context["parent"].name},
            align="left",
            size=11,
            space_after=0,
        )
    _paragraph(left, "- " + _("Filed: office."), align="left", size=11, space_after=0)
    who = context["signer"]
    _paragraph(
        right,
        who.on_behalf or _("ON BEHALF OF THE STANDING COMMITTEE"),
        align="center",
        size=12,
        bold=True,
        space_after=0,
    )
    _paragraph(
        right, who.role or _("SECRETARY"), align="center", size=12, bold=True, space_after=48
    )
    _paragraph(right, who.name or "", align="center", size=12, bold=True, space_after=0)
    for cell in (left, right):
        first = cell.paragraphs[0]
        if not first.text:
            first._p.getparent().remove(first._p)


def _cell(cell, text: str, *, bold=False, align="center") -> None:
    cell.paragraphs[0].text = ""
    p = cell.paragraphs[0]
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(
        align, WD_ALIGN_PARAGRAPH.LEFT
    )
    _font(p.add_run(text), size=TABLE_SIZE, bold=bold)


def _appendix(doc, d: Draft) -> None:
    """The appendix on a landscape page: the report's table (reports/print.html, the Excel
    sheet) as a Word table: three header rows, the units under it numbered, then the total."""

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    _paragraph(doc, _("STATISTICS APPENDIX"), align="center", bold=True, space_after=0)
    _paragraph(doc, document.title(d.year), align="center", bold=True, space_after=0)
    _paragraph(doc, appendix_subtitle(d), align="center", italic=True, size=12)
    figure_titles, level_titles = document.figure_titles(), document.level_titles()
    rows = d.children + [d.own]
    table = doc.add_table(rows=3 + len(rows), cols=14)
    table.style = "Table Grid"
    for col, text in enumerate([_("No."), _("Unit"), *figure_titles.values()]):
        top = table.cell(0, col)
        top.merge(table.cell(2, col))
        _cell(top, text, bold=True)
    classification = table.cell(0, 6).merge(table.cell(0, 13))
    _cell(classification, _("Classification results"), bold=True)
    for i, text in enumerate(level_titles.values()):
        merged = table.cell(1, 6 + 2 * i).merge(table.cell(1, 7 + 2 * i))
        _cell(merged, text, bold=True)
        _cell(table.cell(2, 6 + 2 * i), _("Number"), bold=True)
        _cell(table.cell(2, 7 + 2 * i), "%", bold=True)
    for r, row in enumerate(rows, start=3):
        total = row is d.own
        cells = table.rows[r].cells
        _cell(cells[0], "" if total else str(r - 2), bold=total)
        _cell(cells[1], _("Total") if total else row.unit.name, bold=total, align="left")
        values = [row.total, row.registered, row.classified, row.not_classified]
        for col, value in enumerate(values, start=2):
            _cell(cells[col], num(value), bold=total, align="right")
        for i, level in enumerate(row.shown_levels.values()):
            count = "—" if level["count"] is None else num(level["count"])
            _cell(cells[6 + 2 * i], count, bold=total, align="right")
            _cell(cells[7 + 2 * i], pct(level["share"]), bold=total, align="right")
    note = appendix_note()
    if d.own.state_note:
        note = f"{d.own.state_note} {note}"
    _paragraph(doc, note, italic=True, size=10)


def report_docx(d: Draft) -> bytes:
    """The report as a Word document: header, title, sections (headings, the figures' sentences,
    the prose, the good models), recipients and signature, then the appendix table."""

    with translation.override(document.DOCUMENT_LANGUAGE):
        doc = Document()
        context = document_context(d)
        _setup(doc, d)
        _head(doc, d, context)
        _paragraph(doc, _("REPORT"), align="center", size=14, bold=True, space_after=0)
        _paragraph(doc, document.title(d.year), align="center", bold=True)
        _sections(doc, d)
        _foot(doc, context)
        _appendix(doc, d)
        out = BytesIO()
        doc.save(out)
    return out.getvalue()

"""The movement entries of a unit in Excel: a title block, Vietnamese headers, dates as dates,
text written through core.spreadsheets.writing (never a formula)."""

from datetime import date

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from doanvien.core.spreadsheets.writing import Formats
from doanvien.units.models import Unit

from .movements import events

CHUNK = 2000


def movements_xlsx(*, unit: Unit, start: date, end: date, out) -> int:
    """Write the entries to `out` (a file-like object); returns how many were written."""
    with translation.override("vi"):
        book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
        sheet = book.add_worksheet(_("Movements")[:31])
        f = Formats(book)
        title = f.add({"bold": True, "font_size": 14})
        head = f.add({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
        day = f.add({"num_format": "dd/mm/yyyy"})
        sheet.write_string(0, 0, _("Member movements"), title)
        f.write_text(sheet, 1, 0, f"{unit.name} ({unit.code})")
        sheet.write_string(
            2,
            0,
            _("From %(start)s to %(end)s")
            % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
        )
        headers = [
            _("Date"),
            _("Movement"),
            _("Full name"),
            _("Member identifier"),
            _("Branch"),
            _("Other unit"),
            _("Reason"),
        ]
        for col, text in enumerate(headers):
            sheet.write_string(4, col, text, head)
        for col, width in enumerate((12, 20, 28, 16, 30, 30, 40)):
            sheet.set_column(col, col, width)
        rows = events(unit, start, end).select_related("member", "branch").order_by("on", "id")
        names: dict[str, str] = {}
        written, line, batch = 0, 5, []
        for movement in rows.iterator(chunk_size=CHUNK):
            batch.append(movement)
            if len(batch) == CHUNK:
                line = _write(sheet, f, batch, line, day, names)
                written += len(batch)
                batch = []
        line = _write(sheet, f, batch, line, day, names)
        written += len(batch)
        if not written:
            sheet.write_string(5, 0, _("No movement in this period."))
        book.close()
    return written


def _write(sheet, f: Formats, batch, line: int, day, names: dict[str, str]) -> int:
    missing = {m.other_path for m in batch if m.other_path and m.other_path not in names}
    if missing:
        names.update(Unit.objects.filter(path__in=missing).values_list("path", "name"))
    for m in batch:
        sheet.write_datetime(line, 0, m.on, day)
        values = [
            m.get_kind_display(),
            m.member.full_name,
            m.member.member_code,
            m.branch.name,
            names.get(m.other_path, ""),
            m.reason,
        ]
        for col, value in enumerate(values, start=1):
            f.write_text(sheet, line, col, str(value))
        line += 1
    return line

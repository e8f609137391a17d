"""The registrations of a subtree to Excel, for a programme year: one row per registration on the
first sheet, one row per registered criterion on the second. Written with XlsxWriter in
constant-memory mode and read in batches, so a province's list takes the same memory as a
branch's.

Dates are Excel dates, points and counts are numbers, and text is always text, written through
core.spreadsheets.writing: never a formula."""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

import xlsxwriter
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from doanvien.core.spreadsheets.writing import CellFormats, yes_no
from doanvien.core.transactions import streaming
from doanvien.units.models import Unit

from .models import Registration, RegistrationItem
from .rules import round_total
from .selectors import registrations_in

Progress = Callable[[int, int], None]

# Registrations read (and their items fetched) at a time.
BATCH = 2000
# The title block takes the rows above this one (0-based); the column headers are on it.
HEADER_ROW = 4
# Rows in a sheet (Excel's limit); a longer list goes on in another sheet.
MAX_ROWS = 1_048_576

_REGISTRATION_WIDTHS = (28, 26, 14, 12, 22, 10, 12, 12, 10, 10, 30, 12)
_ITEM_WIDTHS = (26, 14, 28, 9, 60, 45, 14)


def _registration_headers() -> list[str]:
    return [
        _("Branch"),
        _("Full name"),
        _("Member identifier"),
        _("Date of birth"),
        _("State"),
        _("Number of criteria"),
        _("Submitted on"),
        _("Approved on"),
        _("Self-assessed"),
        _("Branch total"),
        _("Classification"),
        capfirst(_("entered by the branch")),
    ]


def _item_headers() -> list[str]:
    return [
        _("Full name"),
        _("Member identifier"),
        _("Branch"),
        capfirst(_("area")),
        _("Criterion"),
        capfirst(_("plan")),
        capfirst(_("target date")),
    ]


def _local_date(value: datetime | None):
    return timezone.localtime(value).date() if value else None


def self_total(registration: Registration) -> Decimal | None:
    """The sum of the member's own points per area, or None before he assessed himself."""
    if not registration.self_points:
        return None
    try:
        return round_total(
            sum((Decimal(str(p)) for p in registration.self_points.values()), Decimal(0))
        )
    except InvalidOperation:
        return None


class _Code(str):
    """Text kept as text in Excel (codes: their leading zeros and their look stay)."""


class _RegistrationFormats(CellFormats):
    def __init__(self, workbook: xlsxwriter.Workbook):
        super().__init__(workbook)
        self.points = self.add({"num_format": "0.0"})
        self.note = self.add({"italic": True})


class _Sheet:
    """One sheet of the file: the title block, the headers, then rows written in order. A
    sheet that is full (Excel's limit of rows) goes on in another one, "Name (2)", with the
    same title block and headers."""

    def __init__(self, workbook, fmt: _RegistrationFormats, name: str, headers, widths, titles):
        self.workbook, self.fmt, self.name = workbook, fmt, name
        self.headers, self.widths, self.titles = headers, widths, titles
        self.parts = 0
        self._start()

    def _start(self) -> None:
        self.parts += 1
        suffix = f" ({self.parts})" if self.parts > 1 else ""
        self.sheet = self.workbook.add_worksheet(self.name[: 31 - len(suffix)] + suffix)
        self.row = HEADER_ROW
        for r, (text, cell_format) in enumerate(self.titles):
            self.fmt.write_text(self.sheet, r, 0, text, cell_format)
        for col, (title, size) in enumerate(zip(self.headers, self.widths, strict=True)):
            self.sheet.write_string(HEADER_ROW, col, title, self.fmt.header)
            self.sheet.set_column(col, col, size)
        self.sheet.freeze_panes(HEADER_ROW + 1, 0)

    def _filter(self) -> None:
        self.sheet.autofilter(HEADER_ROW, 0, self.row, len(self.headers) - 1)

    def add(self, values) -> None:
        """A row: dates (local dates, not datetimes) as dates, numbers as numbers, codes and
        text as text; None leaves a blank."""
        if self.row + 1 >= MAX_ROWS:
            self._filter()
            self._start()
        self.row += 1
        fmt = self.fmt
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                self.sheet.write_datetime(self.row, col, value, fmt.date)
            elif isinstance(value, Decimal):
                self.sheet.write_number(self.row, col, float(value), fmt.points)
            elif isinstance(value, int) and not isinstance(value, bool):
                self.sheet.write_number(self.row, col, value)
            elif isinstance(value, _Code):
                fmt.write_text(self.sheet, self.row, col, value, fmt.text)
            else:
                fmt.write_text(self.sheet, self.row, col, str(value))

    def finish(self, empty_text: str) -> None:
        if self.row == HEADER_ROW:
            self.sheet.write_string(HEADER_ROW + 1, 0, empty_text, self.fmt.note)
        else:
            self._filter()


def registrations_xlsx(
    *,
    user,
    unit: Unit,
    year: int,
    state: str = "",
    out: str | Path | IO[bytes],
    progress: Progress | None = None,
) -> int:
    """Write the year's registrations of `unit`'s subtree that `user` may see (only those in
    `state`, when given) to `out`, a path or a binary file, as an .xlsx workbook; return how
    many registrations were written. Headers and labels are in the active language."""
    registrations = registrations_in(user=user, unit=unit, year=year, state=state)
    total = registrations.count()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    fmt = _RegistrationFormats(workbook)
    titles = [
        (_("Member training programme registrations, %(year)s") % {"year": year}, fmt.title),
        (f"{unit.name} ({unit.code})", None),
    ]
    if state:
        titles.append(
            (
                _("Only the registrations in the state “%(state)s”.")
                % {"state": Registration.State(state).label},
                fmt.note,
            )
        )
    main = _Sheet(
        workbook,
        fmt,
        pgettext("sheet name", "Registrations"),
        _registration_headers(),
        _REGISTRATION_WIDTHS,
        titles,
    )
    items_sheet = _Sheet(
        workbook, fmt, _("Registered criteria"), _item_headers(), _ITEM_WIDTHS, titles
    )
    written = 0

    def flush(batch: list[Registration]) -> None:
        nonlocal written
        items = defaultdict(list)
        found = (
            RegistrationItem.objects.filter(registration_id__in=[r.pk for r in batch])
            .order_by("registration_id", "id")
            .values_list(
                "registration_id", "criterion__area_code", "criterion__text", "plan", "target_date"
            )
        )
        for registration_id, *item in found:
            items[registration_id].append(item)
        for r in batch:
            member, branch = r.member, r.branch.name
            chosen = items.get(r.pk, [])
            main.add(
                (
                    branch,
                    member.full_name,
                    _Code(member.member_code),
                    member.date_of_birth,
                    r.get_state_display(),
                    len(chosen),
                    _local_date(r.submitted_at),
                    _local_date(r.approved_at),
                    self_total(r),
                    r.total,
                    r.get_level_display() if r.level else "",
                    yes_no(r.entered_by_secretary),
                )
            )
            for area_code, text, plan, target in chosen:
                items_sheet.add(
                    (
                        member.full_name,
                        _Code(member.member_code),
                        branch,
                        _Code(area_code),
                        text,
                        plan,
                        target,
                    )
                )
        written += len(batch)
        if progress:
            progress(written, total)

    queryset = registrations.select_related("member", "branch").only(
        "state",
        "level",
        "total",
        "self_points",
        "submitted_at",
        "approved_at",
        "entered_by_secretary",
        "member__full_name",
        "member__member_code",
        "member__date_of_birth",
        "branch__name",
    )
    batch: list[Registration] = []
    with streaming():
        for registration in queryset.iterator(chunk_size=BATCH):
            batch.append(registration)
            if len(batch) == BATCH:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
    if progress and not written:
        progress(0, 0)
    no_rows = _("No registrations.")
    main.finish(no_rows)
    items_sheet.finish(no_rows)
    workbook.close()
    return written

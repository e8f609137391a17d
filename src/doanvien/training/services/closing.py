"""Closing a programme year once it has ended (run by the daily job, actions/daily.py).

A year ends by date (rollup.year_ended: the schools' year on the last day of May by default,
every other sector's on 31 December). The close records it once, with when, and keeps what was
left undone as it stood that day:
- registrations still a draft or returned for changes are marked **missed** (no transition
  leaves that state: workflow.py), and no new registration is taken for the year;
- the figures left undone (registrations waiting for review, branch results not sent up or
  waiting for recognition) and the branches late for a deadline (LateAtClose) are frozen.
What still has to be done after the year ends goes on, late and recorded as late, as the
deadlines allow it (domain.md): reviewing a registration submitted in time, assessing, sending
results up, recognising them. The roll-up rows of an ended year already keep the tree as it
stood (rollup.py); the close writes none of them (a missed registration was not counted as
registered before either)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.units.models import Sector, Unit

from .. import lateness, rollup
from ..models import BranchResult, LateAtClose, Registration, YearClose, YearStats

SCHOOLS = Sector.SCHOOL
CHUNK = 1000


def calendar_of(sector: str) -> str:
    """Which close a unit of this sector belongs to."""
    return YearClose.Calendar.SCHOOLS if sector == SCHOOLS else YearClose.Calendar.OTHERS


def _sectors(calendar: str, field: str = "sector") -> Q:
    """The units (through `field`) whose programme year follows this calendar."""
    schools = Q(**{field: SCHOOLS})
    return schools if calendar == YearClose.Calendar.SCHOOLS else ~schools


def is_closed(year: int, sector: str) -> bool:
    return YearClose.objects.filter(year=year, calendar=calendar_of(sector)).exists()


def check_year_open(year: int, sector: str) -> None:
    """Refuse a new registration, or a change to one, in a closed programme year."""
    if is_closed(year, sector):
        raise ValidationError(
            _("Programme year %(year)s is closed: registrations for it are no longer taken.")
            % {"year": year},
            code="year_closed",
        )


def year_close(*, year: int, calendar: str, today: date) -> YearClose | None:
    """Close the year for one calendar if it has ended by `today` and is not closed yet (the
    close, else None), in one transaction: a second run, or two at once, closes it once."""
    sector = SCHOOLS if calendar == YearClose.Calendar.SCHOOLS else ""
    if (
        not rollup.year_ended(year, sector, today)
        or YearClose.objects.filter(year=year, calendar=calendar).exists()
    ):
        return None
    try:
        with transaction.atomic():
            close = YearClose.objects.create(year=year, calendar=calendar, closed_on=today)
            _freeze(close, today)
    except IntegrityError:
        return None  # closed meanwhile by another run
    return close


def _freeze(close: YearClose, today: date) -> None:
    year, branch_sectors = close.year, _sectors(close.calendar, "branch__sector")
    registrations = Registration.objects.filter(branch_sectors, year=year)
    close.registrations_missed = registrations.filter(
        state__in=[Registration.State.DRAFT, Registration.State.RETURNED]
    ).update(state=Registration.State.MISSED)
    close.registrations_waiting = registrations.filter(state=Registration.State.SUBMITTED).count()
    results = BranchResult.objects.filter(branch_sectors, year=year)
    close.results_waiting = results.filter(state=BranchResult.State.SUBMITTED).count()
    # The branches that had a place in the year (a roll-up row) and sent nothing up.
    sent = BranchResult.objects.filter(
        branch=OuterRef("unit_id"),
        year=year,
        state__in=[BranchResult.State.SUBMITTED, BranchResult.State.RECOGNISED],
    )
    close.results_not_submitted = (
        YearStats.objects.filter(
            _sectors(close.calendar, "unit__sector"), year=year, unit__kind=Unit.Kind.BRANCH
        )
        .filter(~Exists(sent))
        .count()
    )
    late, branches = [], set()
    for row in lateness.late_everywhere(year, _sectors(close.calendar), today).iterator(
        chunk_size=CHUNK
    ):
        branches.add(row["pk"])
        late.append(
            LateAtClose(
                close=close,
                branch_id=row["pk"],
                unit_path=row["path"],
                kind=row["late_for"],
                due_on=row["due_on"],
                days_late=(today - row["due_on"]).days,
            )
        )
        if len(late) == CHUNK:
            LateAtClose.objects.bulk_create(late)
            late = []
    LateAtClose.objects.bulk_create(late)
    close.late_branches = len(branches)
    close.save()
    audit.record(
        actor=None,
        action="training.year_closed",
        target=close,
        summary=_("Programme year %(year)s closed (%(calendar)s)")
        % {"year": year, "calendar": close.get_calendar_display()},
        changes={
            "registrations_missed": [0, close.registrations_missed],
            "late_branches": [0, close.late_branches],
        },
    )


def years_close(*, today: date) -> int:
    """Close every opened programme year that has ended by `today` and is not closed yet, for
    each calendar. How many closes were made."""
    closed = 0
    for year in rollup.opened_years():
        for calendar in YearClose.Calendar.values:
            if year_close(year=year, calendar=calendar, today=today):
                closed += 1
    return closed

"""The programme's rules as plain functions of their inputs (docs/domain.md): the points and the
bands (seed 000 IV.3), the eligibility rule (too little membership time: seed 000 IV.3 note; the
6 months of seed 002 II.3 and union-rules §3), the assessment window and the programme year.
Their parameters come from the framework's data."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .models import PENDING, BranchResult, ResultLevel, pending_field, school_year_start_month


@dataclass(frozen=True)
class Bands:
    excellent: Decimal
    good: Decimal
    complete: Decimal

    @classmethod
    def of(cls, framework) -> "Bands":
        return cls(framework.band_excellent, framework.band_good, framework.band_complete)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def is_eligible(*, joined_union_on: date, evaluated_on: date, months: int) -> bool:
    """Classified only with at least `months` of membership at the evaluation date."""
    return add_months(joined_union_on, months) <= evaluated_on


def round_total(total: Decimal) -> Decimal:
    """A figure with one decimal, rounded half up (for the demo's invented points and for
    display; an assessment's points are never rounded: see one_decimal)."""
    return Decimal(total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


TENTH = Decimal("0.1")


def one_decimal(points: Decimal) -> bool:
    """Points are given with at most one decimal (17.5, not 17.45): anything finer is refused,
    never rounded."""
    return points == points.quantize(TENTH)


def points_total(points) -> Decimal:
    """The exact sum of points with at most one decimal each: a figure with one decimal."""
    total = sum((Decimal(p) for p in points), Decimal(0))
    return total.quantize(TENTH)  # exact: the quantum only fixes how it is written


def classify(*, total: Decimal | None, bands: Bands, eligible: bool = True) -> str:
    """The level for a branch total, compared with the bands as it is (never rounded). No total
    (not registered or not assessed) is incomplete."""
    if not eligible:
        return ResultLevel.NOT_CLASSIFIED
    if total is None:
        return ResultLevel.INCOMPLETE
    if total >= bands.excellent:
        return ResultLevel.EXCELLENT
    if total >= bands.good:
        return ResultLevel.GOOD
    if total >= bands.complete:
        return ResultLevel.COMPLETE
    return ResultLevel.INCOMPLETE


def assessment_opens_on(*, evaluation_due: date, months: int) -> date:
    """The first day an assessment is accepted: `months` before the evaluation deadline (its
    original date: an extension does not move the opening)."""
    return add_months(evaluation_due, -months)


# Schools follow the school year: seed 000 II.2 sets their deadlines on 15/5 of the year before
# and of the year itself; that their programme year starts on 1 June is this product's reading,
# kept as data (models.ProgrammeCalendar).


def programme_year_span(
    year: int, sector: str, *, start_month: int | None = None
) -> tuple[date, date]:
    """First and last day of programme year `year` for a unit of this sector (`start_month`:
    the school programme year's first month, by default the calendar's)."""
    if sector == "school":
        month = start_month or school_year_start_month()
        return date(year - 1, month, 1), date(year, month, 1) - timedelta(days=1)
    return date(year, 1, 1), date(year, 12, 31)


def programme_year_of(day: date, sector: str, *, start_month: int | None = None) -> int:
    if sector == "school" and day.month >= (start_month or school_year_start_month()):
        return day.year + 1
    return day.year


def pending_of(*, sector: str, active: bool, members: int, registered: int, state: str) -> dict:
    """A branch's PENDING counters for a year (what lateness.py counts from the roll-ups): 1 in
    the one that describes it, if it still has anything to do; none for a branch that is
    inactive, has no members in the year, or whose results are recognised (finished)."""
    counters = dict.fromkeys(PENDING, 0)
    if not active or members <= 0 or state == BranchResult.State.RECOGNISED:
        return counters
    sent = "sent" if state == BranchResult.State.SUBMITTED else "open"
    short = "short" if registered < members else "full"
    counters[pending_field(f"{sent}_{short}", sector)] = 1
    return counters

"""The dues rules as functions of their inputs (no database). Sources: union-rules §5 —
resolution 07-NQ/TWĐTN (25/11/2010) for the rates; the Charter guidance (thcsnamcao,
tinhdoanbinhthuan) for the 2/3 kept, 1/3 remitted, the schedule and the ≤ 6-month exemption;
hiepduc/hcmulaw for the units abroad that remit nothing home.

All amounts are integers in đồng. The split is made per unit and per month: a unit's due up in a
month is a third of what it collected that month, rounded down; the rest it keeps. A unit above
collects in a month what its units below owe it for that month. A period's figures are the sums
of its months."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

STEP = 4  # units.Unit.steplen: a path is 4 characters a level

# Who remits how often, by the sender's level (the schedule as data: a level not listed remits
# once a year). The province's yearly remittance is due by 30/12.
SCHEDULE = {"branch": "month", "base": "quarter", "district": "quarter", "province": "year"}
YEARLY_DEADLINE = (12, 30)
# The base union exempts a member in hardship for at most this many months.
MAX_EXEMPTION_MONTHS = 6
# Removal candidates: months without dues (or meetings) in a calendar year, when no
# RemovalRule row says otherwise (the data; a migration ships the default row at 3).
REMOVAL_MONTHS = 3


def split(collected: int) -> tuple[int, int]:
    """(kept, due up) of what a unit collected: a third up, rounded down to the đồng."""
    due_up = collected // 3
    return collected - due_up, due_up


def remits_to_parent(depth: int, sector: str) -> bool:
    """The root remits to nobody; a unit abroad directly under the root remits nothing home
    (its money stays for its activities); every other unit remits to its parent."""
    if depth <= 1:
        return False
    return not (depth == 2 and sector == "overseas")


# --- Periods ---------------------------------------------------------------------------------

PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


@dataclass(frozen=True)
class Period:
    year: int
    months: tuple[int, ...]
    label: str
    kind: str  # "month", "quarter", "year"


def parse_period(text: str) -> Period | None:
    """ "2026-03" (a month), "2026-Q1" (a quarter), "2026" (the year); None if not one."""
    found = PERIOD.match((text or "").strip())
    if not found:
        return None
    year, part = int(found.group(1)), found.group(2)
    if part is None:
        return Period(year, tuple(range(1, 13)), f"{year}", "year")
    if part.startswith("Q"):
        q = int(part[1])
        return Period(year, tuple(range(3 * q - 2, 3 * q + 1)), f"{year}-{part}", "quarter")
    month = int(part)
    if not 1 <= month <= 12:
        return None
    return Period(year, (month,), f"{year}-{month:02d}", "month")


def schedule_of(level_code: str) -> str:
    return SCHEDULE.get(level_code, "year")


def periods_of(kind: str, year: int) -> list[Period]:
    """The periods of a year for a schedule, in order."""
    if kind == "month":
        labels = [f"{year}-{m:02d}" for m in range(1, 13)]
    elif kind == "quarter":
        labels = [f"{year}-Q{q}" for q in range(1, 5)]
    else:
        labels = [f"{year}"]
    return [parse_period(label) for label in labels]


# --- Months ----------------------------------------------------------------------------------

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date | None:
    found = MONTH.match((text or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    return date(int(found.group(1)), int(found.group(2)), 1)


def add_months(first: date, n: int) -> date:
    k = first.year * 12 + first.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


# --- The amount of a payment -----------------------------------------------------------------


def expected_amount(monthly: int, months: int) -> int:
    return monthly * months


def amount_fault(amount: int, *, monthly: int, months: int, may_pay_more: bool) -> str | None:
    """Which rule the amount breaks, or None: "rate_times_months" (it must equal the rate ×
    the months), "at_least_rate" (overseas: at least that, more is welcome)."""
    expected = expected_amount(monthly, months)
    if may_pay_more:
        return None if amount >= expected else "at_least_rate"
    return None if amount == expected else "rate_times_months"


def months_fault(months: list[date], *, pays_quarterly: bool) -> str | None:
    """A payment covers distinct months, one at a time unless the committee lets the member pay
    every 3 months (then up to 3 … or any number in advance is not allowed: at most 3)."""
    if not months:
        return "no_months"
    if len(set(months)) != len(months):
        return "repeated_month"
    if len(months) > 1 and not pays_quarterly:
        return "monthly_only"
    if len(months) > 3:
        return "three_months_at_most"
    return None


def category_for(occupation: str, sector: str, defaults: Iterable[tuple[str, str, str]]) -> str:
    """The category of a member with none set: the first default (match, value, category), in
    priority order, whose word is in his occupation or whose sector is his branch's."""
    words = (occupation or "").casefold()
    for match, value, category in defaults:
        if match == "occupation" and value and value.casefold() in words:
            return category
        if match == "sector" and value == sector:
            return category
    return "no_salary"


# --- The cascade: a change below moves what every unit above collects --------------------------


def parent_of(path: str) -> str:
    return path[:-STEP]


def cascade(
    collected: dict[tuple[str, int], int],
    owed: dict[tuple[str, int], int],
    remits: Callable[[str], bool],
    *,
    top: str = "",
) -> dict[tuple[str, int], int]:
    """Apply changes of what units owe their parents: `owed[(path, month)]` is added to what the
    parent of `path` collected that month, which changes the parent's own third, and so on up to
    the root (or to `top`, whose parent is left alone). `collected` holds what the units collected
    as stored, missing ones 0; returns what changed, as the new collected amounts. The result does
    not depend on the order the changes came in: each unit above collects the sum of its
    children's thirds."""
    pending: dict[tuple[str, int], int] = {}
    for (path, month), amount in owed.items():
        if amount and len(path) > STEP and len(path) > len(top):
            key = (parent_of(path), month)
            pending[key] = pending.get(key, 0) + amount
    changed: dict[tuple[str, int], int] = {}
    while pending:
        length = max(len(path) for path, _month in pending)
        level = {k: v for k, v in pending.items() if len(k[0]) == length}
        for key in level:
            del pending[key]
        for (path, month), amount in sorted(level.items()):
            if not amount:
                continue
            old = changed.get((path, month), collected.get((path, month), 0))
            new = old + amount
            changed[(path, month)] = new
            if len(path) > len(top) and remits(path):
                up = new // 3 - old // 3
                if up:
                    key = (parent_of(path), month)
                    pending[key] = pending.get(key, 0) + up
    return changed


def rollup(
    branch_collected: dict[tuple[str, int], int], remits: Callable[[str], bool]
) -> dict[tuple[str, int], int]:
    """What every unit collects, from what the branches collected: the figures a recount
    expects (dues/recompute.py)."""
    owed = {k: v // 3 for k, v in branch_collected.items() if remits(k[0])}
    return {**branch_collected, **cascade({}, owed, remits)}

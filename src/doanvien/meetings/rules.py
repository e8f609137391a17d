"""The meeting rules as pure functions: which months a branch met too little, which months a
member missed, and attendance rates. The data they read is gathered by selectors.py.

Sources: union-rules §8 (the branch meets once a month [C2], default cadence "≥ 1 regular
meeting per calendar month" [confirmed], editable per unit as CadenceRule); issue 19 (removal
candidates: members who missed the branch's meetings for 3 months of a calendar year)."""

from collections.abc import Iterable, Mapping
from datetime import date

from .models import Presence


def months_to_check(year: int, today: date) -> list[int]:
    """The months of `year` the cadence is checked for: all of a past year, up to the current
    month of the current year (a month not over yet still shows as missing until a meeting is
    held), none of a year to come."""
    if year < today.year:
        return list(range(1, 13))
    if year == today.year:
        return list(range(1, today.month + 1))
    return []


def months_without_meeting(
    counts: Mapping[int, int], per_month: int, months: Iterable[int]
) -> list[int]:
    """The months (of `months`) in which fewer than `per_month` monthly meetings were held."""
    return [m for m in months if counts.get(m, 0) < per_month]


def absent_months(presences: Iterable[tuple[int, str]]) -> list[int]:
    """The months a member missed: (month, presence) pairs of his attendance at the monthly
    meetings of a year. A month counts as missed when he was marked absent at every monthly
    meeting held that month: present at one of them or excused (with the branch's leave) is not
    missed; a month without a meeting is the branch's gap, not his."""
    attended: dict[int, bool] = {}
    for month, presence in presences:
        attended[month] = attended.get(month, False) or presence != Presence.ABSENT
    return sorted(m for m, ok in attended.items() if not ok)


def rate(present: int, total: int) -> float | None:
    """Share of meetings attended, in percent with one decimal; None without any meeting."""
    if total <= 0:
        return None
    return round(100 * present / total, 1)

"""The yearly report of a unit: its row and its children's rows from the roll-ups (seed 002)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from doanvien.training.models import COUNTERS, YearStats
from doanvien.units.models import Unit

LEVELS = ("excellent", "good", "complete", "incomplete")


def shares(counts: list[int]) -> list[Decimal]:
    """Percentages with two decimals that add up to exactly 100.00; all zero when there is
    nothing to share.

    The rule (the report's footnote says it in words): each share is its exact value rounded
    down to a hundredth, or up by one hundredth, so that each is within 0.01 of its exact value
    and the shares add up to 100.00 (largest remainder). Equal counts get equal shares whenever
    some such rounding gives them equal shares: the hundredths left over go to whole groups of
    equal counts, the groups with the largest remainders first (then the level listed first),
    skipping a group only when taking it would leave no way to hand out the rest exactly. When
    no such choice exists (1, 1, 1 of 3: 33.33 each would add up to 99.99), the hundredths go
    one by one to the largest remainders, and between equal remainders to the level listed
    first."""
    total = sum(counts)
    if total <= 0:
        return [Decimal("0.00") for _ in counts]
    exact = [c * 10000 for c in counts]  # in hundredths of a percent, times `total`
    floors = [e // total for e in exact]
    left = 10000 - sum(floors)
    remainder = [e % total for e in exact]
    # Groups of equal counts that may be rounded up (an exact share never is), best first.
    groups: dict[int, list[int]] = {}
    for i, count in enumerate(counts):
        if remainder[i]:
            groups.setdefault(count, []).append(i)
    ordered = sorted(groups.values(), key=lambda members: (-remainder[members[0]], members[0]))
    chosen = _whole_groups(ordered, left)
    if chosen is None:  # some equal counts must differ: plain largest remainder
        order = sorted(range(len(counts)), key=lambda i: (-remainder[i], i))
        chosen = order[:left]
    for i in chosen:
        floors[i] += 1
    return [(Decimal(f) / 100).quantize(Decimal("0.01")) for f in floors]


def _whole_groups(groups: list[list[int]], left: int) -> list[int] | None:
    """The members of the first groups, in the given order, whose sizes add up to exactly
    `left`, each group taken whenever the ones after it can still make up the rest; None when
    no choice of whole groups adds up to `left`."""
    # reachable[k]: the sums that whole groups from the k-th on can make.
    reachable = [{0}]
    for members in reversed(groups):
        after = reachable[0]
        reachable.insert(0, after | {s + len(members) for s in after if s + len(members) <= left})
    if left not in reachable[0]:
        return None
    chosen: list[int] = []
    for k, members in enumerate(groups):
        if left >= len(members) and left - len(members) in reachable[k + 1]:
            chosen += members
            left -= len(members)
    return chosen


@dataclass
class ReportRow:
    unit: Unit
    total: int = 0
    registered: int = 0
    not_classified: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def classified(self) -> int:
        return self.total - self.not_classified

    @property
    def levels(self) -> dict[str, dict]:
        values = [self.counts.get(level, 0) for level in LEVELS]
        return {
            level: {"count": count, "share": share}
            for level, count, share in zip(LEVELS, values, shares(values), strict=True)
        }


def report_row(unit: Unit, stats: YearStats | None) -> ReportRow:
    # Until the year is closed, the members counted are the unit's active members now.
    members = stats.members if stats and stats.members is not None else unit.member_count
    if stats is None:
        return ReportRow(
            unit=unit, total=members, counts={**dict.fromkeys(LEVELS, 0), "incomplete": members}
        )
    assessed_levels = stats.excellent + stats.good + stats.complete
    classified = members - stats.not_classified
    return ReportRow(
        unit=unit,
        total=members,
        registered=stats.registered,
        not_classified=stats.not_classified,
        counts={
            "excellent": stats.excellent,
            "good": stats.good,
            "complete": stats.complete,
            # Not registered, not assessed, or assessed below the bands: all incomplete.
            "incomplete": max(classified - assessed_levels, 0),
        },
    )


def report(unit: Unit, year: int) -> list[ReportRow]:
    """The unit itself first, then each unit directly under it (by name)."""
    unit = Unit.objects.get(pk=unit.pk)  # its member count as it is now
    children = list(unit.children().order_by("name"))
    rows = {
        s.unit_id: s
        for s in YearStats.objects.filter(
            Q(unit=unit) | Q(unit_path__startswith=unit.path, depth=unit.depth + 1), year=year
        )
    }
    return [report_row(unit, rows.get(unit.pk))] + [report_row(c, rows.get(c.pk)) for c in children]


def year_over_year(unit: Unit, years: list[int]) -> list[tuple[int, ReportRow | None]]:
    """The unit's own row for each of these years, side by side (as seed 004 II.3 compares its
    indicators year by year); None for a year in which nothing of the programme was recorded in
    the unit."""
    unit = Unit.objects.get(pk=unit.pk)
    stored = {s.year: s for s in YearStats.objects.filter(unit=unit, year__in=years)}
    return [
        (year, report_row(unit, stored[year]) if year in stored else None) for year in sorted(years)
    ]


__all__ = ["COUNTERS", "ReportRow", "report", "shares", "year_over_year"]

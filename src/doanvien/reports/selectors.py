"""The yearly report of a unit: its row and its children's rows from the roll-ups (seed 002)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from doanvien.training.models import COUNTERS, YearStats
from doanvien.units.models import Unit

LEVELS = ("excellent", "good", "complete", "incomplete")


def shares(counts: list[int]) -> list[Decimal]:
    """Percentages with two decimals that add up to exactly 100.00 (largest remainder); all zero
    when there is nothing to share."""
    total = sum(counts)
    if total <= 0:
        return [Decimal("0.00") for _ in counts]
    exact = [c * 10000 for c in counts]
    floors = [e // total for e in exact]
    left = 10000 - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] % total), i))
    for i in order[:left]:
        floors[i] += 1
    return [(Decimal(f) / 100).quantize(Decimal("0.01")) for f in floors]


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

"""The yearly report of a unit: its row and its children's rows from the roll-ups (seed 002)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.training import counting, rollup
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
    # The date the year's members are counted on (counting.py), for the unit.
    as_of: date | None = None
    # Every branch under the unit (or the branch itself) had its results recognised: the figures
    # are the ones recognised, and nothing that happens later changes them.
    frozen: bool = False
    # The year has not ended for the unit; its evaluation date has not come (then the shares and
    # the incomplete count are not results yet: "chưa đến hạn đánh giá").
    unfinished: bool = False
    pending: bool = False
    year: int = 0

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

    @property
    def shown_levels(self) -> dict[str, dict]:
        """The levels as pages and documents show them: before the evaluation date, no share
        and no incomplete count (None), since members still have time to be assessed."""
        if not self.pending:
            return self.levels
        return {
            level: {"count": None if level == "incomplete" else data["count"], "share": None}
            for level, data in self.levels.items()
        }

    @property
    def state_note(self) -> str:
        """What a reader must know about the year's figures: recognised, not yet due for
        evaluation, or still running ("" for an ended year)."""
        if self.frozen:
            return _("Recognised: these are the figures recognised.")
        if self.pending:
            return _(
                "Year %(year)s has not ended. Not yet due for evaluation (%(date)s): the shares "
                "and the incomplete count are not results yet."
            ) % {"year": self.year, "date": self.as_of.strftime("%d/%m/%Y")}
        if self.unfinished:
            return _("Year %(year)s has not ended: its figures may still change.") % {
                "year": self.year
            }
        return ""

    def when(self, year: int, sector: str, today: date | None = None) -> "ReportRow":
        """Set `as_of`-dependent flags for the day."""
        today = today or timezone.localdate()
        self.year = year
        self.unfinished = not rollup.year_ended(year, sector, today)
        self.pending = self.as_of is not None and today < self.as_of
        return self


def report_row(unit: Unit, stats: YearStats | None) -> ReportRow:
    """A unit's row from its roll-up row of the year."""
    if stats is None:
        return ReportRow(unit=unit, counts=dict.fromkeys(LEVELS, 0))
    return ReportRow(
        unit=unit,
        total=stats.members,
        registered=stats.registered,
        not_classified=stats.not_classified,
        counts={level: getattr(stats, level) for level in LEVELS},
        frozen=stats.branches > 0 and stats.recognised >= stats.branches,
    )


def _as_it_stood(row: YearStats) -> Unit:
    """The row's unit with the name it had in the year."""
    unit = row.unit
    unit.name = row.unit_name or unit.name
    return unit


def report(unit: Unit, year: int, today: date | None = None) -> list[ReportRow]:
    """The unit itself first, then each unit directly under it (by name). A year that has ended
    shows the units under the unit as they stood that year, with the names they had; the
    current year follows today's tree. Opens the year (its rows counted) the first time."""
    unit = Unit.objects.get(pk=unit.pk)
    rollup.ensure_year(year)
    own = rollup.unit_rows(unit, [year]).get(year)
    if own is not None and rollup.year_ended(year, unit.sector, today):
        below = rollup.rows_under(own.unit_path, own.depth + 1, year)
        prefetch_related_objects([own, *below], "unit__level")
        children = [(_as_it_stood(row), row) for row in below]
        children.sort(key=lambda pair: pair[0].name)
        head = (_as_it_stood(own), own)
    else:
        stored = {s.unit_id: s for s in rollup.rows_under(unit.path, unit.depth + 1, year)}
        children = [(c, stored.get(c.pk)) for c in unit.children().order_by("name")]
        head = (unit, own)
    pairs = [head, *children]
    as_of = counting.bases([u for u, _ in pairs], year)
    rows = []
    for u, s in pairs:
        row = report_row(u, s)
        row.as_of = as_of[u.pk].as_of
        rows.append(row.when(year, u.sector, today))
    return rows


def year_over_year(
    unit: Unit, years: list[int], today: date | None = None
) -> list[tuple[int, ReportRow | None]]:
    """The unit's own row for each of these years, side by side (as seed 004 II.3 compares its
    indicators year by year); None for a year whose figures have not been counted (opened)."""
    unit = Unit.objects.get(pk=unit.pk)
    stored = rollup.unit_rows(unit, years)
    found: list[tuple[int, ReportRow | None]] = []
    for year in sorted(years):
        row = None
        if year in stored:
            row = report_row(unit, stored[year])
            row.as_of = counting.bases([unit], year)[unit.pk].as_of
            row.when(year, unit.sector, today)
        found.append((year, row))
    return found


__all__ = ["COUNTERS", "ReportRow", "report", "shares", "year_over_year"]

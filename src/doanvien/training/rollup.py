"""Keeping the roll-up rows (YearStats) exact, in the transaction of every change.

- A branch's row for a year holds its figures as counting.py counts them from the membership
  spans and the registrations: every change that may move them (a registration, an assessment,
  a member joining, leaving, moving, a deadline or framework that moves the reference date)
  recounts the branch, and the difference is added to its row and to each ancestor's row.
- Every other unit's row is the sum of the branch rows under it.
- A branch whose results for the year were recognised is frozen: its row keeps the figures
  recognised, whatever happens later; reopening the results counts it again.
- A year has rows for every unit once it is opened (the first time anything needs them, or
  `manage.py recompute_stats --fix`). A row keeps the unit's path and name in that year: after a
  year has ended, a unit that moves or is renamed leaves the year's rows where they were.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from doanvien.members.models import Membership
from doanvien.units.models import Unit, paths_to

from .counting import FIGURES, count_branches
from .models import COUNTERS, BranchResult, YearStats
from .rules import programme_year_span

CHUNK = 1000


def _add(path: str, year: int, delta: dict) -> None:
    delta = {k: v for k, v in delta.items() if v}
    if delta:
        YearStats.objects.filter(unit_path__in=paths_to(path), year=year).update(
            **{k: F(k) + v for k, v in delta.items()}
        )


def opened_years() -> list[int]:
    return sorted(set(YearStats.objects.filter(depth=1).values_list("year", flat=True)))


def year_ended(year: int, sector: str, today: date | None = None) -> bool:
    return (today or timezone.localdate()) > programme_year_span(year, sector)[1]


def _new_row(unit: Unit, year: int) -> YearStats:
    return YearStats(
        unit=unit, year=year, unit_path=unit.path, depth=unit.depth, unit_name=unit.name
    )


def is_open(year: int) -> bool:
    return YearStats.objects.filter(year=year).exists()


def ensure_rows(branches: list[Unit], year: int) -> None:
    """The year's rows of these branches and of their ancestors, created (at zero) where
    missing; a year without any row is opened first (every unit's row, counted)."""
    if not is_open(year):
        open_year(year)
        return
    have = set(
        YearStats.objects.filter(year=year, unit__in=branches).values_list("unit_id", flat=True)
    )
    missing = [b for b in branches if b.pk not in have]
    if not missing:
        return
    paths = {p for b in missing for p in paths_to(b.path)}
    existing = YearStats.objects.filter(year=year, unit__path__in=paths).values("unit_id")
    new = Unit.objects.filter(path__in=paths).exclude(pk__in=existing).order_by("path")
    YearStats.objects.bulk_create([_new_row(u, year) for u in new], ignore_conflicts=True)


def ensure_year(year: int) -> None:
    """Open the year if it has no row yet (its figures are counted from the spans)."""
    if not is_open(year):
        open_year(year)


def figures(unit: Unit, year: int) -> dict[str, int]:
    """The unit's figures for the year as its roll-up row holds them (every screen reads these:
    the branch page, the progress pages, the report, the recognition cards, the API)."""
    ensure_year(year)
    row = YearStats.objects.filter(unit=unit, year=year).values(*COUNTERS).first()
    return row or dict.fromkeys(COUNTERS, 0)


def open_year(year: int) -> None:
    """Create the year's row of every unit that has none, then count every branch."""
    batch = []
    for unit in Unit.objects.order_by("path").only("pk", "path", "depth", "name").iterator(CHUNK):
        batch.append(_new_row(unit, year))
        if len(batch) >= CHUNK:
            YearStats.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    YearStats.objects.bulk_create(batch, ignore_conflicts=True)
    rebuild(year, frozen_too=True)


def frozen_branches(branch_ids: Iterable[int], year: int) -> set[int]:
    return set(
        BranchResult.objects.filter(
            branch_id__in=list(branch_ids), year=year, state=BranchResult.State.RECOGNISED
        ).values_list("branch_id", flat=True)
    )


def recount(branch_ids: Iterable[int], year: int, *, frozen_too: bool = False) -> None:
    """Count the branches' figures for the year again and move the differences onto their rows
    and their ancestors' rows. A frozen (recognised) branch is left alone unless `frozen_too`."""
    ids = set(branch_ids)
    if not frozen_too:
        ids -= frozen_branches(ids, year)
    if not ids:
        return
    branches = list(Unit.objects.filter(pk__in=ids, kind=Unit.Kind.BRANCH).order_by("path"))
    # A branch gets a row in a year that has not ended for it; in an ended year, only a branch
    # that had a row then is counted again (the tree as it stood has no place for another).
    ensure_rows([b for b in branches if not year_ended(year, b.sector)], year)
    if not branches:
        return
    counted = count_branches(branches, year)
    rows = (
        YearStats.objects.select_for_update()
        .filter(unit__in=branches, year=year)
        .order_by("unit_path")
    )
    for row in rows:
        figures = {**counted[row.unit_id], "branches": 1}
        _add(row.unit_path, year, {k: v - getattr(row, k) for k, v in figures.items()})


def spans_changed(branch_ids: Iterable[int], since: date) -> None:
    """Members joined, left or moved from `since` on: recount the branches in every opened year
    that the change may reach (a year's reference date lies within it)."""
    ids = set(branch_ids)
    for year in opened_years():
        if year >= since.year:
            recount(ids, year)


def member_counted(member_id: int, year: int) -> None:
    """The member's registration for the year changed: recount the branches he belonged to."""
    recount(
        Membership.objects.filter(member_id=member_id).values_list("branch_id", flat=True), year
    )


def results_changed(branch: Unit, year: int, before: str, after: str) -> None:
    """A branch's results changed state. Recognised: its figures are counted one last time and
    frozen, and it counts as recognised; reopened: it is counted again."""
    was, now = before == BranchResult.State.RECOGNISED, after == BranchResult.State.RECOGNISED
    if was == now:
        return
    recount([branch.pk], year, frozen_too=True)
    if not YearStats.objects.filter(unit=branch, year=year).exists():
        ensure_rows([branch], year)  # results of an ended year the branch had no row in
    row = YearStats.objects.select_for_update().get(unit=branch, year=year)
    _add(row.unit_path, year, {"recognised": int(now) - row.recognised})


def subtree_moved(old_path: str, unit: Unit, today: date | None = None) -> None:
    """A unit moved from `old_path` to its current path. In every year that has not ended, its
    subtree's rows move with it: its figures leave the old ancestors and join the new ones.
    An ended year keeps the tree as it stood."""
    shift = unit.depth - len(old_path) // Unit.steplen
    for year in opened_years():
        row = YearStats.objects.filter(unit=unit, year=year, unit_path=old_path).first()
        if row is None or year_ended(year, unit.sector, today):
            continue
        counts = {k: getattr(row, k) for k in COUNTERS}
        _add(old_path[: -Unit.steplen], year, {k: -v for k, v in counts.items()})
        YearStats.objects.filter(year=year, unit_path__startswith=old_path).update(
            unit_path=Concat(Value(unit.path), Substr("unit_path", len(old_path) + 1)),
            depth=F("depth") + shift,
        )
        parent = Unit.objects.get(path=unit.path[: -Unit.steplen])
        ensure_rows([parent], year)
        _add(parent.path, year, counts)


def subtree_counted_again(unit: Unit, year: int) -> None:
    """What a year is counted by changed for the unit's subtree (an evaluation deadline, a
    framework's months or reference): recount its branches, in chunks, if the year is opened."""
    if not is_open(year):
        return
    branches = Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.BRANCH)
    last = ""
    while chunk := list(
        branches.filter(path__gt=last).order_by("path").values_list("pk", "path")[:CHUNK]
    ):
        recount([pk for pk, _path in chunk], year)
        last = chunk[-1][1]


def count_open_years_again(branch_ids: Iterable[int], today: date | None = None) -> None:
    """Recount the branches in every opened year that has not ended for them."""
    branches = list(Unit.objects.filter(pk__in=list(branch_ids)))
    for year in opened_years():
        recount([b.pk for b in branches if not year_ended(year, b.sector, today)], year)


def unit_renamed(unit: Unit, today: date | None = None) -> None:
    """The unit's rows of the years that have not ended take its new name."""
    for year in opened_years():
        if not year_ended(year, unit.sector, today):
            YearStats.objects.filter(unit=unit, year=year).update(unit_name=unit.name)


# --- Counting a whole year again --------------------------------------------------------------


def _pages(rows, size: int = CHUNK) -> Iterator[list[YearStats]]:
    """The rows a page at a time, by path (keyset: no cursor stays open while pages are
    written)."""
    last = ""
    while True:
        page = list(rows.filter(unit_path__gt=last).order_by("unit_path")[:size])
        if not page:
            return
        yield page
        last = page[-1].unit_path


def expected_rows(
    year: int, *, frozen_too: bool = False
) -> Iterator[list[tuple[YearStats, dict[str, int]]]]:
    """Every row of the year with the figures it should hold, a page of rows at a time: a
    branch as counted now (a frozen one as stored, unless `frozen_too`: a year being opened),
    every other unit the sum of the branch rows under it (by the rows' paths, so an ended
    year's tree is the one it had)."""
    sums: dict[str, Counter] = {}
    branch_rows = YearStats.objects.filter(year=year, unit__kind=Unit.Kind.BRANCH).select_related(
        "unit"
    )
    for chunk in _pages(branch_rows):
        ids = [r.unit_id for r in chunk]
        recognised = frozen_branches(ids, year)
        frozen = set() if frozen_too else recognised
        counted = count_branches([r.unit for r in chunk if r.unit_id not in frozen], year)
        page = []
        for r in chunk:
            if r.unit_id in frozen:
                figures = {k: getattr(r, k) for k in FIGURES}
            else:
                figures = dict(counted[r.unit_id])
            figures["recognised"] = int(r.unit_id in recognised)
            figures["branches"] = 1
            for path in paths_to(r.unit_path)[:-1]:
                sums.setdefault(path, Counter()).update(figures)
            page.append((r, figures))
        yield page
    others = YearStats.objects.filter(year=year).exclude(unit__kind=Unit.Kind.BRANCH)
    for chunk in _pages(others):
        yield [(r, {k: sums.get(r.unit_path, {}).get(k, 0) for k in COUNTERS}) for r in chunk]


def rebuild(year: int, *, frozen_too: bool = False) -> int:
    """Write the expected figures on every row of the year that differs, a page at a time;
    returns how many rows changed."""
    written = 0
    for page in expected_rows(year, frozen_too=frozen_too):
        changed = []
        for row, figures in page:
            if any(getattr(row, k) != v for k, v in figures.items()):
                for k, v in figures.items():
                    setattr(row, k, v)
                changed.append(row)
        _write(changed)
        written += len(changed)
    return written


def _write(rows: list[YearStats]) -> None:
    """Write the rows' counters, a thousand rows a statement, joined to a list of values:
    bulk_update's CASE per column costs seconds per thousand rows on PostgreSQL."""
    table, quote = YearStats._meta.db_table, connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("id", *COUNTERS))
    sets = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in COUNTERS)
    one = "(" + ", ".join(["%s"] * (len(COUNTERS) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            batch = rows[start : start + CHUNK]
            cursor.execute(
                f"WITH v ({columns}) AS (VALUES {', '.join([one] * len(batch))}) "
                f"UPDATE {quote(table)} SET {sets} FROM v WHERE {quote(table)}.id = v.id",
                [value for r in batch for value in (r.pk, *(getattr(r, c) for c in COUNTERS))],
            )

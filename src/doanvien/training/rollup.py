"""Keeping the roll-up rows (YearStats) exact, in the transaction of every change, without a row
that writers of unrelated branches share.

- A branch's row for a year holds its figures as counting.py counts them from the membership
  spans and the registrations: every change that may move them (a registration, an assessment,
  a member joining, leaving, moving, a deadline or framework that moves the reference date)
  locks the branch's row, recounts the branch, writes the figures on its row and appends the
  difference to the ledger (YearStatsDelta), all in the change's transaction.
- Every other unit's figures are the sum of the branch rows under it: its row plus the ledger's
  deltas under it that the folder has not added yet. The folder (`fold`, run every second by
  `manage.py fold_rollups`) adds a batch of deltas to the ancestors' rows and deletes them in
  one transaction; every read of an ancestor adds the rest in the same SQL statement
  (`rows_with_tail`), so the figures are exact at any moment, whether the folder runs, lags or
  was killed in the middle of a batch (its transaction is then rolled back, nothing is lost).
  Only the folder, a unit move and a rebuild write an ancestor's row, one at a time (the fold
  lock), in path order: writers of different branches never wait for each other.
- A branch whose results for the year were recognised is frozen: its row keeps the figures
  recognised, whatever happens later; reopening the results counts it again.
- A year has rows for every unit once it is opened (the first time anything needs them, or
  `manage.py recompute_stats --fix`). A row keeps the unit's path and name in that year: after a
  year has ended, a unit that moves or is renamed leaves the year's rows where they were.

docs/architecture.md ("Roll-ups without a hot row") says why a ledger and not sharded counters.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from os.path import commonprefix

from django.db import connection, transaction
from django.db.models import F, Max, Sum, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from doanvien.core import metrics
from doanvien.core.bulk import update_from_values
from doanvien.core.ledger import fold_all_of, jit_off, lock_folds, other_ledgers
from doanvien.members.models import Membership
from doanvien.units import member_counts
from doanvien.units.models import MemberCountDelta, Unit, paths_to

from .counting import FIGURES, count_branches
from .models import COUNTERS, PENDING, BranchResult, YearStats, YearStatsDelta
from .rules import pending_of, programme_year_span

CHUNK = 1000
# The figures screens show: the PENDING counters are lateness's (lateness.py).
SHOWN = tuple(k for k in COUNTERS if k not in PENDING)
# Deltas folded per transaction: a second's worth of the national rush, or more.
FOLD_BATCH = 20000


def _record(changes: list[tuple[YearStats, dict[str, int]]]) -> None:
    """Add each delta to its branch's row (which the caller locked) and append it to the ledger,
    for the folder to add to the rows above. Nothing else is written: no row of an ancestor."""
    changes = [(row, d) for row, d in changes if any(d.values())]
    if not changes:
        return
    for row, delta in changes:
        for k, v in delta.items():
            setattr(row, k, getattr(row, k) + v)
    _write([row for row, _ in changes])
    YearStatsDelta.objects.bulk_create(
        [YearStatsDelta(year=row.year, unit_path=row.unit_path, **delta) for row, delta in changes],
        batch_size=CHUNK,
    )


def _add_above(path: str, year: int, delta: dict) -> None:
    """Add the delta to the rows of the unit at `path` and of its ancestors, directly: only
    under the fold lock (a unit move), never on a branch's write path."""
    delta = {k: v for k, v in delta.items() if v}
    if delta:
        YearStats.objects.filter(unit_path__in=paths_to(path), year=year).update(
            **{k: F(k) + v for k, v in delta.items()}
        )


def opened_years() -> list[int]:
    """The years with roll-up rows: those of the root units (found by the units' depth index,
    then their rows by unit; a filter on the rows' own depth read every row of every year)."""
    roots = Unit.objects.filter(depth=1).values("pk")
    return sorted(set(YearStats.objects.filter(unit__in=roots).values_list("year", flat=True)))


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
    row = unit_rows(unit, [year]).get(year)
    return {k: getattr(row, k) for k in SHOWN} if row else dict.fromkeys(SHOWN, 0)


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


def result_states(branch_ids: Iterable[int], year: int) -> dict[int, str]:
    """The state of each branch's results for the year (open where it has no results row)."""
    ids = list(branch_ids)
    found = dict(
        BranchResult.objects.filter(branch_id__in=ids, year=year).values_list("branch_id", "state")
    )
    return {pk: found.get(pk, BranchResult.State.OPEN) for pk in ids}


def branch_figures(branch: Unit, counted: dict[str, int], state: str) -> dict[str, int]:
    """What a branch's row holds but `recognised` (results_changed keeps that one): its counted
    figures, 1 branch, and its PENDING counters (rules.pending_of)."""
    pending = pending_of(
        sector=branch.sector,
        active=branch.is_active,
        members=counted["members"],
        registered=counted["registered"],
        state=state,
    )
    return {**counted, "branches": 1, **pending}


def recount(branch_ids: Iterable[int], year: int, *, frozen_too: bool = False) -> None:
    """Count the branches' figures for the year again and move the differences onto their rows
    and their ancestors' rows. A frozen (recognised) branch is left alone unless `frozen_too`."""
    with metrics.timed(metrics.ROLLUP_WRITE_SECONDS):
        _recount(branch_ids, year, frozen_too=frozen_too)


def _recount(branch_ids: Iterable[int], year: int, *, frozen_too: bool) -> None:
    ids = set(branch_ids)
    if not ids:
        return
    branches = list(Unit.objects.filter(pk__in=ids, kind=Unit.Kind.BRANCH).order_by("path"))
    # A branch gets a row in a year that has not ended for it; in an ended year, only a branch
    # that had a row then is counted again (the tree as it stood has no place for another).
    ensure_rows([b for b in branches if not year_ended(year, b.sector)], year)
    if not branches:
        return
    # Lock the rows first (in path order: two writers never wait for each other in a circle),
    # then count: a count made before the lock would miss what a writer holding it committed.
    rows = list(
        YearStats.objects.select_for_update()
        .filter(unit__in=branches, year=year)
        .order_by("unit_path")
    )
    # The results' states are read under the lock too: a change of state (results_changed)
    # recounts its branch holding it, so what is read here is what the row must hold.
    states = result_states([r.unit_id for r in rows], year)
    if not frozen_too:  # a recognised branch keeps the figures it was recognised with
        rows = [r for r in rows if states[r.unit_id] != BranchResult.State.RECOGNISED]
    locked = {r.unit_id for r in rows}
    counted = count_branches([b for b in branches if b.pk in locked], year)
    by_id = {b.pk: b for b in branches}
    changes = []
    for row in rows:
        figures = branch_figures(by_id[row.unit_id], counted[row.unit_id], states[row.unit_id])
        changes.append((row, {k: v - getattr(row, k) for k, v in figures.items()}))
    _record(changes)


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
    frozen, and it counts as recognised; reopened: it is counted again. Any change moves its
    PENDING counters (submitted or returned: from "open" to "sent" or back)."""
    was, now = before == BranchResult.State.RECOGNISED, after == BranchResult.State.RECOGNISED
    if before == after:
        return
    recount([branch.pk], year, frozen_too=True)
    if was == now:
        return
    if not YearStats.objects.filter(unit=branch, year=year).exists():
        ensure_rows([branch], year)  # results of an ended year the branch had no row in
    row = YearStats.objects.select_for_update().get(unit=branch, year=year)
    _record([(row, {"recognised": int(now) - row.recognised})])


def subtree_moved(old_path: str, unit: Unit, today: date | None = None) -> None:
    """A unit moved from `old_path` to its current path. In every year that has not ended, its
    subtree's rows move with it: its figures leave the old ancestors and join the new ones.
    An ended year keeps the tree as it stood.

    Under the fold lock, with the subtree's rows locked (a writer in the subtree finishes
    first): the figures its row holds move between the ancestors, and the deltas not folded
    yet move with the subtree's paths, to be folded into its new ancestors."""
    shift = unit.depth - len(old_path) // Unit.steplen
    lock_folds()
    for year in opened_years():
        row = YearStats.objects.filter(unit=unit, year=year, unit_path=old_path).first()
        if row is None or year_ended(year, unit.sector, today):
            continue
        subtree = YearStats.objects.filter(year=year, unit_path__startswith=old_path)
        list(subtree.select_for_update().order_by("unit_path").values_list("pk", flat=True))
        row.refresh_from_db()
        # What the ancestors' rows hold of it: a branch's row also holds its own deltas not
        # folded yet, which move below with the ledger.
        own = YearStatsDelta.objects.filter(year=year, unit_path=old_path).aggregate(
            **{k: Sum(k) for k in COUNTERS}
        )
        counts = {k: getattr(row, k) - (own[k] or 0) for k in COUNTERS}
        _add_above(old_path[: -Unit.steplen], year, {k: -v for k, v in counts.items()})
        new_path = Concat(Value(unit.path), Substr("unit_path", len(old_path) + 1))
        subtree.update(unit_path=new_path, depth=F("depth") + shift)
        YearStatsDelta.objects.filter(year=year, unit_path__startswith=old_path).update(
            unit_path=new_path
        )
        parent = Unit.objects.get(path=unit.path[: -Unit.steplen])
        ensure_rows([parent], year)
        _add_above(parent.path, year, counts)


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


def unit_state_changed(units: Iterable[Unit | int], *, new: bool = False) -> None:
    """Units made, deactivated or reactivated (units.services.unit_state_changed): an inactive
    branch has nothing pending, so the branches are counted again in the years that have not
    ended for them. A new branch has no member yet: nothing of it is pending."""
    if new:
        return
    ids = [u.pk if isinstance(u, Unit) else u for u in units]
    for start in range(0, len(ids), CHUNK):
        # Only branches the roll-ups have counted: a branch without a row has nothing pending.
        counted = YearStats.objects.filter(unit_id__in=ids[start : start + CHUNK])
        count_open_years_again(set(counted.values_list("unit_id", flat=True)))


def unit_renamed(unit: Unit, today: date | None = None) -> None:
    """The unit's rows of the years that have not ended take its new name."""
    for year in opened_years():
        if not year_ended(year, unit.sector, today):
            YearStats.objects.filter(unit=unit, year=year).update(unit_name=unit.name)


# --- Reading: a row and the deltas under it not folded yet, in one statement ------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def tail_cte(years: Iterable[int], prefix: str, lengths: Iterable[int]) -> tuple[str, list]:
    """`tail_lengths` and `tail (year, owner, counters…)`: for each unit whose path is `prefix…`
    and `lengths` long, the sum of the ledger's deltas below it (SQL for a WITH clause, and its
    parameters). A statement joining it to the rows reads both at one moment: the folder moves
    a delta from the ledger to the rows in one transaction, so their sum never changes."""
    lengths, years = sorted(set(lengths)) or [0], sorted(set(years)) or [0]
    sums = ", ".join(f"SUM(d.{_q(k)})" for k in COUNTERS)
    owner = "SUBSTR(d.unit_path, 1, tail_lengths.n)"
    sql = (
        f"tail_lengths (n) AS (VALUES {', '.join(['(%s)'] * len(lengths))}), "
        f"tail (year, owner, {', '.join(_q(k) for k in COUNTERS)}) AS ("
        f"SELECT d.year, {owner}, {sums} FROM {_q(YearStatsDelta._meta.db_table)} d "
        "JOIN tail_lengths ON LENGTH(d.unit_path) > tail_lengths.n "
        f"WHERE d.year IN ({', '.join(['%s'] * len(years))}) AND d.unit_path LIKE %s "
        f"GROUP BY d.year, {owner})"
    )
    return sql, [*lengths, *years, f"{prefix}%"]


def with_tail(row: str = "s", tail: str = "t") -> str:
    """The counters of `row` plus those of `tail` (a LEFT JOIN of tail_cte), named as fields."""
    return ", ".join(f"{row}.{_q(k)} + COALESCE({tail}.{_q(k)}, 0) AS {_q(k)}" for k in COUNTERS)


def _unfolded(tail: str = "t") -> str:
    return ", ".join(f"COALESCE({tail}.{_q(k)}, 0) AS {_q('unfolded_' + k)}" for k in COUNTERS)


def _read(
    where: str, params: list, *, years, prefix: str, lengths, order: str = "", limit: int = 0
) -> list[YearStats]:
    """The YearStats rows matching `where` (on alias s), each with the deltas below it added
    (its figures as they are now, folded or not). `prefix` and `lengths` bound the ledger
    rows read: the rows' paths start with `prefix` and have one of these lengths."""
    cte, cte_params = tail_cte(years, prefix, lengths)
    own = ", ".join(f"s.{_q(c)}" for c in ("id", "unit_id", "year", "unit_path", "depth"))
    sql = (
        f"WITH {cte} SELECT {own}, s.{_q('unit_name')}, {with_tail()}, {_unfolded()} "
        f"FROM {_q(YearStats._meta.db_table)} s "
        "LEFT JOIN tail t ON t.year = s.year AND t.owner = s.unit_path "
        f"WHERE {where}" + (f" ORDER BY {order}" if order else "") + (" LIMIT %s" if limit else "")
    )
    return list(YearStats.objects.raw(sql, [*cte_params, *params, *([limit] if limit else [])]))


def unit_rows(unit: Unit, years: Iterable[int]) -> dict[int, YearStats]:
    """The unit's rows for these years (those opened), by year, with the deltas below added."""
    paths = set(
        YearStats.objects.filter(unit=unit, year__in=list(years)).values_list("year", "unit_path")
    )
    if not paths:
        return {}
    years = sorted({year for year, _path in paths})
    found = _read(
        f"s.unit_id = %s AND s.year IN ({', '.join(['%s'] * len(years))})",
        [unit.pk, *years],
        years=years,
        # An ended year's row keeps the path the unit had then.
        prefix=commonprefix([path for _year, path in paths]),
        lengths={len(path) for _year, path in paths},
    )
    return {r.year: r for r in found}


def rows_at(paths: Iterable[str], year: int) -> dict[str, YearStats]:
    """The year's rows at these paths (the paths the rows keep), with the deltas below them
    added, by path: one statement, whatever units they are."""
    paths = sorted(set(paths))
    if not paths:
        return {}
    found = _read(
        f"s.year = %s AND s.unit_path IN ({', '.join(['%s'] * len(paths))})",
        [year, *paths],
        years=[year],
        prefix=commonprefix(paths),
        lengths={len(path) for path in paths},
    )
    return {r.unit_path: r for r in found}


def rows_under(path: str, depth: int, year: int) -> list[YearStats]:
    """The year's rows at `depth` whose path starts with `path` (a unit's children), with the
    deltas below them added."""
    return _read(
        "s.year = %s AND s.depth = %s AND s.unit_path LIKE %s",
        [year, depth, f"{path}%"],
        years=[year],
        prefix=path,
        lengths=[depth * Unit.steplen],
    )


# --- Folding the ledger into the rows above the branches ---------------------------------------


def fold(limit: int = FOLD_BATCH) -> int:
    """Add up to `limit` deltas (the oldest) to the rows of the units above their branches and
    delete them, in one transaction; how many were folded (0: none waiting, or another folder,
    a unit move or a rebuild holds the fold lock). Killed in the middle, it folded nothing."""
    with metrics.timed(metrics.ROLLUP_FOLD_SECONDS), transaction.atomic():
        if not lock_folds(wait=False):
            return 0
        jit_off()
        return _fold(limit)


def _fold(limit: int) -> int:
    """One batch of each ledger (the roll-ups' and the member counts'), under the fold lock."""
    return (
        _fold_year_stats(limit)
        + member_counts.fold(limit)
        + sum(ledger.fold_batch(limit) for ledger in other_ledgers())
    )


def _fold_year_stats(limit: int) -> int:
    oldest = YearStatsDelta.objects.order_by("id")
    batch = list(oldest.values_list("id", "year", "unit_path", *COUNTERS)[:limit])
    if not batch:
        return 0
    sums: dict[tuple[int, str], list[int]] = {}
    for _pk, year, path, *values in batch:
        for owner in paths_to(path)[:-1]:
            total = sums.setdefault((year, owner), [0] * len(COUNTERS))
            for i, v in enumerate(values):
                total[i] += v
    ids = [pk for pk, *_rest in batch]
    for start in range(0, len(ids), CHUNK):
        YearStatsDelta.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    _increment(sorted(sums.items()))
    return len(batch)


def fold_all() -> int:
    """Fold every delta waiting, under the fold lock (a rebuild, a test)."""
    return fold_all_of(_fold, FOLD_BATCH)


def waiting() -> int:
    """The ledgers' backlog: the deltas waiting to be folded."""
    return (
        YearStatsDelta.objects.count()
        + MemberCountDelta.objects.count()
        + sum(ledger.waiting() for ledger in other_ledgers())
    )


def _increment(sums: list[tuple[tuple[int, str], list[int]]]) -> None:
    """Add the sums to the rows of (year, path) (under the fold lock: nobody else writes these
    rows' counters)."""
    rows = [(year, path, *values) for (year, path), values in sums]
    update_from_values(YearStats._meta.db_table, ("year", "unit_path"), COUNTERS, rows, add=True)


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
        states = result_states(ids, year)
        recognised = {pk for pk, state in states.items() if state == BranchResult.State.RECOGNISED}
        frozen = set() if frozen_too else recognised
        counted = count_branches([r.unit for r in chunk if r.unit_id not in frozen], year)
        page = []
        for r in chunk:
            frozen_figures = {k: getattr(r, k) for k in FIGURES}
            own = frozen_figures if r.unit_id in frozen else counted[r.unit_id]
            figures = branch_figures(r.unit, own, states[r.unit_id])
            figures["recognised"] = int(r.unit_id in recognised)
            for path in paths_to(r.unit_path)[:-1]:
                sums.setdefault(path, Counter()).update(figures)
            page.append((r, figures))
        yield page
    # The other rows as they read (with the deltas not folded yet), a page at a time.
    deepest = YearStats.objects.filter(year=year).aggregate(n=Max("depth"))["n"] or 0
    last = ""
    while chunk := _read(
        "s.year = %s AND s.unit_path > %s AND s.unit_id NOT IN "
        f"(SELECT id FROM {_q(Unit._meta.db_table)} WHERE kind = %s)",
        [year, last, Unit.Kind.BRANCH],
        years=[year],
        prefix="",
        lengths=[d * Unit.steplen for d in range(1, deepest + 1)],
        order="s.unit_path",
        limit=CHUNK,
    ):
        yield [(r, {k: sums.get(r.unit_path, {}).get(k, 0) for k in COUNTERS}) for r in chunk]
        last = chunk[-1].unit_path


def rebuild(year: int, *, frozen_too: bool = False) -> int:
    """Write the expected figures on every row of the year that differs, a page at a time,
    under the fold lock (a row above the branches gets them less the deltas below it not
    folded yet); returns how many rows changed. Meant for a quiet moment: a change made while
    it runs may be counted on one side of it only."""
    written = 0
    with transaction.atomic():
        lock_folds()
        for page in expected_rows(year, frozen_too=frozen_too):
            changed = []
            for row, figures in page:
                if any(getattr(row, k) != v for k, v in figures.items()):
                    unfolded = unfolded_of(row)
                    for k, v in figures.items():
                        setattr(row, k, v - unfolded[k])
                    changed.append(row)
            _write(changed)
            written += len(changed)
    return written


def unfolded_of(row: YearStats) -> dict[str, int]:
    """The deltas below the row that a `_read` added to it (none on a row read otherwise)."""
    return {k: getattr(row, f"unfolded_{k}", 0) for k in COUNTERS}


def _write(rows: list[YearStats]) -> None:
    """Write the rows' counters, a thousand rows a statement."""
    values = [(r.pk, *(getattr(r, c) for c in COUNTERS)) for r in rows]
    update_from_values(YearStats._meta.db_table, ("id",), COUNTERS, values)

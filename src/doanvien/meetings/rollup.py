"""The meeting figures of every unit and year, kept on the roll-ups' write path
(docs/architecture.md, "Roll-ups without a hot row"; the same shape as youth/rollup.py).

- A unit's own figures for a year (`count_units`: its meetings by kind and month, the months
  its cadence was met if it is an active branch, the attendance of its meetings whose
  attendance was taken; year 0: 1 if it is an active branch) change only in a write that locks
  the unit's row, counts the unit again, writes the figures on its row and appends the
  difference to the ledger (MeetingStatsDelta), all in the write's transaction (`recount`):
  a meeting recorded, edited or cancelled, its attendance taken, a branch made, deactivated or
  reactivated.
- The rows above hold the sums folded by `fold` (`manage.py fold_rollups` with the other
  ledgers of settings.ROLLUP_LEDGERS); every read adds the deltas below a row not folded yet in
  the same statement (`figures_of`), so the figures are exact at any moment.
- A unit move: the paths were rewritten by units.services.unit_move under the fold lock;
  `subtree_moved` moves what the old ancestors held of the subtree to the new ones. Every
  year follows the tree as it is now, and "active" is the branch's state now.
- A change of a cadence rule (admin) is not carried: `manage.py recompute_meetings --fix`.
"""

from collections.abc import Iterable
from operator import attrgetter
from os.path import commonprefix
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractMonth

from doanvien.core.bulk import (
    insert_rows,
    record_maker,
    update_from_values,
    write_fields,
)
from doanvien.core.ledger import fold_all_of, lock_folds
from doanvien.units.models import Unit, paths_to

from . import rules
from .models import (
    CADENCE_KINDS,
    COUNTERS,
    STANDING_YEAR,
    Attendance,
    CadenceRule,
    Meeting,
    MeetingStats,
    MeetingStatsDelta,
    Presence,
)

CHUNK = 1000
DEFAULT_PER_MONTH = 1


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def _cadence_rules() -> dict[str | None, int]:
    """Every cadence rule by its unit's path (None: the default row): a short table."""
    return dict(CadenceRule.objects.values_list("unit__path", "per_month"))


def _nearest(rules_by_path: dict[str | None, int], paths: list[str]) -> int:
    """The rule of the deepest of `paths` (root first) that has one, else the default row's."""
    for path in reversed(paths):
        if path in rules_by_path:
            return rules_by_path[path]
    return rules_by_path.get(None, DEFAULT_PER_MONTH)


def cadences(units: Iterable[Unit]) -> dict[int, int]:
    """The regular meetings a month each unit's cadence rule asks (the nearest rule up the
    tree, else the default row's): one query for the rules."""
    rules_by_path = _cadence_rules()
    return {unit.pk: _nearest(rules_by_path, paths_to(unit.path)) for unit in units}


def count_units(units: Iterable[Unit], year: int) -> dict[int, dict[str, int]]:
    """The units' own figures for the year, counted from the meetings (the one definition:
    the recount, the check and the tests read it)."""
    units = list(units)
    found = {u.pk: _zero() for u in units}
    if not units:
        return found
    ids = [u.pk for u in units]
    active_branch = {u.pk for u in units if u.is_active and u.kind == Unit.Kind.BRANCH}
    if year == STANDING_YEAR:
        for pk in active_branch:
            found[pk]["branches"] = 1
        return found
    held = (
        Meeting.objects.filter(unit_id__in=ids, date__year=year, cancelled=False)
        .annotate(month=ExtractMonth("date"))
        .values_list("unit_id", "kind", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cadence_held: dict[tuple[int, int], int] = {}
    for unit_id, kind, month, n in held:
        figures = found[unit_id]
        figures["meetings"] += n
        figures[f"kind_{kind}"] += n
        figures[f"held_{month:02d}"] += n
        if kind in CADENCE_KINDS:
            cadence_held[(unit_id, month)] = cadence_held.get((unit_id, month), 0) + n
    per_month = cadences(u for u in units if u.pk in active_branch)
    for (unit_id, month), n in cadence_held.items():
        if unit_id in active_branch and n >= per_month[unit_id]:
            found[unit_id][f"covered_{month:02d}"] = 1
    rows = (
        Attendance.objects.filter(
            meeting__unit_id__in=ids,
            meeting__date__year=year,
            meeting__cancelled=False,
            meeting__attendance_taken=True,
        )
        .values_list("meeting__unit_id", "presence")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit_id, presence, n in rows:
        found[unit_id]["expected"] += n
        if presence == Presence.PRESENT:
            found[unit_id]["present"] += n
        elif presence == Presence.EXCUSED:
            found[unit_id]["excused"] += n
    return found


def ensure_rows(units: Iterable[Unit], year: int) -> None:
    """The year's rows of these units and of their ancestors, made (at zero) where missing."""
    paths = {p for u in units for p in paths_to(u.path)}
    if not paths:
        return
    have = set(
        MeetingStats.objects.filter(year=year, unit_path__in=paths).values_list(
            "unit_path", flat=True
        )
    )
    _zero_rows(paths - have, year)


def _zero_rows(paths: set[str], year: int) -> None:
    """The year's rows of the units at `paths`, at zero, for those that have none."""
    row = record_maker(MeetingStats)
    insert_rows(
        MeetingStats,
        [
            row(dict(unit_id=pk, year=year, unit_path=path))
            for pk, path in Unit.objects.filter(path__in=paths).values_list("pk", "path")
        ],
        ignore_conflicts=True,
    )


def recount(units: Iterable[Unit | int], years: Iterable[int]) -> None:
    """Count the units' own figures again in each year: lock their rows (in path order), count,
    write the figures on the rows and append the differences to the ledger. In the caller's
    transaction; nothing above the units is written."""
    ids = {u.pk if isinstance(u, Unit) else u for u in units}
    units = list(Unit.objects.filter(pk__in=ids).order_by("path"))
    if not units:
        return
    for year in sorted(set(years)):
        ensure_rows(units, year)
        rows = list(
            MeetingStats.objects.select_for_update()
            .filter(year=year, unit__in=units)
            .order_by("unit_path")
        )
        counted = count_units(units, year)
        changed, deltas = [], []
        for row in rows:
            now = counted[row.unit_id]
            delta = {k: v - row.own.get(k, 0) for k, v in now.items()}
            if not any(delta.values()):
                continue
            for k, v in delta.items():
                setattr(row, k, getattr(row, k) + v)
            row.own = {k: v for k, v in now.items() if v}
            changed.append(row)
            deltas.append(MeetingStatsDelta(year=year, unit_path=row.unit_path, **delta))
        _save(changed)
        MeetingStatsDelta.objects.bulk_create(deltas, batch_size=CHUNK)


def _save(rows: list[MeetingStats]) -> None:
    """Write the rows' figures: a few (a meeting's write) row by row, as a plain UPDATE each,
    many (a recount of a subtree, the branches of a tree import) in one statement a batch."""
    if len(rows) <= 4:
        for row in rows:
            row.save(update_fields=[*COUNTERS, "own"])
    else:
        write_fields(MeetingStats, rows, [*COUNTERS, "own"])


def years_of(units: Iterable[Unit | int]) -> set[int]:
    """The years the units have rows or meetings in, with year 0 (a change of a unit's state:
    every year it counts in)."""
    ids = {u.pk if isinstance(u, Unit) else u for u in units}
    found = {STANDING_YEAR}
    found.update(
        MeetingStats.objects.filter(unit_id__in=ids).values_list("year", flat=True).distinct()
    )
    found.update(d.year for d in Meeting.objects.filter(unit_id__in=ids).dates("date", "year"))
    return found


def unit_state_changed(units: Iterable[Unit | int], *, new: bool = False) -> None:
    """A unit made, deactivated or reactivated (and so counting as an active branch or not):
    its figures in every year, counted again. Only a branch's figures follow its state (a
    union's are its own meetings): the others are left as they are. `new` units (made in
    this transaction: units.services.unit_state_changed) are counted for the first time
    (`_first_count`), with nothing read to find their rows or meetings: they have none."""
    if new:  # a write's own new units: as many as it made at once (an import's chunk)
        _first_count([u for u in units if u.kind == Unit.Kind.BRANCH])
        return
    ids = [u.pk if isinstance(u, Unit) else u for u in units]
    for start in range(0, len(ids), CHUNK):
        branches = Unit.objects.filter(pk__in=ids[start : start + CHUNK], kind=Unit.Kind.BRANCH)
        chunk = list(branches.values_list("pk", flat=True))
        if chunk:
            recount(chunk, years_of(chunk))


def _first_count(branches: list) -> None:
    """New branches (no row, no meeting; a tree import makes thousands): what `recount` would
    write for them, inserted at once. Their only figure is year 0's (1 for an active branch):
    their rows with it, the rows of the units above at zero where missing, and the difference
    in the ledger for the units above."""
    if not branches:
        return
    branches = sorted(branches, key=attrgetter("path"))  # path order, as every writer
    # The units above: no need to read which have their row (a table a tree import grows
    # faster than its statistics follow), those that have it are left out by the insert.
    _zero_rows({p for u in branches for p in paths_to(u.path)[:-1]}, STANDING_YEAR)
    counted = count_units(branches, STANDING_YEAR)
    # Only the counters one of them sets are sent; the others stay at the database's 0.
    written = sorted({k for figures in counted.values() for k, v in figures.items() if v})
    rows, deltas = [], []
    for unit in branches:
        figures = {k: counted[unit.pk][k] for k in written}
        own = {k: v for k, v in figures.items() if v}
        rows.append(
            SimpleNamespace(
                unit_id=unit.pk, year=STANDING_YEAR, unit_path=unit.path, own=own, **figures
            )
        )
        if own:
            deltas.append(SimpleNamespace(year=STANDING_YEAR, unit_path=unit.path, **figures))
    insert_rows(MeetingStats, rows, only=["unit", "year", "unit_path", "own", *written])
    insert_rows(MeetingStatsDelta, deltas, only=["year", "unit_path", *written])


# --- Folding ----------------------------------------------------------------------------------


def fold(limit: int) -> int:
    """Add up to `limit` deltas to the rows of the units above theirs and delete them; the
    caller holds the fold lock in its transaction (training.rollup.fold)."""
    batch = list(
        MeetingStatsDelta.objects.order_by("id").values_list("id", "year", "unit_path", *COUNTERS)[
            :limit
        ]
    )
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
        MeetingStatsDelta.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    rows = [(year, path, *values) for (year, path), values in sorted(sums.items())]
    update_from_values(MeetingStats._meta.db_table, ("year", "unit_path"), COUNTERS, rows, add=True)
    return len(batch)


def waiting() -> int:
    """The deltas waiting to be folded (the folder's backlog)."""
    return MeetingStatsDelta.objects.count()


# The folder folds this ledger with the others named in settings.ROLLUP_LEDGERS.
fold_batch = fold


def fold_all() -> int:
    """Fold every delta waiting (a test, a rebuild)."""
    return fold_all_of(fold, CHUNK * 20)


# --- A unit move ------------------------------------------------------------------------------


def subtree_moved(old_path: str, unit: Unit) -> None:
    """The unit moved from `old_path` (its rows' and deltas' paths already rewritten, under the
    fold lock): what its old ancestors held of it goes to the new ones, in every year."""
    lock_folds()
    old_above, new_above = paths_to(old_path)[:-1], paths_to(unit.path)[:-1]
    for row in MeetingStats.objects.select_for_update().filter(unit=unit).order_by("year"):
        own = MeetingStatsDelta.objects.filter(year=row.year, unit_path=unit.path).aggregate(
            **{k: Sum(k) for k in COUNTERS}
        )
        held = {k: getattr(row, k) - (own[k] or 0) for k in COUNTERS}
        ensure_rows([unit], row.year)  # the deltas below fold into the new ancestors
        held = {k: v for k, v in held.items() if v}
        if not held:
            continue
        MeetingStats.objects.filter(year=row.year, unit_path__in=old_above).update(
            **{k: F(k) - v for k, v in held.items()}
        )
        MeetingStats.objects.filter(year=row.year, unit_path__in=new_above).update(
            **{k: F(k) + v for k, v in held.items()}
        )
    if _cadence_at(old_path) != _cadence_at(unit.path):
        # The cadence rule above changed: the subtree's branches' covered months again.
        branches = Unit.objects.filter(
            path__startswith=unit.path, kind=Unit.Kind.BRANCH, is_active=True
        ).values_list("pk", flat=True)
        unit_state_changed(list(branches))


def _cadence_at(path: str) -> int:
    """The monthly meetings asked of a branch placed directly at `path` (its rule, or the
    nearest above it)."""
    return _nearest(_cadence_rules(), paths_to(path)[:-1])


# --- Reading: a row with the deltas below it not folded yet, in one statement ----------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def figures_of(units: list[Unit], year: int) -> dict[int, dict[str, int]]:
    """Each unit's figures for the year, with its active branches (the rows of year 0), each
    row plus the deltas below it not folded yet, read in one statement (the deltas under the
    units' common prefix summed once per owner and year, then joined to the rows); zeros for a
    unit without a row."""
    found = {u.pk: _zero() for u in units}
    if not units:
        return found
    stats, deltas = _q(MeetingStats._meta.db_table), _q(MeetingStatsDelta._meta.db_table)
    lengths = sorted({len(u.path) for u in units})
    prefix = commonprefix([u.path for u in units])
    owner = "SUBSTR(d.unit_path, 1, tail_lengths.n)"
    sums = ", ".join(f"SUM(d.{_q(k)})" for k in COUNTERS)
    names = ", ".join(_q(k) for k in COUNTERS)
    added = ", ".join(f"s.{_q(k)} + COALESCE(t.{_q(k)}, 0)" for k in COUNTERS)
    marks = ", ".join(["%s"] * len(units))
    once = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = (
        f"WITH tail_lengths (n) AS (VALUES {', '.join(['(%s)'] * len(lengths))}), "
        f"tail (owner, year, {names}) AS {once}(SELECT {owner}, d.year, {sums} FROM {deltas} d "
        "JOIN tail_lengths ON LENGTH(d.unit_path) > tail_lengths.n "
        f"WHERE d.year IN (%s, %s) AND d.unit_path LIKE %s GROUP BY {owner}, d.year) "
        f"SELECT s.{_q('unit_id')}, s.year, {added} FROM {stats} s "
        "LEFT JOIN tail t ON t.owner = s.unit_path AND t.year = s.year "
        f"WHERE s.year IN (%s, %s) AND s.{_q('unit_id')} IN ({marks})"
    )
    params = [
        *lengths,
        STANDING_YEAR,
        year,
        f"{prefix}%",
        STANDING_YEAR,
        year,
        *[u.pk for u in units],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, row_year, *values in cursor.fetchall():
            values = dict(zip(COUNTERS, (int(v) for v in values), strict=True))
            if row_year == STANDING_YEAR:
                found[unit_id]["branches"] = values["branches"]
            else:
                found[unit_id].update({k: v for k, v in values.items() if k != "branches"})
    return found


def summary(figures: dict[str, int], year: int, today) -> dict:
    """What a page shows of a unit's figures: meetings by kind and month, the active branches'
    months without their monthly meeting (in all, and per month checked so far), the rate of
    attendance (present over expected)."""
    checked = rules.months_to_check(year, today)
    branches = figures["branches"]
    without = {m: max(0, branches - figures[f"covered_{m:02d}"]) for m in checked}
    return {
        "branches": branches,
        "meetings": figures["meetings"],
        "kinds": {k[5:]: figures[k] for k in COUNTERS if k.startswith("kind_")},
        "held": [figures[f"held_{m:02d}"] for m in range(1, 13)],
        "without_by_month": without,
        "months_without": sum(without.values()),
        "present": figures["present"],
        "expected": figures["expected"],
        "rate": rules.rate(figures["present"], figures["expected"]),
    }


# --- Counting every year again (manage.py recompute_meetings) -------------------------------


def counted_years() -> list[int]:
    years = set(MeetingStats.objects.values_list("year", flat=True).distinct())
    years.update(d.year for d in Meeting.objects.dates("date", "year"))
    years.add(STANDING_YEAR)
    return sorted(years)


def _owners(year: int):
    """The units that have figures of their own in the year (a row made for each)."""
    if year == STANDING_YEAR:
        ids = Unit.objects.filter(kind=Unit.Kind.BRANCH, is_active=True).values_list(
            "pk", flat=True
        )
    else:
        ids = Meeting.objects.filter(date__year=year).values_list("unit_id", flat=True).distinct()
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        ensure_rows(Unit.objects.filter(pk__in=ids[start : start + CHUNK]), year)


def _expected(year: int) -> tuple[dict[str, dict[str, int]], dict[int, dict[str, int]]]:
    """Every row's figures as they should be (by path: the sum of the own figures in its
    subtree) and every unit's own figures, counted a thousand units at a time."""
    _owners(year)
    sums: dict[str, dict[str, int]] = {}
    own: dict[int, dict[str, int]] = {}
    last_path = ""
    rows = MeetingStats.objects.filter(year=year).order_by("unit_path")
    while page := list(rows.filter(unit_path__gt=last_path).select_related("unit")[:CHUNK]):
        counted = count_units([r.unit for r in page], year)
        for r in page:
            own[r.unit_id] = counted[r.unit_id]
            for owner in paths_to(r.unit_path):
                total = sums.setdefault(owner, _zero())
                for k, v in counted[r.unit_id].items():
                    total[k] += v
        last_path = page[-1].unit_path
    return sums, own


def differences() -> list[str]:
    """Every row whose figures (with the deltas below added) differ from a count."""
    found = []
    for year in counted_years():
        sums, _own = _expected(year)
        rows = list(MeetingStats.objects.filter(year=year).select_related("unit"))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            read = figures_of([r.unit for r in chunk], year)
            for r in chunk:
                want = sums.get(r.unit_path, _zero())
                have = read[r.unit_id]
                keys = ["branches"] if year == STANDING_YEAR else COUNTERS[1:]
                if any(have[k] != want[k] for k in keys):
                    diff = {k: (have[k], want[k]) for k in keys if have[k] != want[k]}
                    found.append(f"meetings {year} {r.unit_path}: {diff}")
    return found


def fix() -> int:
    """Fold the ledger, then write the counted figures on every row that differs, under the
    fold lock (meant for a quiet moment). Returns the rows written."""
    written = 0
    with transaction.atomic():
        fold_all()  # under the fold lock, held to the end of this transaction
        for year in counted_years():
            sums, own = _expected(year)
            changed = []
            for r in MeetingStats.objects.filter(year=year).order_by("unit_path"):
                want = sums.get(r.unit_path, _zero())
                mine = {k: v for k, v in own.get(r.unit_id, _zero()).items() if v}
                if any(getattr(r, k) != v for k, v in want.items()) or r.own != mine:
                    for k, v in want.items():
                        setattr(r, k, v)
                    r.own = mine
                    changed.append(r)
            write_fields(MeetingStats, changed, [*COUNTERS, "own"])
            written += len(changed)
    return written

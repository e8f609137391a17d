"""The activity figures per unit and programme year (an activity's year, models.py), kept on
the training roll-ups' write path (docs/architecture.md, "Roll-ups without a hot row"), like the
"1+1" figures (youth/rollup.py).

- A unit's own figures for a year (`count_units`: the activities it held, the participations
  of its members and how many distinct members took part, "công trình, phần việc" and their
  value), in total (key "") and per kind ("kind:<code>") and content area ("area:<code>"),
  change only in a write that locks the unit's total row, counts the unit again, writes the
  figures on its rows and appends the differences to the ledger (ActivityStatsDelta), all in
  the write's transaction (`recount`).
- The rows above hold the sums folded by `fold` (run with the other ledgers by
  `manage.py fold_rollups`, settings.ROLLUP_LEDGERS); every read adds the deltas below a row
  not folded yet in the same statement (`figures_of`), so the figures are exact at any moment.
- A member's participations are counted in his branch of now: a move counts both branches
  again in every year he took part (`member_moved`).
- A unit move: the paths (TreePathField) were rewritten by units.services.unit_move under the
  fold lock; `subtree_moved` moves what the old ancestors held of the subtree to the new ones.
  Every year follows the tree as it is now.
"""

from collections import defaultdict
from collections.abc import Iterable
from os.path import commonprefix

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from doanvien.core.bulk import update_from_values
from doanvien.core.ledger import fold_all_of, lock_folds
from doanvien.units.models import Unit, paths_to

from . import campaign_stats
from .models import COUNTERS, OWN, Activity, ActivityStats, ActivityStatsDelta, Participation

CHUNK = 1000
TOTAL = ""

Figures = dict[str, dict[str, int]]  # key → counter → value


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def _add(found: Figures, key: str, **values: int) -> None:
    row = found.setdefault(key, _zero())
    for k, v in values.items():
        row[k] += int(v or 0)


def count_units(unit_ids: Iterable[int], year: int) -> dict[int, Figures]:
    """The units' own figures for the year, counted from the activities and participations (the
    one definition; the recount test and `recompute` read it). Keys with nothing are left out."""
    ids = sorted(set(unit_ids))
    found: dict[int, Figures] = {pk: {} for pk in ids}
    if not ids:
        return found
    held = Activity.objects.filter(unit_id__in=ids, year=year, cancelled_at=None)
    work = Q(kind__is_work=True)
    counted = {
        "n": Count("id"),
        "w": Count("id", filter=work),
        "v": Sum("value", filter=work),
    }
    for row in held.values("unit_id").annotate(**counted).order_by():
        _add(
            found[row["unit_id"]], TOTAL, activities=row["n"], works=row["w"], works_value=row["v"]
        )
    for row in held.values("unit_id", "kind__code").annotate(**counted).order_by():
        _add(
            found[row["unit_id"]],
            f"kind:{row['kind__code']}",
            activities=row["n"],
            works=row["w"],
            works_value=row["v"],
        )
    for row in (
        held.values("unit_id", "areas__code")
        .exclude(areas__code=None)
        .annotate(**counted)
        .order_by()
    ):
        _add(
            found[row["unit_id"]],
            f"area:{row['areas__code']}",
            activities=row["n"],
            works=row["w"],
            works_value=row["v"],
        )
    took_part = Participation.objects.filter(
        member__branch_id__in=ids,
        activity__year=year,
        activity__cancelled_at=None,
        attended_at__isnull=False,
    )
    people = {"n": Count("id"), "m": Count("member_id", distinct=True)}
    for row in took_part.values("member__branch_id").annotate(**people).order_by():
        _add(found[row["member__branch_id"]], TOTAL, participations=row["n"], participants=row["m"])
    for row in (
        took_part.values("member__branch_id", "activity__kind__code").annotate(**people).order_by()
    ):
        _add(
            found[row["member__branch_id"]],
            f"kind:{row['activity__kind__code']}",
            participations=row["n"],
            participants=row["m"],
        )
    for row in (
        took_part.exclude(activity__areas__code=None)
        .values("member__branch_id", "activity__areas__code")
        .annotate(**people)
        .order_by()
    ):
        _add(
            found[row["member__branch_id"]],
            f"area:{row['activity__areas__code']}",
            participations=row["n"],
            participants=row["m"],
        )
    return found


def ensure_rows(units: Iterable[Unit], year: int, keys: Iterable[str]) -> None:
    """The year's rows of these units and of their ancestors for these keys, made (at zero)
    where missing."""
    paths = {p for u in units for p in paths_to(u.path)}
    keys = set(keys)
    if not paths or not keys:
        return
    have = set(
        ActivityStats.objects.filter(year=year, unit_path__in=paths, key__in=keys).values_list(
            "unit_path", "key"
        )
    )
    missing = [(p, k) for p in paths for k in keys if (p, k) not in have]
    if not missing:
        return
    by_path = {u.path: u for u in Unit.objects.filter(path__in={p for p, _k in missing})}
    ActivityStats.objects.bulk_create(
        [
            ActivityStats(unit=by_path[p], year=year, key=k, unit_path=p)
            for p, k in sorted(missing)
            if p in by_path
        ],
        ignore_conflicts=True,
        batch_size=CHUNK,
    )


def recount(unit_ids: Iterable[int], years: Iterable[int]) -> None:
    """Count the units' own figures again in each year: lock their total rows (in path order),
    count, write the figures on the rows and append the differences to the ledger."""
    units = list(Unit.objects.filter(pk__in=set(unit_ids)).order_by("path"))
    if not units:
        return
    for year in sorted(set(years)):
        ensure_rows(units, year, [TOTAL])
        # The total rows are the units' locks: whoever counts a unit holds its row first.
        list(
            ActivityStats.objects.select_for_update()
            .filter(year=year, unit__in=units, key=TOTAL)
            .order_by("unit_path")
            .values_list("pk")
        )
        counted = count_units([u.pk for u in units], year)
        keys = {k for figures in counted.values() for k in figures}
        ensure_rows(units, year, keys)
        rows = list(
            ActivityStats.objects.filter(year=year, unit__in=units).order_by("unit_path", "key")
        )
        changed, deltas = [], []
        for row in rows:
            now = counted[row.unit_id].get(row.key, _zero())
            delta = {k: v - _own(row)[k] for k, v in now.items()}
            if not any(delta.values()):
                continue
            for k, v in delta.items():
                setattr(row, k, getattr(row, k) + v)
            _set_own(row, now)
            changed.append(row)
            deltas.append(
                ActivityStatsDelta(year=year, key=row.key, unit_path=row.unit_path, **delta)
            )
        _write(changed)
        ActivityStatsDelta.objects.bulk_create(deltas, batch_size=CHUNK)


def _own(row: ActivityStats) -> dict[str, int]:
    return {k: getattr(row, f"own_{k}") for k in COUNTERS}


def _set_own(row: ActivityStats, figures: dict[str, int]) -> None:
    for k in COUNTERS:
        setattr(row, f"own_{k}", figures[k])


def _write(rows: list[ActivityStats]) -> None:
    """The rows' figures and own figures, by id (one UPDATE joined to a list of values per
    batch: bulk_update's CASE per column costs seconds per thousand rows)."""
    columns = (*COUNTERS, *OWN)
    update_from_values(
        ActivityStats._meta.db_table,
        ("id",),
        columns,
        [(r.pk, *(getattr(r, c) for c in columns)) for r in rows],
    )


def member_moved(member_id: int, old_branch_id: int, new_branch_id: int) -> None:
    """A member moved: both branches are counted again in every year he took part (and in
    every campaign: campaign_stats)."""
    if old_branch_id == new_branch_id:
        return
    years = set(
        Participation.objects.filter(member_id=member_id)
        .values_list("activity__year", flat=True)
        .distinct()
    )
    if years:
        recount([old_branch_id, new_branch_id], years)
    # After the year rows, as every service locks them (activity rows, then campaign rows).
    campaign_stats.member_moved(member_id, old_branch_id, new_branch_id)


# --- Folding ----------------------------------------------------------------------------------


def fold(limit: int) -> int:
    """Add up to `limit` deltas to the rows of the units above theirs and delete them; the
    caller holds the fold lock in its transaction (training.rollup.fold)."""
    batch = list(
        ActivityStatsDelta.objects.order_by("id").values_list(
            "id", "year", "unit_path", "key", *COUNTERS
        )[:limit]
    )
    if not batch:
        return 0
    sums: dict[tuple[int, str, str], list[int]] = {}
    for _pk, year, path, key, *values in batch:
        for owner in paths_to(path)[:-1]:
            total = sums.setdefault((year, owner, key), [0] * len(COUNTERS))
            for i, v in enumerate(values):
                total[i] += v
    ids = [pk for pk, *_rest in batch]
    for start in range(0, len(ids), CHUNK):
        ActivityStatsDelta.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    rows = [(year, path, key, *values) for (year, path, key), values in sorted(sums.items())]
    update_from_values(
        ActivityStats._meta.db_table, ("year", "unit_path", "key"), COUNTERS, rows, add=True
    )
    return len(batch)


def backlog() -> int:
    """The deltas waiting to be folded (the folder's backlog, /readyz)."""
    return ActivityStatsDelta.objects.count()


# The folder folds this ledger with the others named in settings.ROLLUP_LEDGERS.
fold_batch, waiting = fold, backlog


def fold_all() -> int:
    """Fold every delta waiting (a test, a rebuild)."""
    return fold_all_of(fold, CHUNK * 20)


# --- A unit move ------------------------------------------------------------------------------


def subtree_moved(old_path: str, unit: Unit) -> None:
    """The unit moved from `old_path` (its rows' and deltas' paths already rewritten, under the
    fold lock): what its old ancestors held of it goes to the new ones, in every year and key
    (an ancestor of both keeps it; one UPDATE per batch, core.bulk.update_from_values)."""
    lock_folds()
    rows = list(ActivityStats.objects.select_for_update().filter(unit=unit).order_by("year", "key"))
    if not rows:
        return
    years = {row.year for row in rows}
    # Its own deltas not folded yet, which its rows have but its ancestors not yet.
    own = {
        (d["year"], d["key"]): d
        for d in ActivityStatsDelta.objects.filter(unit_path=unit.path)
        .values("year", "key")
        .annotate(**{f"sum_{k}": Sum(k) for k in COUNTERS})
        .order_by()
    }
    # The new ancestors get rows for every key of the subtree (the deltas below fold there).
    below: dict[int, set[str]] = defaultdict(set)
    for year, key in (
        ActivityStats.objects.filter(year__in=years, unit_path__startswith=unit.path)
        .order_by()
        .values_list("year", "key")
        .distinct()
    ):
        below[year].add(key)
    for year in sorted(years):
        ensure_rows([unit], year, below[year])
    changes: dict[tuple[int, str, str], list[int]] = {}
    for sign, above in ((-1, paths_to(old_path)[:-1]), (1, paths_to(unit.path)[:-1])):
        for row in rows:
            mine = own.get((row.year, row.key), {})
            held = [getattr(row, k) - (mine.get(f"sum_{k}") or 0) for k in COUNTERS]
            for path in above:
                total = changes.setdefault((row.year, path, row.key), [0] * len(COUNTERS))
                for i, v in enumerate(held):
                    total[i] += sign * v
    update_from_values(
        ActivityStats._meta.db_table,
        ("year", "unit_path", "key"),
        COUNTERS,
        [(*key, *values) for key, values in sorted(changes.items()) if any(values)],
        add=True,
    )


# --- Reading: a row with the deltas below it not folded yet, in one statement ----------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def figures_of(
    units: list[Unit], year: int, keys: Iterable[str] | None = None
) -> dict[int, Figures]:
    """Each unit's figures for the year by key (its rows plus the deltas below them not folded
    yet), read in one statement (as youth.rollup.figures_of does); only `keys` when given.
    A unit without a row has zeros in its total."""
    found: dict[int, Figures] = {u.pk: {TOTAL: _zero()} for u in units}
    if not units:
        return found
    stats, deltas = _q(ActivityStats._meta.db_table), _q(ActivityStatsDelta._meta.db_table)
    lengths = sorted({len(u.path) for u in units})
    prefix = commonprefix([u.path for u in units])
    owner = "SUBSTR(d.unit_path, 1, tail_lengths.n)"
    sums = ", ".join(f"SUM(d.{_q(k)})" for k in COUNTERS)
    names = ", ".join(_q(k) for k in COUNTERS)
    added = ", ".join(f"s.{_q(k)} + COALESCE(t.{_q(k)}, 0)" for k in COUNTERS)
    marks = ", ".join(["%s"] * len(units))
    keys = sorted(set(keys)) if keys is not None else None
    key_filter = ""
    if keys is not None:
        key_filter = (
            f" AND s.{_q('key')} IN ({', '.join(['%s'] * len(keys))})" if keys else " AND 1 = 0"
        )
    once = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = (
        f"WITH tail_lengths (n) AS (VALUES {', '.join(['(%s)'] * len(lengths))}), "
        f"tail (owner, tkey, {names}) AS {once}(SELECT {owner}, d.{_q('key')}, {sums} "
        f"FROM {deltas} d JOIN tail_lengths ON LENGTH(d.unit_path) > tail_lengths.n "
        f"WHERE d.year = %s AND d.unit_path LIKE %s GROUP BY {owner}, d.{_q('key')}) "
        f"SELECT s.{_q('unit_id')}, s.{_q('key')}, {added} FROM {stats} s "
        f"LEFT JOIN tail t ON t.owner = s.unit_path AND t.tkey = s.{_q('key')} "
        f"WHERE s.year = %s AND s.{_q('unit_id')} IN ({marks}){key_filter}"
    )
    params = [*lengths, year, f"{prefix}%", year, *[u.pk for u in units], *(keys or [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, key, *values in cursor.fetchall():
            found[unit_id][key] = dict(zip(COUNTERS, (int(v) for v in values), strict=True))
    return found


# --- Counting every year again (manage.py recompute_stats) ----------------------------------


def counted_years() -> list[int]:
    years = set(ActivityStats.objects.values_list("year", flat=True).distinct())
    years.update(Activity.objects.values_list("year", flat=True).distinct())
    return sorted(years)


def _expected(year: int) -> tuple[dict[tuple[str, str], dict[str, int]], dict[int, Figures]]:
    """Every row's figures as they should be ((path, key) → the sum of the own figures in its
    subtree) and every unit's own figures, a thousand units at a time."""
    # The distinct units, not a row per activity or participation, come back.
    holders = set(
        Activity.objects.filter(year=year).order_by().values_list("unit_id", flat=True).distinct()
    )
    branches = set(
        Participation.objects.filter(activity__year=year)
        .order_by()
        .values_list("member__branch_id", flat=True)
        .distinct()
    )
    active = sorted(holders | branches)
    for start in range(0, len(active), CHUNK):
        ensure_rows(Unit.objects.filter(pk__in=active[start : start + CHUNK]), year, [TOTAL])
    sums: dict[tuple[str, str], dict[str, int]] = {}
    own: dict[int, Figures] = {}
    last_path = ""
    rows = (
        ActivityStats.objects.filter(year=year, key=TOTAL)
        .order_by("unit_path")
        .values_list("unit_id", "unit_path")
    )
    while page := list(rows.filter(unit_path__gt=last_path)[:CHUNK]):
        counted = count_units([unit_id for unit_id, _path in page], year)
        for unit_id, path in page:
            own[unit_id] = counted[unit_id]
            for key, figures in counted[unit_id].items():
                for owner in paths_to(path):
                    total = sums.setdefault((owner, key), _zero())
                    for k, v in figures.items():
                        total[k] += v
        last_path = page[-1][1]
    return sums, own


def differences() -> list[str]:
    """Every row whose figures (with the deltas below added) differ from a count, and the
    campaigns' rows (campaign_stats)."""
    found = campaign_stats.differences()
    for year in counted_years():
        sums, _own = _expected(year)
        rows = list(ActivityStats.objects.filter(year=year).select_related("unit"))
        units = list({r.unit_id: r.unit for r in rows}.values())
        read: dict[int, Figures] = {}
        for start in range(0, len(units), CHUNK):
            read.update(figures_of(units[start : start + CHUNK], year))
        for r in rows:
            want = sums.get((r.unit_path, r.key), _zero())
            have = read[r.unit_id].get(r.key, _zero())
            if have != want:
                found.append(f"activities {year} {r.unit_path} {r.key!r}: {have} ≠ {want}")
        missing = {pk for pk in sums} - {(r.unit_path, r.key) for r in rows}
        found += [f"activities {year} {p} {k!r}: no row" for p, k in sorted(missing)]
    return found


def fix() -> int:
    """Fold the ledger, then write the counted figures on every row that differs, under the
    fold lock (meant for a quiet moment). Returns the rows written."""
    written = 0
    with transaction.atomic():
        lock_folds()
        fold_all()
        for year in counted_years():
            sums, own = _expected(year)
            # The rows are made for the units having the same keys together, not a unit at a time.
            by_keys: dict[frozenset[str], list[int]] = defaultdict(list)
            for unit_id, figures in own.items():
                if figures:
                    by_keys[frozenset(figures)].append(unit_id)
            for keys, ids in by_keys.items():
                for start in range(0, len(ids), CHUNK):
                    ensure_rows(Unit.objects.filter(pk__in=ids[start : start + CHUNK]), year, keys)
            changed = []
            for r in ActivityStats.objects.filter(year=year).order_by("unit_path", "key"):
                want = sums.get((r.unit_path, r.key), _zero())
                mine = own.get(r.unit_id, {}).get(r.key, _zero())
                if any(getattr(r, k) != v for k, v in want.items()) or _own(r) != mine:
                    for k, v in want.items():
                        setattr(r, k, v)
                    _set_own(r, mine)
                    changed.append(r)
            _write(changed)
            written += len(changed)
        campaign_stats.fix()
    return written

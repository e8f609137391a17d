"""The "1+1" report's counters, kept on the training roll-ups' write path (training/rollup.py;
docs/architecture.md, "Roll-ups without a hot row").

- A unit's own figures for a calendar year (`count_units`: the referrals its branch follows,
  the groups attached to it, its survey of the year) change only in a write that locks the
  unit's row, counts the unit again, writes the figures on its row and appends the difference
  to the ledger (ReferralStatsDelta), all in the write's transaction (`recount`).
- The rows above hold the sums folded by `fold` (run with the other ledgers by
  `manage.py fold_rollups`, settings.ROLLUP_LEDGERS); every read adds the deltas below a row
  not folded yet in the same statement (`figures_of`), so the figures are exact at any moment.
- Rows are made when first needed (a unit and its ancestors, at zero): a unit without a row
  has nothing counted under it.
- A unit move: the paths (TreePathField) were rewritten by units.services.unit_move under the
  fold lock; `subtree_moved` moves what the old ancestors held of the subtree to the new ones.
  Every year follows the tree as it is now (unlike the training rows, no year keeps an old tree).
"""

from collections.abc import Iterable
from datetime import date
from os.path import commonprefix

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum

from doanvien.core.bulk import update_from_values, write_fields
from doanvien.core.ledger import fold_all_of, lock_folds
from doanvien.units.models import Unit, paths_to

from .models import COUNTERS, Group, Referral, ReferralStats, ReferralStatsDelta, Survey

CHUNK = 1000

# The referral date each counter counts (in the year), and the counters counting members.
DATED = {
    "youths_referred": "introduced_on",
    "joined_federation": "federation_on",
    "proposed": "proposed_on",
    "admitted": "admitted_on",
}


def _span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def count_units(unit_ids: Iterable[int], year: int) -> dict[int, dict[str, int]]:
    """The units' own figures for the year, counted from the referrals, groups and surveys (the
    one definition; the report and the recount test read it)."""
    ids = sorted(set(unit_ids))
    found = {pk: dict.fromkeys(COUNTERS, 0) for pk in ids}
    if not ids:
        return found
    first, last = _span(year)
    referrals = Referral.objects.filter(branch_id__in=ids)
    for counter, field in DATED.items():
        rows = (
            referrals.filter(**{f"{field}__range": (first, last)})
            .values("branch_id")
            .annotate(n=Count("id"), m=Count("member_id", distinct=True))
            .order_by()
        )
        for row in rows:
            found[row["branch_id"]][counter] = row["n"]
            if counter == "youths_referred":
                found[row["branch_id"]]["members_referring"] = row["m"]
    groups = (
        Group.objects.filter(unit_id__in=ids, attached_on__lte=last)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in groups:
        found[row["unit_id"]]["groups_attached"] = row["n"]
    surveys = Survey.objects.filter(unit_id__in=ids, year=year).values_list(
        "unit_id",
        "age_16_18",
        "age_19_24",
        "age_25_30",
        "members",
        "federation_members",
        "groups_found",
    )
    for unit_id, a, b, c, members, federation, groups_found in surveys:
        found[unit_id]["youths_surveyed"] = a + b + c
        found[unit_id]["members_surveyed"] = members
        found[unit_id]["federation_surveyed"] = federation
        found[unit_id]["groups_found"] = groups_found
    return found


def ensure_rows(units: Iterable[Unit], year: int) -> None:
    """The year's rows of these units and of their ancestors, made (at zero) where missing."""
    paths = {p for u in units for p in paths_to(u.path)}
    if not paths:
        return
    have = set(
        ReferralStats.objects.filter(year=year, unit_path__in=paths).values_list(
            "unit_path", flat=True
        )
    )
    new = Unit.objects.filter(path__in=paths - have).only("pk", "path")
    ReferralStats.objects.bulk_create(
        [ReferralStats(unit=u, year=year, unit_path=u.path) for u in new],
        ignore_conflicts=True,
    )


def recount(unit_ids: Iterable[int], years: Iterable[int]) -> None:
    """Count the units' own figures again in each year: lock their rows (in path order), count,
    write the figures on the rows and append the differences to the ledger."""
    units = list(Unit.objects.filter(pk__in=set(unit_ids)).order_by("path"))
    if not units:
        return
    for year in sorted(set(years)):
        ensure_rows(units, year)
        rows = list(
            ReferralStats.objects.select_for_update()
            .filter(year=year, unit__in=units)
            .order_by("unit_path")
        )
        counted = count_units([u.pk for u in units], year)
        changed, deltas = [], []
        for row in rows:
            now = counted[row.unit_id]
            delta = {k: v - row.own.get(k, 0) for k, v in now.items()}
            if not any(delta.values()):
                continue
            for k, v in delta.items():
                setattr(row, k, getattr(row, k) + v)
            row.own = now
            changed.append(row)
            deltas.append(ReferralStatsDelta(year=year, unit_path=row.unit_path, **delta))
        _write(changed)
        ReferralStatsDelta.objects.bulk_create(deltas, batch_size=CHUNK)


def years_of(referrals) -> set[int]:
    """The years any date of these referrals falls in."""
    years: set[int] = set()
    for values in referrals.values_list(*DATED.values()):
        years.update(d.year for d in values if d)
    return years


def _write(rows: list[ReferralStats]) -> None:
    write_fields(ReferralStats, rows, [*COUNTERS, "own"])


# --- Folding ----------------------------------------------------------------------------------


def fold(limit: int) -> int:
    """Add up to `limit` deltas to the rows of the units above theirs and delete them; the
    caller holds the fold lock in its transaction (training.rollup.fold)."""
    batch = list(
        ReferralStatsDelta.objects.order_by("id").values_list("id", "year", "unit_path", *COUNTERS)[
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
        ReferralStatsDelta.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    rows = [(year, path, *values) for (year, path), values in sorted(sums.items())]
    update_from_values(
        ReferralStats._meta.db_table, ("year", "unit_path"), COUNTERS, rows, add=True
    )
    return len(batch)


def backlog() -> int:
    """The deltas waiting to be folded (the folder's backlog, /readyz)."""
    return ReferralStatsDelta.objects.count()


# The folder folds this ledger with the others named in settings.ROLLUP_LEDGERS, through these
# names (training.rollup._fold, waiting).
fold_batch, waiting = fold, backlog


def fold_all() -> int:
    """Fold every delta waiting (a test, a rebuild)."""
    return fold_all_of(fold, CHUNK * 20)


# --- A unit move ------------------------------------------------------------------------------


def subtree_moved(old_path: str, unit: Unit) -> None:
    """The unit moved from `old_path` (its rows' and deltas' paths already rewritten, under the
    fold lock): what its old ancestors held of it goes to the new ones, in every year."""
    lock_folds()
    old_above, new_above = paths_to(old_path)[:-1], paths_to(unit.path)[:-1]
    for row in ReferralStats.objects.select_for_update().filter(unit=unit).order_by("year"):
        own = ReferralStatsDelta.objects.filter(year=row.year, unit_path=unit.path).aggregate(
            **{k: Sum(k) for k in COUNTERS}
        )
        held = {k: getattr(row, k) - (own[k] or 0) for k in COUNTERS}
        ensure_rows([unit], row.year)  # the deltas below fold into the new ancestors
        if not any(held.values()):
            continue
        ReferralStats.objects.filter(year=row.year, unit_path__in=old_above).update(
            **{k: F(k) - v for k, v in held.items()}
        )
        ReferralStats.objects.filter(year=row.year, unit_path__in=new_above).update(
            **{k: F(k) + v for k, v in held.items()}
        )


# --- Reading: a row with the deltas below it not folded yet, in one statement ----------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def figures_of(units: list[Unit], year: int) -> dict[int, dict[str, int]]:
    """Each unit's figures for the year (its row plus the deltas below it not folded yet), read
    in one statement: the ledger's rows under the units' common prefix are summed once per
    owner (a GROUP BY on the path cut to each of the units' path lengths, as training's
    tail_cte does), then joined to the rows, found by year and path (the index on both, whatever
    the planner's statistics say); zeros for a unit without a row."""
    found = {u.pk: dict.fromkeys(COUNTERS, 0) for u in units}
    if not units:
        return found
    stats, deltas = _q(ReferralStats._meta.db_table), _q(ReferralStatsDelta._meta.db_table)
    lengths = sorted({len(u.path) for u in units})
    prefix = commonprefix([u.path for u in units])
    owner = "SUBSTR(d.unit_path, 1, tail_lengths.n)"
    sums = ", ".join(f"SUM(d.{_q(k)})" for k in COUNTERS)
    names = ", ".join(_q(k) for k in COUNTERS)
    added = ", ".join(f"s.{_q(k)} + COALESCE(t.{_q(k)}, 0)" for k in COUNTERS)
    marks = ", ".join(["%s"] * len(units))
    # Summed once, whatever the planner guesses of the ledger's size (a nested loop would
    # otherwise group it again for every row).
    once = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = (
        f"WITH tail_lengths (n) AS (VALUES {', '.join(['(%s)'] * len(lengths))}), "
        f"tail (owner, {names}) AS {once}(SELECT {owner}, {sums} FROM {deltas} d "
        "JOIN tail_lengths ON LENGTH(d.unit_path) > tail_lengths.n "
        f"WHERE d.year = %s AND d.unit_path LIKE %s GROUP BY {owner}) "
        f"SELECT s.{_q('unit_id')}, {added} FROM {stats} s "
        "LEFT JOIN tail t ON t.owner = s.unit_path "
        f"WHERE s.year = %s AND s.unit_path IN ({marks})"
    )
    params = [*lengths, year, f"{prefix}%", year, *[u.path for u in units]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, *values in cursor.fetchall():
            found[unit_id] = dict(zip(COUNTERS, (int(v) for v in values), strict=True))
    return found


# --- Counting every year again (manage.py recompute_stats) ----------------------------------


def counted_years() -> list[int]:
    """The years that have rows or any dated referral or attached group."""
    years = set(ReferralStats.objects.values_list("year", flat=True).distinct())
    for field in DATED.values():
        years.update(d.year for d in Referral.objects.dates(field, "year"))
    years.update(d.year for d in Group.objects.dates("attached_on", "year"))
    years.update(Survey.objects.values_list("year", flat=True).distinct())
    return sorted(years)


def _expected(year: int) -> tuple[dict[str, dict[str, int]], dict[int, dict[str, int]]]:
    """Every row's figures as they should be (by path: the sum of the own figures in its
    subtree) and every unit's own figures, counted a thousand units at a time."""
    first, last = _span(year)
    active = set(
        Referral.objects.filter(
            Q(introduced_on__range=(first, last))
            | Q(federation_on__range=(first, last))
            | Q(proposed_on__range=(first, last))
            | Q(admitted_on__range=(first, last))
        ).values_list("branch_id", flat=True)
    ) | set(Group.objects.filter(attached_on__lte=last).values_list("unit_id", flat=True))
    active |= set(Survey.objects.filter(year=year).values_list("unit_id", flat=True))
    for start in range(0, len(active), CHUNK):
        ensure_rows(Unit.objects.filter(pk__in=sorted(active)[start : start + CHUNK]), year)
    sums: dict[str, dict[str, int]] = {}
    own: dict[int, dict[str, int]] = {}
    last_path = ""
    rows = ReferralStats.objects.filter(year=year).order_by("unit_path")
    while page := list(
        rows.filter(unit_path__gt=last_path).values_list("unit_id", "unit_path")[:CHUNK]
    ):
        counted = count_units([unit_id for unit_id, _path in page], year)
        for unit_id, path in page:
            own[unit_id] = counted[unit_id]
            for owner in paths_to(path):
                total = sums.setdefault(owner, dict.fromkeys(COUNTERS, 0))
                for k, v in counted[unit_id].items():
                    total[k] += v
        last_path = page[-1][1]
    return sums, own


def differences() -> list[str]:
    """Every row whose figures (with the deltas below added) differ from a count."""
    found = []
    for year in counted_years():
        sums, _own = _expected(year)
        rows = list(ReferralStats.objects.filter(year=year).select_related("unit"))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            read = figures_of([r.unit for r in chunk], year)
            for r in chunk:
                want = sums.get(r.unit_path, dict.fromkeys(COUNTERS, 0))
                if read[r.unit_id] != want:
                    found.append(f"1+1 {year} {r.unit_path}: {read[r.unit_id]} ≠ {want}")
    return found


def fix() -> int:
    """Fold the ledger, then write the counted figures on every row that differs, under the
    fold lock (meant for a quiet moment, like training's rebuild). Returns the rows written."""
    written = 0
    with transaction.atomic():
        fold_all()  # under the fold lock, held to the end of this transaction
        for year in counted_years():
            sums, own = _expected(year)
            changed = []
            for r in ReferralStats.objects.filter(year=year).order_by("unit_path"):
                want = sums.get(r.unit_path, dict.fromkeys(COUNTERS, 0))
                mine = own.get(r.unit_id, dict.fromkeys(COUNTERS, 0))
                held = {k: r.own.get(k, 0) for k in COUNTERS}
                if any(getattr(r, k) != v for k, v in want.items()) or held != mine:
                    for k, v in want.items():
                        setattr(r, k, v)
                    r.own = mine
                    changed.append(r)
            _write(changed)
            written += len(changed)
    return written

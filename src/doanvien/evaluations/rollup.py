"""The evaluations' roll-ups per unit and year (branches registered, submitted and recognised
strong; base unions registered, submitted and recognised 3-proactive; organisations',
leadership collectives' and members' yearly ratings recognised or approved, per level;
outstanding members proposed, introduced and admitted to the Party), kept exact in the
transaction of every change the way training/rollup.py keeps the programme's:

- A transition of a unit's evaluation changes that unit's own figures (`contribution`), and so
  does a member's rating (`rating_contribution`, counted at the branch that rated), a leadership
  collective's (`collective_contribution`, at its unit) and a Party
  introduction (`introduction_contribution`, at the branch that proposed): the write locks only
  that unit's row, adds the difference to it and appends it to the ledger
  (EvaluationStatsDelta) for the units above.
- The roll-ups' folder (`manage.py fold_rollups`, training.rollup.fold) folds this ledger too,
  under the fold lock (settings.ROLLUP_LEDGERS, core/ledger.other_ledgers): each delta is
  added to the rows of the units above its unit, then deleted, in one transaction.
- A read of units adds, in the same statement, the deltas below them not folded yet
  (`figures_for`, `figures_of`): exact whether the folder runs, lags or was killed.
- `expected` counts every unit again from the evaluations; `recompute_stats` lists the
  differences and `--fix` writes them.
- A unit move (actions/units.py) moves what the old ancestors hold of the subtree to the new
  ones (`subtree_moved`), in the move's transaction, under the fold lock."""

import os
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from doanvien.core.bulk import update_from_values
from doanvien.core.ledger import lock_folds
from doanvien.units.models import Unit, paths_to

from .models import (
    COUNTERS,
    CollectiveRating,
    Evaluation,
    EvaluationStats,
    EvaluationStatsDelta,
    MemberRating,
    PartyIntroduction,
    SchemeCode,
)

CHUNK = 1000
S = Evaluation.State
_PREFIX = {SchemeCode.STRONG_BRANCH: "branches", SchemeCode.THREE_PROACTIVE: "bases"}
_FINAL = {SchemeCode.STRONG_BRANCH: "strong", SchemeCode.THREE_PROACTIVE: "proactive"}


def contribution(scheme_code: str, state: str | None, level: str = "") -> dict[str, int]:
    """What one evaluation in this state adds to its unit's figures (None: no evaluation); an
    organisation's yearly rating counts, once recognised, at its level."""
    figures = dict.fromkeys(COUNTERS, 0)
    if scheme_code == SchemeCode.UNIT_RATING:
        if state == S.RECOGNISED and f"units_{level}" in figures:
            figures[f"units_{level}"] = 1
        return figures
    prefix = _PREFIX.get(scheme_code)
    if prefix is None or state is None:
        return figures
    figures[f"{prefix}_registered"] = 1
    figures[f"{prefix}_submitted"] = int(state in (S.SUBMITTED, S.RECOGNISED))
    figures[f"{prefix}_{_FINAL[scheme_code]}"] = int(state == S.RECOGNISED)
    return figures


def rating_contribution(state: str | None, level: str) -> dict[str, int]:
    """What one member's rating adds to its branch's figures: its level, once approved."""
    figures = dict.fromkeys(COUNTERS, 0)
    if state == MemberRating.State.APPROVED and f"ratings_{level}" in figures:
        figures[f"ratings_{level}"] = 1
    return figures


def collective_contribution(state: str | None, level: str) -> dict[str, int]:
    """What a leadership collective's rating adds to its unit's figures: its level, approved."""
    figures = dict.fromkeys(COUNTERS, 0)
    if state == CollectiveRating.State.APPROVED and f"collectives_{level}" in figures:
        figures[f"collectives_{level}"] = 1
    return figures


def introduction_contribution(introduced_on, probationary_on, *, exists: bool = True) -> dict:
    """What one Party introduction adds to its branch's figures: proposed, introduced (the
    base-union committee's resolution dated), admitted (probationary member, dated)."""
    figures = dict.fromkeys(COUNTERS, 0)
    if exists:
        figures["introductions_proposed"] = 1
        figures["introductions_introduced"] = int(introduced_on is not None)
        figures["introductions_admitted"] = int(probationary_on is not None)
    return figures


def changed(
    unit: Unit, year: int, scheme_code: str, before: str | None, after: str, level: str = ""
) -> None:
    """The unit's evaluation went from `before` to `after` (its level the same: only scoring
    changes it, in a state that counts no level): lock the unit's row, add the difference and
    leave it in the ledger for the units above (inside the write's transaction)."""
    moved(
        unit,
        year,
        contribution(scheme_code, before, level),
        contribution(scheme_code, after, level),
    )


def moved(unit: Unit, year: int, old: dict[str, int], new: dict[str, int]) -> None:
    """The unit's own figures went from `old` to `new` (contributions of one record): lock the
    unit's row, add the difference and leave it in the ledger for the units above (inside the
    write's transaction)."""
    delta = {k: new[k] - old[k] for k in COUNTERS if new[k] != old[k]}
    if not delta:
        return
    EvaluationStats.objects.bulk_create(
        [EvaluationStats(unit=unit, year=year)], ignore_conflicts=True
    )
    row = EvaluationStats.objects.select_for_update().get(unit=unit, year=year)
    EvaluationStats.objects.filter(pk=row.pk).update(**{k: F(k) + v for k, v in delta.items()})
    if unit.depth > 1:
        EvaluationStatsDelta.objects.create(year=year, unit_path=unit.path, **delta)


# --- Reading ------------------------------------------------------------------------------------


def _own(k: str) -> Subquery:
    rows = EvaluationStats.objects.filter(unit=OuterRef("pk"), year=OuterRef("_year"))
    return Subquery(rows.values(k)[:1], output_field=IntegerField())


def _tail(k: str) -> Subquery:
    deltas = (
        EvaluationStatsDelta.objects.filter(
            year=OuterRef("_year"), unit_path__startswith=OuterRef("path")
        )
        .exclude(unit_path=OuterRef("path"))
        .order_by()
        .values("year")
        .annotate(total=Sum(k))
        .values("total")
    )
    return Subquery(deltas[:1], output_field=IntegerField())


def with_figures(units: QuerySet[Unit], year: int) -> QuerySet[Unit]:
    """The units, each with the year's figures (`ev_<counter>`): its row plus the deltas below
    it not folded yet, in one statement."""
    units = units.annotate(_year=Value(year, output_field=IntegerField()))
    return units.annotate(
        **{f"ev_{k}": Coalesce(_own(k), 0) + Coalesce(_tail(k), 0) for k in COUNTERS}
    )


def tail_cte(year: int, prefix: str, lengths: Iterable[int]) -> tuple[str, list]:
    """`ev_tail_lengths` and `ev_tail (owner, counters…)`: for each unit path `prefix…` of one
    of these lengths, the sum of the ledger's deltas of the year below it (SQL for a WITH
    clause, and its parameters), so a statement reading many units adds their tails at once."""
    q = connection.ops.quote_name
    lengths = sorted(set(lengths)) or [0]
    owner = "SUBSTR(d.unit_path, 1, ev_tail_lengths.n)"
    sql = (
        f"ev_tail_lengths (n) AS (VALUES {', '.join(['(%s)'] * len(lengths))}), "
        f"ev_tail (owner, {', '.join(q(k) for k in COUNTERS)}) AS ("
        f"SELECT {owner}, {', '.join(f'SUM(d.{q(k)})' for k in COUNTERS)} "
        f"FROM {q(EvaluationStatsDelta._meta.db_table)} d "
        "JOIN ev_tail_lengths ON LENGTH(d.unit_path) > ev_tail_lengths.n "
        f"WHERE d.year = %s AND d.unit_path LIKE %s GROUP BY {owner})"
    )
    return sql, [*lengths, year, f"{prefix}%"]


def with_tail_sql(row: str = "es", tail: str = "et") -> str:
    """The year's figures of `row` (an EvaluationStats LEFT JOIN) plus `tail` (ev_tail)."""
    q = connection.ops.quote_name
    return ", ".join(f"COALESCE({row}.{q(k)}, 0) + COALESCE({tail}.{q(k)}, 0)" for k in COUNTERS)


def figures_for(units: list[Unit], year: int) -> dict[int, dict[str, int]]:
    """Unit id → the year's figures of each of these units (each counting its whole subtree):
    one statement, each unit's row joined to the sum of the deltas below it not folded yet
    (tail_cte, grouped once for all of them), where with_figures() runs two subqueries a
    counter and a unit."""
    if not units:
        return {}
    q = connection.ops.quote_name
    prefix = os.path.commonprefix([u.path for u in units])
    prefix = prefix[: len(prefix) - len(prefix) % Unit.steplen]
    tail, params = tail_cte(year, prefix, {len(u.path) for u in units})
    ids = [u.pk for u in units]
    sql = (
        f"WITH {tail} SELECT u.id, {with_tail_sql()} "
        f"FROM {q(Unit._meta.db_table)} u "
        f"LEFT JOIN {q(EvaluationStats._meta.db_table)} es ON es.unit_id = u.id AND es.year = %s "
        "LEFT JOIN ev_tail et ON et.owner = u.path "
        f"WHERE u.id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, year, *ids])
        found = {pk: dict(zip(COUNTERS, values, strict=True)) for pk, *values in cursor.fetchall()}
    return {u.pk: found.get(u.pk, dict.fromkeys(COUNTERS, 0)) for u in units}


def figures_of(unit: Unit, year: int) -> dict[str, int]:
    return figures_for([unit], year)[unit.pk]


def children_figures(unit: Unit, year: int) -> list[Unit]:
    return list(with_figures(unit.children().order_by("path"), year))


# --- Folding ------------------------------------------------------------------------------------


def fold_batch(limit: int) -> int:
    """Fold up to `limit` of the oldest deltas into the rows above their units (the caller holds
    the fold lock and the transaction: training.rollup._fold)."""
    batch = list(
        EvaluationStatsDelta.objects.order_by("id").values_list(
            "id", "year", "unit_path", *COUNTERS
        )[:limit]
    )
    if not batch:
        return 0
    sums: dict[tuple[int, str], Counter] = {}
    for _pk, year, path, *values in batch:
        for owner in paths_to(path)[:-1]:
            sums.setdefault((year, owner), Counter()).update(
                dict(zip(COUNTERS, values, strict=True))
            )
    _add(sums)
    ids = [pk for pk, *_rest in batch]
    for start in range(0, len(ids), CHUNK):
        EvaluationStatsDelta.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    return len(batch)


def _add(sums: dict[tuple[int, str], Counter]) -> None:
    """Add the sums to the rows of (year, unit path), creating the rows missing."""
    paths = sorted({path for _year, path in sums})
    ids = {}
    for start in range(0, len(paths), CHUNK):
        ids.update(
            Unit.objects.filter(path__in=paths[start : start + CHUNK]).values_list("path", "pk")
        )
    EvaluationStats.objects.bulk_create(
        [EvaluationStats(unit_id=ids[p], year=y) for y, p in sums if p in ids],
        ignore_conflicts=True,
        batch_size=CHUNK,
    )
    rows = [
        (ids[path], year, *(total.get(k, 0) for k in COUNTERS))
        for (year, path), total in sorted(sums.items())
        if path in ids
    ]
    update_from_values(
        EvaluationStats._meta.db_table, ("unit_id", "year"), COUNTERS, rows, add=True
    )


def waiting() -> int:
    return EvaluationStatsDelta.objects.count()


# --- A unit move -------------------------------------------------------------------------------


def subtree_moved(old_path: str, unit: Unit) -> None:
    """The unit moved from `old_path` to its current path (units.services.unit_move rewrote the
    paths of the deltas waiting below it, under the fold lock, in this transaction): what the
    old ancestors' rows hold of its subtree (its row less its own deltas not folded yet, which
    fold into the new ancestors later) leaves them and joins the new ones, in every year."""
    lock_folds()
    old_above, new_above = paths_to(old_path)[:-1], paths_to(unit.path)[:-1]
    rows = EvaluationStats.objects.select_for_update().filter(unit=unit).order_by("year")
    for row in rows:
        own = EvaluationStatsDelta.objects.filter(year=row.year, unit_path=unit.path).aggregate(
            **{k: Sum(k) for k in COUNTERS}
        )
        held = Counter({k: getattr(row, k) - (own[k] or 0) for k in COUNTERS})
        if not any(held.values()):
            continue
        sums = {(row.year, p): Counter({k: -v for k, v in held.items()}) for p in old_above}
        for p in new_above:
            total = sums.setdefault((row.year, p), Counter())
            for k, v in held.items():
                total[k] += v
        _add(sums)


# --- Counting again -----------------------------------------------------------------------------


def years() -> list[int]:
    found = set(Evaluation.objects.values_list("year", flat=True).distinct())
    found |= set(MemberRating.objects.values_list("year", flat=True).distinct())
    found |= set(CollectiveRating.objects.values_list("year", flat=True).distinct())
    found |= set(PartyIntroduction.objects.values_list("year", flat=True).distinct())
    found |= set(EvaluationStats.objects.values_list("year", flat=True).distinct())
    return sorted(found)


def expected(year: int) -> dict[str, Counter]:
    """Every unit's figures for the year counted from the evaluations, the members' ratings and
    the Party introductions, by unit path (a unit whose subtree has none is absent)."""
    sums: dict[str, Counter] = {}
    sources = (
        (Evaluation, ("scheme_code", "state", "level"), contribution),
        (MemberRating, ("state", "level"), rating_contribution),
        (CollectiveRating, ("state", "level"), collective_contribution),
        (PartyIntroduction, ("introduced_on", "probationary_on"), introduction_contribution),
    )
    for model, fields, count in sources:
        rows = model.objects.filter(year=year).order_by("pk")
        last = 0
        while chunk := list(
            rows.filter(pk__gt=last).values_list("pk", "unit_path", *fields)[:CHUNK]
        ):
            for _pk, path, *values in chunk:
                own = count(*values)
                for owner in paths_to(path):
                    sums.setdefault(owner, Counter()).update(own)
            last = chunk[-1][0]
    return sums


def _stored(year: int, paths: Iterable[str]) -> dict[str, dict[str, int]]:
    """The figures as read now (row plus tail) of the units with these paths or with a row."""
    with_row = EvaluationStats.objects.filter(year=year).values("unit_id")
    units = Unit.objects.filter(pk__in=with_row)
    found = {}
    for query in (
        units,
        *(Unit.objects.filter(path__in=chunk) for chunk in _chunks(sorted(paths))),
    ):
        for u in with_figures(query, year).values("path", *(f"ev_{k}" for k in COUNTERS)):
            found[u["path"]] = {k: u[f"ev_{k}"] for k in COUNTERS}
    return found


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def differences() -> list[str]:
    """Every figure read that differs from its recount, as readable lines."""
    found = []
    for year in years():
        want = expected(year)
        for path, have in _stored(year, want).items():
            for k in COUNTERS:
                if have[k] != want.get(path, {}).get(k, 0):
                    found.append(
                        f"evaluations {path} {year} {k}: stored {have[k]}, "
                        f"recomputed {want.get(path, {}).get(k, 0)}"
                    )
    return sorted(found)


def fix() -> int:
    """Write the recounted figures (less the deltas below not folded yet) on every row that
    differs, under the fold lock; how many rows changed."""
    written = 0
    with transaction.atomic():
        lock_folds()
        for year in years():
            want = expected(year)
            for path, have in _stored(year, want).items():
                target = want.get(path, Counter())
                if all(have[k] == target.get(k, 0) for k in COUNTERS):
                    continue
                unit = Unit.objects.get(path=path)
                EvaluationStats.objects.bulk_create(
                    [EvaluationStats(unit=unit, year=year)], ignore_conflicts=True
                )
                EvaluationStats.objects.filter(unit=unit, year=year).update(
                    **{k: F(k) + (target.get(k, 0) - have[k]) for k in COUNTERS}
                )
                written += 1
    return written

"""A unit's count of active members in its subtree, kept exact without a row that every member
write in the country shares (the same way as the yearly roll-ups, training/rollup.py).

A member write adds its change to its branch's `member_count` and appends it to the ledger
(`MemberCountDelta`); the folder (`manage.py fold_rollups`) adds the deltas to the units above
and deletes them, a batch a transaction, under the fold lock (core/ledger.py). A unit above a
branch counts its row plus the deltas below it not folded yet, read in one statement (`now`,
`with_counts`): the sum is the same before, during and after a fold."""

from django.db import connection
from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from doanvien.core.bulk import update_from_values

from .models import MemberCountDelta, Unit, paths_to

CHUNK = 1000


def adjust(path: str, delta: int) -> None:
    """Add `delta` to the count of the unit at `path` (a branch, or a unit whose subtree moves)
    and leave it in the ledger for every unit above."""
    if not delta:
        return
    Unit.objects.filter(path=path).update(member_count=F("member_count") + delta)
    if len(path) > Unit.steplen:
        MemberCountDelta.objects.create(unit_path=path, delta=delta)


def adjust_many(changes: dict[str, int]) -> None:
    """`adjust` for many units at once (unit path → change), in two statements a thousand:
    an import's chunk, whose members go to many branches. The rows are locked in path order
    first, as writers of one branch each lock theirs (no two writers wait for each other in
    opposite orders)."""
    changes = {path: delta for path, delta in sorted(changes.items()) if delta}
    paths = list(changes)
    for start in range(0, len(paths) if connection.vendor == "postgresql" else 0, CHUNK):
        part = paths[start : start + CHUNK]
        locked = Unit.objects.select_for_update(no_key=True).filter(path__in=part)
        list(locked.order_by("path").values_list("pk", flat=True))
    update_from_values(
        Unit._meta.db_table, ("path",), ("member_count",), list(changes.items()), add=True
    )
    MemberCountDelta.objects.bulk_create(
        [
            MemberCountDelta(unit_path=path, delta=delta)
            for path, delta in changes.items()
            if len(path) > Unit.steplen
        ],
        batch_size=CHUNK,
    )


def _below(path_ref) -> Subquery:
    """The sum of the deltas strictly below the path (SUM as a plain function: one row, no
    GROUP BY)."""
    deltas = MemberCountDelta.objects.filter(unit_path__startswith=path_ref).exclude(
        unit_path=path_ref
    )
    total = deltas.order_by().annotate(total=Func(F("delta"), function="SUM")).values("total")
    return Subquery(total[:1], output_field=IntegerField())


def with_counts(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units with `members_now`: their count of active members, the deltas below added."""
    return units.annotate(members_now=F("member_count") + Coalesce(_below(OuterRef("path")), 0))


def exact(units: QuerySet[Unit]) -> list[Unit]:
    """The units, each `member_count` holding the count now (the deltas below added)."""
    found = list(with_counts(units))
    for unit in found:
        unit.member_count = unit.members_now
    return found


def now(unit: Unit) -> int:
    """The unit's count of active members now (one statement)."""
    return with_counts(Unit.objects.filter(pk=unit.pk)).values_list("members_now", flat=True)[0]


def subtree_leaving(path: str) -> int:
    """The unit at `path` is about to move (under the fold lock): lock its subtree's units, so
    that the member writes in it finish first, take out of the units above it what they hold of
    it, and return that, for `subtree_arrived`. The deltas below it not folded yet move with the
    subtree's paths (a TreePathField), to be folded into its new ancestors: what the units
    above hold is its count less its own deltas (a branch's, which its count already has)."""
    list(
        Unit.objects.select_for_update()
        .filter(path__startswith=path)
        .order_by("path")
        .values_list("pk")
    )
    own = MemberCountDelta.objects.filter(unit_path=path).aggregate(n=Sum("delta"))["n"] or 0
    count = Unit.objects.get(path=path).member_count - own
    _add_above(path, -count)
    return count


def subtree_arrived(path: str, count: int) -> None:
    """The moved unit, now at `path`, is counted by its new ancestors."""
    _add_above(path, count)


def _add_above(path: str, delta: int) -> None:
    """Add `delta` to the counts of the units above `path`, directly: only under the fold lock,
    never on a member write."""
    if delta:
        Unit.objects.filter(path__in=paths_to(path)[:-1]).update(
            member_count=F("member_count") + delta
        )


def fold(limit: int) -> int:
    """Add up to `limit` deltas to the units above their branches and delete them; the caller
    holds the fold lock in its transaction (training.rollup.fold, with JIT off). Returns how
    many were folded."""
    batch = list(
        MemberCountDelta.objects.order_by("id").values_list("id", "unit_path", "delta")[:limit]
    )
    if not batch:
        return 0
    sums: dict[str, int] = {}
    for _pk, path, delta in batch:
        for owner in paths_to(path)[:-1]:
            sums[owner] = sums.get(owner, 0) + delta
    ids = [pk for pk, _path, _delta in batch]
    for start in range(0, len(ids), CHUNK):
        MemberCountDelta.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    changes = sorted((path, n) for path, n in sums.items() if n)
    update_from_values(Unit._meta.db_table, ("path",), ("member_count",), changes, add=True)
    return len(batch)

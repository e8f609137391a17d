"""The dues ledger, kept like the training roll-ups (training/rollup.py, docs/architecture.md
"Roll-ups without a hot row"): a payment locks and writes only its branch's row for the month
and appends the change of the branch's third to the ledger (LedgerDelta); the folder
(`fold`, run by `manage.py fold_rollups` with the other ledgers, under the fold lock) adds the
deltas to the parents' rows and carries each parent's own change of third up to the root, in
one transaction; every read adds, in the same statement, the deltas below the unit not folded
yet, carried up the same way (rules.cascade), so figures are exact at any moment."""

from django.db import connection
from django.db.models import F

from doanvien.core.bulk import update_from_values
from doanvien.core.ledger import fold_all_of, lock_folds
from doanvien.units.models import Unit

from . import rules
from .models import LedgerDelta, LedgerRow

CHUNK = 1000


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def remits_of(paths: set[str]):
    """Whether a unit remits to its parent (a unit abroad under the root does not): only the
    units of depth 2 among `paths` are looked up."""
    tops = [p for p in paths if len(p) == 2 * rules.STEP]
    found = dict(Unit.objects.filter(path__in=tops).values_list("path", "sector")) if tops else {}
    return lambda path: rules.remits_to_parent(len(path) // rules.STEP, found.get(path, ""))


def hold_branch(branch: Unit) -> Unit:
    """The branch (or any unit) as it stands, held against a move of its subtree until the
    caller's transaction ends. A payment (or its cancelling) writes the branch's path on its
    ledger row, its delta and its record; an exemption checks the member's branch is under the
    union; a remittance writes the sender's path and goes to the unit above it: a move that
    committed after the caller read the unit, or that is rewriting the subtree's paths now, would
    leave those at the old place. Its unit row is
    locked FOR KEY SHARE (the path is a unique key: the move's rewrite of the units' paths
    waits for this transaction, and this lock waits for a move that got there first), then
    read again. Writers of one branch do not wait for each other (shared), nor for its member
    counts (FOR NO KEY UPDATE). SQLite runs one writing transaction at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {_q(Unit._meta.db_table)} WHERE id = %s FOR KEY SHARE",
                [branch.pk],
            )
    return Unit.objects.get(pk=branch.pk)


def branch_rows(branch: Unit, year: int, months: set[int]) -> dict[int, LedgerRow]:
    """The branch's rows for these months, created if missing, locked (in month order)."""
    LedgerRow.objects.bulk_create(
        [
            LedgerRow(unit=branch, unit_path=branch.path, depth=branch.depth, year=year, month=m)
            for m in sorted(months)
        ],
        ignore_conflicts=True,
    )
    rows = LedgerRow.objects.select_for_update().filter(
        unit=branch, year=year, month__in=sorted(months)
    )
    return {r.month: r for r in rows.order_by("month")}


def collect(branch: Unit, year: int, month: int, amount: int) -> None:
    """Add `amount` (negative: a cancellation) to what the branch collected in the month, in the
    caller's transaction: its row locked and written, the change of its third left for the
    folder. Nothing above the branch is written."""
    if not amount:
        return
    row = branch_rows(branch, year, {month})[month]
    old = row.collected
    row.collected = old + amount
    row.save(update_fields=["collected"])
    if rules.remits_to_parent(branch.depth, branch.sector):
        up = row.collected // 3 - old // 3
        if up:
            LedgerDelta.objects.create(unit_path=branch.path, year=year, month=month, amount=up)


# --- Folding --------------------------------------------------------------------------------


def fold(limit: int) -> int:
    """Add up to `limit` deltas (the oldest) to the rows above, carrying each unit's change of
    third to its parent, and delete them; the caller holds the fold lock in its transaction
    (training.rollup.fold). Returns how many were folded."""
    batch = list(
        LedgerDelta.objects.order_by("id").values_list(
            "id", "unit_path", "year", "month", "amount"
        )[:limit]
    )
    if not batch:
        return 0
    by_year: dict[int, dict[tuple[str, int], int]] = {}
    for _pk, path, year, month, amount in batch:
        owed = by_year.setdefault(year, {})
        owed[(path, month)] = owed.get((path, month), 0) + amount
    for year, owed in sorted(by_year.items()):
        paths = {p for p, _m in owed}
        above = {a for p in paths for a in _ancestors(p)}
        stored = {
            (p, m): c
            for p, m, c in LedgerRow.objects.filter(year=year, unit_path__in=list(above))
            .values_list("unit_path", "month", "collected")
            .iterator(CHUNK)
        }
        changed = rules.cascade(stored, owed, remits_of(above))
        _write(year, changed, stored)
    ids = [pk for pk, *_rest in batch]
    for start in range(0, len(ids), CHUNK):
        LedgerDelta.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    return len(batch)


def _ancestors(path: str) -> list[str]:
    return [path[:n] for n in range(rules.STEP, len(path), rules.STEP)]


def _write(year: int, changed: dict[tuple[str, int], int], stored: dict) -> None:
    """Write the new figures of the rows above (creating those missing)."""
    missing = {p for (p, m) in changed if (p, m) not in stored}
    if missing:
        units = {u.path: u for u in Unit.objects.filter(path__in=list(missing))}
        LedgerRow.objects.bulk_create(
            [
                LedgerRow(unit=units[p], unit_path=p, depth=units[p].depth, year=year, month=m)
                for (p, m) in sorted(changed)
                if (p, m) not in stored and p in units
            ],
            ignore_conflicts=True,
        )
    values = [(path, year, month, value) for (path, month), value in sorted(changed.items())]
    update_from_values(
        LedgerRow._meta.db_table, ("unit_path", "year", "month"), ("collected",), values
    )


# The folder (training.rollup.fold, manage.py fold_rollups) folds this ledger too: it is named in
# settings.ROLLUP_LEDGERS, whose modules fold a batch with `fold_batch(limit)`.
fold_batch = fold


def waiting() -> int:
    return LedgerDelta.objects.count()


def fold_all() -> int:
    """Fold every delta waiting, under the fold lock (a test, a recount)."""
    return fold_all_of(fold, 20000)


# --- A unit move -------------------------------------------------------------------------------


def subtree_moved(old_path: str, unit: Unit) -> None:
    """The unit moved from `old_path` to its current path (units.services.unit_move rewrote the
    paths of its subtree's rows and of the deltas waiting below it, under the fold lock, in
    this transaction). What its old parent collected of it (its third, as folded) leaves the
    old ancestors, each one's change of third carried up (rules.cascade), and joins the new
    ones the same way; the deltas waiting fold into the new ancestors later. The rows' depths
    follow the tree; a unit whose remitting changed with its depth (a unit abroad moved to or
    from under the root) owes its new parent its whole third, or nothing."""
    lock_folds()
    shift = unit.depth - len(old_path) // rules.STEP
    if shift:
        LedgerRow.objects.filter(unit_path__startswith=unit.path).update(depth=F("depth") + shift)
    _remitting_moved(
        old_path,
        unit,
        rules.remits_to_parent(len(old_path) // rules.STEP, unit.sector),
        rules.remits_to_parent(unit.depth, unit.sector),
    )


def sector_changed(unit: Unit, old_sector: str) -> None:
    """The unit's sector changed in place, without a move (units.services.unit_update, in this
    transaction). A unit directly under the root that became "overseas" remits nothing home
    from now on: what the root collected of it (its third, as folded) leaves the root; one that
    stopped being "overseas" owes the root its whole third. The deltas waiting below it fold
    with the new rule (rules.cascade reads the sector as it stands)."""
    old = rules.remits_to_parent(unit.depth, old_sector)
    new = rules.remits_to_parent(unit.depth, unit.sector)
    if old == new:
        return
    lock_folds()
    _remitting_moved(unit.path, unit, old, new)


def _remitting_moved(old_path: str, unit: Unit, old_remits: bool, new_remits: bool) -> None:
    """What the unit's old ancestors (above `old_path`) hold of it, its third as folded,
    leaves them if it remitted; it joins the ancestors above its current path if it remits
    now. Its own deltas not folded yet are not in the rows above: they fold later (or are
    dropped if it remits nothing any more)."""
    rows = LedgerRow.objects.select_for_update().filter(unit=unit).order_by("year", "month")
    by_year: dict[int, dict[int, int]] = {}
    for row in rows:
        by_year.setdefault(row.year, {})[row.month] = row.collected
    waiting_own = LedgerDelta.objects.filter(unit_path=unit.path)
    own: dict[tuple[int, int], int] = {}
    for year, month, amount in waiting_own.values_list("year", "month", "amount"):
        own[(year, month)] = own.get((year, month), 0) + amount
    if not new_remits:
        waiting_own.delete()  # nothing goes up from it any more
    for year, months in sorted(by_year.items()):
        held, owed = {}, {}
        for month, collected in months.items():
            unfolded = own.get((year, month), 0)
            held[(old_path, month)] = -(collected // 3 - unfolded) if old_remits else 0
            owed[(unit.path, month)] = collected // 3 - unfolded if new_remits else 0
        _carry(year, held)
        _carry(year, owed)


def _carry(year: int, owed: dict[tuple[str, int], int]) -> None:
    """Add what the units at these paths owe their parents to the stored rows above them,
    carried up to the root, and write them."""
    owed = {k: v for k, v in owed.items() if v}
    if not owed:
        return
    above = {a for p, _m in owed for a in _ancestors(p)}
    stored = {
        (p, m): c
        for p, m, c in LedgerRow.objects.select_for_update()
        .filter(year=year, unit_path__in=sorted(above))
        .order_by("unit_path", "month")
        .values_list("unit_path", "month", "collected")
    }
    _write(year, rules.cascade(stored, owed, remits_of(above)), stored)


# --- Reading: rows and the deltas below them, in one statement ------------------------------


def read(unit: Unit, year: int, *, children: bool = False) -> dict[str, dict[int, int]]:
    """What the unit (and, if asked, each of its children) collected in each month of the year,
    as it is now: the stored rows plus the deltas below them not folded yet, carried up. One
    SQL statement reads the rows and the deltas together (a fold moves a delta into the rows in
    one transaction: the statement sees it on one side only). Returns path → month → amount."""
    rows_t, deltas_t = _q(LedgerRow._meta.db_table), _q(LedgerDelta._meta.db_table)
    path = unit.path
    # The rows wanted, and those of the units between a waiting delta and the unit (needed to
    # carry it up): the prefixes of the deltas' paths.
    lengths = list(range(len(path), len(path) + 12 * rules.STEP, rules.STEP))
    sql = (
        f"WITH d AS (SELECT unit_path, month, amount FROM {deltas_t} "
        "WHERE year = %s AND unit_path LIKE %s AND unit_path <> %s), "
        f"lens (n) AS (VALUES {', '.join(['(%s)'] * len(lengths))}), "
        "chain AS (SELECT DISTINCT SUBSTR(d.unit_path, 1, lens.n) AS p, d.month FROM d "
        "JOIN lens ON lens.n < LENGTH(d.unit_path)) "
        f"SELECT 'r', r.unit_path, r.month, r.collected FROM {rows_t} r WHERE r.year = %s AND ("
        "r.unit_path = %s"
        + (" OR (r.depth = %s AND r.unit_path LIKE %s)" if children else "")
        + " OR (r.unit_path, r.month) IN (SELECT p, month FROM chain)) "
        "UNION ALL SELECT 'd', unit_path, month, amount FROM d"
    )
    params = [year, f"{path}%", path, *lengths, year, path]
    if children:
        params += [unit.depth + 1, f"{path}%"]
    stored: dict[tuple[str, int], int] = {}
    owed: dict[tuple[str, int], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, p, month, amount in cursor.fetchall():
            target = stored if kind == "r" else owed
            target[(p, month)] = target.get((p, month), 0) + int(amount)
    if owed:
        tops = {p[: 2 * rules.STEP] for p, _m in owed}
        stored.update(rules.cascade(stored, owed, remits_of(tops), top=path))
    found: dict[str, dict[int, int]] = {}
    for (p, month), amount in stored.items():
        if p == path or (children and len(p) == len(path) + rules.STEP):
            found.setdefault(p, {})[month] = amount
    return found

"""Checking and mending the dues ledger rows from the payments (`manage.py recompute_dues`).

A branch's row for a month must hold the valid payments it received that month. A unit above
must satisfy, with the deltas waiting to be folded into it: its row + the waiting changes of
its children's thirds = the sum of its children's thirds (rows as stored). Checked bottom-up
one unit of depth 2 (a province) at a time, under the fold lock, in one transaction; with
`fix`, the rows that differ are written. Meant for a quiet moment, like recompute_stats."""

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import ExtractMonth

from doanvien.core.bulk import update_from_values
from doanvien.core.ledger import lock_folds
from doanvien.units.models import Unit

from . import rules
from .models import LedgerDelta, LedgerRow, Payment

CHUNK = 1000


def _rows(prefix: str, year: int, *, exact: bool = False) -> dict[tuple[str, int], int]:
    rows = LedgerRow.objects.filter(year=year)
    rows = rows.filter(unit_path=prefix) if exact else rows.filter(unit_path__startswith=prefix)
    return {
        (p, m): c for p, m, c in rows.values_list("unit_path", "month", "collected").iterator(CHUNK)
    }


def _pending(prefix: str, year: int) -> dict[tuple[str, int], int]:
    """The waiting deltas, by the parent they are owed to."""
    found: dict[tuple[str, int], int] = {}
    rows = LedgerDelta.objects.filter(year=year, unit_path__startswith=prefix)
    for path, month, amount in rows.values_list("unit_path", "month", "amount").iterator(CHUNK):
        key = (rules.parent_of(path), month)
        found[key] = found.get(key, 0) + amount
    return found


def _paid(prefix: str, year: int) -> dict[tuple[str, int], int]:
    rows = (
        Payment.objects.filter(
            unit__path__startswith=prefix, state=Payment.State.VALID, received_on__year=year
        )
        .annotate(m=ExtractMonth("received_on"))
        .values_list("unit__path", "m")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {(p, m): int(t) for p, m, t in rows.iterator(CHUNK)}


def _expected(
    units: dict[str, tuple[bool, int, str]],
    paid: dict[tuple[str, int], int],
    pending: dict[tuple[str, int], int],
) -> dict[tuple[str, int], int]:
    """What every unit's row should hold: a branch its payments; a unit above its children's
    thirds less what still waits in the ledger for it."""
    expected: dict[tuple[str, int], int] = {}
    for path in sorted(units, key=len, reverse=True):
        is_branch, _depth, _sector = units[path]
        for month in range(1, 13):
            if is_branch:
                expected[(path, month)] = paid.get((path, month), 0)
    sums: dict[tuple[str, int], int] = {}
    for path in sorted(units, key=len, reverse=True):
        is_branch, depth, sector = units[path]
        for month in range(1, 13):
            if not is_branch:
                expected[(path, month)] = sums.get((path, month), 0) - pending.get((path, month), 0)
            if rules.remits_to_parent(depth, sector) and len(path) > rules.STEP:
                key = (rules.parent_of(path), month)
                sums[key] = sums.get(key, 0) + expected[(path, month)] // 3
    return expected


def _units(prefix: str) -> dict[str, tuple[bool, int, str]]:
    return {
        p: (k == Unit.Kind.BRANCH, d, s)
        for p, k, d, s in Unit.objects.filter(path__startswith=prefix)
        .values_list("path", "kind", "depth", "sector")
        .iterator(CHUNK)
    }


def check(year: int, *, fix: bool = False) -> list[str]:
    """Every difference between the rows and the payments (and what the rows above must hold),
    as lines; with `fix`, the rows are written."""
    lines: list[str] = []
    with transaction.atomic():
        lock_folds()
        for root in Unit.objects.filter(depth=1).order_by("path"):
            tops = {}
            for top in root.children().order_by("path"):
                units = _units(top.path)
                stored = _rows(top.path, year)
                expected = _expected(units, _paid(top.path, year), _pending(top.path, year))
                lines += _compare(year, stored, expected, fix=fix)
                for month in range(1, 13):
                    tops[(top.path, month)] = expected[(top.path, month)]
            # The root: its children's thirds less what waits for it.
            pending = _pending(root.path, year)
            stored = _rows(root.path, year, exact=True)
            expected = {}
            for month in range(1, 13):
                total = sum(
                    value // 3
                    for (path, m), value in tops.items()
                    if m == month and rules.remits_to_parent(2, _sector(path))
                )
                expected[(root.path, month)] = total - pending.get((root.path, month), 0)
            lines += _compare(year, stored, expected, fix=fix)
    return lines


def _sector(path: str) -> str:
    return Unit.objects.filter(path=path).values_list("sector", flat=True).first() or ""


def _compare(year: int, stored: dict, expected: dict, *, fix: bool) -> list[str]:
    wrong = {key: value for key, value in expected.items() if stored.get(key, 0) != value}
    lines = [
        f"{path} {year}-{month:02d}: {stored.get((path, month), 0)} ≠ {value}"
        for (path, month), value in sorted(wrong.items())
    ]
    if fix and wrong:
        missing = {path for (path, month) in wrong if (path, month) not in stored}
        units = {u.path: u for u in Unit.objects.filter(path__in=list(missing))}
        LedgerRow.objects.bulk_create(
            [
                LedgerRow(unit=units[p], unit_path=p, depth=units[p].depth, year=year, month=m)
                for (p, m) in sorted(wrong)
                if (p, m) not in stored
            ],
            ignore_conflicts=True,
        )
        update_from_values(
            LedgerRow._meta.db_table,
            ("unit_path", "year", "month"),
            ("collected",),
            [(p, year, m, v) for (p, m), v in sorted(wrong.items())],
        )
    return lines


def years() -> list[int]:
    return sorted(set(LedgerRow.objects.values_list("year", flat=True).distinct()))

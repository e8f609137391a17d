"""The fold lock: the counters kept above the branches (a unit's member count, the yearly
roll-ups) are written by a write's own branch row plus a delta in a ledger, which a folder adds
to the rows above (units/member_counts.py, training/rollup.py). Whoever writes the rows above,
or moves ledger rows (the folder, a unit move, a rebuild), holds this lock for the rest of his
transaction: one at a time, so that no delta is added twice or to a unit it has left."""

from importlib import import_module

from django.conf import settings
from django.db import connection, transaction

FOLD_LOCK = 0x646F616E  # a PostgreSQL advisory lock's key ("doan")


def lock_folds(*, wait: bool = True) -> bool:
    """Take the fold lock until the transaction ends; False if `wait` is off and another
    transaction holds it. (SQLite runs one writing transaction at a time: nothing to take.)"""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
        return bool(cursor.fetchone()[0])


def jit_off() -> None:
    """A fold's statements over a big batch pass PostgreSQL's JIT threshold on the planner's
    guesses, and compiling costs more than running them (bench/rowlocks.py): off for the
    transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def other_ledgers() -> list:
    """The other ledgers folded with the roll-ups': the modules named in
    settings.ROLLUP_LEDGERS (an app above training keeps its own roll-ups), each with
    `fold_batch(limit)` → how many deltas it folded (called under the fold lock, in the
    folder's transaction) and `waiting()` → how many wait."""
    return [import_module(name) for name in getattr(settings, "ROLLUP_LEDGERS", [])]


def fold_all_of(fold, batch: int) -> int:
    """Fold every delta a ledger holds (its `fold(limit)`, `batch` at a time) in one
    transaction under the fold lock (a test, a rebuild); how many were folded."""
    folded = 0
    with transaction.atomic():
        lock_folds()
        jit_off()
        while n := fold(batch):
            folded += n
    return folded

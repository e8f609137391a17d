"""The fold lock: the counters kept above the branches (a unit's member count, the yearly
roll-ups) are written by a write's own branch row plus a delta in a ledger, which a folder adds
to the rows above (units/member_counts.py, training/rollup.py). Whoever writes the rows above,
or moves ledger rows (the folder, a unit move, a rebuild), holds this lock for the rest of his
transaction: one at a time, so that no delta is added twice or to a unit it has left."""

from django.db import connection
from django.utils.module_loading import import_string

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


# Ledgers of the apps above training (dues, …) fold in the same transaction as the roll-ups and
# the member counts (training.rollup.fold): each app registers its folder in its AppConfig.ready.
_FOLDERS: dict[str, tuple[str, str]] = {}


def register_folder(name: str, fold: str, waiting: str) -> None:
    """By dotted path: `fold(limit) -> int` folds up to `limit` deltas under the fold lock;
    `waiting() -> int` counts those left."""
    _FOLDERS[name] = (fold, waiting)


def registered_folders() -> list[tuple]:
    """(fold, waiting) of each registered ledger, in the order of their names."""
    return [
        (import_string(fold), import_string(waiting))
        for fold, waiting in (_FOLDERS[name] for name in sorted(_FOLDERS))
    ]

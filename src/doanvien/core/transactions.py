"""The services' transaction: `transaction.atomic`, run again when PostgreSQL ends it with a
deadlock or a serialization failure, so that a member whose write met another one at the wrong
moment gets his answer, not an error.

A service's transaction is retried only where it is the outermost one (a view, the API, a job
calling it): inside another transaction it is a savepoint, and the outermost one decides. A
retried service runs from the start again, so it must read what it changes inside its
transaction (the services lock and re-read their rows first: `lock_registration`, …), never
trust what an earlier attempt left in memory.
"""

import functools
import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# A refusal past the retries answers 503 with this Retry-After (core/middleware.py, api/errors.py).
BUSY_SECONDS = 2
# PostgreSQL's serialization_failure and deadlock_detected.
RETRYABLE = frozenset({"40001", "40P01"})
ATTEMPTS = 3


def retryable(error: BaseException) -> bool:
    """Whether the database refused the work only because of another transaction at the same
    time: PostgreSQL's deadlock or serialization failure, SQLite's lock held past its busy
    timeout (one writer at a time)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__ or error
    if getattr(cause, "sqlstate", None) in RETRYABLE:
        return True
    return str(error) in ("database is locked", "database table is locked")


def busy_message() -> str:
    return _(
        "The system is busy with other changes at this moment: nothing was saved. "
        "Try again in a few seconds."
    )


def atomic(func=None, *, attempts: int = ATTEMPTS):
    """Decorate a service: it runs in a transaction, tried up to `attempts` times in all."""
    if func is None:
        return functools.partial(atomic, attempts=attempts)

    @functools.wraps(func)
    def run(*args, **kwargs):
        if connection.in_atomic_block:
            with transaction.atomic():
                return func(*args, **kwargs)
        for attempt in range(1, attempts + 1):
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as error:
                if attempt == attempts or not retryable(error):
                    raise
                logger.warning("%s: %s, attempt %s again", func.__qualname__, error, attempt + 1)
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    return run


@contextmanager
def streaming() -> Iterator[None]:
    """A block whose `queryset.iterator()` streams rows from the server as it goes (an export of
    a province's members), whatever the connection: on PostgreSQL it runs in one transaction,
    with server-side cursors on even behind a pooler in transaction mode (settings.
    DATABASE_POOLER turns them off elsewhere: outside a transaction they would outlive it); a
    transaction there also gives the export one snapshot. SQLite reads as it goes anyway, and a
    transaction there would take the write lock: nothing is done."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        shared = connection.settings_dict
        # This thread's connection only (the dict itself is shared by the threads' connections).
        connection.settings_dict = {**shared, "DISABLE_SERVER_SIDE_CURSORS": False}
        try:
            yield
        finally:
            connection.settings_dict = shared

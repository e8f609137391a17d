"""Files kept through `default_storage` whose rows change in a transaction."""

import contextlib

from django.core.files.storage import default_storage
from django.db import transaction


def delete_on_commit(name: str) -> None:
    """Delete a stored file once the transaction that stopped pointing to it commits: if it
    rolls back, the row still points to the file, and the file is still there."""
    if name:
        transaction.on_commit(lambda: delete_now(name))


def delete_now(name: str) -> None:
    """Best effort: no row points to the file (a failed write's upload, a committed change)."""
    with contextlib.suppress(OSError):
        default_storage.delete(name)

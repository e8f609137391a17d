"""The import a write belongs to, while an import writes (core/spreadsheets/importing.py): rows
of the ledgers that a service appends to rather than counts again (the audit trail, the member
movement ledger) carry its id in a field of type `core.fields.ImportIdField`, so that an import
that cannot be finished takes them back with the rest of what it wrote."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[uuid.UUID | None] = ContextVar("doanvien_import", default=None)


def current() -> uuid.UUID | None:
    """The id of the import being written in this thread, None outside one."""
    return _current.get()


@contextmanager
def tagged(import_id: uuid.UUID | None) -> Iterator[None]:
    """Inside the block, the rows written by the services carry `import_id`."""
    token = _current.set(import_id)
    try:
        yield
    finally:
        _current.reset(token)

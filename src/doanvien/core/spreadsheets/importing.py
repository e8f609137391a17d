"""What every import from a spreadsheet shares: upload → preview → confirm, all or nothing.

An import (`SheetImport`, one per run) reads a sheet (reading.open_sheet) with its domain's
column table and checks every row with its domain's rule. The preview (confirm=False) checks
everything and writes nothing; the confirmation checks everything again (the database may
have changed since the preview), outside any transaction, and writes only if no error is
found. Errors name the row, the column and the value as in the file (`RowError`); the result
(`ImportResult`) says what was (or would be) created and updated, with a sample of the rows
(`RowPreview`). `import_outcome` words the result as the end of an import job.

The writes go a chunk at a time (`chunk_rows()` rows, settings.IMPORT_CHUNK_ROWS), each chunk
in a short transaction of its own (`SheetImport.chunk_transaction`), so that every other
writer waits for a chunk, never for the whole file (SQLite has one writer at a time). Each
chunk's transaction also writes what undoes it (`core.models.ImportChunk`); the import is done
in one more short transaction that records it and deletes those rows. If a chunk finds that
the database changed since the check (an error, or a unique value taken meanwhile), the
chunks already written are undone, the last first, each in a transaction of its own, through
the same services as the writes, so that counts and ledgers stay exact (`undo_import`); an
import whose worker died in the middle is undone the same way when a worker starts
(jobs.services.fail_abandoned_jobs). What is written meanwhile carries the import's id where a
ledger only appends (core/import_tags.py): it is deleted with it. docs/architecture.md, "An
import in short transactions".
"""

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import audit, import_tags
from ..fields import import_id_fields
from ..models import AuditEvent, AuditPersonal, ImportChunk
from .reading import (
    ColumnSpec,
    HeaderSheet,
    SpreadsheetError,
    cell_text,
    open_sheet,
    rows_allowed,
)
from .writing import error_report_xlsx

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Written = Callable[["ImportResult"], None]

DEFAULT_MAX_LISTED_ERRORS = 10_000
# Rows an import writes in one transaction (settings.IMPORT_CHUNK_ROWS): another writer waits
# at most about as long as one such chunk takes. bench/import_members.py measures the wait.
DEFAULT_CHUNK_ROWS = 500
# Rows carrying an undone import's id deleted in one transaction.
SWEEP_ROWS = 2000
# SQLite has a writer that finds the database locked sleep and try again, its sleeps growing
# with its wait up to this long (seconds; sqlite3_busy_timeout's handler): an import that
# began its next chunk as soon as it committed one would find the lock free before any waiting
# writer woke up, and keep it. PostgreSQL queues the transactions waiting for a lock.
SQLITE_LONGEST_RETRY = 0.1
# How many rows of each kind (create, update) the preview lists.
SAMPLE_SIZE = 100
# Rows of the preview kept with a job for the page and the API.
PREVIEW_ROWS = 50
# The result's counter of each outcome of a row.
_COUNTERS = {
    "create": "to_create",
    "update": "to_update",
    "unchanged": "unchanged",
    "error": "error_rows",
}
# How an import job ends: the values of the jobs' states (jobs.models.Job.State).
INVALID = "invalid"
AWAITING_CONFIRMATION = "awaiting_confirmation"
SUCCEEDED = "succeeded"


def chunk_rows() -> int:
    """How many rows an import writes in one transaction."""
    return max(1, int(getattr(settings, "IMPORT_CHUNK_ROWS", DEFAULT_CHUNK_ROWS)))


def let_others_write(started: float) -> None:
    """After a chunk that began at `started` (time.monotonic()), on SQLite: a pause as long as
    the chunk took (from 5 ms, at most SQLITE_LONGEST_RETRY), so that a writer that began to
    wait meanwhile, whose sleeps are no longer than his wait so far, wakes up while the lock
    is free and goes first: he waits about one chunk, not the import. None on PostgreSQL."""
    if connection.vendor == "sqlite":
        time.sleep(min(max(time.monotonic() - started, 0.005), SQLITE_LONGEST_RETRY))


def max_listed_errors() -> int:
    """How many errors an import lists (it counts them all)."""
    return int(getattr(settings, "MEMBER_IMPORT_MAX_ERRORS", DEFAULT_MAX_LISTED_ERRORS))


def error_messages(error: ValidationError) -> dict[str, list[str]]:
    """The messages of a ValidationError by field ("" for those of no field)."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"": error.messages}


@dataclass
class RowError:
    row: int | None  # as in the file, counted from 1; None for the file as a whole
    column: str  # the header as written in the file
    value: str
    message: str
    col: int | None = None  # column index in the file, A = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RowPreview:
    row: int
    action: str  # "create" or "update"
    full_name: str
    branch: str
    changes: list[str] = field(default_factory=list)  # labels of the fields that change


@dataclass
class ImportResult:
    filename: str
    # True once the file is written (confirm=True and no error).
    written: bool = False
    rows: int = 0  # rows read
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    error_count: int = 0  # every error found; `errors` lists the first ones
    error_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The columns read: header as in the file, field, field label.
    columns: list[dict[str, str]] = field(default_factory=list)
    sample: list[RowPreview] = field(default_factory=list)
    # Pages that help correct the file ({"url", "label"}): the tree import for missing branches.
    links: list[dict[str, str]] = field(default_factory=list)
    # The rows to create and update per branch ({"branch", "code", "path", "to_create",
    # "to_update"}), for an import whose rows go to several branches; the first ones only, of
    # `by_branch_total` branches.
    by_branch: list[dict[str, Any]] = field(default_factory=list)
    by_branch_total: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        """For storing with a job (JSON)."""
        data = asdict(self)
        data["ok"] = self.ok
        return data

    def file_error(self, message: str) -> None:
        """An error of the file as a whole."""
        self.error_count += 1
        self.errors.append(RowError(row=None, column="", value="", message=message))


class Undo(Exception):
    """Raised to write nothing: a chunk whose rows have errors rolls back, and the chunks
    written before it are undone."""


class SheetImport:
    """One run of an import over a sheet. A domain's import is a subclass: its `run` checks
    (and, when writing, writes) the rows, each chunk of writes inside `chunk_transaction()`;
    `finish` records what was done once everything is written, and `label` names a field for
    the user. Rows are any object with `number` (as in the file) and `values` (the raw cells).
    `undo_with` names (dotted path) the function that undoes one chunk: it is given the data
    the chunk's writes left in the dict `chunk_transaction()` gave them (JSON: ids, values
    before), and nothing else, since a worker other than the one that wrote may run it."""

    # Whether the confirmation checks the whole file first with `run(write=False)` (as the
    # preview does) and writes (`run(write=True)`) only when that check found no error; an
    # import that checks on its own first (members_import) or checks before writing in its
    # `run(write=True)` leaves it off. Either way no check runs inside a write transaction.
    check_first = False
    undo_with = ""

    def __init__(self, *, actor, sheet: HeaderSheet, result: ImportResult, today):
        self.actor = actor
        self.sheet = sheet
        self.result = result
        self.today = today
        self.columns = {c.field: c for c in sheet.columns}
        # What each row turned out to be: create, update, unchanged or error.
        self.outcome: dict[int, str] = {}
        self.max_errors = max_listed_errors()
        self.sampled: Counter[str] = Counter()
        self.import_id: uuid.UUID | None = None  # while writing
        self.chunks = 0

    # --- the domain's part ----------------------------------------------------------------

    def label(self, name: str) -> str:
        raise NotImplementedError

    def run(self, *, write: bool, progress: Progress | None) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """After everything is written, in the same transaction."""

    def changed_message(self) -> str:
        """The error when the database changed under the write (an IntegrityError)."""
        raise NotImplementedError

    def missing_header(self, name: str) -> str:
        """The column named in an error on a field the file has no column for."""
        return ""

    # --- errors and outcomes --------------------------------------------------------------

    def error(self, row, name: str, message: str) -> None:
        """An error in the cell of field `name` (or in the row when the file has no column
        for it); the row will not be written."""
        column = self.columns.get(name)
        value = row.values[column.index] if column and column.index < len(row.values) else None
        self.record(row.number, name, cell_text(value), message)

    def record(self, number: int, name: str, value: str, message: str) -> None:
        """An error on row `number`, in the column of field `name`, about `value`."""
        self.result.error_count += 1
        if len(self.result.errors) < self.max_errors:
            column = self.columns.get(name)
            self.result.errors.append(
                RowError(
                    row=number,
                    column=column.header if column else self.missing_header(name),
                    value=value,
                    message=message,
                    col=column.index if column else None,
                )
            )
        self.set_outcome(number, "error")

    def rule_errors(self, row, error: ValidationError) -> None:
        """The errors of the rules, each on the cell of its field."""
        for name, messages in error_messages(error).items():
            for message in messages:
                self.error(row, name, message)

    def set_outcome(self, number: int, outcome: str) -> None:
        """What row `number` turned out to be, counted in the result; an error stays."""
        before = self.outcome.get(number)
        if before == "error" or before == outcome:
            return
        if before is not None:
            setattr(self.result, _COUNTERS[before], getattr(self.result, _COUNTERS[before]) - 1)
        setattr(self.result, _COUNTERS[outcome], getattr(self.result, _COUNTERS[outcome]) + 1)
        self.outcome[number] = outcome

    def sample(self, number: int, action: str, full_name: str, branch: str, changes) -> None:
        """A row for the preview's sample (the first SAMPLE_SIZE of each action)."""
        self.sampled[action] += 1
        if self.sampled[action] <= SAMPLE_SIZE:
            self.result.sample.append(
                RowPreview(
                    row=number, action=action, full_name=full_name, branch=branch, changes=changes
                )
            )

    # --- the whole file -------------------------------------------------------------------

    def check_columns(self) -> bool:
        """The columns read and what the header row tells; whether the import can go on."""
        self.result.columns = [
            {"header": c.header, "field": c.field, "label": self.label(c.field)}
            for c in self.sheet.columns
        ]
        self.result.warnings.extend(self.sheet.header_warnings())
        return True

    def undo_note(self) -> dict[str, Any]:
        """What the audit trail says of the import if it is undone: {"target_type",
        "target_id", "unit_path", "summary"} (by default its `unit` and the file's name)."""
        unit = self.unit  # type: ignore[attr-defined]
        return {
            "target_type": unit._meta.model_name,
            "target_id": unit.pk,
            "unit_path": unit.path,
            "summary": self.result.filename,
        }

    @contextmanager
    def chunk_transaction(self) -> Iterator[dict[str, Any]]:
        """One chunk of the writes, in a transaction of its own: committed with what undoes it
        (the dict given, which the writes fill in for `undo_with`), or, if the rows of the
        chunk had errors (the database changed since the check), not at all: then Undo is
        raised and the chunks before it are undone."""
        errors = self.result.error_count
        started = time.monotonic()
        with transaction.atomic():
            data: dict[str, Any] = {}
            yield data
            if self.result.error_count > errors:
                raise Undo
            if not self.chunks:  # the import's first row, with its first chunk
                note = {"actor": getattr(self.actor, "pk", None), **self.undo_note()}
                ImportChunk.objects.create(import_id=self.import_id, seq=0, data=note)
            self.chunks += 1
            ImportChunk.objects.create(
                import_id=self.import_id, seq=self.chunks, undo_with=self.undo_with, data=data
            )
        let_others_write(started)

    def check_and_write(
        self,
        *,
        confirm: bool,
        progress: Progress | None = None,
        on_written: Written | None = None,
        import_id: uuid.UUID | None = None,
    ) -> None:
        """Check every row; with `confirm`, write everything if no error is found, or nothing.
        `result.written` says whether it was written. The writes go a chunk at a time, each
        in a short transaction; `on_written(result)` is called in the short transaction that
        finishes the import, once every chunk is in (a job records there that it is done: it
        commits with the end of the import, or not at all). If the import cannot be
        finished, the chunks written are undone (undo_import). `import_id` names the run (a
        job's id; a new one by default): chunks a run of that id left behind are undone
        first. A process stopped meanwhile (KeyboardInterrupt, SystemExit) leaves its chunks
        for the worker that starts next (jobs.services.fail_abandoned_jobs)."""
        if not confirm:
            self.run(write=False, progress=progress)
            return
        if self.check_first:
            self.run(write=False, progress=progress)
            if self.result.error_count:
                return
        self.import_id = import_id or uuid.uuid4()
        try:
            undo_import(self.import_id)  # what a run of the same import left half-written
            with import_tags.tagged(self.import_id):
                self.run(write=True, progress=progress)
                if self.result.error_count:
                    raise Undo
                with transaction.atomic():
                    self.finish()
                    ImportChunk.objects.filter(import_id=self.import_id).delete()
                    self.result.written = True
                    if on_written is not None:
                        on_written(self.result)
        except Undo:
            self.result.written = False
            undo_import(self.import_id)
        except (IntegrityError, ValidationError):
            # A unique value taken meanwhile, or a service refusing what the check accepted
            # (a branch closed meanwhile): the records changed under the writes.
            self.result.written = False
            undo_import(self.import_id)
            self.result.file_error(self.changed_message())
        except Exception:
            self.result.written = False
            try:
                undo_import(self.import_id)
            except Exception:  # left for the worker that starts next
                logger.exception("import %s could not be undone", self.import_id)
            raise

    def order_errors_and_sample(self) -> None:
        """After the last row: errors in the order of the file, and only the sample rows that
        kept their action."""
        result = self.result
        result.errors.sort(key=lambda e: (e.row or 0, e.col if e.col is not None else -1))
        result.sample = [s for s in result.sample if self.outcome.get(s.row) == s.action]


def sheet_import(
    importer: type[SheetImport],
    *,
    path: str | Path,
    filename: str,
    columns: tuple[ColumnSpec, ...],
    max_rows: int,
    min_matches: int,
    confirm: bool,
    progress: Progress | None = None,
    on_written: Written | None = None,
    import_id: uuid.UUID | None = None,
    **init,
) -> ImportResult:
    """One run of an import over the file at `path` (at most `max_rows` rows): the sheet
    opened with the import's `columns`, then `importer(sheet=…, result=…, **init)` checks its
    columns and every row and, with `confirm`, writes everything or nothing (check_and_write).
    `progress(0, total)` is called before any transaction; `import_id` names the run
    (check_and_write)."""
    result = ImportResult(filename=filename)
    try:
        with rows_allowed(max_rows):
            sheet = open_sheet(path, columns, min_matches=min_matches)
    except SpreadsheetError as e:
        result.file_error(e.message)
        return result
    work = importer(sheet=sheet, result=result, **init)
    if not work.check_columns():
        return result
    if progress:
        progress(0, sheet.total)
    work.check_and_write(
        confirm=confirm, progress=progress, on_written=on_written, import_id=import_id
    )
    return result


# --- undoing an import that could not be finished ------------------------------------------


def undo_import(import_id: uuid.UUID) -> bool:
    """Undo what the import `import_id` wrote, if it left chunks (it could not be finished):
    each chunk by its own `undo_with`, the last first, each in a transaction that deletes its
    row, so that an undo stopped half-way goes on where it stopped when it is run again.
    The rows carrying the import's id (the audit events and movements of what it wrote and of
    the undo) are deleted next, a slice at a time; one audit event then says the import was
    undone, and the import's first row goes. Whether there was anything to undo."""
    head = ImportChunk.objects.filter(import_id=import_id, seq=0).first()
    if head is None:
        return False
    with import_tags.tagged(import_id):
        while True:
            started = time.monotonic()
            with transaction.atomic():
                chunk = (
                    ImportChunk.objects.select_for_update()
                    .filter(import_id=import_id, seq__gt=0)
                    .order_by("-seq")
                    .first()
                )
                if chunk is None:
                    break
                import_string(chunk.undo_with)(chunk.data)
                chunk.delete()
            let_others_write(started)
    for model, name in import_id_fields():
        tagged = model.objects.filter(**{name: import_id}).order_by()
        while ids := list(tagged.values_list("pk", flat=True)[:SWEEP_ROWS]):
            started = time.monotonic()
            with transaction.atomic():
                if model is AuditEvent:  # the values its events kept apart go with them
                    AuditPersonal.objects.filter(event_id__in=ids).delete()
                model.objects.filter(pk__in=ids).delete()
            let_others_write(started)
    note = head.data
    with transaction.atomic():
        AuditEvent.objects.create(
            actor_id=note.get("actor"),
            action="import.undone",
            target_type=note.get("target_type", ""),
            target_id=note.get("target_id") or 0,
            unit_id=audit.unit_id_at(note.get("unit_path", "")),
            unit_path=note.get("unit_path", ""),
            summary=str(note.get("summary", ""))[:300],
        )
        ImportChunk.objects.filter(import_id=import_id).delete()
    logger.info("import %s undone", import_id)
    return True


def half_written() -> list[uuid.UUID]:
    """The imports that left chunks behind: undone by undo_import."""
    return list(ImportChunk.objects.filter(seq=0).values_list("import_id", flat=True))


# --- as a job --------------------------------------------------------------------------------


def import_outcome(
    job,
    result: ImportResult,
    *,
    source: Path,
    columns: tuple[ColumnSpec, ...],
    confirm: bool,
    lines: Callable[..., list[str]],
    output: Callable[[Any, str], AbstractContextManager[Path]],
    **extra,
) -> dict[str, Any]:
    """What an import job ends with, for any kind of import, as the fields of the job's outcome
    (`jobs.runner.Outcome(**import_outcome(...))`): with errors, the errors, nothing written and
    a copy of the file with the bad cells marked, written where `output(job, ".xlsx")` says
    (jobs.files.writing_output); otherwise the figures, waiting for confirmation or written.
    `lines(result, written)` words the figures; `columns` are the import's columns, for finding
    the header row of the marked copy; `extra` goes with the figures."""
    data = result.as_dict()
    summary = {
        **extra,
        "rows": result.rows,
        "to_create": result.to_create,
        "to_update": result.to_update,
        "error_count": result.error_count,
        "error_rows": result.error_rows,
        "warnings": result.warnings,
        "links": data["links"],
        "by_branch": data["by_branch"],
        "by_branch_total": result.by_branch_total,
        "columns": data["columns"],
        "sample": data["sample"][:PREVIEW_ROWS],
        "written": result.written,
    }
    if not result.ok:
        output_name = ""
        if any(e.row is not None for e in result.errors):
            with output(job, ".xlsx") as path:
                error_report_xlsx(
                    source_path=source, errors=result.errors, out=path, columns=columns
                )
            output_name = f"loi-{Path(job.input_name).stem or 'tep'}.xlsx"
        return {
            "state": INVALID,
            "errors": [e.as_dict() for e in result.errors],
            "result": {**summary, "lines": []},
            "message": ngettext(
                "%(n)s error found: nothing was written. Correct the file and upload it again.",
                "%(n)s errors found: nothing was written. Correct the file and upload it again.",
                result.error_count,
            )
            % {"n": result.error_count},
            "output_name": output_name,
        }
    if confirm:
        return {"state": SUCCEEDED, "result": {**summary, "lines": lines(result, written=True)}}
    return {
        "state": AWAITING_CONFIRMATION,
        "result": {**summary, "lines": lines(result, written=False)},
        "message": _("The file is correct. Check the figures, then confirm the import."),
    }

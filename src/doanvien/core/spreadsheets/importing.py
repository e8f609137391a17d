"""What every import from a spreadsheet shares: upload → preview → confirm, all or nothing.

An import (`SheetImport`, one per run) reads a sheet (reading.open_sheet) with its domain's
column table and checks every row with its domain's rule. The preview (confirm=False) checks
everything and writes nothing; the confirmation checks everything again (the database may
have changed since the preview) and writes only if no error is found, in one transaction.
Errors name the row, the column and the value as in the file (`RowError`); the result
(`ImportResult`) says what was (or would be) created and updated, with a sample of the rows
(`RowPreview`). `import_outcome` words the result as the end of an import job.
"""

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .reading import (
    ColumnSpec,
    HeaderSheet,
    SpreadsheetError,
    cell_text,
    open_sheet,
    rows_allowed,
)
from .writing import error_report_xlsx

Progress = Callable[[int, int], None]
Written = Callable[["ImportResult"], None]

DEFAULT_MAX_LISTED_ERRORS = 10_000
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
    """Raised inside the transaction to write nothing."""


class SheetImport:
    """One run of an import over a sheet. A domain's import is a subclass: its `run` checks
    (and, when writing, writes) the rows, `finish` records what was done once everything is
    written, and `label` names a field for the user. Rows are any object with `number` (as in
    the file) and `values` (the raw cells)."""

    # Whether the preview runs the writes too, in a transaction that is rolled back (when the
    # rules are those of services that write). It holds the database's write lock all along:
    # an import whose rules can be checked without writing prefers `check_first`.
    preview_writes = False
    # Whether the confirmation checks the whole file first, outside any transaction (as the
    # preview does), and writes (`run(write=True)`) only when that check found no error: the
    # write transaction, which others wait for, is then only as long as the writes.
    check_first = False

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

    def check_and_write(
        self,
        *,
        confirm: bool,
        progress: Progress | None = None,
        on_written: Written | None = None,
    ) -> None:
        """Check every row; with `confirm`, write everything if no error is found, or nothing.
        `result.written` says whether it was written. `on_written(result)` is called once
        everything is written, in the same transaction (a job records there that it is done:
        it commits with the rows, or not at all)."""
        if not confirm and not self.preview_writes:
            self.run(write=False, progress=progress)
            return
        if confirm and self.check_first:
            self.run(write=False, progress=progress)
            if self.result.error_count:
                return
        try:
            with transaction.atomic():
                self.run(write=confirm, progress=progress)
                if not confirm or self.result.error_count:
                    raise Undo
                self.finish()
                self.result.written = True
                if on_written is not None:
                    on_written(self.result)
        except Undo:
            return
        except IntegrityError:
            self.result.written = False
            self.result.file_error(self.changed_message())
        except BaseException:
            self.result.written = False
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
    **init,
) -> ImportResult:
    """One run of an import over the file at `path` (at most `max_rows` rows): the sheet
    opened with the import's `columns`, then `importer(sheet=…, result=…, **init)` checks its
    columns and every row and, with `confirm`, writes everything or nothing (check_and_write).
    `progress(0, total)` is called before any transaction."""
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
    work.check_and_write(confirm=confirm, progress=progress, on_written=on_written)
    return result


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

"""Member imports and exports as background jobs (see doanvien.jobs.runner)."""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.accounts import access
from doanvien.core import audit
from doanvien.jobs import files
from doanvien.jobs.models import Job
from doanvien.jobs.runner import Outcome

from .exports import NATIONAL_COLUMNS, error_report_xlsx, members_xlsx
from .imports import members_import
from .selectors import MemberFilters, member_search

logger = logging.getLogger(__name__)

# Rows of the preview kept with the job for the page and the API.
PREVIEW_ROWS = 50
# How often (seconds) the progress of an import being written is saved, like the runner's.
WRITE_PROGRESS_EVERY = 0.5


def _counts(result, written: bool) -> list[str]:
    if written:
        return [
            ngettext("%(n)s member created.", "%(n)s members created.", result.to_create)
            % {"n": result.to_create},
            ngettext("%(n)s member updated.", "%(n)s members updated.", result.to_update)
            % {"n": result.to_update},
        ]
    return [
        ngettext("%(n)s member to create.", "%(n)s members to create.", result.to_create)
        % {"n": result.to_create},
        ngettext("%(n)s member to update.", "%(n)s members to update.", result.to_update)
        % {"n": result.to_update},
        ngettext(
            "%(n)s member already as in the file.",
            "%(n)s members already as in the file.",
            result.unchanged,
        )
        % {"n": result.unchanged},
    ]


def import_outcome(job, result, *, source, confirm: bool, lines, columns=None, **extra) -> Outcome:
    """What an import job ends with, for any kind of import: with errors, the errors, nothing
    written and a copy of the file with the bad cells marked; otherwise the figures, waiting
    for confirmation or written. `lines(result, written)` words the figures; `columns` are the
    import's column specs, for finding the header row of the marked copy."""
    data = result.as_dict()
    summary = {
        **extra,
        "rows": result.rows,
        "to_create": result.to_create,
        "to_update": result.to_update,
        "error_count": result.error_count,
        "error_rows": result.error_rows,
        "warnings": result.warnings,
        "columns": data["columns"],
        "sample": data["sample"][:PREVIEW_ROWS],
        "written": result.written,
    }
    if not result.ok:
        output_name = ""
        if any(e.row is not None for e in result.errors):
            with files.writing_output(job, ".xlsx") as path:
                error_report_xlsx(
                    source_path=source,
                    errors=result.errors,
                    out=path,
                    **({"columns": columns} if columns else {}),
                )
            output_name = f"loi-{Path(job.input_name).stem or 'tep'}.xlsx"
        return Outcome(
            state=Job.State.INVALID,
            errors=[e.as_dict() for e in result.errors],
            result={**summary, "lines": []},
            message=ngettext(
                "%(n)s error found: nothing was written. Correct the file and upload it again.",
                "%(n)s errors found: nothing was written. Correct the file and upload it again.",
                result.error_count,
            )
            % {"n": result.error_count},
            output_name=output_name,
        )
    if confirm:
        return Outcome(result={**summary, "lines": lines(result, written=True)})
    return Outcome(
        state=Job.State.AWAITING_CONFIRMATION,
        result={**summary, "lines": lines(result, written=False)},
        message=_("The file is correct. Check the figures, then confirm the import."),
    )


class _ProgressOnItsOwnConnection:
    """`progress(done, total)` for work done inside one long transaction: saved by a thread
    with a database connection of its own, so that the job page (another connection) sees it
    before the transaction commits, and the job's heartbeat goes on. The last value reported
    is always saved before `close()` returns."""

    def __init__(self, job, every: float):
        self.job_pk, self.every = job.pk, every
        self.pending: tuple[int, int] | None = None
        self.closing = False
        self.wake = threading.Condition()
        self.thread = threading.Thread(target=self._save_loop, name=f"job-progress-{job.pk}")
        self.thread.start()

    def __call__(self, done: int, total: int) -> None:
        with self.wake:
            self.pending = (done, total)
            self.wake.notify()

    def close(self) -> None:
        with self.wake:
            self.closing = True
            self.wake.notify()
        self.thread.join()

    def _save_loop(self) -> None:
        try:
            while True:
                with self.wake:
                    while self.pending is None and not self.closing:
                        self.wake.wait()
                    value, self.pending = self.pending, None
                    closing = self.closing
                if value is None:  # closed, and everything reported is saved
                    return
                self._save(*value)
                if not closing:  # at most one save every `every` seconds, until closed
                    with self.wake:
                        self.wake.wait_for(lambda: self.closing, timeout=self.every)
        finally:
            connections.close_all()  # this thread's connections only

    def _save(self, done: int, total: int) -> None:
        try:
            Job.objects.filter(pk=self.job_pk).update(
                done=done, total=total, heartbeat_at=timezone.now()
            )
        except Exception:  # progress is for show: it never stops the import
            logger.exception("could not save the progress of job %s", self.job_pk)


@contextmanager
def import_progress(job, progress, *, confirm: bool, message: str) -> Iterator[Callable]:
    """The progress to give an import: the runner's when checking; when writing (confirm),
    `message` is shown on the job page as the phase and the progress is saved outside the
    import's transaction, so that the bar moves while the rows are written (see
    `_ProgressOnItsOwnConnection`). For every kind of import (members, registrations).

    SQLite has one writer at a time: while the import's transaction holds the database nobody
    else can write, so there the progress goes to the runner's as before and the page sees it
    when the transaction commits (the phase message and the "0 of N" reported before the
    transaction begins are seen at once)."""
    if not confirm:
        yield progress
        return
    Job.objects.filter(pk=job.pk).update(message=message, heartbeat_at=timezone.now())
    if connection.vendor == "sqlite":
        yield progress
        return
    writer = _ProgressOnItsOwnConnection(job, WRITE_PROGRESS_EVERY)
    try:
        yield writer
    finally:
        writer.close()


def import_members(job, progress) -> Outcome:
    """Check the uploaded file (first run) or write it (after the user confirmed): all or
    nothing. Errors give a copy of the file with the bad cells marked. While writing, the job
    shows "Writing the members…" and its progress (rows checked and written of the file's
    rows) as it goes."""
    source = files.input_path(job)
    confirm = job.params.get("phase") == "apply"
    with import_progress(
        job, progress, confirm=confirm, message=_("Writing the members…")
    ) as report:
        result = members_import(
            actor=job.created_by,
            unit=job.unit,
            path=source,
            filename=job.input_name,
            confirm=confirm,
            progress=report,
        )
    return import_outcome(
        job, result, source=source, confirm=confirm, lines=_counts, unchanged=result.unchanged
    )


def export_members(job, progress) -> Outcome:
    """The members of the unit's subtree that the user may see, with the list's filters, in
    the chosen columns (job.params["columns"], in the order of EXPORT_COLUMNS) or the national
    set. ID numbers are masked for users who may not see them in full; an export of full ID
    numbers is recorded."""
    user, unit = job.created_by, job.unit
    filters = MemberFilters(**job.params.get("filters", {}))
    members = member_search(user=user, unit=unit, filters=filters)
    columns = list(job.params.get("columns") or NATIONAL_COLUMNS)
    full_ids = access.can_see_id_numbers_in(user, unit)
    with files.writing_output(job, ".xlsx") as path:
        count = members_xlsx(
            members_queryset=members,
            out=path,
            columns=columns,
            progress=progress,
            mask_id_numbers=not full_ids,
        )
    # A file without the ID number column exports no ID number: nothing to record.
    if full_ids and "id_number" in columns:
        audit.record(
            actor=user,
            action="members.exported",
            target=unit,
            unit_path=unit.path,
            summary=_("%(n)s members exported with their ID card numbers.") % {"n": count},
        )
    return Outcome(
        result={
            "rows": count,
            "lines": [
                ngettext("%(n)s member in the file.", "%(n)s members in the file.", count)
                % {"n": count}
            ],
        },
        output_name=f"doan-vien-{unit.code}.xlsx",
    )

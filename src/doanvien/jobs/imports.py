"""An import as a background job (see doanvien.jobs.runner), for any kind of import: check the
uploaded file on the first run, write it once the user confirmed."""

from contextlib import nullcontext

from doanvien.core.spreadsheets.importing import import_outcome

from . import files
from .progress import import_progress
from .runner import Outcome, save_outcome


def import_job(
    job, progress, *, importer, columns, lines, message: str, within=nullcontext, **extra
) -> Outcome:
    """Run `importer` on the job's file: all or nothing; errors give a copy of the file with
    the bad cells marked (`core.spreadsheets.importing.import_outcome`, with `columns`, `lines`
    and `extra`). While writing, the job shows `message` and its progress (`import_progress`).
    `importer` gets the job's user, unit, file and phase, and the job's id as the import's
    (what a run of it leaves half-written is undone by the next, or when a worker starts:
    jobs.services.fail_abandoned_jobs); the job's outcome is recorded in the transaction that
    ends the import, so that the job is done when the rows are. `within()` is a context
    around the whole import."""
    source = files.input_path(job)
    confirm = job.params.get("phase") == "apply"

    def outcome_of(result) -> Outcome:
        return Outcome(
            **import_outcome(
                job,
                result,
                source=source,
                columns=columns,
                confirm=confirm,
                lines=lines,
                output=files.writing_output,
                unchanged=result.unchanged,
                **extra,
            )
        )

    with within(), import_progress(job, progress, confirm=confirm, message=message) as report:
        result = importer(
            actor=job.created_by,
            unit=job.unit,
            path=source,
            filename=job.input_name,
            confirm=confirm,
            progress=report,
            on_written=lambda result: save_outcome(job, outcome_of(result)),
            import_id=job.pk,
        )
    return outcome_of(result)

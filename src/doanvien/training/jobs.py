"""Registration imports and exports as background jobs (see doanvien.jobs.runner)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.core.spreadsheets.importing import import_outcome
from doanvien.jobs import files
from doanvien.jobs.progress import import_progress
from doanvien.jobs.runner import Outcome, save_outcome

from .columns import COLUMNS
from .exports import registrations_xlsx
from .imports import registrations_import
from .rules import programme_year_of


def job_year(job) -> int:
    """The programme year the job imports: its own, or the branch's current one (the API may
    start the job without one)."""
    try:
        return int(job.params["year"])
    except (KeyError, TypeError, ValueError):
        return programme_year_of(timezone.localdate(), job.unit.sector)


def _counts(result, written: bool) -> list[str]:
    if written:
        return [
            ngettext(
                "%(n)s registration created and submitted.",
                "%(n)s registrations created and submitted.",
                result.to_create,
            )
            % {"n": result.to_create},
            ngettext(
                "%(n)s registration replaced and submitted.",
                "%(n)s registrations replaced and submitted.",
                result.to_update,
            )
            % {"n": result.to_update},
        ]
    return [
        ngettext(
            "%(n)s registration to create.", "%(n)s registrations to create.", result.to_create
        )
        % {"n": result.to_create},
        ngettext(
            "%(n)s draft or returned registration to replace.",
            "%(n)s drafts or returned registrations to replace.",
            result.to_update,
        )
        % {"n": result.to_update},
        ngettext(
            "%(n)s row read (one per member and criterion).",
            "%(n)s rows read (one per member and criterion).",
            result.rows,
        )
        % {"n": result.rows},
    ]


def import_registrations(job, progress) -> Outcome:
    """Check the uploaded file (first run) or write it (after the user confirmed): all or
    nothing. Errors give a copy of the file with the bad cells marked. While writing, the job
    shows "Writing the registrations…" and its progress."""
    source = files.input_path(job)
    confirm = job.params.get("phase") == "apply"
    year = job_year(job)

    def outcome_of(result) -> Outcome:
        return Outcome(
            **import_outcome(
                job,
                result,
                source=source,
                columns=COLUMNS,
                confirm=confirm,
                lines=_counts,
                output=files.writing_output,
                year=year,
            )
        )

    with import_progress(
        job, progress, confirm=confirm, message=_("Writing the registrations…")
    ) as report:
        result = registrations_import(
            actor=job.created_by,
            branch=job.unit,
            year=year,
            path=source,
            filename=job.input_name,
            confirm=confirm,
            progress=report,
            # The job is done when the registrations are written: recorded in the transaction that
            # ends the import.
            on_written=lambda result: save_outcome(job, outcome_of(result)),
            import_id=job.pk,
        )
    return outcome_of(result)


def export_registrations(job, progress) -> Outcome:
    """The year's registrations of the job's unit and everything under it that the person who
    started the job may see, optionally in one state."""
    year, state = int(job.params["year"]), job.params.get("state") or ""
    with files.writing_output(job, ".xlsx") as path:
        count = registrations_xlsx(
            user=job.created_by,
            unit=job.unit,
            year=year,
            state=state,
            out=path,
            progress=progress,
        )
    return Outcome(
        result={
            "rows": count,
            "year": year,
            "state": state,
            "lines": [
                ngettext(
                    "%(n)s registration in the file.", "%(n)s registrations in the file.", count
                )
                % {"n": count}
            ],
        },
        output_name=f"dang-ky-ren-luyen-{job.unit.code}-{year}"
        + (f"-{state}" if state else "")
        + ".xlsx",
    )

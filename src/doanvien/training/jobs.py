"""Registration imports as background jobs (see doanvien.jobs.runner)."""

from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.jobs import files
from doanvien.jobs.models import Job
from doanvien.jobs.runner import Outcome
from doanvien.members.exports import error_report_xlsx

from .imports import registrations_import
from .rules import programme_year_of

# Rows of the preview kept with the job for the page and the API.
PREVIEW_ROWS = 50


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
    nothing. Errors give a copy of the file with the bad cells marked."""
    source = files.input_path(job)
    confirm = job.params.get("phase") == "apply"
    year = job_year(job)
    result = registrations_import(
        actor=job.created_by,
        branch=job.unit,
        year=year,
        path=source,
        filename=job.input_name,
        confirm=confirm,
        progress=progress,
    )
    data = result.as_dict()
    summary = {
        "year": year,
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
    errors = [e.as_dict() for e in result.errors]
    if not result.ok:
        output_name = ""
        if any(e.row is not None for e in result.errors):
            with files.writing_output(job, ".xlsx") as path:
                error_report_xlsx(source_path=source, errors=result.errors, out=path)
            output_name = f"loi-{Path(job.input_name).stem or 'tep'}.xlsx"
        return Outcome(
            state=Job.State.INVALID,
            errors=errors,
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
        return Outcome(result={**summary, "lines": _counts(result, written=True)})
    return Outcome(
        state=Job.State.AWAITING_CONFIRMATION,
        result={**summary, "lines": _counts(result, written=False)},
        message=_("The file is correct. Check the figures, then confirm the import."),
    )

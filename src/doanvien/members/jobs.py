"""Member imports and exports as background jobs (see doanvien.jobs.runner)."""

import logging
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.core import audit
from doanvien.jobs import files
from doanvien.jobs.models import Job
from doanvien.jobs.progress import import_progress
from doanvien.jobs.runner import Outcome
from doanvien.members.access import can_see_id_numbers_in

from .exports import NATIONAL_COLUMNS, error_report_xlsx, members_xlsx
from .imports import members_import
from .selectors import MemberFilters, member_search

logger = logging.getLogger(__name__)

# Rows of the preview kept with the job for the page and the API.
PREVIEW_ROWS = 50


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
    full_ids = can_see_id_numbers_in(user, unit)
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

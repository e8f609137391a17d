"""Member imports and exports as background jobs (see doanvien.jobs.runner)."""

import logging

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.core import audit
from doanvien.jobs import files
from doanvien.jobs.imports import import_job
from doanvien.jobs.models import Job
from doanvien.jobs.runner import Outcome
from doanvien.jobs.services import job_start
from doanvien.members.access import can_see_id_numbers_in

from .columns import COLUMNS, NATIONAL_COLUMNS, in_list_order
from .exports import members_xlsx
from .imports import members_import
from .selectors import MemberFilters, member_search
from .services.duplicates import duplicate_hits_recorded

logger = logging.getLogger(__name__)


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


def import_members(job, progress) -> Outcome:
    """Check the uploaded file (first run) or write it (after the user confirmed): all or
    nothing. Errors give a copy of the file with the bad cells marked. While writing, the job
    shows "Writing the members…" and its progress (rows checked and written of the file's
    rows) as it goes."""
    # ID numbers held out of the user's sight are recorded once the import is over.
    return import_job(
        job,
        progress,
        importer=members_import,
        columns=COLUMNS,
        lines=_counts,
        message=_("Writing the members…"),
        within=duplicate_hits_recorded,
    )


def export_members_start(
    *, actor, unit, filters: dict, by_id_number: bool, columns: list[str] | None
) -> Job:
    """Start the export of the list (the list page and the API): its filters as given (the
    empty ones left out), a search by ID number already counted by the caller, the columns
    chosen (None: the national set)."""
    params: dict = {"filters": {k: v for k, v in filters.items() if v}}
    if by_id_number:
        params["by_id_number"] = True
    if columns is not None:
        params["columns"] = in_list_order(columns)
    return job_start(actor=actor, kind=Job.Kind.MEMBERS_EXPORT, unit=unit, params=params)


def export_members(job, progress) -> Outcome:
    """The members of the unit's subtree that the user may see, with the list's filters, in
    the chosen columns (job.params["columns"], in the order of EXPORT_COLUMNS) or the national
    set. ID numbers are masked for users who may not see them in full; an export of full ID
    numbers is recorded."""
    user, unit = job.created_by, job.unit
    filters = MemberFilters(**job.params.get("filters", {}))
    # The page checked and recorded a search by ID number before it started the job.
    by_id_number = bool(job.params.get("by_id_number"))
    members = member_search(user=user, unit=unit, filters=filters, by_id_number=by_id_number)
    columns = list(job.params.get("columns") or NATIONAL_COLUMNS)
    full_ids = can_see_id_numbers_in(user, unit)
    with files.writing_output(job, ".xlsx") as path:
        count = members_xlsx(
            members_queryset=members,
            out=path,
            columns=columns,
            progress=progress,
            mask_id_numbers=not full_ids,
            unit=unit,
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

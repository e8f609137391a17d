"""The tree import as a background job (see doanvien.jobs.runner), like the member import."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.core.spreadsheets.importing import import_outcome
from doanvien.jobs import files
from doanvien.jobs.progress import import_progress
from doanvien.jobs.runner import Outcome, save_outcome

from .columns import COLUMNS
from .imports import units_import


def _counts(result, written: bool) -> list[str]:
    if written:
        return [
            ngettext("%(n)s unit created.", "%(n)s units created.", result.to_create)
            % {"n": result.to_create},
            ngettext("%(n)s unit updated.", "%(n)s units updated.", result.to_update)
            % {"n": result.to_update},
        ]
    return [
        ngettext("%(n)s unit to create.", "%(n)s units to create.", result.to_create)
        % {"n": result.to_create},
        ngettext(
            "%(n)s unit to update (renamed or moved).",
            "%(n)s units to update (renamed or moved).",
            result.to_update,
        )
        % {"n": result.to_update},
        ngettext(
            "%(n)s unit already as in the file.",
            "%(n)s units already as in the file.",
            result.unchanged,
        )
        % {"n": result.unchanged},
    ]


def import_units(job, progress) -> Outcome:
    """Check the uploaded unit list (first run) or write it (after the user confirmed): all or
    nothing; errors give a copy of the file with the bad cells marked."""
    source = files.input_path(job)
    confirm = job.params.get("phase") == "apply"

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
                unchanged=result.unchanged,
                sample_headers=[_("Unit"), _("Under")],
            )
        )

    with import_progress(job, progress, confirm=confirm, message=_("Writing the units…")) as report:
        result = units_import(
            actor=job.created_by,
            unit=job.unit,
            path=source,
            filename=job.input_name,
            confirm=confirm,
            progress=report,
            on_written=lambda result: save_outcome(job, outcome_of(result)),
        )
    return outcome_of(result)

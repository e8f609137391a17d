"""The tree import as a background job (see doanvien.jobs.runner), like the member import."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.jobs.imports import import_job
from doanvien.jobs.runner import Outcome

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
    return import_job(
        job,
        progress,
        importer=units_import,
        columns=COLUMNS,
        lines=_counts,
        message=_("Writing the units…"),
        sample_headers=[_("Unit"), _("Under")],
    )

"""The youth import as a background job (see doanvien.jobs.runner), like the member import."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.jobs.imports import import_job
from doanvien.jobs.runner import Outcome

from .columns import COLUMNS
from .imports import youths_import


def _counts(result, written: bool) -> list[str]:
    if written:
        return [
            ngettext("%(n)s row recorded.", "%(n)s rows recorded.", result.to_create)
            % {"n": result.to_create},
        ]
    return [
        ngettext(
            "%(n)s youth or new group to record.",
            "%(n)s youths or new groups to record.",
            result.to_create,
        )
        % {"n": result.to_create},
        ngettext(
            "%(n)s row already recorded (left as it is).",
            "%(n)s rows already recorded (left as they are).",
            result.unchanged,
        )
        % {"n": result.unchanged},
    ]


def import_youths(job, progress) -> Outcome:
    """Check the uploaded survey list (first run) or write it (after the user confirmed): all
    or nothing; errors give a copy of the file with the bad cells marked."""
    return import_job(
        job,
        progress,
        importer=youths_import,
        columns=COLUMNS,
        lines=_counts,
        message=_("Writing the youths…"),
        sample_headers=[_("Full name or group"), _("Unit")],
    )

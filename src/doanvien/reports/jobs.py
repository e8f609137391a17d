"""The report of a whole subtree in Excel, built in the background (every unit down to the
branches: tens of thousands of rows for a province)."""

from django.utils.translation import gettext as _

from doanvien.jobs import files
from doanvien.jobs.runner import Outcome

from .exports import filename, subtree_xlsx


def export_subtree(job, progress) -> Outcome:
    year = int(job.params["year"])
    with files.writing_output(job, ".xlsx") as path, open(path, "wb") as out:
        rows = subtree_xlsx(unit=job.unit, year=year, out=out, progress=progress)
    return Outcome(
        result={
            "rows": rows,
            "lines": [
                _("%(rows)s units in the file, %(name)s and everything under it, year %(year)s.")
                % {"rows": rows, "name": job.unit.name, "year": year}
            ],
        },
        output_name=filename(job.unit, year, "xlsx").replace("bao-cao-", "bao-cao-toan-bo-", 1),
    )

"""Activation codes for a whole base union as a background job (see doanvien.jobs.runner):
one code for each member on the roll without an account, one branch per transaction, and a ZIP
with the sheet of slips (PDF) and the list (Excel). The file is the one copy of the codes."""

import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.jobs import files
from doanvien.jobs.models import Job
from doanvien.jobs.runner import Outcome
from doanvien.jobs.services import job_start

from .exports import codes_xlsx, slips_of, slips_pdf
from .services import codes_issue_for_union


def issue_codes_start(*, actor, unit, activate_url: str) -> Job:
    """Start the job for the union (the page's bulk button and the API): the slips carry the
    activation address the member will type."""
    return job_start(
        actor=actor,
        kind=Job.Kind.ACTIVATION_CODES,
        unit=unit,
        params={"activate_url": activate_url},
    )


def issue_codes(job, progress) -> Outcome:
    issued = codes_issue_for_union(actor=job.created_by, unit=job.unit, progress=progress)
    activate_url = job.params.get("activate_url", "")
    slips = slips_of(issued)
    with files.writing_output(job, ".zip") as path:
        sheet = path.with_name("codes.xlsx.part")
        try:
            codes_xlsx(slips, sheet, activate_url=activate_url)
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(sheet, "ma-kich-hoat.xlsx")
                if slips:
                    archive.writestr(
                        "phieu-kich-hoat.pdf", slips_pdf(slips, activate_url=activate_url)
                    )
        finally:
            sheet.unlink(missing_ok=True)
    return Outcome(
        result={
            "rows": len(slips),
            "lines": [
                ngettext(
                    "%(n)s activation code issued.", "%(n)s activation codes issued.", len(slips)
                )
                % {"n": len(slips)},
                _("The file holds the only copy of the codes: print it, then delete it."),
            ],
        },
        output_name=f"ma-kich-hoat-{job.unit.code}.zip",
    )

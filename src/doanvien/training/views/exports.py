"""Exporting the registrations of a unit and everything under it to Excel: started from the
unit's progress page or the branch's training page, built in the background (the job page
follows it and offers the file)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start

from ..forms.registrations import RegistrationExportForm


@login_required
@require_POST
def registrations_export(request, unit_id: int, year: int):
    """Anyone who sees the unit's training figures (its progress page) may export them."""
    unit = get_unit_for(request.user, unit_id)
    form = RegistrationExportForm(request.POST)
    if not form.is_valid():
        raise BadRequest("unknown state")
    job = job_start(
        actor=request.user,
        kind=Job.Kind.REGISTRATIONS_EXPORT,
        unit=unit,
        params={"year": year, "state": form.cleaned_data["state"]},
    )
    return redirect("jobs:job-detail", job_id=job.pk)

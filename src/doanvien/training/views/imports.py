"""Importing a branch's registrations from Excel: the template, and the upload that starts the
background check (the job page then shows the preview, the errors, and the confirmation)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from doanvien.accounts.access import get_branch_for, require, visible_ancestors
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start
from doanvien.members.forms.imports import ImportForm

from ..access import can_import_registrations
from ..imports import registrations_template_xlsx
from ..rules import programme_year_span
from ..selectors import framework_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _branch_for_import(request, unit_id: int, year: int):
    branch = get_branch_for(request.user, unit_id)
    require(can_import_registrations(request.user, branch))
    return branch


@login_required
def branch_training_import(request, unit_id: int, year: int):
    branch = _branch_for_import(request, unit_id, year)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = job_start(
            actor=request.user,
            kind=Job.Kind.REGISTRATIONS_IMPORT,
            unit=branch,
            params={"year": year},
            upload=form.cleaned_data["file"],
        )
        return redirect("jobs:job-detail", job_id=job.pk)
    recent = Job.objects.filter(
        created_by=request.user, unit=branch, kind=Job.Kind.REGISTRATIONS_IMPORT
    )[:5]
    first, last = programme_year_span(year, branch.sector)
    return render(
        request,
        "training/branch/import.html",
        {
            "unit": branch,
            "branch": branch,
            "year": year,
            "first": first,
            "last": last,
            "breadcrumbs": visible_ancestors(request.user, branch, and_unit=True),
            "has_framework": framework_for(branch, year) is not None,
            "form": form,
            "recent": recent,
        },
    )


@login_required
def branch_training_import_template(request, unit_id: int, year: int):
    branch = _branch_for_import(request, unit_id, year)
    response = HttpResponse(content_type=XLSX)
    name = f"mau-dang-ky-ren-luyen-{branch.code}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    registrations_template_xlsx(branch=branch, year=year, out=response)
    return response

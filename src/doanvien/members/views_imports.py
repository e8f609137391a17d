"""Member import (upload → checked in the background → preview → confirm) and export, through
background jobs; the job page follows them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from doanvien.accounts import access
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start
from doanvien.units.views import _breadcrumbs

from .exports import members_template_xlsx
from .forms import MemberFilterForm
from .forms_imports import ImportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def member_import(request, unit_id: int):
    unit = access.get_unit_for(request.user, unit_id)
    access.require(access.can_edit_members(request.user, unit))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = job_start(
            actor=request.user,
            kind=Job.Kind.MEMBERS_IMPORT,
            unit=unit,
            upload=form.cleaned_data["file"],
        )
        return redirect("job-detail", job_id=job.pk)
    recent = Job.objects.filter(created_by=request.user, unit=unit, kind=Job.Kind.MEMBERS_IMPORT)[
        :5
    ]
    return render(
        request,
        "members/import.html",
        {
            "unit": unit,
            "breadcrumbs": _breadcrumbs(request.user, unit),
            "form": form,
            "recent": recent,
        },
    )


@login_required
def member_import_template(request, unit_id: int):
    unit = access.get_unit_for(request.user, unit_id)
    access.require(access.can_edit_members(request.user, unit))
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-doan-vien-{unit.code}.xlsx"'
    members_template_xlsx(unit=unit, out=response)
    return response


@login_required
@require_POST
def member_export(request, unit_id: int):
    """The member list as it is filtered on the page, in Excel, built in the background."""
    unit = access.get_unit_for(request.user, unit_id)
    form = MemberFilterForm(request.POST)
    filters = form.cleaned_data if form.is_valid() else {}
    job = job_start(
        actor=request.user,
        kind=Job.Kind.MEMBERS_EXPORT,
        unit=unit,
        params={"filters": {k: v for k, v in filters.items() if v}},
    )
    return redirect("job-detail", job_id=job.pk)

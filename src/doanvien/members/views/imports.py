"""Member import (upload → checked in the background → preview → confirm) and export, through
background jobs; the job page follows them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.jobs.models import Job
from doanvien.jobs.views import import_page
from doanvien.members.access import can_edit_members

from ..exports import EXPORT_COLUMNS, members_template_xlsx
from ..forms.imports import ExportForm
from ..forms.records import MemberFilterForm
from ..jobs import export_members_start
from ..selectors import MemberFilters
from .records import id_number_search, member_list, member_list_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def member_import(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_edit_members(request.user, unit))
    return import_page(
        request,
        unit=unit,
        kind=Job.Kind.MEMBERS_IMPORT,
        template="members/import.html",
        breadcrumbs=visible_ancestors(request.user, unit),
    )


@login_required
def member_import_template(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_edit_members(request.user, unit))
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-doan-vien-{unit.code}.xlsx"'
    members_template_xlsx(unit=unit, out=response)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def member_export(request, unit_id: int):
    """The member list as it is filtered on the page, in Excel, built in the background: the
    national column set or the chosen columns. A choice that cannot be exported shows the list
    again with the problem, and starts nothing. "Select all / none" without JavaScript posts
    here too and shows the list again with every column ticked or none."""
    if request.method in ("GET", "HEAD"):
        # Links of a list shown again here (its pages) are the list's own.
        return member_list(request, unit_id)
    unit = get_unit_for(request.user, unit_id)
    form = MemberFilterForm(request.POST)
    select = request.POST.get("select")
    if select in ("all", "none"):
        export_form = ExportForm(
            initial={
                "column_set": ExportForm.CHOSEN,
                "columns": list(EXPORT_COLUMNS) if select == "all" else [],
            }
        )
        return member_list_page(request, unit, form, export_form=export_form)
    export_form = ExportForm(request.POST)
    if not export_form.is_valid():
        return member_list_page(request, unit, form, export_form=export_form)
    filters = form.cleaned_data if form.is_valid() else {}
    # A term that is an ID number is a search by ID number: allowed, counted and recorded as
    # on the list.
    by_id_number, limited = id_number_search(request, unit, MemberFilters(**filters))
    if limited:
        return member_list_page(request, unit, form, export_form=export_form, notice=limited)
    job = export_members_start(
        actor=request.user,
        unit=unit,
        filters=filters,
        by_id_number=by_id_number,
        columns=export_form.chosen_columns(),
    )
    return redirect("jobs:job-detail", job_id=job.pk)

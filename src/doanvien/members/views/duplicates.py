"""Duplicate ID numbers (services/duplicates.py): the reports of a unit, for its cadres and
those above, and one report, settled with a word on how. Each view resolves its object in the
user's scope on its first line (404 outside it), then checks the action (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import paginate
from doanvien.members.access import (
    can_settle_duplicates,
    get_duplicate_report_for,
    members_visible_to,
)
from doanvien.members.selectors import duplicate_reports
from doanvien.members.services.duplicates import duplicate_report_resolve

from ..forms.records import DuplicateSettleForm


@login_required
def unit_duplicates(request, unit_id: int):
    """ID numbers entered in one place while a record elsewhere holds them, reported to this
    unit or to units under it: the open ones, and the last ones settled."""
    unit = get_unit_for(request.user, unit_id)
    require(can_settle_duplicates(request.user, unit))
    context = {
        "unit": unit,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        "page": paginate(request, duplicate_reports(unit)),
        "settled": duplicate_reports(unit, settled=True)[:20],
    }
    return render(request, "members/duplicates/unit.html", context)


@login_required
def duplicate_detail(request, report_id: int):
    """One report: both sides, who entered the number and how often; settled here."""
    report = get_duplicate_report_for(request.user, report_id)
    require(report.unit is not None and can_settle_duplicates(request.user, report.unit))
    form = DuplicateSettleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duplicate_report_resolve(
                actor=request.user, report=report, resolution=form.cleaned_data["resolution"]
            )
        except ValidationError as e:
            apply_errors(form, e, default_field="resolution")
        else:
            messages.success(request, _("The duplicate is settled."))
            return redirect("members:unit-duplicates", unit_id=report.unit_id)
    visible = set(
        members_visible_to(request.user)
        .filter(pk__in=[report.holder_id, report.entered_member_id])
        .values_list("pk", flat=True)
    )
    context = {
        "report": report,
        "unit": report.unit,
        "breadcrumbs": visible_ancestors(request.user, report.unit, and_unit=True),
        "form": form,
        "holder_visible": report.holder_id in visible,
        "entered_visible": report.entered_member_id in visible,
        "history": audit.history_shown(report),
    }
    return render(request, "members/duplicates/detail.html", context)

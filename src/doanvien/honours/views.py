"""Recording a member's award or discipline decision, and a unit's count of them in a year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.accounts.access import get_unit_for, require
from doanvien.actions.members import discipline_record
from doanvien.core.forms import apply_errors
from doanvien.core.years import is_valid_year
from doanvien.members.access import get_member_for
from doanvien.units.models import Unit

from . import selectors, services
from .access import can_record_honours
from .forms import DecisionForm
from .models import Award, Discipline


def _create(request, member_id: int, model, service, title: str):
    member = get_member_for(request.user, member_id)
    require(can_record_honours(request.user, member))
    issuers = Unit.objects.filter(path__in=member.branch.ancestor_paths()).order_by("depth")
    form = DecisionForm(request.POST or None, forms_choices=model.Form.choices, issuers=issuers)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["issued_by"] = data.pop("issued_by") or data.pop("issued_by_name")
        data.pop("issued_by_name", None)
        try:
            service(actor=request.user, member=member, data=data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("members:member-detail", member_id=member.pk)
    return render(request, "honours/form.html", {"form": form, "member": member, "title": title})


@login_required
def award_create(request, member_id: int):
    return _create(request, member_id, Award, services.award_record, _("Record an award"))


@login_required
def discipline_create(request, member_id: int):
    return _create(request, member_id, Discipline, discipline_record, _("Record a discipline"))


@login_required
def unit_honours(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not is_valid_year(year):
        year = today.year
    return render(
        request,
        "honours/unit.html",
        {"unit": unit, "year": year, "counts": selectors.counts(unit, year)},
    )

"""Leaving the roll (removal, expulsion, maturing out), the recorded correction that brings a
member back, and the list of members reaching the age limit with maturing out in bulk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.actions.members import (
    member_mature_out,
    member_reinstate,
    member_remove,
    members_mature_out,
)
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import paginate
from doanvien.members.access import can_edit_members, get_member_for
from doanvien.members.selectors import members_reaching_age_limit
from doanvien.members.services.lifecycle import member_honorary_set
from doanvien.members.validation import MATURING_AGE

from ..forms.lifecycle import HonoraryForm, LeaveForm, MatureOutForm, ReinstateForm
from ..models import Status


@login_required
def member_leave(request, member_id: int):
    member = get_member_for(request.user, member_id)
    require(can_edit_members(request.user, member.branch))
    form = LeaveForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and member.status == Status.ACTIVE and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "matured_out":
                member_mature_out(
                    actor=request.user, member=member, on=data["on"], reason=data["reason"]
                )
            else:
                member_remove(
                    actor=request.user,
                    member=member,
                    on=data["on"],
                    reason=data["reason"],
                    expelled=data["kind"] == "expelled",
                )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("%(name)s is no longer on the roll.") % {"name": member.full_name}
            )
            return redirect("members:member-detail", member_id=member.pk)
    return render(request, "members/lifecycle/leave.html", {"member": member, "form": form})


@login_required
def member_reinstate_view(request, member_id: int):
    member = get_member_for(request.user, member_id)
    require(can_edit_members(request.user, member.branch))
    form = ReinstateForm(request.POST or None)
    if request.method == "POST" and member.status != Status.ACTIVE and form.is_valid():
        try:
            member_reinstate(actor=request.user, member=member, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("%(name)s is back on the roll.") % {"name": member.full_name}
            )
            return redirect("members:member-detail", member_id=member.pk)
    return render(request, "members/lifecycle/reinstate.html", {"member": member, "form": form})


@login_required
def unit_maturing(request, unit_id: int):
    """Members who reach the age limit this year (or are past it); mature out those ticked."""
    unit = get_unit_for(request.user, unit_id)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    can_act = can_edit_members(request.user, unit)
    form = MatureOutForm(request.POST or None, initial={"on": today})
    if request.method == "POST":
        require(can_act)
        chosen = [c for c in request.POST.getlist("member") if c.isdigit()]
        if not chosen:
            form.add_error(None, _("Tick the members who mature out."))
        elif form.is_valid():
            try:
                count = members_mature_out(
                    actor=request.user, unit=unit, member_ids=chosen, on=form.cleaned_data["on"]
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("%(n)s members matured out.") % {"n": count})
                return redirect(request.get_full_path())
    page = paginate(request, members_reaching_age_limit(unit, year).select_related("branch"))
    return render(
        request,
        "members/lifecycle/maturing.html",
        {
            "unit": unit,
            "breadcrumbs": visible_ancestors(request.user, unit),
            "year": year,
            "age": MATURING_AGE,
            "page": page,
            "form": form,
            "can_act": can_act,
        },
    )


@login_required
def member_honorary(request, member_id: int):
    """Recognise as an honorary member, or withdraw it, with the reason."""
    member = get_member_for(request.user, member_id)
    require(can_edit_members(request.user, member.branch))
    form = HonoraryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_honorary_set(
                actor=request.user,
                member=member,
                honorary=not member.honorary,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            return redirect("members:member-detail", member_id=member.pk)
    return render(request, "members/lifecycle/honorary.html", {"member": member, "form": form})

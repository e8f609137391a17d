"""Leaving the roll (removal, expulsion, maturing out), the recorded correction that brings a
member back, the list of members reaching the age limit with maturing out in bulk, and the two
acts that keep a member past the age limit (the branch's decision; an elected or full-time
cadre continues)."""

from datetime import date

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
from doanvien.core.years import is_valid_year
from doanvien.members.access import can_decide_age_limit, can_edit_members, get_member_for
from doanvien.members.rules import member_rules
from doanvien.members.selectors import (
    members_continuing,
    members_kept,
    members_to_mature_out,
)
from doanvien.members.services.lifecycle import (
    member_continuation_set,
    member_honorary_set,
    member_keep,
)

from ..forms.lifecycle import (
    ContinuationForm,
    HonoraryForm,
    KeepForm,
    LeaveForm,
    MatureOutForm,
    ReinstateForm,
)
from ..models import Status

# The maturing page's lists: to mature out (ticked and matured out together), kept by the
# branch's decision, continuing as cadres.
MATURING_LISTS = {
    "due": members_to_mature_out,
    "kept": members_kept,
    "continuing": members_continuing,
}


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
    """Members who reach the age limit this year (or are past it): those to mature out, whom
    the user may mature out together on the ceremony's date; apart, those the branch keeps and
    those who continue as cadres, with their reasons."""
    unit = get_unit_for(request.user, unit_id)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not is_valid_year(year):
        year = today.year
    shown = request.GET.get("list")
    if shown not in MATURING_LISTS:
        shown = "due"
    can_act = can_edit_members(request.user, unit) and shown == "due"
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
    page = paginate(request, MATURING_LISTS[shown](unit, year).select_related("branch"))
    counts = {name: select(unit, year).count() for name, select in MATURING_LISTS.items()}
    return render(
        request,
        "members/lifecycle/maturing.html",
        {
            "unit": unit,
            "breadcrumbs": visible_ancestors(request.user, unit),
            "year": year,
            "age": member_rules(unit, date(year, 12, 31)).maturing_age,
            "shown": shown,
            "counts": counts,
            "page": page,
            "form": form,
            "can_act": can_act,
        },
    )


@login_required
def member_continuation(request, member_id: int):
    """Record that the member continues past the age limit as an elected or full-time Union
    cadre, or withdraw it, with the reason."""
    member = get_member_for(request.user, member_id)
    require(can_decide_age_limit(request.user, member))
    form = ContinuationForm(request.POST or None, current=member.continues_as)
    if request.method == "POST" and form.is_valid():
        try:
            member_continuation_set(
                actor=request.user,
                member=member,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Recorded."))
            return redirect("members:member-detail", member_id=member.pk)
    return render(request, "members/lifecycle/continuation.html", {"member": member, "form": form})


@login_required
def member_keep_view(request, member_id: int):
    """The branch's decision to keep the member past the age limit until a date, or its end."""
    member = get_member_for(request.user, member_id)
    require(can_decide_age_limit(request.user, member))
    today = timezone.localdate()
    rules = member_rules(member.branch, today)
    latest = rules.last_kept_day(member.date_of_birth)
    form = KeepForm(request.POST or None, initial={"until": member.kept_until or latest})
    if request.method == "POST" and form.is_valid():
        try:
            member_keep(
                actor=request.user,
                member=member,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                today=today,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Recorded."))
            return redirect("members:member-detail", member_id=member.pk)
    return render(
        request,
        "members/lifecycle/keep.html",
        {"member": member, "form": form, "latest": latest, "max_age": rules.keep_max_age},
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

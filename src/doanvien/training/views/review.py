"""The branch committee reviews the submitted registrations one at a time (previous / next,
the decision on the first screen of a phone, on to the next one waiting once decided), and
approves several at once from the branch's training page after a confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_branch_for, require, visible_ancestors
from doanvien.actions.meetings import registration_approve_at, registrations_approve_at
from doanvien.core.forms import apply_errors
from doanvien.meetings.selectors import meetings_for_steps
from doanvien.members.access import get_member_for
from doanvien.training.services.common import lock_message
from doanvien.training.services.registrations import (
    registration_return,
    registrations_approvable,
)

from ..access import can_review_registration, is_branch_committee
from ..forms.registrations import ReturnForm
from ..models import Registration
from ..selectors import chosen_by_area, waiting_for_review
from .member import is_locked, refused


def review_url(branch, year: int, member=None) -> str:
    if member is None:
        return reverse("training:branch-review", kwargs={"unit_id": branch.pk, "year": year})
    return reverse(
        "training:branch-review-member",
        kwargs={"unit_id": branch.pk, "year": year, "member_id": member.pk},
    )


def _committee_branch(request, unit_id: int):
    """The branch (404 outside the user's scope), for its committee only (403)."""
    branch = get_branch_for(request.user, unit_id)
    require(is_branch_committee(request.user, branch))
    return branch


def _render(request, branch, year: int, queue, registration=None, member=None, **extra):
    """The review page: `registration` (of `member`) with its place in the queue, or the
    empty state when none waits."""
    members = [r.member_id for r in queue]
    position = members.index(member.pk) if member and member.pk in members else None
    locked_because = lock_message(branch, year)
    context = {
        "unit": branch,
        "branch": branch,
        "year": year,
        # No unit path above the page: the decision keeps the first screen of a phone.
        "queue": queue,
        "registration": registration,
        "member": member,
        "position": None if position is None else position + 1,
        "previous": queue[position - 1].member if position else None,
        "next": queue[position + 1].member
        if position is not None and position + 1 < len(queue)
        else None,
        # Shown when the registration on the page is not (or no longer) waiting.
        "first_waiting": queue[0].member if queue and position is None else None,
        "can_decide": position is not None and not locked_because,
        "locked_because": locked_because,
        "return_form": ReturnForm(auto_id="review-%s"),
        "meetings": meetings_for_steps(branch, year),
    }
    if registration is not None:
        context["chosen"] = chosen_by_area(registration)
        context["item_count"] = sum(len(items) for _a, items in context["chosen"])
        context["notes"] = registration.notes.select_related("author")
    context.update(extra)
    return render(request, "training/branch/review.html", context)


@login_required
def branch_review(request, unit_id: int, year: int):
    """The first registration waiting for review, or the empty state."""
    branch = _committee_branch(request, unit_id)
    queue = waiting_for_review(user=request.user, branch=branch, year=year)
    if not queue:
        return _render(request, branch, year, queue)
    first = queue[0]
    return _render(request, branch, year, queue, first, first.member)


def _after(queue, member) -> str | None:
    """The member whose registration comes next once `member`'s is decided: the next one
    waiting after it, else the first one still waiting."""
    members = [r.member for r in queue]
    ids = [m.pk for m in members]
    if member.pk in ids:
        rest = members[ids.index(member.pk) + 1 :] + members[: ids.index(member.pk)]
    else:
        rest = members
    return rest[0] if rest else None


@login_required
def branch_review_member(request, unit_id: int, year: int, member_id: int):
    """One member's registration: read it and decide (POST decision=approve|return); once
    decided, on to the next one waiting."""
    branch = _committee_branch(request, unit_id)
    member = get_member_for(request.user, member_id)
    registration = (
        Registration.objects.filter(branch=branch, year=year, member=member)
        .select_related("framework", "member")
        .first()
    )
    if registration is None and member.branch_id != branch.pk:
        raise Http404
    queue = waiting_for_review(user=request.user, branch=branch, year=year)
    if request.method != "POST":
        return _render(request, branch, year, queue, registration, member)
    if registration is None:
        raise Http404
    require(can_review_registration(request.user, member))
    here = review_url(branch, year, member)
    decision = request.POST.get("decision")
    if decision == "approve":
        try:
            registration_approve_at(
                actor=request.user, registration=registration, meeting=request.POST.get("meeting")
            )
        except ValidationError as e:
            return refused(request, e, here)
        messages.success(
            request, _("The registration of %(name)s is approved.") % {"name": member.full_name}
        )
    elif decision == "return":
        form = ReturnForm(request.POST, auto_id="review-%s")
        form.is_valid()
        try:
            registration_return(
                actor=request.user,
                registration=registration,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as e:
            if is_locked(e) or not hasattr(e, "error_dict"):
                return refused(request, e, here)
            apply_errors(form, e)
            return _render(request, branch, year, queue, registration, member, return_form=form)
        messages.success(
            request,
            _("The registration of %(name)s is returned with your comment.")
            % {"name": member.full_name},
        )
    else:
        raise Http404
    following = _after(queue, member)
    return redirect(review_url(branch, year, following))


@login_required
@require_POST
def branch_review_approve_many(request, unit_id: int, year: int):
    """Approve the registrations ticked on the branch's training page: first a confirmation
    saying how many will be approved and which cannot be, then (confirm=1) all of them in one
    service call."""
    branch = _committee_branch(request, unit_id)
    back = reverse("training:branch-training", args=[branch.pk, year]) + "#review"
    if request.POST.get("all"):
        waiting = waiting_for_review(user=request.user, branch=branch, year=year)
        chosen = [r.member_id for r in waiting]
    else:
        chosen = request.POST.getlist("member")
    if not chosen:
        messages.error(request, _("Choose the registrations to approve."))
        return redirect(back)
    errors: list[str] = []
    if request.POST.get("confirm") == "1":
        try:
            approved = registrations_approve_at(
                actor=request.user,
                branch=branch,
                year=year,
                member_ids=chosen,
                meeting=request.POST.get("meeting"),
            )
        except ValidationError as e:
            if is_locked(e):
                return refused(request, e, back)
            errors = e.messages
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s registration approved.",
                    "%(count)s registrations approved.",
                    len(approved),
                )
                % {"count": len(approved)},
            )
            return redirect(back)
    approvable, refusals = registrations_approvable(
        actor=request.user, branch=branch, year=year, member_ids=chosen
    )
    context = {
        "unit": branch,
        "branch": branch,
        "year": year,
        "breadcrumbs": visible_ancestors(request.user, branch, and_unit=True),
        "approvable": approvable,
        "refusals": refusals,
        "errors": errors,
        "meetings": meetings_for_steps(branch, year),
        "back": back,
    }
    return render(request, "training/branch/approve_many.html", context)

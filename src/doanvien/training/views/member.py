"""The member's own training pages (phone first): registration, state and deadlines,
self-assessment, interim notes and results by year. The member and his branch committee act
here; everyone else who may see the member reads."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import require, scope_of, visible_ancestors
from doanvien.activities.selectors import registration_choices
from doanvien.activities.services import registration_save_linked
from doanvien.core.forms import apply_errors, error_messages
from doanvien.meetings.selectors import meetings_for_steps, step_meetings
from doanvien.members.access import get_member_for
from doanvien.members.models import Status
from doanvien.training.services.assessment import self_assessment_record
from doanvien.training.services.closing import is_closed
from doanvien.training.services.common import lock_message
from doanvien.training.services.registrations import registration_submit
from doanvien.training.services.results import progress_note_add
from doanvien.youth.access import can_refer_for
from doanvien.youth.selectors import referral_summary

from ..access import acts_for_member, can_review_registration, is_branch_committee
from ..forms.assessment import SelfAssessmentForm, points_errors, points_text
from ..forms.registrations import CriteriaForm, NoteForm, ReturnForm
from ..models import BranchResult, Deadline, Registration
from ..progress import deadlines_for
from ..rules import programme_year_span
from ..selectors import (
    assessment_opens,
    chosen_by_area,
    criteria_offered,
    framework_for,
    member_year_with_work,
    registration_of,
)

State = Registration.State
Kind = Deadline.Kind
EDITABLE = (State.DRAFT, State.RETURNED)
# A service error about the activities ticked for a criterion (activities.services).
LINK_ERROR = re.compile(r"^activities\[(\d+)\]$")


def is_locked(error: ValidationError) -> bool:
    """The services' refusal of any change to a year whose results are submitted or recognised:
    the pages show it as a message, not next to a field."""
    return getattr(error, "code", None) == "locked"


def window_not_open(registration, today=None):
    """The day assessment opens for the registration when that day is still to come."""
    opens = assessment_opens(registration)
    return opens if opens and (today or timezone.localdate()) < opens else None


def page_url(member, year: int) -> str:
    return reverse("training:member-training", kwargs={"member_id": member.pk, "year": year})


def deadlines_with_delay(unit, year: int) -> list:
    """The deadlines that apply, each with `overdue`: the days since it passed."""
    deadlines = deadlines_for(unit, year, unit.sector)
    for d in deadlines:
        d.overdue = max(0, -d.days_left)
    return deadlines


def member_deadlines(member, branch, year: int, registration) -> list:
    """The member's deadlines: the registration one that applies to him (new members have
    their own) and the evaluation, each marked done once he is through it."""
    first, _last = programme_year_span(year, branch.sector)
    new_member = member.joined_union_on >= first
    registration_kind = Kind.NEW_MEMBER_REGISTRATION if new_member else Kind.REGISTRATION
    registered = bool(registration) and registration.state in (State.SUBMITTED, State.APPROVED)
    assessed = bool(registration and registration.assessed_at)
    shown = []
    for d in deadlines_with_delay(branch, year):
        if d.kind == registration_kind:
            d.done = registered
        elif d.kind == Kind.EVALUATION:
            d.done = assessed
        else:
            continue
        shown.append(d)
    return shown


def _criteria_form(member, year: int, registration, data=None) -> CriteriaForm | None:
    """The criteria offered to the member (his branch's sector, his group), with his choices."""
    branch = registration.branch if registration else member.branch
    framework = registration.framework if registration else framework_for(branch, year)
    if framework is None:
        return None
    criteria = criteria_offered(
        member, framework=framework, branch=branch, year=year
    ).select_related("unit")
    items = registration.items.select_related("criterion") if registration else None
    return CriteriaForm(
        framework=framework,
        criteria=criteria,
        data=data,
        items=items,
        minimum=framework.min_criteria_for(member.audience),
    )


def _points_rows(registration) -> list[dict]:
    return [
        {
            "area": a,
            "max": points_text(a.max_points),
            "self": points_text(registration.self_points.get(a.code)),
            "branch": points_text(registration.branch_points.get(a.code)),
        }
        for a in registration.framework.areas.all()
    ]


def _history(member) -> list[dict]:
    registrations = list(
        Registration.objects.filter(member=member).select_related("branch").order_by("-year")
    )
    results = {
        (r.branch_id, r.year): r
        for r in BranchResult.objects.filter(
            branch__in={r.branch_id for r in registrations},
            year__in={r.year for r in registrations},
        )
    }
    return [
        {"registration": r, "result": results.get((r.branch_id, r.year))} for r in registrations
    ]


def _context(request, member, year: int, **overrides) -> dict:
    user = request.user
    registration = registration_of(member, year)
    branch = registration.branch if registration else member.branch
    can_act = acts_for_member(user, member)
    state = registration.state if registration else None
    locked_because = lock_message(branch, year)
    locked = bool(locked_because)
    # A closed programme year takes no new registration (services/closing.py); one never sent
    # was marked missed when it closed.
    year_closed = state in (None, State.MISSED, *EDITABLE) and is_closed(year, branch.sector)
    editable = (
        can_act
        and member.status == Status.ACTIVE
        and state in (None, *EDITABLE)
        and not locked
        and not year_closed
    )
    committee = is_branch_committee(user, branch)
    reviewer = can_review_registration(user, member)
    assessed = bool(registration and registration.assessed_at)
    scope = scope_of(user)
    context = {
        "member": member,
        "year": year,
        "branch": branch,
        "registration": registration,
        "state": state,
        "is_self": scope.member_id == member.pk,
        "can_act": can_act,
        "editable": editable,
        "committee": committee,
        "locked": locked,
        "locked_because": locked_because,
        "year_closed": year_closed,
        "assessed": assessed,
        "deadlines": member_deadlines(member, branch, year, registration),
        "can_review": reviewer and state == State.SUBMITTED and not locked,
        "can_return": reviewer
        and not assessed
        and not locked
        and state in (State.SUBMITTED, State.APPROVED),
        "return_form": ReturnForm(),
        "review_meetings": meetings_for_steps(branch, year)
        if reviewer and state == State.SUBMITTED and not locked
        else (),
        "reviewed_at": step_meetings(branch, year)["reviews"].get(registration.pk)
        if registration
        else None,
        "history": _history(member),
        "breadcrumbs": visible_ancestors(user, branch, and_unit=True),
        "sees_branch": scope.sees_path(branch.path),
        "notice": "",
    }
    if editable and "form" not in overrides:
        context["form"] = _criteria_form(member, year, registration)
        if context["form"] is None:
            context["no_framework"] = True
    if registration and state != State.DRAFT:
        context["chosen"] = chosen_by_area(registration)
    if registration and state == State.APPROVED:
        areas = list(registration.framework.areas.all())
        context["points"] = _points_rows(registration)
        context["areas_max"] = registration.framework.total_points
        context["assessment_opens"] = window_not_open(registration)
        if can_act and not locked and not context["assessment_opens"]:
            context["self_form"] = SelfAssessmentForm(areas=areas, registration=registration)
    # The "1+1" criterion shows the member's real referrals of the programme year beside it
    # (the school year for a school's registration).
    context["referrals"] = referral_summary(member, year, branch=branch)
    context["sees_referrals"] = can_refer_for(user, member)
    if registration:
        context["notes"] = registration.notes.select_related("author")
        if can_act:
            context["note_form"] = NoteForm()
    context.update(overrides)
    # A registration form sent back with errors keeps the activities ticked in it.
    _attach_activities(member, year, context, posted=request.POST if "form" in overrides else None)
    return context


def _attach_activities(member, year: int, context: dict, posted=None) -> None:
    """Each criterion of the page with the activities that may serve it (activities offered to
    the member's branch, of the year, of its content area) and those linked: ticked in the
    registration form, or listed under the registered criteria with a form of their own."""
    registration = context["registration"]
    form = context.get("form") if context["editable"] else None
    chosen = context.get("chosen")
    if form is None and not chosen:
        return
    criteria = {}
    if form is not None:
        criteria.update({row.pk: row.criterion.area_code for row in form.rows})
    for _area, items in chosen or []:
        criteria.update({i.criterion_id: i.criterion.area_code for i in items})
    found = registration_choices(
        member, year, registration, criteria, posted=posted if form is not None else None
    )
    if form is not None:
        for row in form.rows:
            row.activities = found.get(row.pk)
    for _area, items in chosen or []:
        for i in items:
            i.activities = found.get(i.criterion_id)
    context["can_link_activities"] = context["can_act"] and not context["locked"]


def _links_posted(request, form) -> dict[int, list[str]]:
    """The activities ticked for each criterion checked (only the criteria whose activities the
    page showed: `activity-rows`)."""
    shown = {int(v) for v in request.POST.getlist("activity-rows") if v.isdigit()}
    return {
        row.pk: request.POST.getlist(f"activities-{row.pk}")
        for row in form.checked_rows
        if row.pk in shown
    }


def _put_link_errors(form, error: ValidationError) -> bool:
    """Put the errors about the activities ticked next to their criteria; whether there were
    any."""
    rows = {r.pk: r for r in form.rows}
    found = False
    for name, messages_ in error_messages(error).items():
        match = LINK_ERROR.match(name)
        if match and int(match.group(1)) in rows:
            rows[int(match.group(1))].errors.extend(messages_)
            found = True
    return found


def _render(request, member, year: int, status: int = 200, **overrides):
    return render(
        request,
        "training/member/training.html",
        _context(request, member, year, **overrides),
        status=status,
    )


@login_required
def member_training_current(request, member_id: int):
    """The member's page for the year with work still his (a link that needs no year):
    selectors.member_year_with_work."""
    member = get_member_for(request.user, member_id)
    return _render(request, member, member_year_with_work(member))


@login_required
def my_training(request):
    """/me/training/: the signed-in member's own page, for the year with work still his."""
    member_id = scope_of(request.user).member_id
    if member_id is None:
        raise Http404
    member = get_member_for(request.user, member_id)
    return redirect(page_url(member, member_year_with_work(member)))


@login_required
def member_training(request, member_id: int, year: int):
    member = get_member_for(request.user, member_id)
    if request.method != "POST":
        return _render(request, member, year)
    registration = registration_of(member, year)
    require(
        acts_for_member(request.user, member)
        and member.status == Status.ACTIVE
        and (registration is None or registration.state in EDITABLE)
    )
    form = _criteria_form(member, year, registration, data=request.POST)
    if form is None:
        raise Http404
    submitting = request.POST.get("action") == "submit"
    items = form.items()
    by_branch = scope_of(request.user).member_id != member.pk
    notice = ""
    try:
        registration = registration_save_linked(
            actor=request.user,
            member=member,
            year=year,
            items=items,
            by_branch=by_branch,
            links=_links_posted(request, form),
        )
    except ValidationError as e:
        if is_locked(e):
            return refused(request, e, page_url(member, year))
        if not _put_link_errors(form, e):
            form.add_errors(e, [i["criterion"] for i in items])
        notice = _("Nothing was saved: correct the marked fields.")
    else:
        if submitting:
            try:
                registration_submit(actor=request.user, registration=registration)
            except ValidationError as e:
                if is_locked(e):
                    return refused(request, e, page_url(member, year))
                form.add_errors(e, list(registration.items.values_list("criterion_id", flat=True)))
                notice = _(
                    "Your changes are saved as a draft, but the registration is not submitted."
                )
            else:
                messages.success(
                    request, _("Registration submitted: the branch committee will review it.")
                )
                return redirect(page_url(member, year))
        else:
            messages.success(request, _("Draft saved."))
            return redirect(page_url(member, year))
    return _render(request, member, year, form=form, notice=notice)


@login_required
@require_POST
def member_training_self_assess(request, member_id: int, year: int):
    member = get_member_for(request.user, member_id)
    require(acts_for_member(request.user, member))
    registration = registration_of(member, year)
    if registration is None:
        raise Http404
    areas = list(registration.framework.areas.all())
    form = SelfAssessmentForm(request.POST, areas=areas)
    if form.is_valid():
        try:
            self_assessment_record(
                actor=request.user,
                registration=registration,
                areas=form.points(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as e:
            if is_locked(e) or getattr(e, "code", None) == "not_open":
                return refused(request, e, page_url(member, year) + "#self-assessment")
            apply_errors(form, ValidationError(points_errors(e)))
        else:
            messages.success(request, _("Self-assessment saved."))
            return redirect(page_url(member, year) + "#self-assessment")
    return _render(request, member, year, self_form=form)


@login_required
@require_POST
def member_training_note(request, member_id: int, year: int):
    member = get_member_for(request.user, member_id)
    require(acts_for_member(request.user, member))
    registration = registration_of(member, year)
    if registration is None:
        raise Http404
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            progress_note_add(
                actor=request.user,
                branch=registration.branch,
                year=year,
                text=form.cleaned_data["text"],
                on=form.cleaned_data["on"],
                registration=registration,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Note added."))
            return redirect(page_url(member, year) + "#notes")
    return _render(request, member, year, note_form=form)


def refused(request, error: ValidationError, url: str):
    """A refusal that is about the state of things, not what was typed: a message on the page
    the person comes back to."""
    messages.error(request, " ".join(error.messages))
    return redirect(url)


def render_with_return_form(request, member, year: int, form):
    """The member's page again, with the committee's return form and its errors."""
    return _render(request, member, year, return_form=form)

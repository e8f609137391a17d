"""The Party introductions page of a unit and year: the introductions proposed in its subtree
with their steps, a page at a time (keyset), filtered by year and state, the branch committee's
proposal form (on a branch), the step forms for the units above the branch; the year's counts
from the roll-ups. Scoped on the first line; an introduction outside the page's unit is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import keyset_page_for
from doanvien.core.years import is_valid_year
from doanvien.members.models import Member, Status
from doanvien.training.access import can_recognise as above_the_branch
from doanvien.training.access import is_branch_committee

from .. import introductions
from ..forms import IntroductionProposalForm, IntroductionStepForm
from ..models import IntroductionState, MemberRating, PartyIntroduction, RatingLevel
from ..selectors import INTRODUCTION_ORDER, introductions_under


def _members(branch, year: int) -> list[Member]:
    """The branch's active members, those rated excellent (approved) that year first."""
    members = list(
        Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("full_name", "pk")
    )
    excellent = set(
        MemberRating.objects.filter(
            branch=branch,
            year=year,
            level=RatingLevel.EXCELLENT,
            state=MemberRating.State.APPROVED,
        ).values_list("member_id", flat=True)
    )
    for m in members:
        m.rated_excellent = m.pk in excellent
    return sorted(members, key=lambda m: not m.rated_excellent)


def _state(request) -> str:
    """The ?state= filter, one of IntroductionState (anything else: no filter)."""
    state = request.GET.get("state", "")
    return state if state in IntroductionState.values else ""


def _page(request, unit, year: int, proposal_form=None, status: int = 200):
    state = _state(request)
    page = keyset_page_for(
        request, introductions_under(unit, year=year, state=state), keys=INTRODUCTION_ORDER
    )
    rows = page.object_list
    # Whether he records the later steps depends on the branch only: asked once a branch. The
    # step form itself is on the introduction's own page (a link here), not rendered per row.
    steps: dict[int, bool] = {}
    for row in rows:
        if row.branch_id not in steps:
            steps[row.branch_id] = above_the_branch(request.user, row.branch)
        row.can_step = steps[row.branch_id]
    proposes = unit.is_branch and is_branch_committee(request.user, unit)
    if proposes and proposal_form is None:
        proposal_form = IntroductionProposalForm(members=_members(unit, year), prefix="new")
    return render(
        request,
        "evaluations/introductions.html",
        {
            "unit": unit,
            "year": year,
            "years": range(year - 3, year + 2),
            "rows": rows,
            "page": page,
            "state": state,
            "states": IntroductionState.choices,
            "counts": introductions.yearly_counts(unit, year),
            "proposal_form": proposal_form if proposes else None,
            "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        },
        status=status,
    )


@login_required
def introductions_page(request, unit_id: int, year: int):
    """The year's introductions of the unit's subtree, a page at a time, in a state if asked
    (?state=); the filter's ?year= goes to that year's page, keeping the state."""
    unit = get_unit_for(request.user, unit_id)
    asked = request.GET.get("year", "")
    if asked.isascii() and asked.isdigit() and is_valid_year(int(asked)) and int(asked) != year:
        target = reverse("evaluations:introductions", args=[unit.pk, int(asked)])
        state = _state(request)
        return redirect(f"{target}?{urlencode({'state': state})}" if state else target)
    return _page(request, unit, year)


@login_required
@require_POST
def introduction_propose(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(unit.is_branch and is_branch_committee(request.user, unit))
    members = _members(unit, year)
    form = IntroductionProposalForm(request.POST, members=members, prefix="new")
    if form.is_valid():
        data = form.cleaned_data
        member = next(m for m in members if m.pk == data["member"])
        try:
            introductions.introduction_propose(
                actor=request.user,
                member=member,
                year=year,
                branch_resolution_no=data["branch_resolution_no"],
                branch_resolution_date=data["branch_resolution_date"],
                votes_for=data["votes_for"],
                present=data["present"],
                override_reason=data["override_reason"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("Proposed to the Party: %(name)s.") % {"name": member.full_name}
            )
            return redirect("evaluations:introductions", unit_id=unit.pk, year=year)
    return _page(request, unit, year, proposal_form=form, status=400)


def _step_form(introduction, data=None) -> IntroductionStepForm:
    return IntroductionStepForm(
        data,
        prefix=f"step{introduction.pk}",
        initial={
            "introduction_no": introduction.introduction_no,
            **{k: getattr(introduction, k) for k in introductions.STEPS},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def introduction_step(request, unit_id: int, year: int, introduction_id: int):
    """One introduction's later steps (units above the branch): the form on GET; a refused
    step shows the form again with what was typed and the reason, nothing saved."""
    unit = get_unit_for(request.user, unit_id)
    introduction = (
        PartyIntroduction.objects.filter(
            pk=introduction_id, year=year, unit_path__startswith=unit.path
        )
        .select_related("branch", "member")
        .first()
    )
    if introduction is None:
        raise Http404
    require(above_the_branch(request.user, introduction.branch))
    form = _step_form(introduction, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            introductions.introduction_update(
                actor=request.user, introduction=introduction, data=data
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("evaluations:introductions", unit_id=unit.pk, year=year)
    return render(
        request,
        "evaluations/introduction_step.html",
        {
            "unit": unit,
            "year": year,
            "introduction": introduction,
            "form": form,
            "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        },
        status=400 if request.method == "POST" else 200,
    )

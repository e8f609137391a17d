"""The yearly rating pages (kiểm điểm, xếp loại đoàn viên): a branch's members with the level
the training programme proposes and their rating, the branch committee proposing each level,
the units above approving or rejecting with a reason; a union's page lists the ratings waiting
for its decision and its units' approved figures (roll-ups). Each view is scoped on its first
line; a member outside the page's unit is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.members.access import get_member_for
from doanvien.members.models import Member, Status
from doanvien.training.access import can_recognise as above_the_branch
from doanvien.training.access import is_branch_committee

from .. import collectives, ratings, report, rollup
from ..access import can_decide_collective, is_own_committee
from ..models import CollectiveRating, MemberRating, RatingLevel, level_label

WAITING_SHOWN = 200


def _rows(branch, year: int) -> list[dict]:
    members = list(
        Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("full_name", "pk")
    )
    found = {
        r.member_id: r
        for r in MemberRating.objects.filter(member__in=members, year=year).select_related(
            "previous_branch"
        )
    }
    policy = ratings.policy_for(branch)
    ids = [m.pk for m in members]
    levels = ratings.programme_levels(ids, year)
    moved_in = ratings.transfers_in(ids, year, policy.eligibility_months)
    rows = []
    for member in members:
        rating = found.get(member.pk)
        rows.append(
            {
                "member": member,
                "rating": rating,
                "programme_level": (level := levels.get(member.pk, "")),
                "programme_label": level_label(level),
                "moved_in": moved_in.get(member.pk),
                "can_propose": rating is None or rating.state != MemberRating.State.APPROVED,
            }
        )
    return rows


def _waiting(unit, year: int) -> list[MemberRating]:
    """Ratings proposed in the unit's subtree, below it (oldest first, at most WAITING_SHOWN)."""
    return list(
        MemberRating.objects.filter(
            year=year, state=MemberRating.State.PROPOSED, unit_path__startswith=unit.path
        )
        .exclude(unit_path=unit.path)
        .select_related("member", "branch", "previous_branch")
        .order_by("proposed_at", "pk")[:WAITING_SHOWN]
    )


@login_required
def ratings_page(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    policy = ratings.policy_for(unit)
    context = {
        "unit": unit,
        "year": year,
        "levels": RatingLevel.choices,
        "policy": policy,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
    }
    if unit.is_branch:
        proposed = ratings.quota_counts(unit, year)
        context.update(
            rows=_rows(unit, year),
            committee=is_branch_committee(request.user, unit),
            decides=above_the_branch(request.user, unit),
            quota_counts=proposed,
        )
    else:
        waiting = _waiting(unit, year)
        for rating in waiting:
            rating.can_decide = above_the_branch(request.user, rating.branch)
        figures = rollup.with_figures(unit.children().order_by("name"), year)
        levels = [f"ratings_{level}" for level in RatingLevel.values]
        context.update(
            children=[(child, [getattr(child, f"ev_{k}") for k in levels]) for child in figures],
            own=[rollup.figures_of(unit, year)[k] for k in levels],
            waiting=waiting,
            level_titles=[title for _k, title in report.groups()[4][1]],
        )
    return render(request, "evaluations/ratings.html", context)


def _member_in(request, unit_id: int, member_id: int):
    unit = get_unit_for(request.user, unit_id)
    member = get_member_for(request.user, member_id)
    if not member.branch.path.startswith(unit.path):
        raise Http404
    return unit, member


def _back(unit, year):
    return redirect("evaluations:ratings", unit_id=unit.pk, year=year)


def _tried(request, call, done) -> None:
    try:
        call()
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done)


@login_required
@require_POST
def rating_propose(request, unit_id: int, year: int, member_id: int):
    unit, member = _member_in(request, unit_id, member_id)
    require(is_branch_committee(request.user, member.branch))
    _tried(
        request,
        lambda: ratings.rating_propose(
            actor=request.user,
            member=member,
            year=year,
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", "")[:2000],
            previous_comment=request.POST.get("previous_comment", "")[:2000],
        ),
        _("Rating proposed: %(name)s.") % {"name": member.full_name},
    )
    return _back(unit, year)


@login_required
@require_POST
def ratings_propose_all(request, unit_id: int, year: int):
    """Propose the training programme's level for every member of the branch not rated yet who
    has one; each proposal stands on its own (a refusal, e.g. the quota or too little
    membership time, leaves the others), and the refusals are listed by name."""
    unit = get_unit_for(request.user, unit_id)
    require(unit.is_branch and is_branch_committee(request.user, unit))
    done, refused = 0, []
    for row in _rows(unit, year):
        if row["rating"] is not None or not row["programme_level"]:
            continue
        try:
            ratings.rating_propose(
                actor=request.user,
                member=row["member"],
                year=year,
                level=row["programme_level"],
                reason="",
            )
        except ValidationError as e:
            refused.append(f"{row['member'].full_name}: {' '.join(e.messages)}")
        else:
            done += 1
    messages.success(request, _("%(n)s ratings proposed.") % {"n": done})
    if refused:
        messages.error(request, " · ".join(refused[:20]))
    return _back(unit, year)


def _decide(approve: bool):
    @login_required
    @require_POST
    def view(request, unit_id: int, year: int, member_id: int):
        unit, member = _member_in(request, unit_id, member_id)
        require(above_the_branch(request.user, member.branch))
        rating = MemberRating.objects.filter(member=member, year=year).first()
        if rating is None:
            raise Http404
        done = _("Approved: %(name)s.") if approve else _("Rejected: %(name)s.")
        _tried(
            request,
            lambda: ratings.rating_decide(
                actor=request.user,
                rating=rating,
                approve=approve,
                reason=request.POST.get("reason", "")[:2000],
            ),
            done % {"name": member.full_name},
        )
        return _back(unit, year)

    return view


rating_approve = _decide(True)
rating_reject = _decide(False)


# --- The leadership collective's rating (on the unit's evaluations page) ----------------------


def collective_context(user, unit, year: int) -> dict:
    rating = CollectiveRating.objects.filter(unit=unit, year=year).first()
    return {
        "collective": rating,
        "collective_applies": unit.depth > 1,
        "collective_can_propose": is_own_committee(user, unit)
        and (rating is None or rating.state != CollectiveRating.State.APPROVED),
        "collective_can_decide": rating is not None
        and rating.state == CollectiveRating.State.PROPOSED
        and can_decide_collective(user, unit),
    }


def _to_unit_page(unit, year):
    return redirect("evaluations:unit-evaluations", unit_id=unit.pk, year=year)


@login_required
@require_POST
def collective_propose(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(is_own_committee(request.user, unit))
    _tried(
        request,
        lambda: collectives.collective_propose(
            actor=request.user,
            unit=unit,
            year=year,
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", "")[:4000],
        ),
        _("Leadership collective's rating proposed."),
    )
    return _to_unit_page(unit, year)


def _collective_decide(approve: bool):
    @login_required
    @require_POST
    def view(request, unit_id: int, year: int):
        unit = get_unit_for(request.user, unit_id)
        require(can_decide_collective(request.user, unit))
        rating = CollectiveRating.objects.filter(unit=unit, year=year).first()
        if rating is None:
            raise Http404
        _tried(
            request,
            lambda: collectives.collective_decide(
                actor=request.user,
                rating=rating,
                approve=approve,
                reason=request.POST.get("reason", "")[:2000],
            ),
            _("Approved.") if approve else _("Rejected."),
        )
        return _to_unit_page(unit, year)

    return view


collective_approve = _collective_decide(True)
collective_reject = _collective_decide(False)

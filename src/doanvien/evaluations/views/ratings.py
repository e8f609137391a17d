"""The yearly rating pages (kiểm điểm, xếp loại đoàn viên): a branch's members with the level
the training programme proposes and their rating, the branch committee proposing each level,
the units above approving or rejecting with a reason; a union's page lists the ratings waiting
for its decision and its units' approved figures (roll-ups). Each view is scoped on its first
line; a member outside the page's unit is 404. The rating policy page shows the policy that
applies to a unit; the unit's cadres set its own for the subtree."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import keyset_page_for
from doanvien.core.years import is_valid_year
from doanvien.members.access import get_member_for
from doanvien.members.models import Member, Status
from doanvien.training.access import can_recognise as above_the_branch
from doanvien.training.access import is_branch_committee

from .. import collectives, ratings, report
from ..access import can_decide_collective, can_publish, is_own_committee
from ..forms import RatingPolicyForm
from ..models import CollectiveRating, MemberRating, RatingLevel, level_label
from ..rules import NOT_CLASSIFIED, RATING_ORDER
from ..selectors import WAITING_ORDER, ratings_waiting


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
                # Admitted less than the policy's months before the year's end: assessed, not
                # classified (union-rules §3).
                "eligible": ratings.eligible(member, year, policy),
                "can_propose": rating is None or rating.state != MemberRating.State.APPROVED,
            }
        )
    return rows


def _rating_columns() -> list[tuple[str, str]]:
    """The members' rating columns of the report's table: the four levels, then those assessed
    but not classified."""
    return next(cols for _title, cols in report.groups() if cols[0][0].startswith("ratings_"))


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
        page = keyset_page_for(request, ratings_waiting(unit, year), keys=WAITING_ORDER)
        waiting = page.object_list
        for rating in waiting:
            rating.can_decide = above_the_branch(request.user, rating.branch)
        columns = _rating_columns()
        figures = report.rows([unit, *unit.children().order_by("name")], year)
        context.update(
            children=[(row.unit, [row.figures[k] for k, _t in columns]) for row in figures[1:]],
            own=[figures[0].figures[k] for k, _t in columns],
            waiting=waiting,
            page=page,
            level_titles=[title for _k, title in columns],
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
    has one, and "assessed, not classified" for those admitted too recently; each proposal
    stands on its own (a refusal, e.g. the quota, leaves the others), and the refusals are
    listed by name."""
    unit = get_unit_for(request.user, unit_id)
    require(unit.is_branch and is_branch_committee(request.user, unit))
    done, refused = 0, []
    for row in _rows(unit, year):
        if row["rating"] is not None:
            continue
        if not row["eligible"]:
            level = NOT_CLASSIFIED
        elif row["programme_level"] in RATING_ORDER:
            level = row["programme_level"]
        else:
            continue
        try:
            ratings.rating_propose(
                actor=request.user, member=row["member"], year=year, level=level, reason=""
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


# --- The rating policy of a unit's subtree ------------------------------------------------------


def _policy_year(request) -> int:
    """The year the page's links go back to (?year=, else this year)."""
    text = request.GET.get("year", "")
    if text.isascii() and text.isdigit() and is_valid_year(int(text)):
        return int(text)
    return timezone.localdate().year


@login_required
def rating_policy_page(request, unit_id: int):
    """The policy that applies to the unit (its own, or the nearest ancestor's, or the
    defaults) for whoever sees the unit; its cadres (can_publish) set the unit's own, which its
    subtree inherits, or remove it to follow the unit above again."""
    unit = get_unit_for(request.user, unit_id)
    editable = can_publish(request.user, unit)
    if request.method == "POST":
        require(editable)
    applying = ratings.policy_for(unit)
    form = None
    if editable:
        form = RatingPolicyForm(
            request.POST or None,
            initial={k: getattr(applying, k) for k in ratings.POLICY_FIELDS},
        )
    if request.method == "POST" and form.is_valid():
        try:
            ratings.rating_policy_set(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Rating policy saved."))
            return redirect("evaluations:rating-policy", unit_id=unit.pk)
    source = ratings.policy_source(unit)
    return render(
        request,
        "evaluations/rating_policy.html",
        {
            "unit": unit,
            "year": _policy_year(request),
            "policy": applying,
            "set_by": source.unit if source is not None else None,
            "own": source is not None and source.unit_id == unit.pk,
            "form": form,
            "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def rating_policy_clear(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_publish(request.user, unit))
    _tried(
        request,
        lambda: ratings.rating_policy_clear(actor=request.user, unit=unit),
        _("The unit now follows the rating policy of the unit above."),
    )
    return redirect("evaluations:rating-policy", unit_id=unit.pk)

"""The committee pages: a unit's committees, the queue of committees waiting for its approval
and its cadre indicators; a committee with its posts, the roles its posts offer, the decision
of the unit above and the changes mid-term."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, grantable_roles, require, visible_ancestors
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.members.access import members_visible_to

from . import selectors, services
from .access import (
    accounts_visible_to,
    can_decide_committee,
    can_grant_post_role,
    can_record_committee,
    get_change_for,
    get_committee_for,
    get_post_for,
)
from .forms import CommitteeForm, CourseForm, PostAddForm, PostEndForm, PostReplaceForm
from .models import Committee, Post, PostChange


@login_required
def unit_committees(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    queue = [c for c in selectors.queue(unit) if can_decide_committee(request.user, c)]
    change_queue = [
        c for c in selectors.change_queue(unit) if can_decide_committee(request.user, c.committee)
    ]
    return render(
        request,
        "committees/unit.html",
        {
            "unit": unit,
            "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
            "committees": selectors.unit_committees(unit),
            "queue": queue,
            "change_queue": change_queue,
            "indicators": selectors.cadre_indicators(unit, timezone.localdate()),
            "can_record": can_record_committee(request.user, unit) and unit.is_active,
        },
    )


def _codes(text: str) -> list[str]:
    return [c for c in (text or "").replace(",", " ").split() if c]


@login_required
def committee_create_view(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_record_committee(request.user, unit) and unit.is_active)
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        visible = members_visible_to(request.user)
        posts = []
        for kind, codes in (
            ("secretary", _codes(d["secretary"])),
            ("deputy", _codes(d["deputies"])),
            ("member", _codes(d["others"])),
        ):
            for code in codes:
                found = (
                    visible.filter(member_code__iexact=code).values_list("pk", flat=True).first()
                )
                posts.append({"member": found if found else f"?{code}", "post": kind})
        try:
            committee = services.committee_create(
                actor=request.user,
                unit=unit,
                members=visible,
                term_start=d["term_start"],
                term_end=d["term_end"],
                posts=posts,
            )
        except ValidationError as e:
            apply_errors(form, e, default_field="others")
        else:
            messages.success(request, _("Committee recorded."))
            return redirect("committees:committee-detail", committee_id=committee.pk)
    return render(request, "committees/form.html", {"form": form, "unit": unit})


def _ids(post, form: str) -> str:
    """The ids of a post row's form's fields (`post12-end-reason`): unique on the page."""
    return f"post{post.pk}-{form}-%s"


def _detail(request, committee: Committee, *, add_form=None, replace=None):
    """The committee page; `replace`: (post id, bound form) of a handover to show again with
    its errors."""
    unit = committee.unit
    can_record = can_record_committee(request.user, unit)
    grantable = set(grantable_roles(request.user, unit))
    offers = [(p, r) for p, r in services.role_offers(committee) if r in grantable]
    in_office = committee.state == Committee.State.APPROVED
    if add_form is None and can_record:
        add_form = PostAddForm()
    posts = selectors.posts_of(committee)
    today = timezone.localdate()
    for p in posts:  # each row's forms with ids of their own (one page, many posts)
        p.end_form = PostEndForm(initial={"ended_on": today}, auto_id=_ids(p, "end"))
        p.replace_form = (
            replace[1]
            if replace and replace[0] == p.pk
            else PostReplaceForm(initial={"on": today}, auto_id=_ids(p, "replace"))
        )
        p.course_form = CourseForm(auto_id=_ids(p, "course"))
    return render(
        request,
        "committees/detail.html",
        {
            "committee": committee,
            "unit": unit,
            "posts": posts,
            "offers": offers,
            "can_record": can_record,
            "can_decide": can_decide_committee(request.user, committee),
            "add_form": add_form if in_office and can_record else None,
            "replace_post": replace[0] if replace else None,
            "replace_bound": replace[1] if replace else None,
            "changes": selectors.changes_of(committee),
            "history": audit.history_shown(committee),
        },
    )


@login_required
def committee_detail(request, committee_id: int):
    committee = get_committee_for(request.user, committee_id)
    can_record = can_record_committee(request.user, committee.unit)
    add_form = PostAddForm(request.POST or None) if can_record else None
    if request.method == "POST" and add_form is not None and add_form.is_valid():
        visible = members_visible_to(request.user)
        try:
            added = services.post_add(
                actor=request.user,
                committee=committee,
                members=visible,
                item={"post": add_form.cleaned_data["post"], **add_form.holder(visible)},
                started_on=add_form.cleaned_data["started_on"],
                accounts=accounts_visible_to(request.user),
                full=not add_form.cleaned_data["member_code"],
            )
        except ValidationError as e:
            apply_errors(add_form, e, default_field="member_code")
        else:
            messages.success(
                request,
                _("Post added.")
                if isinstance(added, Post)
                else _("The change is sent to the unit above for approval."),
            )
            return redirect("committees:committee-detail", committee_id=committee.pk)
    return _detail(request, committee, add_form=add_form)


@login_required
@require_POST
def post_replace_view(request, post_id: int):
    """Hand a post over mid-term: the post ends and the new holder takes it from the date (the
    service the API's `replace` change calls; through the unit above for a base union and
    above). The form's errors show again on the committee page."""
    post = get_post_for(request.user, post_id)
    committee = post.committee
    require(can_record_committee(request.user, committee.unit))
    form = PostReplaceForm(request.POST, auto_id=_ids(post, "replace"))
    if form.is_valid():
        visible = members_visible_to(request.user)
        try:
            change = services.change_propose(
                actor=request.user,
                committee=committee,
                kind=PostChange.Kind.REPLACE,
                post=post,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                item=form.holder(visible),
                members=visible,
                accounts=accounts_visible_to(request.user),
                full=not form.cleaned_data["member_code"],
                fields=("on", ""),
            )
        except ValidationError as e:
            apply_errors(form, e, default_field="member_code")
        else:
            messages.success(
                request,
                _("Post handed over.")
                if change.state == PostChange.State.APPROVED
                else _("The change is sent to the unit above for approval."),
            )
            return redirect("committees:committee-detail", committee_id=committee.pk)
    return _detail(request, committee, replace=(post.pk, form))


@login_required
@require_POST
def committee_decide(request, committee_id: int, decision: str):
    committee = get_committee_for(request.user, committee_id)
    if decision not in ("approve", "reject", "resubmit"):
        raise Http404
    if decision == "resubmit":
        require(can_record_committee(request.user, committee.unit))
    else:
        require(can_decide_committee(request.user, committee))
    try:
        if decision == "approve":
            services.committee_approve(actor=request.user, committee=committee)
        elif decision == "reject":
            services.committee_reject(
                actor=request.user, committee=committee, reason=request.POST.get("reason", "")
            )
        else:
            services.committee_resubmit(actor=request.user, committee=committee)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("committees:committee-detail", committee_id=committee.pk)


@login_required
@require_POST
def post_grant_view(request, post_id: int):
    post = get_post_for(request.user, post_id)
    require(can_grant_post_role(request.user, post))
    try:
        services.post_role_grant(actor=request.user, post=post)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Role granted."))
    return redirect("committees:committee-detail", committee_id=post.committee_id)


@login_required
@require_POST
def post_end_view(request, post_id: int):
    post = get_post_for(request.user, post_id)
    require(can_record_committee(request.user, post.committee.unit))
    form = PostEndForm(request.POST)
    if form.is_valid():
        try:
            ended = services.post_end(actor=request.user, post=post, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request,
                _("Post ended.")
                if isinstance(ended, Post)
                else _("The change is sent to the unit above for approval."),
            )
    else:
        messages.error(request, _("Enter the date and the reason."))
    return redirect("committees:committee-detail", committee_id=post.committee_id)


@login_required
@require_POST
def course_add_view(request, post_id: int):
    post = get_post_for(request.user, post_id)
    require(can_record_committee(request.user, post.committee.unit))
    form = CourseForm(request.POST)
    if form.is_valid():
        try:
            services.course_add(actor=request.user, cadre=post.cadre, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Course recorded."))
    else:
        messages.error(request, _("Enter the course, its level and dates."))
    return redirect("committees:committee-detail", committee_id=post.committee_id)


@login_required
@require_POST
def change_decide(request, change_id: int, decision: str):
    """The unit above approves a change mid-term, or rejects it with a reason."""
    change = get_change_for(request.user, change_id)
    if decision not in ("approve", "reject"):
        raise Http404
    require(can_decide_committee(request.user, change.committee))
    try:
        if decision == "approve":
            services.change_approve(actor=request.user, change=change)
        else:
            services.change_reject(
                actor=request.user, change=change, reason=request.POST.get("reason", "")
            )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("committees:committee-detail", committee_id=change.committee_id)

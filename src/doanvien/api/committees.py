"""Committees: record a unit's committee for a term with its posts (POST
/units/{unit_id}/committees: a branch's is in office at once, a base union's or above waits for
the unit above), and the unit above approves it or rejects it with a reason (POST
/committees/{committee_id}/approve, /reject). A post holder with an account is granted the role
his post offers (POST /committee-posts/{post_id}/role) and his courses are recorded (POST
/committee-posts/{post_id}/courses). A move the workflow does not allow answers 409. Seen by
whoever sees the unit (404 otherwise)."""

from datetime import date

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.committees import selectors, services
from doanvien.committees.access import (
    accounts_visible_to,
    can_decide_committee,
    can_grant_post_role,
    can_record_committee,
    get_change_for,
    get_committee_for,
    get_post_for,
)
from doanvien.committees.models import Committee, PostChange
from doanvien.members.access import members_visible_to

from .admissions import NoteIn
from .errors import ApiError
from .people import RoleGrantOut, grant_out
from .schemas import error_answers
from .training import conflicts
from .training_schemas import ReasonIn

router = Router(tags=["committees"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)


class PostIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member: int | None = Field(None, description="a member's id (of any unit you see)")
    full_name: str = Field("", description="or a person who is not a member")
    date_of_birth: str | None = None
    sex: str = Field("", description="male or female (a person who is not a member)")
    account: str = Field(
        "", description="the username of his user account (a person who is not a member)"
    )
    education_level: str = ""
    political_theory_level: str = ""
    professional_qualification: str = ""
    post: str = Field("", description="secretary, deputy, standing or member")


class CommitteeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    term_start: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy")
    term_end: str | None = Field(None, description="by default the unit's term length")
    elected_on: str | None = Field(None, description="by default the term's start")
    posts: list[PostIn] = Field(default_factory=list)


class PostOut(Schema):
    id: int
    post: str
    full_name: str
    member: int | None
    started_on: date
    ended_on: date | None


class CommitteeOut(Schema):
    id: int
    state: str
    unit: int
    term_start: date
    term_end: date
    elected_on: date
    decision_note: str
    posts: list[PostOut]


def committee_out(c: Committee) -> dict:
    return {
        "id": c.pk,
        "state": c.state,
        "unit": c.unit_id,
        "term_start": c.term_start,
        "term_end": c.term_end,
        "elected_on": c.elected_on,
        "decision_note": c.decision_note,
        "posts": [
            {
                "id": p.pk,
                "post": p.post,
                "full_name": p.cadre.full_name,
                "member": p.cadre.member_id,
                "started_on": p.started_on,
                "ended_on": p.ended_on,
            }
            for p in selectors.posts_of(c)
        ],
    }


@router.post(
    "/units/{unit_id}/committees",
    response={201: CommitteeOut, **ERRORS},
    summary="Record a committee",
)
def committee_create(request, unit_id: int, payload: CommitteeIn):
    """The committee elected for a term and its posts (each a member's id, or a person who
    is not a member with his name). The term's end defaults to the unit's term length. State:
    `approved` (in office) for a branch, `submitted` (waiting for the unit above) otherwise."""
    unit = get_unit_for(request.user, unit_id)
    require(can_record_committee(request.user, unit))
    with conflicts():
        committee = services.committee_create(
            actor=request.user,
            unit=unit,
            members=members_visible_to(request.user),
            term_start=payload.term_start,
            term_end=payload.term_end,
            elected_on=payload.elected_on,
            posts=[p.model_dump() for p in payload.posts],
            accounts=accounts_visible_to(request.user),
        )
    return Status(201, committee_out(committee))


@router.get(
    "/units/{unit_id}/committees",
    response={200: list[CommitteeOut], **ERRORS},
    summary="A unit's committees",
)
def committee_list(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    return [committee_out(c) for c in selectors.unit_committees(unit)[:50]]


@router.post(
    "/committees/{committee_id}/approve",
    response={200: CommitteeOut, **ERRORS},
    summary="Approve a committee",
)
def committee_approve(request, committee_id: int, payload: NoteIn):
    """A cadre of a unit above approves: the committee takes office, the one before ends."""
    committee = get_committee_for(request.user, committee_id)
    require(can_decide_committee(request.user, committee))
    with conflicts():
        committee = services.committee_approve(
            actor=request.user, committee=committee, note=payload.note
        )
    return committee_out(committee)


@router.post(
    "/committees/{committee_id}/reject",
    response={200: CommitteeOut, **ERRORS},
    summary="Reject a committee",
)
def committee_reject(request, committee_id: int, payload: ReasonIn):
    """A cadre of a unit above does not approve, with a reason (required)."""
    committee = get_committee_for(request.user, committee_id)
    require(can_decide_committee(request.user, committee))
    with conflicts():
        committee = services.committee_reject(
            actor=request.user, committee=committee, reason=payload.reason
        )
    return committee_out(committee)


class CommitteeChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field("", description="add, end or replace")
    on: str | None = Field(None, description="the date of the change (YYYY-MM-DD or dd/mm/yyyy)")
    post: int | None = Field(None, description="the post that ends (end, replace)")
    holder: PostIn | None = Field(None, description="the person who takes a post (add, replace)")
    reason: str = Field("", description="why the post ends (end, replace)")


class CommitteeChangeOut(Schema):
    id: int
    committee: int
    kind: str
    state: str = Field(description="submitted (waiting for the unit above), approved, rejected")
    on: date
    post: int | None
    holder: str | None
    post_kind: str
    reason: str
    decision_note: str


def change_out(c: PostChange) -> dict:
    return {
        "id": c.pk,
        "committee": c.committee_id,
        "kind": c.kind,
        "state": c.state,
        "on": c.on,
        "post": c.post_id,
        "holder": c.cadre.full_name if c.cadre_id else None,
        "post_kind": c.post_kind,
        "reason": c.reason,
        "decision_note": c.decision_note,
    }


@router.post(
    "/committees/{committee_id}/changes",
    response={201: CommitteeChangeOut, **ERRORS},
    summary="Propose a change mid-term",
)
def change_create(request, committee_id: int, payload: CommitteeChangeIn):
    """A dated change to a committee in office: `add` a post (`holder`), `end` a post (`post`,
    `reason`) or `replace` its holder (`post`, `holder`, `reason`). A branch's change is made at
    once (`approved`); a base union's or above waits for the unit above (`submitted`). A
    committee not in office, an ended post or a post with a change already waiting: 409."""
    committee = get_committee_for(request.user, committee_id)
    require(can_record_committee(request.user, committee.unit))
    post = None
    if payload.post is not None:
        post = get_post_for(request.user, payload.post)
    with conflicts():
        change = services.change_propose(
            actor=request.user,
            committee=committee,
            kind=payload.kind,
            on=payload.on,
            post=post,
            item=payload.holder.model_dump() if payload.holder else None,
            reason=payload.reason,
            members=members_visible_to(request.user),
            accounts=accounts_visible_to(request.user),
        )
    return Status(201, change_out(change))


@router.post(
    "/committee-changes/{change_id}/approve",
    response={200: CommitteeChangeOut, **ERRORS},
    summary="Approve a change mid-term",
)
def change_approve(request, change_id: int, payload: NoteIn):
    """A cadre of a unit above approves: the posts and their roles change now."""
    change = get_change_for(request.user, change_id)
    require(can_decide_committee(request.user, change.committee))
    with conflicts():
        change = services.change_approve(actor=request.user, change=change, note=payload.note)
    return change_out(change)


@router.post(
    "/committee-changes/{change_id}/reject",
    response={200: CommitteeChangeOut, **ERRORS},
    summary="Reject a change mid-term",
)
def change_reject(request, change_id: int, payload: ReasonIn):
    """A cadre of a unit above does not approve, with a reason (required); nothing changes."""
    change = get_change_for(request.user, change_id)
    require(can_decide_committee(request.user, change.committee))
    with conflicts():
        change = services.change_reject(actor=request.user, change=change, reason=payload.reason)
    return change_out(change)


@router.post(
    "/committee-posts/{post_id}/role",
    response={200: RoleGrantOut, **ERRORS},
    summary="Grant a post holder the role his post offers",
)
def post_role_grant(request, post_id: int):
    """The holder of a post in office, who has a user account, is granted on the committee's
    unit the role the post offers (a branch's secretary or deputy: branch secretary or deputy;
    a standing member above: cadre), as the committee page's offer does. For those who may grant
    that role there (403 otherwise); a post that has ended, a committee not in office, a post
    giving no role or a holder without an account: 409. The grant is answered; one already held
    is answered as it is."""
    post = get_post_for(request.user, post_id)
    require(can_grant_post_role(request.user, post))
    try:
        grant = services.post_role_grant(actor=request.user, post=post)
    except ValidationError as e:
        raise ApiError(409, " ".join(e.messages)) from None
    return grant_out(grant)


class CourseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("", description="the course")
    level: str = Field("", description="central, province, district or base")
    started_on: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy")
    ended_on: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy (optional)")


class CourseOut(Schema):
    id: int
    name: str
    level: str
    started_on: date
    ended_on: date | None


@router.post(
    "/committee-posts/{post_id}/courses",
    response={201: CourseOut, **ERRORS},
    summary="Record a course of a post holder",
)
def course_add(request, post_id: int, payload: CourseIn):
    """A Union training course the post's holder attended, as on the committee page. For those
    who record the unit's committee (403 otherwise); a missing course, an unknown level or a
    date that is not one, or an end before the start → 400 with the field's message."""
    post = get_post_for(request.user, post_id)
    require(can_record_committee(request.user, post.committee.unit))
    course = services.course_add(actor=request.user, cadre=post.cadre, **payload.model_dump())
    return Status(
        201,
        {
            "id": course.pk,
            "name": course.name,
            "level": course.level,
            "started_on": course.started_on,
            "ended_on": course.ended_on,
        },
    )

"""Admissions and member-card numbers.

A branch proposes a youth (POST /units/{unit_id}/admissions); the level above approves it with
the admission resolution (the member record is created, with a card number from the ranges or
typed by hand) or rejects it; the branch may withdraw an open proposal; an approval is undone
only by an annulment with a reason. An action the workflow does not allow in the current state
answers 409. Proposals are visible to the users who see the branch (404 for everyone else); the
youth's ID-card number is always masked here.

Card numbers have 10 digits and are sent as text ("0000012345"; fewer digits are zero-padded).
POST /units/{unit_id}/card-ranges gives the unit a range: out of a range of its parent (a cadre
above the unit), or a new block for a root unit (a cadre of the root)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, create_model

from doanvien.accounts.access import get_unit_for, require
from doanvien.actions import admissions as admission_actions
from doanvien.members.access import (
    can_allocate_range,
    can_assign_cards,
    can_decide_admission,
    can_propose_admission,
    can_withdraw_admission,
    get_admission_for,
    get_member_for,
    get_range_for,
)
from doanvien.members.models import AdmissionRequest, CardRange, format_card
from doanvien.members.selectors import ADMISSION_ORDER, ranges_of, unit_admissions
from doanvien.members.services import admissions as admission_services
from doanvien.members.services import cards as card_services
from doanvien.members.services.admissions import (
    PROPOSAL_FIELDS,
)
from doanvien.members.services.cards import (
    card_assign,
    first_free,
)
from doanvien.members.views.cards import card_face
from doanvien.youth.access import get_youth_for

from .errors import keyset_page_of
from .schemas import KeysetPageOut, KeysetQuery, error_answers, keyset_fields, member_input_fields
from .training import conflicts
from .training_schemas import ReasonIn

router = Router(tags=["admissions"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)


# --- Shapes -----------------------------------------------------------------------------------


class _AdmissionInBase(Schema):
    model_config = ConfigDict(extra="forbid")

    introducer_name: str = Field("", description="who introduced the youth")
    introducer_is_member: bool = Field(True, description="whether the introducer is a member")
    course_name: str = Field("", description="the course the youth attended")
    course_date: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy")
    note: str = ""
    youth: int | None = Field(
        None,
        description="a youth of the “1+1” programme: his record fills the fields not given, "
        "and the approval marks his referral admitted",
    )
    introducer: int | None = Field(
        None, description="the member who introduced the youth (a member id, not free text)"
    )


def _youth_fields() -> dict[str, Any]:
    fields = member_input_fields()
    return {name: fields[name] for name in PROPOSAL_FIELDS}


# The youth's record (the member record's fields a proposal holds) and the proposal's own data.
AdmissionIn = create_model("AdmissionIn", __base__=_AdmissionInBase, **_youth_fields())


class AdmissionApproveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    resolution_no: str = Field("", description="number of the admission resolution")
    resolution_date: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy")
    card_number: str | None = Field(
        None, description="a card number typed by hand; without it, see assign_card"
    )
    assign_card: bool = Field(
        True, description="take the next free number of the ranges above the branch"
    )


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = ""


class UnitShort(Schema):
    id: int
    name: str
    code: str


class AdmissionOut(Schema):
    id: int
    state: str
    branch: UnitShort
    full_name: str
    date_of_birth: date
    id_number_masked: str
    record: dict[str, Any] = Field(description="the youth's other record fields")
    introducer_name: str
    introducer_is_member: bool
    course_name: str
    course_date: date
    note: str
    proposed_at: datetime
    proposed_by: str | None
    decided_at: datetime | None
    decision_note: str
    resolution_no: str
    resolution_date: date | None
    member_id: int | None
    card_number: str | None
    annulled_at: datetime | None
    annul_reason: str


class AdmissionPageOut(KeysetPageOut):
    count: int | None = Field(
        description="the number of proposals when at most 1,000; null when there are more (see "
        "`more_than`)"
    )
    results: list[AdmissionOut]


class AdmissionListQuery(KeysetQuery):
    state: Literal[("", *AdmissionRequest.State.values)] = ""  # type: ignore[valid-type]


class CardRangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    first: int | str | None = None
    last: int | str | None = None
    note: str = ""


class CardRangeChildOut(Schema):
    id: int
    unit: UnitShort
    first: str
    last: str


class CardRangeOut(Schema):
    id: int
    unit: UnitShort
    parent_id: int | None
    first: str
    last: str
    size: int
    next_free: str | None = Field(description="the number automatic assignment takes next")
    is_active: bool
    children: list[CardRangeChildOut] = Field(description="the parts handed down")


class CardAssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    card_number: str | None = Field(
        None, description="a number typed by hand; without it, the next free one"
    )


class MemberCardOut(Schema):
    id: int
    full_name: str
    card_number: str | None


def _unit(unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


def admission_out(a: AdmissionRequest) -> dict:
    return {
        "id": a.pk,
        "state": a.state,
        "branch": _unit(a.branch),
        "full_name": a.full_name,
        "date_of_birth": a.date_of_birth,
        "id_number_masked": a.id_number_masked,
        "record": {k: v for k, v in a.record.items() if k != "id_number"},
        "introducer_name": a.introducer_name,
        "introducer_is_member": a.introducer_is_member,
        "course_name": a.course_name,
        "course_date": a.course_date,
        "note": a.note,
        "proposed_at": a.proposed_at,
        "proposed_by": str(a.proposed_by) if a.proposed_by_id else None,
        "decided_at": a.decided_at,
        "decision_note": a.decision_note,
        "resolution_no": a.resolution_no,
        "resolution_date": a.resolution_date,
        "member_id": a.member_id,
        "card_number": a.member.card_number if a.member_id else None,
        "annulled_at": a.annulled_at,
        "annul_reason": a.annul_reason,
    }


def range_out(r: CardRange) -> dict:
    following = first_free(r) if r.is_active else None
    return {
        "id": r.pk,
        "unit": _unit(r.unit),
        "parent_id": r.parent_id,
        "first": format_card(r.first),
        "last": format_card(r.last),
        "size": r.size,
        "next_free": None if following is None else format_card(following),
        "is_active": r.is_active,
        "children": [
            {
                "id": c.pk,
                "unit": _unit(c.unit),
                "first": format_card(c.first),
                "last": format_card(c.last),
            }
            for c in r.children.filter(is_active=True).select_related("unit").order_by("first")
        ],
    }


# --- Admissions -------------------------------------------------------------------------------


@router.post(
    "/units/{unit_id}/admissions",
    response={201: AdmissionOut, **ERRORS},
    summary="Propose a youth for admission",
)
def admission_propose(request, unit_id: int, payload: AdmissionIn):  # type: ignore[valid-type]
    """The branch (its secretary or deputy, or a cadre above) proposes a youth: his record
    (the member record's fields; aged from a full 15 years and 1 day to the end of the age of
    30 today, or as the branch's age rules say; ID number unique in the country), who
    introduced him and the course he attended. Dates are YYYY-MM-DD or dd/mm/yyyy. With
    `youth` (a youth of the "1+1" programme, whose referral is taking part or proposed) the
    record's fields not given come from his record; `introducer` names the member who
    introduced him (his referral's member by default)."""
    branch = get_unit_for(request.user, unit_id)
    require(can_propose_admission(request.user, branch))
    body = payload.model_dump(exclude_unset=True)
    youth = get_youth_for(request.user, payload.youth) if payload.youth is not None else None
    introducer = (
        get_member_for(request.user, payload.introducer) if payload.introducer is not None else None
    )
    with conflicts():
        admission = admission_actions.admission_propose(
            actor=request.user,
            branch=branch,
            data={k: v for k, v in body.items() if k in PROPOSAL_FIELDS},
            introducer_name=payload.introducer_name,
            introducer_is_member=payload.introducer_is_member,
            course_name=payload.course_name,
            course_date=payload.course_date,
            note=payload.note,
            youth=youth,
            introducer=introducer,
        )
    return Status(201, admission_out(admission))


@router.get(
    "/units/{unit_id}/admissions",
    response={200: AdmissionPageOut, **ERRORS},
    summary="Admission proposals of a unit's subtree",
)
def admission_list(request, unit_id: int, filters: Query[AdmissionListQuery]):
    """Proposals of the branches under the unit, newest first, 50 a page, by keyset: the first
    pages by number, any page by following `next` (or `previous`); counted up to 1,000. `state`
    filters (e.g. `proposed`: waiting for a decision)."""
    unit = get_unit_for(request.user, unit_id)
    page = keyset_page_of(
        unit_admissions(request.user, unit, filters.state),
        keys=ADMISSION_ORDER,
        page=filters.page,
        cursor=filters.cursor,
    )
    return {
        **keyset_fields(page),
        "results": [admission_out(a) for a in page.object_list],
    }


@router.get(
    "/admissions/{admission_id}", response={200: AdmissionOut, **ERRORS}, summary="A proposal"
)
def admission_detail(request, admission_id: int):
    return admission_out(get_admission_for(request.user, admission_id))


@router.post(
    "/admissions/{admission_id}/approve",
    response={200: AdmissionOut, **ERRORS},
    summary="Approve an admission",
)
def admission_approve(request, admission_id: int, payload: AdmissionApproveIn):
    """The level above the branch approves with the resolution's number and date: the member
    is created in the branch, admitted on that date. His card number is `card_number` (typed by
    hand, checked against the ranges), else the next free one when `assign_card` is true (the
    default), else none for now."""
    admission = get_admission_for(request.user, admission_id)
    require(can_decide_admission(request.user, admission))
    with conflicts():
        admission = admission_actions.admission_approve(
            actor=request.user,
            admission=admission,
            resolution_no=payload.resolution_no,
            resolution_date=payload.resolution_date,
            card_number=payload.card_number,
            assign_card=payload.assign_card,
        )
    return admission_out(get_admission_for(request.user, admission.pk))


@router.post(
    "/admissions/{admission_id}/reject",
    response={200: AdmissionOut, **ERRORS},
    summary="Reject an admission",
)
def admission_reject(request, admission_id: int, payload: ReasonIn):
    """The level above refuses, with a reason (required)."""
    admission = get_admission_for(request.user, admission_id)
    require(can_decide_admission(request.user, admission))
    with conflicts():
        admission = admission_services.admission_reject(
            actor=request.user, admission=admission, reason=payload.reason
        )
    return admission_out(admission)


@router.post(
    "/admissions/{admission_id}/withdraw",
    response={200: AdmissionOut, **ERRORS},
    summary="Withdraw a proposal",
)
def admission_withdraw(request, admission_id: int, payload: NoteIn):
    """The proposing side takes its open proposal back."""
    admission = get_admission_for(request.user, admission_id)
    require(can_withdraw_admission(request.user, admission))
    with conflicts():
        admission = admission_services.admission_withdraw(
            actor=request.user, admission=admission, note=payload.note
        )
    return admission_out(admission)


@router.post(
    "/admissions/{admission_id}/annul",
    response={200: AdmissionOut, **ERRORS},
    summary="Annul an approved admission",
)
def admission_annul(request, admission_id: int, payload: ReasonIn):
    """Correct an approval made in error, with a reason (required): the member is taken off
    the roll; his record and card number are kept."""
    admission = get_admission_for(request.user, admission_id)
    require(can_decide_admission(request.user, admission))
    with conflicts():
        admission = admission_actions.admission_annul(
            actor=request.user, admission=admission, reason=payload.reason
        )
    return admission_out(admission)


# --- Member-card numbers ----------------------------------------------------------------------


@router.get(
    "/units/{unit_id}/card-ranges",
    response={200: list[CardRangeOut], **ERRORS},
    summary="Card-number ranges of a unit",
)
def card_range_list(request, unit_id: int):
    """The unit's active ranges, in increasing order, with the parts handed down."""
    unit = get_unit_for(request.user, unit_id)
    return [range_out(r) for r in ranges_of(unit).select_related("unit")]


@router.post(
    "/units/{unit_id}/card-ranges",
    response={201: CardRangeOut, **ERRORS},
    summary="Allocate a card-number range to a unit",
)
def card_range_allocate(request, unit_id: int, payload: CardRangeIn):
    """Give the unit the numbers `first`…`last`: a part of a range held by its parent, not
    overlapping what the parent already handed down (a cadre above the unit); for a root unit,
    a new block not overlapping the others (a cadre of the root)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_allocate_range(request.user, unit))
    card_range = card_services.card_range_allocate(
        actor=request.user,
        unit=unit,
        first=payload.first,
        last=payload.last,
        note=payload.note,
    )
    return Status(201, range_out(card_range))


@router.post(
    "/card-ranges/{range_id}/release",
    response={200: CardRangeOut, **ERRORS},
    summary="Release a card-number range",
)
def card_range_release(request, range_id: int, payload: ReasonIn):
    """Undo an allocation, with a reason: only a range with no number on a member and nothing
    handed down from it. Its numbers go back to the range it came from."""
    card_range = get_range_for(request.user, range_id)
    require(can_allocate_range(request.user, card_range.unit))
    with conflicts():
        card_range = card_services.card_range_release(
            actor=request.user, card_range=card_range, reason=payload.reason
        )
    return range_out(card_range)


class MemberCardFaceOut(Schema):
    number: str | None
    member_code: str
    verify_url: str = Field(description="the public verification page its QR code opens")
    qr_svg: str = Field(description="the QR code of verify_url, an inline <svg> element")


@router.get(
    "/members/{member_id}/card",
    response={200: MemberCardFaceOut, **ERRORS},
    summary="A member card",
)
def member_card(request, member_id: int):
    """The card: its number (null before one is assigned), the public verification address its
    QR code holds and the QR code as inline SVG. The member himself, or whoever sees his
    record; any other member answers 404."""
    member = get_member_for(request.user, member_id)
    face = card_face(request, member)
    return {
        "number": member.card_number,
        "member_code": member.member_code,
        "verify_url": face["verify_url"],
        "qr_svg": str(face["qr_svg"]),
    }


@router.post(
    "/members/{member_id}/card",
    response={200: MemberCardOut, **ERRORS},
    summary="Assign a member-card number",
)
def member_card_assign(request, member_id: int, payload: CardAssignIn):
    """Give a member without a card number one: `card_number` typed by hand (it must lie in a
    range of a unit above his branch and be unused), else the next free number. The level
    above the branch assigns."""
    member = get_member_for(request.user, member_id)
    require(can_assign_cards(request.user, member.branch))
    member = card_assign(actor=request.user, member=member, number=payload.card_number)
    return {"id": member.pk, "full_name": member.full_name, "card_number": member.card_number}

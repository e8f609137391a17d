"""The "1+1" programme (seed 003): youth records, their groups, referrals and the yearly report.

Youths and groups are kept by the branch committee (or a cadre above): visible in the unit's
subtree only (404 outside). A member introduces youths in his own name only
(POST /members/{id}/referrals with his own id; `new_youth` creates the record in his branch);
the committee records the later steps. An illegal step, or "admitted" given by hand, answers
409: a referral is admitted only by the approval of the admission naming the youth
(POST /units/{id}/admissions with `youth` and `introducer`)."""

from datetime import date
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.members.access import get_member_for
from doanvien.youth import services
from doanvien.youth.access import (
    can_keep_youths,
    can_move_referral,
    can_refer_for,
    get_referral_for,
    get_youth_for,
)
from doanvien.youth.models import Group, Referral
from doanvien.youth.selectors import report_rows, youth_search

from .errors import ApiError
from .schemas import PROGRAMME_YEAR, error_answers
from .training import conflicts

router = Router(tags=["1+1 referrals"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)


class YouthIn(Schema):
    model_config = ConfigDict(extra="forbid")

    full_name: str = ""
    date_of_birth: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy")
    sex: Literal["", "male", "female"] = ""
    phone: str = Field("", description="phone or another contact")
    place: str = Field("", description="where he lives, studies or works")
    situation: Literal["", "studying", "working", "neither"] = ""
    group: int | None = Field(None, description="id of a group of the unit or above it")
    federation_joined_on: str | None = None
    notes: str = ""


class YouthIdOut(Schema):
    id: int


class YouthOut(Schema):
    id: int
    full_name: str = ""
    date_of_birth: date | None
    sex: str
    phone: str
    situation: str
    unit_id: int
    group_id: int | None
    federation_joined_on: date | None


class YouthSearch(Schema):
    q: str = ""


class GroupIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    kind: Literal[tuple(Group.Kind.values)] = "group"  # type: ignore[valid-type]
    contact: str = ""
    attached_on: str | None = Field(None, description="attached to the Union's activities on")


class ReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")

    youth: int | None = Field(None, description="an existing youth record")
    new_youth: YouthIn | None = Field(None, description="or a new record, in the member's branch")
    on: str | None = Field(None, description="the day of the introduction (today if not given)")
    note: str = ""


class ReferralOut(Schema):
    id: int
    state: str
    youth: int
    member: int | None
    introduced_on: date
    taking_part_on: date | None
    federation_on: date | None
    proposed_on: date | None
    admitted_on: date | None
    dropped_on: date | None


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    state: str = Field("", description="taking_part, joined_federation, proposed or dropped")
    on: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy")
    note: str = ""


class ReportRowOut(Schema):
    unit: str
    unit_id: int
    members: int
    members_referring: int
    members_referring_share: str = Field(description="a percentage with two decimals")
    youths_referred: int
    joined_federation: int
    proposed: int
    admitted: int
    groups_attached: int
    youths_surveyed: int = Field(description="youths counted by the branches' surveys")
    federation_surveyed: int = Field(description="Federation members counted by the surveys")
    groups_found: int = Field(description="clubs, teams and groups found by the surveys")
    gathering_rate: str = Field(
        description="(members + Federation members) / youths surveyed, a percentage with two"
        " decimals; empty when nobody was surveyed"
    )


class ReferralReportOut(Schema):
    year: int
    rows: list[ReportRowOut] = Field(description="the unit itself first, then each child")


def referral_out(r: Referral) -> dict:
    return {
        "id": r.pk,
        "state": r.state,
        "youth": r.youth_id,
        "member": r.member_id,
        "introduced_on": r.introduced_on,
        "taking_part_on": r.taking_part_on,
        "federation_on": r.federation_on,
        "proposed_on": r.proposed_on,
        "admitted_on": r.admitted_on,
        "dropped_on": r.dropped_on,
    }


@router.post(
    "/units/{unit_id}/youths", response={201: YouthIdOut, **ERRORS}, summary="Record a youth"
)
def youth_create(request, unit_id: int, payload: YouthIn):
    """A youth in the unit's area (the branch committee, or a cadre above). No ID number."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    youth = services.youth_create(actor=request.user, unit=unit, data=payload.model_dump())
    return Status(201, {"id": youth.pk})


@router.get(
    "/units/{unit_id}/youths", response={200: list[YouthOut], **ERRORS}, summary="Find youths"
)
def youth_list(request, unit_id: int, filters: Query[YouthSearch]):
    """The youths of the unit's subtree (the first 200), `q` ignoring diacritics and case."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    return list(youth_search(unit, filters.q)[:200])


@router.delete("/youths/{youth_id}", response={204: None, **ERRORS}, summary="Erase a youth")
def youth_erase(request, youth_id: int):
    """Erase a youth record that led to no admission: his personal data are blanked; the
    anonymous counts and the audit trail (which names him by id only) stay. 409 if he was
    admitted (the record is then the member's history)."""
    youth = get_youth_for(request.user, youth_id)
    require(can_keep_youths(request.user, youth.unit))
    with conflicts():
        services.youth_erase(actor=request.user, youth=youth)
    return Status(204, None)


@router.post(
    "/units/{unit_id}/groups", response={201: YouthIdOut, **ERRORS}, summary="Record a group"
)
def group_create(request, unit_id: int, payload: GroupIn):
    """A club, team or group of young people in the unit's area."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    group = services.group_create(actor=request.user, unit=unit, data=payload.model_dump())
    return Status(201, {"id": group.pk})


@router.post(
    "/members/{member_id}/referrals",
    response={201: ReferralOut, **ERRORS},
    summary="Introduce a youth",
)
def referral_create(request, member_id: int, payload: ReferralIn):
    """The member introduces a youth: `youth` (an existing record of his branch's area) or
    `new_youth` (a new record in his branch). A member does it only in his own name; the
    branch committee may record it for him."""
    member = get_member_for(request.user, member_id)
    require(can_refer_for(request.user, member))
    if (payload.youth is None) == (payload.new_youth is None):
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": "youth", "message": _("Give either the youth or a new youth record.")}],
        )
    youth = get_youth_for(request.user, payload.youth) if payload.youth is not None else None
    referral = services.referral_create(
        actor=request.user,
        member=member,
        youth=youth,
        youth_data=payload.new_youth.model_dump() if payload.new_youth else None,
        on=payload.on,
        note=payload.note,
    )
    return Status(201, referral_out(referral))


@router.post(
    "/referrals/{referral_id}/progress",
    response={200: ReferralOut, **ERRORS},
    summary="Record a referral's step",
)
def referral_progress(request, referral_id: int, payload: ProgressIn):
    """The branch committee records a step, dated, with a note: `taking_part`,
    `joined_federation` (the state stays), `proposed`, or `dropped` (the note gives the reason).
    Any step the state does not allow, and `admitted` (set only by the admission's approval),
    answer 409."""
    referral = get_referral_for(request.user, referral_id)
    require(can_move_referral(request.user, referral))
    with conflicts():
        referral = services.referral_progress(
            actor=request.user,
            referral=referral,
            step=payload.state,
            on=payload.on,
            note=payload.note,
        )
    return referral_out(referral)


@router.get(
    "/units/{unit_id}/referrals/{year}",
    response={200: ReferralReportOut, **ERRORS},
    summary="The yearly “1+1” report",
)
def referral_report(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """Per unit for the calendar year: the unit first, then each child: members, members who
    introduced at least one youth (and their share), youths introduced, joined the Federation,
    proposed, admitted, groups attached (read from the roll-ups)."""
    unit = get_unit_for(request.user, unit_id)
    return {"year": year, "rows": [r.as_dict() for r in report_rows(unit, year)]}

"""Activities (issue 21): a unit publishes them for its subtree or chosen units under it;
members sign up for themselves; the organiser checks members in (a list of ids, or a member
card scanned, with the phone's own scan id so a scan kept offline and sent again counts once);
the figures per unit and year are read from the roll-ups.

Out of scope → 404; a member sees only the activities offered to his branch and his own
participation (GET /me/activities)."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.activities import selectors, services
from doanvien.activities.access import can_organise, can_publish, get_activity_for, own_member
from doanvien.activities.models import Activity

from .errors import ApiError, keyset_page_of
from .schemas import PROGRAMME_YEAR, UnitRef, error_answers
from .training import conflicts

router = Router(tags=["activities"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)


class ActivityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = ""
    kind: str = Field("", description="a kind's code, e.g. volunteering, youth_work")
    areas: list[str] = Field(default_factory=list, description="content area codes, e.g. 1, 3")
    starts_at: str = Field("", description="ISO date and time, or dd/mm/yyyy")
    ends_at: str = Field("", description="ISO date and time, or dd/mm/yyyy")
    place: str = ""
    audience: str = Field("subtree", description="subtree, or chosen (with `units`)")
    units: list[int] = Field(default_factory=list, description="units invited (chosen)")
    capacity: int | None = None
    organiser: str = ""
    campaign: str = ""
    value: int | None = Field(None, description="a youth work project's value, in đồng")
    description: str = ""


class ActivityIdOut(Schema):
    id: int


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    areas: list[str]
    starts_at: datetime
    ends_at: datetime
    year: int
    place: str
    audience: str
    capacity: int | None
    organiser: str
    campaign: str
    value: int | None
    unit: UnitRef
    held: bool = Field(description="held by the unit asked about (else offered to it)")
    cancelled: bool
    signed_up: int | None = None
    attended: int | None = None


class ActivityListOut(Schema):
    items: list[ActivityOut]
    next: str | None = Field(
        description="the next page is `?cursor=` this (with the same filters); null on the last"
    )
    previous: str | None = Field(None, description="the page before is `?cursor=` this")
    count: int | None = Field(description="exact up to 1,000; null beyond (see `more_than`)")
    more_than: int | None = None


class ActivityYear(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


class ActivityListQuery(ActivityYear):
    cursor: str = Field("", max_length=2000, description="a page's `next` or `previous`")


class CheckinIn(Schema):
    model_config = ConfigDict(extra="forbid")

    members: list[int] | None = Field(None, description="member ids ticked on the list")
    card_token: str | None = Field(None, description="what the card's QR code holds")
    scan_id: str = Field("", description="the phone's own id of the scan (a replay counts once)")


class CheckinOut(Schema):
    checked_in: int
    member: int | None = None
    name: str = ""
    already: bool = False


class SignupOut(Schema):
    activity: int
    member: int
    signed_up: bool
    attended: bool


class StatsRowOut(Schema):
    unit: str
    unit_id: int
    activities: int
    participations: int
    participants: int
    works: int
    works_value: int


class ActivityStatsOut(Schema):
    year: int
    rows: list[StatsRowOut] = Field(description="the unit itself first, then each child")
    figures: dict = Field(description="the unit's subtree: totals, by kind, by content area")


class MyParticipationOut(Schema):
    activity: ActivityOut
    signed_up: bool
    attended: bool


class MyActivitiesOut(Schema):
    offered: list[ActivityOut]
    mine: list[MyParticipationOut]


def activity_out(a: Activity, *, unit_id: int | None = None) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "kind": a.kind.code,
        "kind_label": a.kind.name,
        # .all(): the areas prefetched with the list (values_list would query each activity).
        "areas": sorted(area.code for area in a.areas.all()),
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "year": a.year,
        "place": a.place,
        "audience": a.audience,
        "capacity": a.capacity,
        "organiser": a.organiser,
        "campaign": a.campaign,
        "value": a.value,
        "unit": {"id": a.unit.pk, "name": a.unit.name, "code": a.unit.code},
        "held": a.unit_id == unit_id,
        "cancelled": a.cancelled_at is not None,
        "signed_up": getattr(a, "signed_up", None),
        "attended": getattr(a, "attended", None),
    }


@router.post(
    "/units/{unit_id}/activities",
    response={201: ActivityIdOut, **ERRORS},
    summary="Publish an activity",
)
def activity_publish(request, unit_id: int, payload: ActivityIn):
    """The unit's committee (or a cadre above) publishes an activity for the unit's subtree
    (`audience: subtree`) or for chosen units under it (`audience: chosen`, `units`)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_publish(request.user, unit))
    activity = services.activity_publish(actor=request.user, unit=unit, data=payload.model_dump())
    return Status(201, {"id": activity.pk})


@router.get(
    "/units/{unit_id}/activities",
    response={200: ActivityListOut, **ERRORS},
    summary="The activities a unit holds and those offered to it",
)
def activity_list(request, unit_id: int, filters: Query[ActivityListQuery]):
    """Latest first, with how many signed up and took part; 50 a page by keyset (follow
    `next`)."""
    unit = get_unit_for(request.user, unit_id)
    rows = selectors.unit_activities(unit, filters.year).prefetch_related("areas")
    page = keyset_page_of(rows, keys=("-starts_at", "-id"), page=1, cursor=filters.cursor)
    return {
        "items": [activity_out(a, unit_id=unit.pk) for a in page.object_list],
        "next": page.next_cursor,
        "previous": page.previous_cursor,
        "count": page.count,
        "more_than": page.more_than,
    }


@router.get(
    "/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="An activity"
)
def activity_detail(request, activity_id: int):
    activity = get_activity_for(request.user, activity_id)
    return activity_out(activity)


class ActivityPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    kind: str | None = None
    areas: list[str] | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    place: str | None = None
    audience: str | None = None
    units: list[int] | None = None
    capacity: int | None = None
    organiser: str | None = None
    campaign: str | None = None
    value: int | None = None
    description: str | None = None


@router.patch(
    "/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="Change an activity"
)
def activity_update(request, activity_id: int, payload: ActivityPatch):
    """The fields given change (the others stay); the figures follow (a new date may move it
    to another year). 409 for a cancelled activity."""
    activity = get_activity_for(request.user, activity_id)
    require(can_organise(request.user, activity))
    with conflicts():
        activity = services.activity_update(
            actor=request.user, activity=activity, data=payload.model_dump(exclude_unset=True)
        )
    return activity_out(activity)


@router.post(
    "/activities/{activity_id}/signup",
    response={200: SignupOut, **ERRORS},
    summary="Sign up for an activity",
)
def activity_signup(request, activity_id: int):
    """A member signs up for himself (an activity offered to his branch, not over, with a place
    left). 409 when it is cancelled, over or full; signing up twice changes nothing."""
    activity = get_activity_for(request.user, activity_id)
    member = own_member(request.user)
    require(member is not None)
    with conflicts():
        row = services.activity_signup(actor=request.user, activity=activity, member=member)
    return {
        "activity": activity.pk,
        "member": member.pk,
        "signed_up": row.signed_up_at is not None,
        "attended": row.attended_at is not None,
    }


@router.post(
    "/activities/{activity_id}/checkins",
    response={200: CheckinOut, **ERRORS},
    summary="Check members in",
)
def activity_checkins(request, activity_id: int, payload: CheckinIn):
    """The organiser checks members in: `members` (ids ticked on a list, all or nothing) or
    `card_token` (a member card scanned, or the card's address; with `scan_id`, the same scan
    sent again is answered as before and never counted twice). `checked_in`: how many were
    checked in by this request (a repeated check-in is not counted twice)."""
    activity = get_activity_for(request.user, activity_id)
    require(can_organise(request.user, activity))
    if (payload.members is None) == (payload.card_token is None):
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": "members", "message": _("Give either the members or a card token.")}],
        )
    with conflicts():
        if payload.card_token is not None:
            found = services.activity_scan(
                actor=request.user,
                activity=activity,
                card=payload.card_token,
                scan_id=payload.scan_id,
            )
            return found
        n = services.activity_checkin(
            actor=request.user, activity=activity, member_ids=payload.members or []
        )
    return {"checked_in": n}


@router.get(
    "/units/{unit_id}/activity-stats/{year}",
    response={200: ActivityStatsOut, **ERRORS},
    summary="Activity figures of a year",
)
def activity_stats(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """Per unit for the calendar year: the unit first, then each child: activities held,
    participations, distinct participants, youth work projects and their value (read from the
    roll-ups); `figures` gives the unit's subtree by kind and content area."""
    unit = get_unit_for(request.user, unit_id)
    return {
        "year": year,
        "rows": [r.as_dict() for r in selectors.stats_rows(unit, year)],
        "figures": selectors.activity_figures(unit, year).as_dict(),
    }


me_router = Router(tags=["activities"])


@me_router.get(
    "/activities",
    response={200: MyActivitiesOut, **ERRORS},
    summary="The activities offered to me and my participation",
)
def my_activities(request, filters: Query[ActivityYear]):
    """For a member: the activities offered to his branch (not cancelled) and those he signed
    up for or took part in. 404 for an account that is not a member's."""
    member = own_member(request.user)
    if member is None:
        raise ApiError(404, _("Not found."))
    offered = selectors.offered_to_member(member, filters.year).prefetch_related("areas")[:200]
    mine = selectors.member_participations(member, filters.year).prefetch_related(
        "activity__areas"
    )[:500]
    return {
        "offered": [activity_out(a) for a in offered],
        "mine": [
            {
                "activity": activity_out(p.activity),
                "signed_up": p.signed_up_at is not None,
                "attended": p.attended_at is not None,
            }
            for p in mine
        ],
    }

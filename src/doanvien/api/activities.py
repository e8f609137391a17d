"""Activities (issue 21): a unit publishes them for its subtree or chosen units under it,
alone or inside a campaign (its own or one of a unit above); its committee changes or cancels
them; members sign up for themselves; the organiser checks members in (a list of ids, or a member
card scanned, with the phone's own scan id so a scan kept offline and sent again counts once),
and so does the committee of a unit the activity is offered to, for its own members only; a
member's registration links each criterion to the activities that serve it; the figures per
unit and year are read from the roll-ups.

Out of scope → 404; a member sees only the activities offered to his branch and his own
participation (GET /me/activities)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.activities import selectors, services
from doanvien.activities.access import (
    activities_visible_to,
    can_organise,
    can_publish,
    checkin_paths,
    get_activity_for,
    get_campaign_for,
    own_member,
)
from doanvien.activities.models import Activity, Campaign
from doanvien.members.access import get_member_for
from doanvien.training.access import acts_for_member
from doanvien.training.selectors import registration_of

from .errors import ApiError, keyset_page_of
from .schemas import PROGRAMME_YEAR, UnitRef, error_answers
from .training import conflicts, required

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
    campaign: int | None = Field(
        None, description="a campaign's id (run by the unit or a unit above it)"
    )
    value: int | None = Field(None, description="a youth work project's value, in đồng")
    description: str = ""


class ActivityIdOut(Schema):
    id: int


class CampaignRef(Schema):
    id: int
    title: str


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
    campaign: CampaignRef | None
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
    campaign: int | None = Field(None, description="only the activities of this campaign")


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
        "campaign": {"id": a.campaign.pk, "title": a.campaign.title} if a.campaign_id else None,
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
    if filters.campaign is not None:
        rows = rows.filter(campaign_id=filters.campaign)
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
    campaign: int | None = None
    value: int | None = None
    description: str | None = None


@router.patch(
    "/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="Change an activity"
)
def activity_update(request, activity_id: int, payload: ActivityPatch):
    """The fields given change (the others stay); the figures follow a change of kind, content
    areas or dates. Once members signed up or took part (or linked it to a criterion), it
    keeps its year (`starts_at`), a capacity not below the sign-ups and their units invited:
    400 naming the field. 409 for a cancelled activity."""
    activity = get_activity_for(request.user, activity_id)
    require(can_organise(request.user, activity))
    with conflicts():
        activity = services.activity_update(
            actor=request.user, activity=activity, data=payload.model_dump(exclude_unset=True)
        )
    return activity_out(activity)


@router.post(
    "/activities/{activity_id}/cancel",
    response={200: ActivityOut, **ERRORS},
    summary="Cancel an activity",
)
def activity_cancel(request, activity_id: int):
    """The organiser cancels: the activity and its participations are no longer counted. 409
    when it is cancelled already."""
    activity = get_activity_for(request.user, activity_id)
    require(can_organise(request.user, activity))
    with conflicts():
        activity = services.activity_cancel(actor=request.user, activity=activity)
    return activity_out(get_activity_for(request.user, activity.pk))


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
    sent again is answered as before and never counted twice). The committee of a unit the
    activity is offered to checks in the members of its own subtree only (400 naming the
    others). `checked_in`: how many were checked in by this request (a repeated check-in is not
    counted twice)."""
    activity = get_activity_for(request.user, activity_id)
    within = checkin_paths(request.user, activity)
    require(within != [])
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
                within=within,
            )
            return found
        n = services.activity_checkin(
            actor=request.user, activity=activity, member_ids=payload.members or [], within=within
        )
    return {"checked_in": n}


@router.get(
    "/units/{unit_id}/activity-stats/{year}",
    response={200: ActivityStatsOut, **ERRORS},
    summary="Activity figures of a year",
)
def activity_stats(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """Per unit for the programme year (a school's activities from June of the year before to
    May count in it): the unit first, then each child: activities held,
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


# --- Campaigns ---------------------------------------------------------------------------------


class CampaignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = ""
    starts_on: str = Field("", description="ISO date, or dd/mm/yyyy")
    ends_on: str = Field("", description="ISO date, or dd/mm/yyyy")
    description: str = ""


class CampaignTotalsOut(Schema):
    activities: int
    signed_up: int
    participations: int
    participants: int


class CampaignOut(Schema):
    id: int
    title: str
    starts_on: date
    ends_on: date
    year: int
    description: str
    unit: UnitRef
    held: bool = Field(description="run by the unit asked about (else by a unit above it)")
    totals: CampaignTotalsOut | None = Field(
        None,
        description="over the units the caller sees (the whole campaign for a cadre of its "
        "unit or above): the activities they held and their members' sign-ups, participations "
        "and distinct participants, cancelled activities left out; kept on the write path (the "
        "campaign itself only)",
    )


class CampaignListOut(Schema):
    items: list[CampaignOut]
    next: str | None = Field(
        description="the next page is `?cursor=` this (with the same filters); null on the last"
    )
    previous: str | None = Field(None, description="the page before is `?cursor=` this")
    count: int | None = Field(description="exact up to 1,000; null beyond (see `more_than`)")
    more_than: int | None = None


class CampaignActivitiesOut(ActivityListOut):
    totals: CampaignTotalsOut


def campaign_out(c: Campaign, *, unit_id: int | None = None, totals=None) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "year": c.year,
        "description": c.description,
        "unit": {"id": c.unit.pk, "name": c.unit.name, "code": c.unit.code},
        "held": c.unit_id == unit_id,
        "totals": totals.as_dict() if totals is not None else None,
    }


@router.post(
    "/units/{unit_id}/campaigns",
    response={201: ActivityIdOut, **ERRORS},
    summary="Launch a campaign",
)
def campaign_create(request, unit_id: int, payload: CampaignIn):
    """The unit's committee (or a cadre above) launches a campaign for the unit's subtree: the
    unit and the units under it publish activities inside it (`campaign` of an activity)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_publish(request.user, unit))
    campaign = services.campaign_create(actor=request.user, unit=unit, data=payload.model_dump())
    return Status(201, {"id": campaign.pk})


@router.get(
    "/units/{unit_id}/campaigns",
    response={200: CampaignListOut, **ERRORS},
    summary="The campaigns a unit runs and those offered to it",
)
def campaign_list(request, unit_id: int, filters: Query[ActivityListQuery]):
    """Those the unit runs and those of the units above it (offered to it), latest first; 50 a
    page by keyset (follow `next`)."""
    unit = get_unit_for(request.user, unit_id)
    rows = selectors.unit_campaigns(unit, filters.year)
    page = keyset_page_of(rows, keys=("-starts_on", "-id"), page=1, cursor=filters.cursor)
    return {
        "items": [campaign_out(c, unit_id=unit.pk) for c in page.object_list],
        "next": page.next_cursor,
        "previous": page.previous_cursor,
        "count": page.count,
        "more_than": page.more_than,
    }


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, summary="A campaign")
def campaign_detail(request, campaign_id: int):
    """With the totals of its activities the caller sees."""
    campaign = get_campaign_for(request.user, campaign_id)
    totals = selectors.campaign_totals(campaign, request.user)
    return campaign_out(campaign, totals=totals)


class CampaignPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    starts_on: str | None = Field(None, description="ISO date, or dd/mm/yyyy")
    ends_on: str | None = Field(None, description="ISO date, or dd/mm/yyyy")
    description: str | None = None


@router.patch(
    "/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, summary="Change a campaign"
)
def campaign_update(request, campaign_id: int, payload: CampaignPatch):
    """The campaign's unit's committee (or a cadre above) changes its title, description or
    dates (the fields given; the others stay). Its activities must still start within its dates:
    400 naming those that would not."""
    campaign = get_campaign_for(request.user, campaign_id)
    require(can_publish(request.user, campaign.unit))
    campaign = services.campaign_update(
        actor=request.user, campaign=campaign, data=payload.model_dump(exclude_unset=True)
    )
    totals = selectors.campaign_totals(campaign, request.user)
    return campaign_out(campaign, totals=totals)


@router.get(
    "/campaigns/{campaign_id}/activities",
    response={200: CampaignActivitiesOut, **ERRORS},
    summary="The activities of a campaign",
)
def campaign_activities(request, campaign_id: int, filters: Query[ActivityListQuery]):
    """Those the caller sees, latest first, with how many signed up and took part, and their
    totals; 50 a page by keyset."""
    campaign = get_campaign_for(request.user, campaign_id)
    visible = activities_visible_to(request.user)
    rows = selectors.campaign_activities(campaign, visible).prefetch_related("areas")
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    page = keyset_page_of(rows, keys=("-starts_at", "-id"), page=1, cursor=filters.cursor)
    return {
        "items": [activity_out(a) for a in page.object_list],
        "next": page.next_cursor,
        "previous": page.previous_cursor,
        "count": page.count,
        "more_than": page.more_than,
        "totals": selectors.campaign_totals(campaign, request.user).as_dict(),
    }


# --- A registration's criteria and the activities that serve them -----------------------------

CRITERION_ACTIVITIES = (
    "/members/{member_id}/registrations/{year}/criteria/{criterion_id}/activities"
)


class CriterionActivitiesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    activities: list[int] | None = Field(
        None,
        description="required: the ids of the activities that serve the criterion (all of "
        "them: the others are unlinked; [] unlinks every one)",
    )


class CriterionActivitiesOut(Schema):
    member: int
    year: int
    criterion: int
    activities: list[ActivityOut] = Field(description="linked to the criterion")
    choices: list[ActivityOut] = Field(
        description="those that may be linked: offered to the member's branch (or taken part "
        "in), of the year, serving the criterion's content area, not cancelled"
    )


def _criterion_activities(member, registration, criterion_id: int) -> dict:
    item = registration.items.select_related("criterion").filter(criterion_id=criterion_id).first()
    if item is None:
        raise ApiError(
            404,
            _("Not found."),
            [{"field": "criterion_id", "message": _("Choose a criterion of this registration.")}],
        )
    found = selectors.registration_choices(
        member, registration.year, registration, {criterion_id: item.criterion.area_code}
    )[criterion_id]
    return {
        "member": member.pk,
        "year": registration.year,
        "criterion": criterion_id,
        "activities": [activity_out(a) for a in found.linked],
        "choices": [activity_out(a) for a in found.choices],
    }


def _registration(request, member_id: int, year: int):
    member = get_member_for(request.user, member_id)
    registration = registration_of(member, year)
    if registration is None:
        raise Http404
    return member, registration


@router.get(
    CRITERION_ACTIVITIES,
    response={200: CriterionActivitiesOut, **ERRORS},
    summary="The activities linked to a criterion of a registration",
)
def criterion_activities(request, member_id: int, criterion_id: int, year: int = PROGRAMME_YEAR):
    """The member's registration of the year: the activities linked to one of its criteria,
    and those that may be. 404 outside the caller's scope, without a registration, or for a
    criterion the registration does not have."""
    member, registration = _registration(request, member_id, year)
    return _criterion_activities(member, registration, criterion_id)


@router.put(
    CRITERION_ACTIVITIES,
    response={200: CriterionActivitiesOut, **ERRORS},
    summary="Link a criterion of a registration to the activities that serve it",
)
def criterion_activities_set(
    request,
    member_id: int,
    criterion_id: int,
    payload: CriterionActivitiesIn,
    year: int = PROGRAMME_YEAR,
):
    """The member himself or his branch's committee (403 for others who see him): the
    activities linked to the criterion become `activities`, each one offered to his branch (or
    taken part in), of the year, serving the criterion's content area and not cancelled; all or
    nothing, 422 naming every id at fault. 409 once the branch's results of the year are
    submitted or recognised."""
    member, registration = _registration(request, member_id, year)
    require(acts_for_member(request.user, member))
    if payload.activities is None:
        raise required("activities")
    try:
        with conflicts():
            services.criterion_links_set(
                actor=request.user,
                registration=registration,
                criterion_id=criterion_id,
                activity_ids=payload.activities,
            )
    except ValidationError as e:
        errors = e.message_dict if hasattr(e, "error_dict") else {"activities": e.messages}
        if "criterion" in errors:
            raise ApiError(
                404,
                _("Not found."),
                [{"field": "criterion_id", "message": " ".join(errors["criterion"])}],
            ) from None
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": name, "message": " ".join(m)} for name, m in errors.items()],
        ) from None
    return _criterion_activities(member, registration, criterion_id)

"""The "1+1" programme (seed 003): youth records, their groups, referrals and the yearly report.

Youths and groups are kept by the branch committee (or a cadre above): visible in the unit's
subtree only (404 outside). A member introduces youths in his own name only
(POST /members/{id}/referrals with his own id; `new_youth` creates the record in his branch);
the committee records the later steps. An illegal step, or "admitted" given by hand, answers
409: a referral is admitted only by the approval of the admission naming the youth
(POST /units/{id}/admissions with `youth` and `introducer`).

A branch's survey of its area (PUT/GET /units/{id}/youth-survey/{year}), the six-monthly review
notes (/units/{id}/referral-reviews), sending the yearly report and the extensions granted by a
unit above (/units/{id}/referral-report/{year}/…), the units late with it (…/late, paginated):
the committee of the unit (or a cadre above) writes; a refusal due to the data answers 400 with
the fields named, a shape error 422, a refusal due to the state of things (a report already
sent) 409."""

from datetime import date
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.core.dates import parse_date
from doanvien.core.years import FIRST_YEAR, LAST_YEAR
from doanvien.members.access import get_member_for
from doanvien.youth import lateness, services
from doanvien.youth.access import (
    can_keep_youths,
    can_move_referral,
    can_refer_for,
    get_referral_for,
    get_youth_for,
)
from doanvien.youth.models import Group, Referral, ReportExtension, ReportSent, ReviewNote, Survey
from doanvien.youth.selectors import report_rows, youth_search

from .errors import ApiError, conflicts_as_409, page_of
from .schemas import PROGRAMME_YEAR, UnitRef, error_answers
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
    members_surveyed: int = Field(
        description="Union members among the youths counted by the surveys (only the branches"
        " that surveyed)"
    )
    groups_found: int = Field(description="clubs, teams and groups found by the surveys")
    gathering_rate: str = Field(
        description="(members_surveyed + federation_surveyed) / youths_surveyed, a percentage"
        " with two decimals; empty when nobody was surveyed"
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


# --- Surveys, reviews, the report sent, extensions and late units -----------------------------

# The refusals due to the state of things: a step the referral's state does not allow, a report
# already sent.
YOUTH_CONFLICTS = {"illegal_transition", "already_sent"}


def _ref(unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


class SurveyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    surveyed_on: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy, in the year")
    age_16_18: int = Field(0, ge=0)
    age_19_24: int = Field(0, ge=0)
    age_25_30: int = Field(0, ge=0)
    studying: int = Field(0, ge=0)
    working: int = Field(0, ge=0)
    neither: int = Field(0, ge=0, description="by situation: the same youths as by age band")
    members: int | None = Field(
        None,
        ge=0,
        description="Union members among the youths counted (at most their number); when not"
        " given, the branch's members on the survey's day",
    )
    federation_members: int = Field(0, ge=0, description="among the youths counted")
    groups_found: int = Field(0, ge=0, description="clubs, teams and groups found")
    notes: str = ""


class SurveyOut(Schema):
    unit: UnitRef
    year: int
    surveyed_on: date
    age_16_18: int
    age_19_24: int
    age_25_30: int
    studying: int
    working: int
    neither: int
    youths: int = Field(description="the youths counted (members included)")
    members: int
    federation_members: int
    groups_found: int
    notes: str
    gathering_rate: str = Field(
        description="the branch's (members + Federation members) / youths counted, a percentage"
        " with two decimals"
    )


def survey_out(survey: Survey, unit) -> dict:
    total = survey.total
    rate = f"{100 * (survey.members + survey.federation_members) / total:.2f}" if total else ""
    return {
        "unit": _ref(unit),
        "year": survey.year,
        **{name: getattr(survey, name) for name in (*services.SURVEY_COUNTS, "members")},
        "surveyed_on": survey.surveyed_on,
        "youths": total,
        "notes": survey.notes,
        "gathering_rate": rate,
    }


@router.put(
    "/units/{unit_id}/youth-survey/{year}",
    response={200: SurveyOut, **ERRORS},
    summary="Record or correct a branch's survey of its area",
)
def survey_put(request, unit_id: int, payload: SurveyIn, year: int = PROGRAMME_YEAR):
    """The branch's survey of the young people of its area for the year (seed 003 Bước 1): the
    youths by age band and, the same youths, by situation; the Union members among them (by
    default the branch's members on the survey's day); the Federation members among them; the
    groups found. Its totals go to the "1+1" report. A second PUT corrects the first. A unit
    that is not a branch, a year to come, unequal totals: 400 with the fields named."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    survey = services.survey_save(
        actor=request.user, unit=unit, year=year, data=payload.model_dump()
    )
    return survey_out(survey, unit)


@router.get(
    "/units/{unit_id}/youth-survey/{year}",
    response={200: SurveyOut, **ERRORS},
    summary="A branch's survey of its area",
)
def survey_get(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The branch's survey of the year; 404 when none is recorded."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    survey = Survey.objects.filter(unit=unit, year=year).first()
    if survey is None:
        raise ApiError(404, _("No survey is recorded for this year."))
    return survey_out(survey, unit)


class ReviewQuery(Schema):
    year: int | None = Field(
        None, ge=FIRST_YEAR, le=LAST_YEAR, description="the year (this year if not given)"
    )


class ReviewNoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = ""
    on: str | None = Field(
        None, description="YYYY-MM-DD or dd/mm/yyyy, in the year; today (or 31/12) if not given"
    )


class ReviewNoteOut(Schema):
    id: int
    year: int
    on: date
    half: int = Field(description="1: January to June, 2: July to December (from `on`)")
    text: str
    author: str = Field(description="who wrote it (empty when unknown)")


def review_out(note: ReviewNote) -> dict:
    author = note.author
    return {
        "id": note.pk,
        "year": note.year,
        "on": note.on,
        "half": note.half,
        "text": note.text,
        "author": (author.get_full_name() or author.get_username()) if author else "",
    }


def _year_of(filters: ReviewQuery) -> int:
    return filters.year or timezone.localdate().year


@router.get(
    "/units/{unit_id}/referral-reviews",
    response={200: list[ReviewNoteOut], **ERRORS},
    summary="The six-monthly review notes of the “1+1” programme",
)
def review_list(request, unit_id: int, filters: Query[ReviewQuery]):
    """The unit's review notes of the year, newest first (the first 200)."""
    unit = get_unit_for(request.user, unit_id)
    notes = ReviewNote.objects.filter(unit=unit, year=_year_of(filters)).select_related("author")
    return [review_out(n) for n in notes[:200]]


@router.post(
    "/units/{unit_id}/referral-reviews",
    response={201: ReviewNoteOut, **ERRORS},
    summary="Add a six-monthly review note",
)
def review_add(request, unit_id: int, payload: ReviewNoteIn, filters: Query[ReviewQuery]):
    """A note of the six-monthly review at a unit of a reviewing level (data: by default the
    base unions and the districts). `year` (query) defaults to the year of `on`, else this
    year; `on` must fall in it and not in the future."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    try:
        on = parse_date(payload.on)
    except ValueError:
        raise ApiError(
            400,
            _("Invalid data."),
            [
                {
                    "field": "on",
                    "message": _("“%(value)s” is not a date in dd/mm/yyyy form.")
                    % {"value": payload.on},
                }
            ],
        ) from None
    year = filters.year or (on.year if on else timezone.localdate().year)
    note = services.review_note_add(
        actor=request.user, unit=unit, year=year, text=payload.text, on=on
    )
    return Status(201, review_out(note))


class ReportSentOut(Schema):
    unit: UnitRef
    year: int
    sent_on: date


REPORT = "/units/{unit_id}/referral-report/{year}"


@router.post(
    f"{REPORT}/send",
    response={201: ReportSentOut, **ERRORS},
    summary="Send the yearly “1+1” report to the level above",
)
def report_send(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The unit sends its report of the year (seed 003 §4.2): a unit of the reporting level of
    the nearest settings above it (data: by default the base unions), not for a year to come
    (400). Sent already: 409."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    with conflicts_as_409(YOUTH_CONFLICTS):
        sent: ReportSent = services.report_send(actor=request.user, unit=unit, year=year)
    return Status(201, {"unit": _ref(unit), "year": year, "sent_on": sent.sent_on})


class ExtensionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field("", description="the code of the unit under this one that reports")
    extended_to: str | None = Field(
        None, description="the new deadline, YYYY-MM-DD or dd/mm/yyyy: today or later"
    )
    reason: str = ""


class ExtensionOut(Schema):
    unit: UnitRef
    year: int
    extended_to: date
    reason: str


@router.post(
    f"{REPORT}/extensions",
    response={201: ExtensionOut, **ERRORS},
    summary="Extend a unit's report deadline",
)
def report_extend(request, unit_id: int, payload: ExtensionIn, year: int = PROGRAMME_YEAR):
    """The unit grants a unit under it (by code) that sends the report more time for the
    year's: its deadline becomes `extended_to` (a later extension replaces an earlier one).
    An unknown code, a unit that does not report, a date in the past: 400 naming the field. A
    unit that has sent its report: 409."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    with conflicts_as_409(YOUTH_CONFLICTS):
        extension: ReportExtension = services.report_extend(
            actor=request.user,
            above=unit,
            code=payload.code,
            year=year,
            extended_to=payload.extended_to,
            reason=payload.reason,
        )
    return Status(
        201,
        {
            "unit": _ref(extension.unit),
            "year": year,
            "extended_to": extension.extended_to,
            "reason": extension.reason,
        },
    )


class ReferralLateQuery(Schema):
    page: int = Field(1, ge=1)


class ReferralLateItemOut(Schema):
    unit: UnitRef
    due_on: date
    days_late: int
    extended: bool = Field(description="the deadline is an extension granted by a unit above")


class ReferralLateOut(Schema):
    year: int
    items: list[ReferralLateItemOut]
    count: int = Field(description="late units in the whole subtree, on every page")
    page: int
    pages: int


@router.get(
    f"{REPORT}/late",
    response={200: ReferralLateOut, **ERRORS},
    summary="Units late with the yearly “1+1” report, anywhere under the unit",
)
def report_late(
    request, unit_id: int, filters: Query[ReferralLateQuery], year: int = PROGRAMME_YEAR
):
    """The units of the subtree that send the report (the reporting level of the nearest
    settings above each) whose deadline (theirs, or the extension granted) has passed without
    the report sent, in tree order, with the days since; a page after the last answers 404."""
    unit = get_unit_for(request.user, unit_id)
    paginator, page = page_of(lateness.late_units(unit, year), filters.page)
    return {
        "year": year,
        "items": [
            {
                "unit": _ref(item.unit),
                "due_on": item.due_on,
                "days_late": item.days_late,
                "extended": item.extended,
            }
            for item in lateness.as_items(page.object_list, year)
        ],
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
    }

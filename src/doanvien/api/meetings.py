"""Meetings: record one (POST /units/{unit_id}/meetings), read its list (GET
/meetings/{meeting_id}/attendance) and take its attendance (PUT …/attendance: the ids present
and excused, everyone else on the list absent: a branch's members, or at a union's committee
meeting the people holding its committee's posts), list a unit's meetings of a year with its
cadence check. Seen by whoever sees
the unit (404 for everyone else); recorded by the branch committee or a cadre above (403)."""

from datetime import date

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.meetings import selectors, services
from doanvien.meetings.access import can_hold_meetings, can_publish_themes, get_meeting_for
from doanvien.meetings.models import Meeting

from .errors import conflicts_as_409
from .schemas import error_answers

router = Router(tags=["meetings"])

ERRORS = error_answers(400, 401, 403, 404, 413, 422)
# A cancelled meeting changes no more → 409.
CHANGE_ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
CANCELLED = {"illegal_transition"}


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy, not after today")
    kind: str = Field("regular", description="regular, themed, congress, extraordinary or joint")
    theme: int | str | None = Field(
        None,
        description="the id of a monthly theme published above, or a theme of the branch's own",
    )
    minutes: str = ""
    decisions: str = ""


class MeetingCreatedOut(Schema):
    id: int


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    present: list[int] = Field(default_factory=list)
    excused: list[int] = Field(default_factory=list)


class AttendanceOut(Schema):
    present: int
    excused: int
    absent: int


class AttendeeOut(Schema):
    id: int = Field(description="a member's id (branch), a post holder's cadre id (committee)")
    name: str
    member: int | None = Field(description="the member's id, if the person is a member")
    post: str = Field(description="the committee posts held that day (committee meetings)")
    presence: str = Field(description="present, excused or absent (present until taken)")


class AttendanceListOut(Schema):
    of: str = Field(description="members (a branch's meeting) or committee (a union's)")
    taken: bool
    items: list[AttendeeOut]


class MeetingOut(Schema):
    id: int
    date: date
    kind: str
    theme: str
    theme_id: int | None
    minutes: str
    decisions: str
    attendance_taken: bool
    cancelled: bool = False
    present: int
    listed: int


class MonthOut(Schema):
    month: int
    held: int
    ok: bool


class MeetingListOut(Schema):
    year: int
    per_month: int | None = Field(description="monthly meetings required each month (branches)")
    months: list[MonthOut]
    months_without: list[int] = Field(description="months checked so far without enough meetings")
    results: list[MeetingOut]


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _out(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "date": m.date,
        "kind": m.kind,
        "theme": m.theme_label,
        "theme_id": m.theme_id,
        "minutes": m.minutes,
        "decisions": m.decisions,
        "attendance_taken": m.attendance_taken,
        "cancelled": m.cancelled,
        "present": m.present,
        "listed": m.listed,
    }


@router.post(
    "/units/{unit_id}/meetings",
    response={201: MeetingCreatedOut, **ERRORS},
    summary="Record a meeting",
)
def meeting_create(request, unit_id: int, payload: MeetingIn):
    """A meeting the unit held: its date (not after today), kind and theme (a published theme's
    id, or text)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_hold_meetings(request.user, unit))
    data = _theme(payload.model_dump(exclude_unset=True))
    meeting = services.meeting_create(actor=request.user, unit=unit, data=data)
    return Status(201, {"id": meeting.pk})


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, **CHANGE_ERRORS},
    summary="Take a meeting's attendance",
)
def meeting_attendance(request, meeting_id: int, payload: AttendanceIn):
    """The ids present and excused; everyone else on the list is absent. At a branch's meeting
    the ids are of its members on the roll at the meeting's date; at a union's (its
    committee's meeting), the `id`s the list (GET) gives: the cadre records of the people
    holding a post of its committee that day, members or not. Sending it again replaces the
    attendance."""
    meeting = get_meeting_for(request.user, meeting_id)
    require(can_hold_meetings(request.user, meeting.unit))
    with conflicts_as_409(CANCELLED):
        return services.attendance_set(
            actor=request.user, meeting=meeting, present=payload.present, excused=payload.excused
        )


class MeetingCancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", description="required: why (at most 300 characters)")


def _theme(data: dict) -> dict:
    """`theme` as the API takes it: a published theme's id, or a theme of the branch's own."""
    if "theme" not in data:
        return data
    theme = data.pop("theme")
    if isinstance(theme, int) or (isinstance(theme, str) and theme.isdigit()):
        data["theme"] = theme
    else:
        data["theme_text"] = theme or ""
    return data


def _answer(meeting: Meeting) -> dict:
    """The meeting as the unit's list shows it (with its attendance counts)."""
    return _out(selectors.unit_meetings(meeting.unit, meeting.date.year).get(pk=meeting.pk))


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **CHANGE_ERRORS},
    summary="Change a meeting",
)
def meeting_change(request, meeting_id: int, payload: MeetingIn):
    """The fields sent change (date, kind, theme, minutes, decisions); a cancelled meeting
    cannot be changed."""
    meeting = get_meeting_for(request.user, meeting_id)
    require(can_hold_meetings(request.user, meeting.unit))
    data = _theme(payload.model_dump(exclude_unset=True))
    with conflicts_as_409(CANCELLED):
        meeting = services.meeting_update(actor=request.user, meeting=meeting, data=data)
    return _answer(meeting)


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, **CHANGE_ERRORS},
    summary="Cancel a meeting",
)
def meeting_cancel(request, meeting_id: int, payload: MeetingCancelIn):
    """Cancel a meeting recorded in error or not held after all, with the reason: it stays on
    the list, marked, and counts nowhere any more. 409 if it was already cancelled."""
    meeting = get_meeting_for(request.user, meeting_id)
    require(can_hold_meetings(request.user, meeting.unit))
    with conflicts_as_409(CANCELLED):
        meeting = services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=payload.reason
        )
    return _answer(meeting)


@router.get(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceListOut, **ERRORS},
    summary="A meeting's attendance list",
)
def meeting_attendance_list(request, meeting_id: int):
    """Who is on the meeting's list and how: a branch's members on the roll at its date, or
    a union's committee's post holders that day (with their posts)."""
    meeting = get_meeting_for(request.user, meeting_id)
    if meeting.unit.is_branch:
        items = [
            {"id": m.pk, "name": m.full_name, "member": m.pk, "post": "", "presence": p}
            for m, p in selectors.attendance_list(meeting)
        ]
    else:
        items = [
            {
                "id": c.pk,
                "name": c.full_name,
                "member": c.member_id,
                "post": c.post_label,
                "presence": p,
            }
            for c, p in selectors.committee_roll(meeting)
        ]
    return {
        "of": "members" if meeting.unit.is_branch else "committee",
        "taken": meeting.attendance_taken,
        "items": items,
    }


@router.get(
    "/units/{unit_id}/meetings",
    response={200: MeetingListOut, **ERRORS},
    summary="A unit's meetings of a year",
)
def meeting_list(request, unit_id: int, filters: Query[YearQuery]):
    """The meetings of the year (this year by default), newest first, and for a branch its
    months: meetings held and whether the cadence rule is met."""
    unit = get_unit_for(request.user, unit_id)
    today = timezone.localdate()
    year = filters.year or today.year
    cadence = selectors.cadence(unit, year, today) if unit.is_branch else None
    return {
        "year": year,
        "per_month": cadence["per_month"] if cadence else None,
        "months": [
            {"month": m["month"], "held": m["held"], "ok": m["ok"]} for m in cadence["months"]
        ]
        if cadence
        else [],
        "months_without": cadence["missing"] if cadence else [],
        "results": [_out(m) for m in selectors.unit_meetings(unit, year)[:500]],
    }


class ThemeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(None, description="required: 2000 to 2100")
    month: int | None = Field(None, description="required: 1 to 12")
    title: str = Field("", max_length=200, description="required")
    note: str = ""


@router.post(
    "/units/{unit_id}/meeting-themes",
    response={201: MeetingCreatedOut, **ERRORS},
    summary="Publish a monthly meeting theme for the units below",
)
def theme_publish(request, unit_id: int, payload: ThemeIn):
    """The theme of a month, offered to the branches under the unit when they record a
    meeting."""
    unit = get_unit_for(request.user, unit_id)
    require(can_publish_themes(request.user, unit))
    theme = services.theme_publish(actor=request.user, unit=unit, **payload.model_dump())
    return Status(201, {"id": theme.pk})

"""Writes of the meetings app: record a meeting, take its attendance, write its minutes,
publish a monthly theme, tie a step of the training programme to the meeting where it was
done. Keyword-only, one transaction each, audited."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.text import normalize
from doanvien.core.transactions import atomic
from doanvien.members.models import Member, Status
from doanvien.training.models import BranchResult, Registration
from doanvien.training.rules import programme_year_span
from doanvien.units.models import Unit

from . import rollup, selectors
from .models import (
    Attendance,
    CommitteeAttendance,
    Kind,
    Meeting,
    Presence,
    Theme,
    TrainingStep,
)

MEETING_FIELDS = ("date", "kind", "theme", "theme_text", "minutes", "decisions")


def _date(value, field: str = "date") -> date:
    try:
        parsed = value if isinstance(value, date) else parse_date(value)
    except (ValueError, TypeError):
        parsed = None
    if parsed is None:
        raise ValidationError({field: _("Enter a date as dd/mm/yyyy or YYYY-MM-DD.")})
    if parsed > timezone.localdate():
        raise ValidationError(
            {field: _("A meeting is recorded once held: its date cannot be after today.")}
        )
    return parsed


def _theme(unit: Unit, theme) -> Theme | None:
    """A theme published by the unit or a unit above it, else an error."""
    if theme in (None, ""):
        return None
    if not isinstance(theme, Theme):
        theme = Theme.objects.filter(pk=theme if str(theme).isdigit() else None).first()
    if theme is None or theme.unit_path not in unit.ancestor_paths():
        raise ValidationError(
            {"theme": _("Choose a theme published by this unit or a unit above it.")}
        )
    return theme


def _clean(unit: Unit, data: dict) -> dict:
    clean = {}
    if "date" in data:
        clean["date"] = _date(data["date"])
    if "kind" in data:
        if data["kind"] not in Kind.values:
            raise ValidationError({"kind": _("Choose a kind of meeting from the list.")})
        clean["kind"] = data["kind"]
    if "theme" in data:
        clean["theme"] = _theme(unit, data["theme"])
    for name in ("theme_text", "minutes", "decisions"):
        if name in data:
            value = data[name] or ""
            clean[name] = normalize(value) if name == "theme_text" else value.strip()
    if len(clean.get("theme_text", "")) > 200:
        raise ValidationError({"theme_text": _("A theme has at most 200 characters.")})
    return clean


@atomic
def meeting_create(*, actor, unit: Unit, data: dict, minutes_file=None) -> Meeting:
    """Record a meeting the unit held (date not after today). Attendance is taken afterwards
    (attendance_set), with the branch's members on the roll at that date."""
    if not unit.is_active:
        raise ValidationError(_("This unit is inactive: it holds no meetings."))
    if "date" not in data or data["date"] in (None, ""):
        raise ValidationError({"date": _("Enter the date of the meeting.")})
    clean = _clean(unit, {"kind": Kind.REGULAR, **data})
    meeting = Meeting(unit=unit, unit_path=unit.path, created_by=actor, **clean)
    if minutes_file:
        meeting.minutes_file = minutes_file
    meeting.save()
    rollup.recount([unit], [meeting.date.year])
    audit.record(
        actor=actor,
        action="meeting.created",
        target=meeting,
        unit_path=unit.path,
        summary=f"{unit.name} · {meeting}",
        changes=audit.diff({}, audit.snapshot(meeting, clean)),
    )
    return meeting


@atomic
def meeting_update(*, actor, meeting: Meeting, data: dict, minutes_file=None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    unit = Unit.objects.get(pk=meeting.unit_id)
    if meeting.cancelled:
        raise ValidationError(
            _("This meeting was cancelled: it cannot be changed."), code="illegal_transition"
        )
    clean = _clean(unit, data)
    old_year = meeting.date.year
    before = audit.snapshot(meeting, clean)
    for k, v in clean.items():
        setattr(meeting, k, v)
    if minutes_file:
        meeting.minutes_file = minutes_file
        clean["minutes_file"] = minutes_file.name
    meeting.save()
    rollup.recount([unit], {old_year, meeting.date.year})
    audit.record(
        actor=actor,
        action="meeting.updated",
        target=meeting,
        unit_path=meeting.unit_path,
        summary=str(meeting),
        changes=audit.diff(before, audit.snapshot(meeting, clean)),
    )
    return meeting


def _ids(values, field: str) -> set[int]:
    try:
        return {int(v) for v in values or []}
    except (TypeError, ValueError):
        raise ValidationError({field: _("Send a list of member ids.")}) from None


def _presences(present, excused) -> tuple[set[int], set[int]]:
    present, excused = _ids(present, "present"), _ids(excused, "excused")
    both = present & excused
    if both:
        raise ValidationError(
            {
                "excused": _("A member cannot be both present and excused: ids %(ids)s.")
                % {"ids": ", ".join(map(str, sorted(both)))}
            }
        )
    return present, excused


def _presence(pk: int, present: set[int], excused: set[int]) -> str:
    if pk in present:
        return Presence.PRESENT
    return Presence.EXCUSED if pk in excused else Presence.ABSENT


@atomic
def attendance_set(*, actor, meeting: Meeting, present, excused) -> dict[str, int]:
    """Take (or retake) a meeting's attendance: those in `present` were there, those in
    `excused` were away with leave, everyone else on the list was absent. At a branch's
    meeting the ids are of the branch's members on the roll at its date; at a union's
    (its committee's meeting), of the cadre records of the people holding a post of its
    committee that day (members or not)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    unit = Unit.objects.get(pk=meeting.unit_id)
    if meeting.cancelled:
        raise ValidationError(
            _("This meeting was cancelled: it cannot be changed."), code="illegal_transition"
        )
    present, excused = _presences(present, excused)
    if not unit.is_branch:
        return _committee_attendance_set(actor, meeting, unit, present, excused)
    listed = set(meeting.attendance.values_list("member_id", flat=True))
    roll = (
        set(
            Member.objects.filter(
                branch_id=unit.pk, status=Status.ACTIVE, joined_union_on__lte=meeting.date
            ).values_list("pk", flat=True)
        )
        | listed
    )
    unknown = (present | excused) - roll
    if unknown:
        raise ValidationError(
            _("These ids are not members of the branch at the meeting's date: %(ids)s.")
            % {"ids": ", ".join(map(str, sorted(unknown)))}
        )
    meeting.attendance.all().delete()
    rows = [
        Attendance(meeting=meeting, member_id=pk, presence=_presence(pk, present, excused))
        for pk in sorted(roll)
    ]
    Attendance.objects.bulk_create(rows, batch_size=1000)
    meeting.attendance_taken = True
    meeting.save(update_fields=["attendance_taken"])
    rollup.recount([unit], [meeting.date.year])
    return _attendance_recorded(actor, meeting, present, excused, len(roll))


def _committee_attendance_set(actor, meeting, unit, present, excused) -> dict[str, int]:
    """A committee meeting's attendance: of its committee's post holders at its date (and
    anyone already listed). It counts in no branch figure, so no roll-up changes."""
    roll = set(selectors.committee_holders(unit, meeting.date)) | set(
        meeting.committee_attendance.values_list("cadre_id", flat=True)
    )
    if not roll:
        raise ValidationError(
            _(
                "Nobody held a post of this unit's committee at the meeting's date: record "
                "the committee first."
            )
        )
    unknown = (present | excused) - roll
    if unknown:
        raise ValidationError(
            _(
                "These ids are not of people holding a post of the committee at the "
                "meeting's date: %(ids)s."
            )
            % {"ids": ", ".join(map(str, sorted(unknown)))}
        )
    meeting.committee_attendance.all().delete()
    CommitteeAttendance.objects.bulk_create(
        CommitteeAttendance(meeting=meeting, cadre_id=pk, presence=_presence(pk, present, excused))
        for pk in sorted(roll)
    )
    meeting.attendance_taken = True
    meeting.save(update_fields=["attendance_taken"])
    return _attendance_recorded(actor, meeting, present, excused, len(roll))


def _attendance_recorded(actor, meeting, present, excused, listed: int) -> dict[str, int]:
    counts = {
        "present": len(present),
        "excused": len(excused),
        "absent": listed - len(present) - len(excused),
    }
    audit.record(
        actor=actor,
        action="meeting.attendance",
        target=meeting,
        unit_path=meeting.unit_path,
        summary=f"{meeting} · {counts['present']}/{listed}",
        changes={k: [None, v] for k, v in counts.items()},
    )
    return counts


@atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting recorded in error or not held after all, with a reason: it stays on
    the list, marked, and counts nowhere any more (never deleted)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    reason = normalize(reason or "")
    if meeting.cancelled:
        raise ValidationError(_("This meeting was already cancelled."), code="illegal_transition")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("A reason has at most 300 characters.")})
    meeting.cancelled, meeting.cancel_reason = True, reason
    meeting.save(update_fields=["cancelled", "cancel_reason"])
    rollup.recount([meeting.unit_id], [meeting.date.year])
    audit.record(
        actor=actor,
        action="meeting.cancelled",
        target=meeting,
        unit_path=meeting.unit_path,
        summary=f"{meeting} · {reason}",
        changes={"cancelled": [False, True], "reason": [None, reason]},
    )
    return meeting


@atomic
def theme_publish(*, actor, unit: Unit, year, month, title: str, note: str = "") -> Theme:
    errors = {}
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        year = month = 0
    if not 2000 <= year <= 2100:
        errors["year"] = _("Enter a year between 2000 and 2100.")
    if not 1 <= month <= 12:
        errors["month"] = _("Enter a month from 1 to 12.")
    title = normalize(title or "")
    if not title:
        errors["title"] = _("Enter the theme.")
    elif len(title) > 200:
        errors["title"] = _("A theme has at most 200 characters.")
    if unit.is_branch:
        errors["title"] = _("Themes are published by a union for the branches under it.")
    if errors:
        raise ValidationError(errors)
    theme = Theme.objects.create(
        unit=unit, unit_path=unit.path, year=year, month=month, title=title, note=note or ""
    )
    audit.record(
        actor=actor,
        action="meeting.theme",
        target=theme,
        unit_path=unit.path,
        summary=str(theme),
        changes={"title": [None, title]},
    )
    return theme


# --- The training programme's steps taken at a meeting --------------------------------------------


def meeting_for_step(*, branch: Unit, year: int, meeting) -> Meeting | None:
    """The meeting (an instance or an id; empty: none) where the branch committee took a step
    of the `year` programme: a meeting of this branch, not cancelled, held within the
    programme year. Anything else is refused, naming the rule."""
    if meeting in (None, ""):
        return None
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    meeting = Meeting.objects.filter(pk=int(pk) if str(pk).isdigit() else None).first()
    if meeting is None or meeting.unit_id != branch.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this branch.")})
    if meeting.cancelled:
        raise ValidationError(
            {"meeting": _("This meeting was cancelled: choose a meeting that was held.")}
        )
    first, last = programme_year_span(year, branch.sector)
    if not first <= meeting.date <= last:
        raise ValidationError(
            {
                "meeting": _(
                    "Choose a meeting held within the %(year)s programme year "
                    "(%(first)s – %(last)s)."
                )
                % {
                    "year": year,
                    "first": first.strftime("%d/%m/%Y"),
                    "last": last.strftime("%d/%m/%Y"),
                }
            }
        )
    return meeting


@atomic
def training_step_record(
    *,
    actor,
    meeting: Meeting | None,
    registration: Registration | None = None,
    result: BranchResult | None = None,
) -> TrainingStep | None:
    """Tie a registration's review or a branch result's assessment to the meeting where it was
    done (checked by meeting_for_step first). Done again, the step follows the later meeting;
    done again without a meeting, the earlier tie goes (it was about the earlier decision)."""
    if (registration is None) == (result is None):
        raise ValueError("a registration or a result")
    target = {"registration": registration} if registration is not None else {"result": result}
    step = TrainingStep.Step.REVIEW if registration is not None else TrainingStep.Step.RESULTS
    before = TrainingStep.objects.select_for_update().filter(**target).first()
    if meeting is None:
        if before is not None:
            before.delete()
        return None
    if before is not None and before.meeting_id == meeting.pk:
        return before
    row, _created = TrainingStep.objects.update_or_create(
        **target, defaults={"meeting": meeting, "step": step}
    )
    audit.record(
        actor=actor,
        action="meeting.training_step",
        target=meeting,
        unit_path=meeting.unit_path,
        summary=f"{meeting} · {row.get_step_display()}",
        changes={"step": [None, step]},
    )
    return row

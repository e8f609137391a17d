"""What the meeting pages and the API read, each an indexed query scoped to one unit (or one
page of units below it), and the selector other apps call: months a member missed."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from doanvien.committees.models import CadreRecord, Committee, Post
from doanvien.members.models import Member, Status
from doanvien.training.rules import programme_year_span
from doanvien.units.models import Unit

from . import rollup, rules
from .models import (
    CADENCE_KINDS,
    Attendance,
    CommitteeAttendance,
    Meeting,
    Presence,
    Theme,
    TrainingStep,
)


def required_per_month(unit: Unit) -> int:
    """The cadence rule of the nearest unit up the tree, else the default row's."""
    return rollup.cadences([unit])[unit.pk]


def unit_meetings(unit: Unit, year: int) -> QuerySet[Meeting]:
    """The unit's meetings of the year with their attendance counts: a branch's members', a
    union's committee's."""
    rows = "attendance" if unit.is_branch else "committee_attendance"
    return (
        Meeting.objects.filter(unit=unit, date__year=year)
        .select_related("theme")
        .annotate(
            present=Count(rows, filter=Q(**{f"{rows}__presence": Presence.PRESENT})),
            listed=Count(rows),
        )
        .order_by("-date", "-pk")
    )


def themes_for(unit: Unit, year: int) -> QuerySet[Theme]:
    """The themes the unit's upper levels (and the unit itself) published for the year."""
    return Theme.objects.filter(unit_path__in=unit.ancestor_paths(), year=year).order_by(
        "month", "unit_path"
    )


def monthly_counts(unit: Unit, year: int) -> dict[int, int]:
    """Monthly meetings the unit held in each month of the year."""
    rows = (
        Meeting.objects.filter(unit=unit, date__year=year, kind__in=CADENCE_KINDS, cancelled=False)
        .annotate(month=ExtractMonth("date"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    return {r["month"]: r["n"] for r in rows}


def cadence(unit: Unit, year: int, today: date) -> dict:
    """The branch's months of the year: meetings held each month and whether that meets the
    cadence rule; and the months without enough meetings so far."""
    per_month = required_per_month(unit)
    counts = monthly_counts(unit, year)
    checked = rules.months_to_check(year, today)
    missing = rules.months_without_meeting(counts, per_month, checked)
    return {
        "per_month": per_month,
        "months": [
            {"month": m, "held": counts.get(m, 0), "checked": m in checked, "ok": m not in missing}
            for m in range(1, 13)
        ],
        "missing": missing,
        "covered": len(checked) - len(missing),
    }


def figures_below(units: Iterable[Unit], year: int, today: date) -> dict[int, dict]:
    """For each given unit (a page of the units under a union): its meeting figures for the
    year from the roll-ups (meetings by kind and month, its active branches' months without a
    monthly meeting, attendance), one statement for the page (rollup.figures_of)."""
    units = list(units)
    figures = rollup.figures_of(units, year)
    return {u.pk: rollup.summary(figures[u.pk], year, today) for u in units}


def unit_figures(unit: Unit, year: int, today: date) -> dict:
    """The unit's own meeting figures with those of its subtree (the roll-ups)."""
    return rollup.summary(rollup.figures_of([unit], year)[unit.pk], year, today)


def months_absent(member_ids: Iterable[int], year: int) -> dict[int, list[int]]:
    """The months of `year` each member missed the monthly meetings (rules.absent_months):
    {member id: [months]}, members without a missed month left out. The meetings of every
    branch he belonged to that year count (a member who moved is judged by both). For other
    apps: the dues removal-candidates list reads it."""
    rows = (
        Attendance.objects.filter(
            member_id__in=member_ids,
            meeting__date__year=year,
            meeting__kind__in=CADENCE_KINDS,
            meeting__cancelled=False,
        )
        .annotate(month=ExtractMonth("meeting__date"))
        .values_list("member_id", "month", "presence")
        .order_by()
    )
    by_member: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for member_id, month, presence in rows.iterator(chunk_size=5000):
        by_member[member_id].append((month, presence))
    out = {}
    for member_id, pairs in by_member.items():
        missed = rules.absent_months(pairs)
        if missed:
            out[member_id] = missed
    return out


def absence_counts(member_ids: Iterable[int], year: int) -> dict[int, int]:
    """How many months of the year each member missed the monthly meetings (months_absent):
    the meeting part of the removal candidates (dues/removal.py reads it)."""
    return {pk: len(months) for pk, months in months_absent(list(member_ids), year).items()}


def branch_months_absent(branch: Unit, year: int) -> dict[int, list[int]]:
    """months_absent for the branch's members on the roll."""
    ids = Member.objects.filter(branch=branch, status=Status.ACTIVE).values("pk")
    return months_absent(ids, year)


def _tally(rows: QuerySet, key: str) -> dict[int, dict[str, int]]:
    """{person id (`key`): {presence: count}} over attendance rows."""
    per: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Presence.values, 0))
    for r in rows.values(key, "presence").annotate(n=Count("pk")).order_by():
        per[r[key]][r["presence"]] = r["n"]
    return per


def _line(counts: dict[str, int] | None) -> dict:
    """A person's counts by presence, total and rate."""
    counts = counts or dict.fromkeys(Presence.values, 0)
    total = sum(counts.values())
    return {**counts, "total": total, "rate": rules.rate(counts[Presence.PRESENT], total)}


def _overall(per: dict[int, dict[str, int]]) -> dict:
    """The rate over every row of a tally, and the rows counted."""
    present = sum(c[Presence.PRESENT] for c in per.values())
    total = sum(sum(c.values()) for c in per.values())
    return {"rate": rules.rate(present, total), "total": total}


def attendance_rates(branch: Unit, year: int) -> dict:
    """Attendance of the year's meetings whose attendance was taken: per member of the branch
    (present, excused, absent, rate) and the branch's rate over all its rows."""
    per = _tally(
        Attendance.objects.filter(
            meeting__unit=branch, meeting__date__year=year, meeting__cancelled=False
        ),
        "member_id",
    )
    members = Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("sort_key", "pk")
    return {"members": [{"member": m, **_line(per.get(m.pk))} for m in members], **_overall(per)}


def attendance_of(meeting: Meeting) -> dict[int, str]:
    return dict(meeting.attendance.values_list("member_id", "presence"))


def present_at(branch: Unit, meeting_id: int) -> tuple[Meeting, set[int]] | None:
    """The branch's own meeting `meeting_id` whose roll was taken, with the members present at
    it; None for any other meeting (another unit's, cancelled, its roll not taken, none)."""
    meeting = Meeting.objects.filter(pk=meeting_id, unit=branch).first()
    if meeting is None or not meeting.roll_taken:
        return None
    present = meeting.attendance.filter(presence=Presence.PRESENT).values_list("member_id")
    return meeting, {pk for (pk,) in present}


def attendance_list(meeting: Meeting) -> list[tuple[Member, str]]:
    """Who is on the meeting's list and how: the members already listed, and the branch's
    members on the roll at its date (present by default, until attendance is taken)."""
    taken = attendance_of(meeting)
    members = Member.objects.filter(
        Q(pk__in=list(taken)) | Q(branch_id=meeting.unit_id, status=Status.ACTIVE),
        joined_union_on__lte=meeting.date,
    ).order_by("sort_key", "pk")
    default = Presence.ABSENT if meeting.attendance_taken else Presence.PRESENT
    return [(m, taken.get(m.pk, default)) for m in members]


# --- A union's committee meetings ---------------------------------------------------------------


def committee_holders(unit: Unit, day: date) -> dict[int, list[str]]:
    """The people holding a post of the unit's committee on `day` ({cadre id: [post kinds]}):
    posts of a committee that took office (in office or since ended), started by that day and
    not ended by it (a post ends on the day its successor starts)."""
    posts = (
        Post.objects.filter(
            committee__unit=unit,
            committee__state__in=[Committee.State.APPROVED, Committee.State.ENDED],
            started_on__lte=day,
        )
        .filter(Q(ended_on=None) | Q(ended_on__gt=day))
        .values_list("cadre_id", "post")
        .order_by("pk")
    )
    held: dict[int, list[str]] = defaultdict(list)
    for cadre_id, kind in posts:
        held[cadre_id].append(kind)
    return dict(held)


def committee_attendance_of(meeting: Meeting) -> dict[int, str]:
    return dict(meeting.committee_attendance.values_list("cadre_id", "presence"))


POST_ORDER = {k: i for i, k in enumerate(Post.Kind.values)}


def committee_roll(meeting: Meeting) -> list[tuple[CadreRecord, str]]:
    """Who is on a committee meeting's list and how: the people already listed and those
    holding a post of the unit's committee at its date (present by default, until attendance
    is taken); each cadre record carries `post_label`, the posts he held that day."""
    taken = committee_attendance_of(meeting)
    held = committee_holders(Unit(pk=meeting.unit_id), meeting.date)
    labels = dict(Post.Kind.choices)
    cadres = list(CadreRecord.objects.filter(pk__in=set(taken) | set(held)))
    for c in cadres:
        kinds = sorted(held.get(c.pk, []), key=POST_ORDER.get)
        c.post_label = ", ".join(str(labels[k]) for k in kinds)
        c.post_rank = POST_ORDER[kinds[0]] if kinds else len(POST_ORDER)
    cadres.sort(key=lambda c: (c.post_rank, c.full_name, c.pk))
    default = Presence.ABSENT if meeting.attendance_taken else Presence.PRESENT
    return [(c, taken.get(c.pk, default)) for c in cadres]


def committee_attendance_rates(unit: Unit, year: int) -> dict:
    """Attendance of the year's committee meetings of a union whose attendance was taken: per
    person listed (present, excused, absent, rate) and the committee's rate over all rows."""
    per = _tally(
        CommitteeAttendance.objects.filter(
            meeting__unit=unit, meeting__date__year=year, meeting__cancelled=False
        ),
        "cadre_id",
    )
    people = CadreRecord.objects.filter(pk__in=list(per)).order_by("full_name", "pk")
    return {"people": [{"cadre": c, **_line(per[c.pk])} for c in people], **_overall(per)}


# --- The training programme's steps taken at meetings -------------------------------------------


def meetings_for_steps(branch: Unit, year: int) -> QuerySet[Meeting]:
    """The branch's meetings a step of the `year` programme may be tied to: held (not
    cancelled) within the programme year, the latest first."""
    first, last = programme_year_span(year, branch.sector)
    return Meeting.objects.filter(
        unit=branch, cancelled=False, date__gte=first, date__lte=last
    ).order_by("-date", "-pk")


def steps_at(meeting: Meeting) -> dict[str, list]:
    """What the branch committee did at this meeting: the registrations it reviewed (with their
    members) and the results it assessed and submitted."""
    rows = TrainingStep.objects.filter(meeting=meeting).select_related(
        "registration__member", "result"
    )
    out: dict[str, list] = {"reviews": [], "results": []}
    for row in rows.order_by("registration__member__sort_key", "pk"):
        if row.step == TrainingStep.Step.REVIEW:
            out["reviews"].append(row.registration)
        else:
            out["results"].append(row.result)
    return out


def step_meetings(branch: Unit, year: int) -> dict:
    """For the branch's training pages: the meeting each registration of the year was reviewed
    at ({registration id: meeting}) and the meeting its results were assessed at (or None)."""
    rows = TrainingStep.objects.filter(
        Q(registration__branch=branch, registration__year=year)
        | Q(result__branch=branch, result__year=year)
    ).select_related("meeting")
    reviews, results = {}, None
    for row in rows:
        if row.step == TrainingStep.Step.REVIEW:
            reviews[row.registration_id] = row.meeting
        else:
            results = row.meeting
    return {"reviews": reviews, "results": results}


def step_meeting_id(*, registration_id: int | None = None, result_id: int | None = None):
    """The id of the meeting a registration was reviewed at, or a branch result assessed at."""
    if registration_id is not None:
        rows = TrainingStep.objects.filter(registration_id=registration_id)
    else:
        rows = TrainingStep.objects.filter(result_id=result_id)
    return rows.values_list("meeting_id", flat=True).first()

"""Reads of activities for the pages, the API and the yearly report (the caller checked that
the user sees the unit or the member)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from doanvien.members.models import Member
from doanvien.units.models import Unit

from . import rollup
from .access import offered_to
from .models import COUNTERS, Activity, ActivityKind, Participation


def unit_activities(unit: Unit, year: int | None = None) -> QuerySet[Activity]:
    """The activities the unit holds and those offered to it, latest first."""
    activities = Activity.objects.filter(Q(unit=unit) | offered_to(unit))
    if year is not None:
        activities = activities.filter(year=year)
    return (
        activities.select_related("unit", "kind")
        .annotate(
            signed_up=Count("participations", filter=~Q(participations__signed_up_at=None)),
            attended=Count("participations", filter=~Q(participations__attended_at=None)),
        )
        .order_by("-starts_at", "-pk")
    )


def offered_to_member(member: Member, year: int | None = None) -> QuerySet[Activity]:
    activities = Activity.objects.filter(offered_to(member.branch), cancelled_at=None)
    if year is not None:
        activities = activities.filter(year=year)
    return activities.select_related("unit", "kind").order_by("-starts_at", "-pk")


def member_participations(member: Member, year: int | None = None) -> QuerySet[Participation]:
    """What the member signed up for and took part in, latest first."""
    rows = Participation.objects.filter(member=member, activity__cancelled_at=None)
    if year is not None:
        rows = rows.filter(activity__year=year)
    return rows.select_related("activity", "activity__kind", "activity__unit").order_by(
        "-activity__starts_at", "-pk"
    )


def activity_people(activity: Activity) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(activity=activity)
        .select_related("member", "member__branch")
        .order_by("member__sort_key", "member_id")
    )


def participation_counts(member_ids, year: int) -> dict[int, int]:
    """How many activities of the year each member took part in (the assessment screen's
    evidence column: never a score)."""
    rows = (
        Participation.objects.filter(
            member_id__in=list(member_ids),
            activity__year=year,
            activity__cancelled_at=None,
            attended_at__isnull=False,
        )
        .values("member_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["member_id"]: r["n"] for r in rows}


def participation_titles(member_ids, year: int) -> dict[int, list[str]]:
    """The titles of the activities each member took part in during the year."""
    found: dict[int, list[str]] = {}
    rows = (
        Participation.objects.filter(
            member_id__in=list(member_ids),
            activity__year=year,
            activity__cancelled_at=None,
            attended_at__isnull=False,
        )
        .order_by("activity__starts_at")
        .values_list("member_id", "activity__title")
    )
    for member_id, title in rows:
        found.setdefault(member_id, []).append(title)
    return found


@dataclass
class StatsRow:
    unit: Unit
    activities: int = 0
    participations: int = 0
    participants: int = 0
    works: int = 0
    works_value: int = 0

    def as_dict(self) -> dict:
        return {
            "unit": self.unit.name,
            "unit_id": self.unit.pk,
            **{k: getattr(self, k) for k in COUNTERS},
        }


def stats_rows(unit: Unit, year: int) -> list[StatsRow]:
    """The unit's figures of the year, then each child's (read from the roll-ups)."""
    children = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
    units = [unit, *children.order_by("path")]
    figures = rollup.figures_of(units, year, [rollup.TOTAL])
    return [StatsRow(u, **figures[u.pk].get(rollup.TOTAL, rollup._zero())) for u in units]


@dataclass
class Figures:
    """A unit's activity figures for a year, as a report reads them."""

    year: int
    total: dict[str, int]
    by_kind: list[dict] = field(default_factory=list)
    by_area: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            **self.total,
            "by_kind": self.by_kind,
            "by_area": self.by_area,
        }


def activity_figures(unit: Unit, year: int) -> Figures:
    """Activities held, participations, distinct participants, youth work projects and their
    value, in total, per kind and per content area, for the unit's subtree in the year (read
    from the roll-ups, exact at any moment). For the yearly report."""
    found = rollup.figures_of([unit], year)[unit.pk]
    names = dict(ActivityKind.objects.values_list("code", "name"))
    by_kind, by_area = [], []
    for key, values in sorted(found.items()):
        if key.startswith("kind:"):
            code = key[5:]
            by_kind.append({"kind": code, "kind_label": names.get(code, code), **values})
        elif key.startswith("area:"):
            by_area.append({"area": key[5:], **values})
    return Figures(
        year=year,
        total=found.get(rollup.TOTAL, rollup._zero()),
        by_kind=by_kind,
        by_area=sorted(by_area, key=lambda r: (len(r["area"]), r["area"])),
    )


@dataclass
class CriterionRow:
    item: object  # training.RegistrationItem
    links: list
    choices: list  # activities that may be linked to it


def criterion_rows(registration, member: Member) -> list[CriterionRow]:
    """Each criterion of the registration with the activities linked to it and those that may
    be (of the year, offered to the member's branch or taken part in, serving its area)."""
    links: dict[int, list] = {}
    for link in registration.activity_links.select_related("activity").order_by("pk"):
        links.setdefault(link.criterion_id, []).append(link)
    candidates = list(
        Activity.objects.filter(
            Q(offered_to(member.branch)) | Q(participations__member=member),
            year=registration.year,
            cancelled_at=None,
        )
        .distinct()
        .prefetch_related("areas")
        .order_by("starts_at", "pk")[:300]
    )
    rows = []
    for item in registration.items.select_related("criterion").order_by(
        "criterion__area_code", "pk"
    ):
        linked = {link.activity_id for link in links.get(item.criterion_id, [])}
        area = item.criterion.area_code
        choices = [
            a
            for a in candidates
            if a.pk not in linked and (not a.areas.all() or area in {x.code for x in a.areas.all()})
        ]
        rows.append(CriterionRow(item, links.get(item.criterion_id, []), choices))
    return rows

"""Reads of activities for the pages, the API and the yearly report (the caller checked that
the user sees the unit or the member)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from doanvien.accounts.access import scope_of, subtree_q
from doanvien.members.models import Member
from doanvien.units.models import Unit

from . import rollup
from .access import campaigns_offered_to, offered_to
from .models import (
    CAMPAIGN_COUNTERS,
    COUNTERS,
    Activity,
    ActivityKind,
    Campaign,
    CampaignStats,
    CriterionLink,
    Participation,
)


def unit_activities(unit: Unit, year: int | None = None) -> QuerySet[Activity]:
    """The activities the unit holds and those offered to it, latest first."""
    activities = Activity.objects.filter(Q(unit=unit) | offered_to(unit))
    if year is not None:
        activities = activities.filter(year=year)
    return (
        activities.select_related("unit", "kind", "campaign")
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
    return activities.select_related("unit", "kind", "campaign").order_by("-starts_at", "-pk")


def member_participations(member: Member, year: int | None = None) -> QuerySet[Participation]:
    """What the member signed up for and took part in, latest first."""
    rows = Participation.objects.filter(member=member, activity__cancelled_at=None)
    if year is not None:
        rows = rows.filter(activity__year=year)
    return rows.select_related(
        "activity", "activity__kind", "activity__unit", "activity__campaign"
    ).order_by("-activity__starts_at", "-pk")


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


def link_candidates(member: Member, year: int) -> list[Activity]:
    """The activities of the year a member may link to his criteria: offered to his branch, or
    taken part in; not cancelled; their areas read with them."""
    return list(
        Activity.objects.filter(
            Q(offered_to(member.branch)) | Q(participations__member=member),
            year=year,
            cancelled_at=None,
        )
        .distinct()
        .select_related("unit", "kind", "campaign")
        .prefetch_related("areas")
        .order_by("starts_at", "pk")[:300]
    )


def serves(activity: Activity, area_code: str) -> bool:
    """Whether the activity serves a criterion of this content area (one naming no area serves
    every area)."""
    codes = {a.code for a in activity.areas.all()}
    return not codes or area_code in codes


def links_by_criterion(registration) -> dict[int, list[CriterionLink]]:
    links: dict[int, list] = {}
    for link in (
        registration.activity_links.select_related(
            "activity", "activity__unit", "activity__kind", "activity__campaign"
        )
        .prefetch_related("activity__areas")
        .order_by("activity__starts_at", "pk")
    ):
        links.setdefault(link.criterion_id, []).append(link)
    return links


def criterion_rows(registration, member: Member) -> list[CriterionRow]:
    """Each criterion of the registration with the activities linked to it and those that may
    be (of the year, offered to the member's branch or taken part in, serving its area)."""
    links = links_by_criterion(registration)
    candidates = link_candidates(member, registration.year)
    rows = []
    for item in registration.items.select_related("criterion").order_by(
        "criterion__area_code", "pk"
    ):
        linked = {link.activity_id for link in links.get(item.criterion_id, [])}
        area = item.criterion.area_code
        choices = [a for a in candidates if a.pk not in linked and serves(a, area)]
        rows.append(CriterionRow(item, links.get(item.criterion_id, []), choices))
    return rows


@dataclass
class ActivityChoices:
    """For the registration page: a criterion's activities to tick (those serving its area,
    and those linked already), and which are ticked."""

    choices: list
    ticked: set

    @property
    def linked(self) -> list:
        return [a for a in self.choices if a.pk in self.ticked]


def registration_choices(
    member: Member, year: int, registration, criteria, posted=None
) -> dict[int, ActivityChoices]:
    """Per criterion (of `criteria`: id → content area code) the activities the member may tick
    on his registration page; `posted` (a QueryDict) gives the ticks sent back with errors."""
    candidates = link_candidates(member, year)
    links = links_by_criterion(registration) if registration else {}
    found = {}
    for criterion_id, area in criteria.items():
        linked = [link.activity for link in links.get(criterion_id, [])]
        shown = {a.pk: a for a in candidates if serves(a, area)}
        for a in linked:
            shown.setdefault(a.pk, a)
        if posted is not None:
            ticked = {
                int(v) for v in posted.getlist(f"activities-{criterion_id}") if str(v).isdigit()
            }
        else:
            ticked = {a.pk for a in linked}
        found[criterion_id] = ActivityChoices(
            sorted(shown.values(), key=lambda a: (a.starts_at, a.pk)), ticked
        )
    return found


# --- Campaigns ---------------------------------------------------------------------------------


def unit_campaigns(unit: Unit, year: int | None = None) -> QuerySet[Campaign]:
    """The campaigns the unit runs and those run above it (offered to it), latest first."""
    campaigns = Campaign.objects.filter(campaigns_offered_to(unit))
    if year is not None:
        campaigns = campaigns.filter(year=year)
    return campaigns.select_related("unit").order_by("-starts_on", "-pk")


def campaigns_to_join(unit: Unit) -> QuerySet[Campaign]:
    """The campaigns an activity of the unit may join (the form's list): run by it or above,
    latest first."""
    return unit_campaigns(unit).order_by("-starts_on", "-pk")[:100]


@dataclass
class CampaignTotals:
    activities: int = 0
    signed_up: int = 0
    participations: int = 0
    participants: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def campaign_activities(campaign: Campaign, visible: QuerySet[Activity]) -> QuerySet[Activity]:
    """The campaign's activities among those the user sees (`visible`), with how many signed
    up and took part, latest first."""
    return (
        visible.filter(campaign=campaign)
        .select_related("unit", "kind", "campaign")
        .annotate(
            signed_up=Count("participations", filter=~Q(participations__signed_up_at=None)),
            attended=Count("participations", filter=~Q(participations__attended_at=None)),
        )
        .order_by("-starts_at", "-pk")
    )


def campaign_totals(campaign: Campaign, user) -> CampaignTotals:
    """The campaign's totals over the units the user sees (kept on the write path,
    campaign_stats.py): the activities they held and the sign-ups, participations and distinct
    participants of their members, cancelled activities left out. A cadre of the campaign's unit
    or above reads the whole campaign."""
    rows = CampaignStats.objects.filter(campaign=campaign)
    scope = scope_of(user)
    if not scope.is_superuser:
        rows = rows.filter(subtree_q("unit_path", scope.root_paths))
    summed = rows.aggregate(**{k: Sum(k) for k in CAMPAIGN_COUNTERS})
    return CampaignTotals(**{k: int(v or 0) for k, v in summed.items()})

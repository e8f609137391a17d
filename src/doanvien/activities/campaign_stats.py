"""A campaign's totals kept on the write path (models.CampaignStats), as the activity figures
are (rollup.py): each write that changes them counts again, in its transaction, the rows it
touches and only those — the campaign's row of the activity's unit (its activities) and the rows
of the branches of the members concerned (their sign-ups, participations and distinct
participants). A row is locked before it is counted, so two writes of the same branch wait for
each other while the branches of a province-wide campaign check in side by side (no hot row).

A member's participations are counted in his branch of now: a move counts both branches again
in every campaign he took part in (`member_moved`). A unit move rewrites the rows' paths
(TreePathField); nothing is folded above, so nothing else changes. Reading sums the rows of the
units the reader sees (selectors.campaign_totals)."""

from collections.abc import Iterable

from django.db.models import Count, Q

from doanvien.core.bulk import write_fields
from doanvien.units.models import Unit

from .models import CAMPAIGN_COUNTERS, Activity, CampaignStats, Participation

Totals = dict[str, int]


def _zero() -> Totals:
    return dict.fromkeys(CAMPAIGN_COUNTERS, 0)


def count(campaign_id: int, unit_ids: Iterable[int]) -> dict[int, Totals]:
    """The units' own totals in the campaign, counted from the activities and participations
    (the one definition; the recount test reads it)."""
    ids = sorted(set(unit_ids))
    found = {pk: _zero() for pk in ids}
    if not ids:
        return found
    live = Activity.objects.filter(campaign_id=campaign_id, cancelled_at=None)
    for row in live.filter(unit_id__in=ids).values("unit_id").annotate(n=Count("id")).order_by():
        found[row["unit_id"]]["activities"] = row["n"]
    attended = ~Q(attended_at=None)
    for row in (
        Participation.objects.filter(activity__in=live.values("pk"), member__branch_id__in=ids)
        .values("member__branch_id")
        .annotate(
            s=Count("id", filter=~Q(signed_up_at=None)),
            p=Count("id", filter=attended),
            m=Count("member_id", filter=attended, distinct=True),
        )
        .order_by()
    ):
        found[row["member__branch_id"]].update(
            signed_up=row["s"], participations=row["p"], participants=row["m"]
        )
    return found


def recount(campaign_id: int | None, unit_ids: Iterable[int]) -> None:
    """Count the units' totals in the campaign again and write them on their rows (made where
    missing, locked in path order first)."""
    ids = set(unit_ids)
    if campaign_id is None or not ids:
        return
    units = list(Unit.objects.filter(pk__in=ids).order_by("path"))
    CampaignStats.objects.bulk_create(
        [CampaignStats(campaign_id=campaign_id, unit=u, unit_path=u.path) for u in units],
        ignore_conflicts=True,
    )
    rows = list(
        CampaignStats.objects.select_for_update()
        .filter(campaign_id=campaign_id, unit__in=units)
        .order_by("unit_path")
    )
    counted = count(campaign_id, [u.pk for u in units])
    changed = []
    for row in rows:
        now = counted[row.unit_id]
        if any(getattr(row, k) != v for k, v in now.items()):
            for k, v in now.items():
                setattr(row, k, v)
            changed.append(row)
    if changed:
        write_fields(CampaignStats, changed, list(CAMPAIGN_COUNTERS))


def branches_of(activity: Activity) -> set[int]:
    """The branches of the members who signed up or took part (each once)."""
    return set(
        Participation.objects.filter(activity=activity)
        .order_by()
        .values_list("member__branch_id", flat=True)
        .distinct()
    )


def activity_changed(activity: Activity, *, campaigns: Iterable[int | None] = ()) -> None:
    """An activity published, changed or cancelled: its unit's rows and its members' branches'
    rows in its campaign and in `campaigns` (the one it left) are counted again."""
    wanted = {activity.campaign_id, *campaigns} - {None}
    if not wanted:
        return
    units = {activity.unit_id, *branches_of(activity)}
    for campaign_id in sorted(wanted):
        recount(campaign_id, units)


def member_moved(member_id: int, old_branch_id: int, new_branch_id: int) -> None:
    """A member moved: both branches are counted again in every campaign he took part in."""
    if old_branch_id == new_branch_id:
        return
    campaigns = set(
        Participation.objects.filter(member_id=member_id)
        .exclude(activity__campaign=None)
        .values_list("activity__campaign_id", flat=True)
        .distinct()
    )
    for campaign_id in sorted(campaigns):
        recount(campaign_id, [old_branch_id, new_branch_id])


def _campaigns() -> list[int]:
    have = CampaignStats.objects.order_by().values_list("campaign_id", flat=True).distinct()
    used = (
        Activity.objects.exclude(campaign=None)
        .order_by()
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    return sorted(set(have) | set(used))


def _units(campaign_id: int) -> set[int]:
    """The units that hold a row or should: the activities' units, their participants'
    branches, and those with a row already."""
    holders = (
        Activity.objects.filter(campaign_id=campaign_id)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    branches = (
        Participation.objects.filter(activity__campaign_id=campaign_id)
        .order_by()
        .values_list("member__branch_id", flat=True)
        .distinct()
    )
    rows = CampaignStats.objects.filter(campaign_id=campaign_id).values_list("unit_id", flat=True)
    return set(holders) | set(branches) | set(rows)


def differences() -> list[str]:
    """Every row whose totals differ from a count, and every unit with totals but no row (a
    campaign at a time)."""
    found = []
    for campaign_id in _campaigns():
        have = {
            r.unit_id: {k: getattr(r, k) for k in CAMPAIGN_COUNTERS}
            for r in CampaignStats.objects.filter(campaign_id=campaign_id)
        }
        for unit_id, want in count(campaign_id, _units(campaign_id)).items():
            got = have.get(unit_id, _zero())
            if got != want:
                found.append(f"campaign {campaign_id} unit {unit_id}: {got} ≠ {want}")
    return found


def fix() -> int:
    """Count every campaign's rows again and write them (`manage.py recompute_stats --fix`).
    Returns the campaigns counted."""
    campaigns = _campaigns()
    for campaign_id in campaigns:
        recount(campaign_id, _units(campaign_id))
    return len(campaigns)

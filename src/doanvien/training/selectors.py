"""Reads for the training programme: which framework, criteria and deadlines apply where."""

from datetime import date

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from doanvien.units.models import Unit

from .models import BranchResult, Criterion, Deadline, Framework, Registration


def framework_for(unit: Unit, year: int) -> Framework | None:
    """The framework of the nearest ancestor (or the unit itself) that published one for the
    year; otherwise the product's default for the phase of that year."""
    published = (
        Framework.objects.filter(unit__path__in=unit.ancestor_paths(), year=year)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )
    if published:
        return published
    return Framework.objects.filter(
        unit__isnull=True, phase__first_year__lte=year, phase__last_year__gte=year
    ).first()


def criteria_for(*, framework: Framework, branch: Unit, year: int, sector: str) -> QuerySet:
    """The criteria a member of this branch may pick: the framework's, plus the custom criteria
    of every ancestor for the year; sector-specific ones only for that sector."""
    own = Q(framework=framework)
    custom = Q(framework__isnull=True, unit__path__in=branch.ancestor_paths(), year=year)
    return (
        Criterion.objects.filter(own | custom)
        .filter(Q(sector="") | Q(sector=sector))
        .filter(area_code__in=framework.areas.values("code"))
        # The framework's own first, then custom ones from the top of the tree down (the same
        # on every database: NULL depth sorts first).
        .order_by("area_code", F("unit__depth").asc(nulls_first=True), "order", "id")
    )


def deadline_for(*, unit: Unit, year: int, kind: str, sector: str) -> Deadline | None:
    """The deadline that applies: set by the nearest ancestor; one for the sector wins over one
    for every sector at the same unit."""
    candidates = Deadline.objects.filter(
        unit__path__in=unit.ancestor_paths(), year=year, kind=kind, sector__in=[sector, ""]
    ).select_related("unit")
    return max(candidates, key=lambda d: (d.unit.depth, d.sector == sector), default=None)


def days_left(deadline: Deadline | None, today: date | None = None) -> int | None:
    if deadline is None:
        return None
    return (deadline.effective_date - (today or timezone.localdate())).days


def registration_of(member, year: int) -> Registration | None:
    return (
        Registration.objects.filter(member=member, year=year)
        .select_related("framework", "branch")
        .first()
    )


def branch_result_state(branch: Unit, year: int) -> str:
    """Where the branch's results stand, without creating anything."""
    result = BranchResult.objects.filter(branch=branch, year=year).only("state").first()
    return result.state if result else BranchResult.State.OPEN

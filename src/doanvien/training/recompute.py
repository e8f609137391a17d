"""Recompute the roll-ups from the registration rows and list every difference with what is
stored. (The members counted for a closed year are a record of that time, not recomputed.)"""

from collections import Counter, defaultdict

from doanvien.units.models import paths_to

from .models import COUNTERS, BranchResult, Registration, YearStats
from .rollup import contribution


def expected_counters() -> dict[tuple[str, int], Counter]:
    """(unit path, year) → counters recomputed from every registration of the stored years."""
    expected: dict[tuple[str, int], Counter] = defaultdict(Counter)
    years = set(YearStats.objects.values_list("year", flat=True).distinct())
    registrations = Registration.objects.filter(year__in=years).select_related("member", "branch")
    for registration in registrations.iterator(chunk_size=2000):
        c = contribution(registration)
        for path in paths_to(registration.unit_path):
            expected[(path, registration.year)].update(c)
    recognised = BranchResult.objects.filter(
        year__in=years, state=BranchResult.State.RECOGNISED
    ).values_list("unit_path", "year")
    for unit_path, year in recognised.iterator(chunk_size=2000):
        for path in paths_to(unit_path):
            expected[(path, year)]["recognised"] += 1
    return expected


def differences() -> list[str]:
    """Every stored counter that differs from its recomputed value, as readable lines."""
    expected = expected_counters()
    found = []
    for row in YearStats.objects.order_by("unit_path", "year").iterator(chunk_size=2000):
        want = expected.get((row.unit_path, row.year), Counter())
        for name in COUNTERS:
            stored, recomputed = getattr(row, name), want.get(name, 0)
            if stored != recomputed:
                found.append(
                    f"{row.unit_path} {row.year} {name}: stored {stored}, recomputed {recomputed}"
                )
    return found

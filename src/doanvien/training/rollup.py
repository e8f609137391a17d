"""Keeping the roll-up counters exact. Every service that changes a registration's state or an
assessment calls one of these in its own transaction. A change touches the row of the branch and
of each of its ancestors for the year, in one UPDATE.

The members counted for a year are the units' live member counts until the year is closed;
close_year() then keeps them on the rows, so later arrivals and departures do not change it."""

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Length

from doanvien.members.models import Status
from doanvien.training.models import BranchResult, Registration
from doanvien.training.rules import programme_year_span
from doanvien.units.models import Unit, paths_to

from .models import COUNTERS, YearStats


def _add(path: str, year: int, delta: Counter) -> None:
    delta = {k: v for k, v in delta.items() if v}
    if delta:
        YearStats.objects.filter(unit_path__in=paths_to(path), year=year).update(
            **{k: F(k) + v for k, v in delta.items()}
        )


def ensure_rows(branch: Unit, year: int) -> None:
    """Create the year's rows of the branch and its ancestors where missing."""
    if YearStats.objects.filter(unit=branch, year=year).exists():
        return
    for unit in Unit.objects.filter(path__in=paths_to(branch.path)).only("pk", "path", "depth"):
        try:
            with transaction.atomic():
                YearStats.objects.get_or_create(
                    unit=unit, year=year, defaults={"unit_path": unit.path, "depth": unit.depth}
                )
        except IntegrityError:  # created meanwhile by another transaction
            pass


def _still_counted(registration: Registration) -> bool:
    """Members who left the roll during the year are not counted; a year that had ended when
    they left still counts them."""
    member = registration.member
    if member.status == Status.ACTIVE:
        return True
    end = programme_year_span(registration.year, registration.branch.sector)[1]
    return member.left_on is not None and member.left_on > end


def member_contributions(member) -> dict[int, Counter]:
    """What each of the member's registrations adds now (take it before changing his status)."""
    return {
        r.pk: contribution(r)
        for r in Registration.objects.filter(member=member).select_related("member", "branch")
    }


def member_changed(before: dict[int, Counter], member) -> None:
    """After a member's status changed: move his registrations' counts accordingly."""
    for r in Registration.objects.filter(member=member).select_related("member", "branch"):
        registration_changed(before.get(r.pk, Counter()), r)


def contribution(registration: Registration | None) -> Counter:
    """What one registration adds to the counters of its branch."""
    if registration is None or not _still_counted(registration):
        return Counter()
    c = Counter()
    if registration.state in (Registration.State.SUBMITTED, Registration.State.APPROVED):
        c["registered"] = 1
    if registration.state == Registration.State.SUBMITTED:
        c["waiting"] = 1
    if registration.assessed_at and registration.level:
        c["assessed"] = 1
        c[registration.level] = 1
    return c


def registration_changed(before: Counter, registration: Registration) -> None:
    """Call with contribution() taken before the change, after saving the registration."""
    after = contribution(registration)
    if after == before:
        return
    ensure_rows(registration.branch, registration.year)
    delta = Counter(after)
    delta.subtract(before)
    _add(registration.branch.path, registration.year, delta)


def results_changed(branch: Unit, year: int, before: str, after: str) -> None:
    """A branch's results changed state: count the branch as recognised, or no longer."""
    was, now = before == BranchResult.State.RECOGNISED, after == BranchResult.State.RECOGNISED
    if was != now:
        ensure_rows(branch, year)
        _add(branch.path, year, Counter({"recognised": 1 if now else -1}))


def registration_moved(registration: Registration, old_branch: Unit) -> None:
    c = contribution(registration)
    if not c:
        return
    ensure_rows(old_branch, registration.year)
    ensure_rows(registration.branch, registration.year)
    minus = Counter({k: -v for k, v in c.items()})
    _add(old_branch.path, registration.year, minus)
    _add(registration.branch.path, registration.year, c)


def close_year(year: int) -> int:
    """Keep the members counted for `year` on every unit's row (run once the programme year
    has ended): the units' member counts now. Returns the number of rows written."""
    existing = set(YearStats.objects.filter(year=year).values_list("unit_id", flat=True))
    YearStats.objects.bulk_create(
        [
            YearStats(unit_id=pk, year=year, unit_path=path, depth=depth)
            for pk, path, depth in Unit.objects.values_list("pk", "path", "depth").iterator()
            if pk not in existing
        ],
        batch_size=2000,
    )
    return YearStats.objects.filter(year=year).update(
        members=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("member_count")[:1])
    )


def subtree_moved(old_path: str, unit: Unit) -> None:
    """A unit moved from `old_path` to its current path (the path copies on its subtree's rows
    are already rewritten): fix their depth, take the unit's counters off the old ancestors and
    add them to the new ones."""
    YearStats.objects.filter(unit_path__startswith=unit.path).update(
        depth=Length("unit_path") / Unit.steplen
    )
    for row in YearStats.objects.filter(unit=unit):
        counts = Counter({k: getattr(row, k) for k in COUNTERS})
        if row.members is not None:
            counts["members"] = row.members
        minus = Counter({k: -v for k, v in counts.items()})
        parent_old = old_path[: -Unit.steplen]
        parent_new = unit.path[: -Unit.steplen]
        if parent_old:
            _add(parent_old, row.year, minus)
        if parent_new:
            new_parent = Unit.objects.get(path=parent_new)
            for ancestor in Unit.objects.filter(path__in=paths_to(new_parent.path)):
                YearStats.objects.get_or_create(
                    unit=ancestor,
                    year=row.year,
                    defaults={"unit_path": ancestor.path, "depth": ancestor.depth},
                )
            _add(parent_new, row.year, counts)

"""The late counts read from the roll-up rows (lateness.late_counts: a few rows, cut into
regions by the deadlines under the unit) equal what the late list counts by reading the
branches (lateness.late_rows), for every unit, whatever happened: registrations, results
submitted, returned, recognised, reopened, members moving, a branch moved between unions, its
sector changed, a branch deactivated and reactivated, deadlines set deeper in the tree or for
one sector, folded or not."""

import contextlib
import importlib
import random
from datetime import timedelta
from types import SimpleNamespace

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from doanvien.actions.members import member_update
from doanvien.actions.units import unit_update
from doanvien.members.models import Member, Status
from doanvien.training import lateness, rollup
from doanvien.training.models import PENDING, Deadline, Registration, YearStats
from doanvien.training.recompute import differences
from doanvien.training.services.configuration import deadline_set
from doanvien.training.services.results import branch_results_return
from doanvien.units.models import Unit
from doanvien.units.services import unit_deactivate, unit_reactivate

from ..factories import make_member, make_unit
from ..reports.test_rollup import YEAR, _operate

TODAY = timezone.localdate()
KEYS = (*lateness.KINDS, "any")


def _deadline(unit, kind, days: int, sector=""):
    due = (TODAY + timedelta(days=days)).strftime("%d/%m/%Y")
    deadline_set(actor=None, unit=unit, year=YEAR, kind=kind, sector=sector, due_on=due)


def _listed(unit: Unit, *, by_child: bool = False) -> dict[str, dict[str, int]]:
    """The counts as the late list gives them, branch by branch."""
    width = len(unit.path) + Unit.steplen
    found: dict[str, dict] = {}
    for row in lateness.late_rows(unit, YEAR).order_by("pk", "late_for"):
        group = row["path"][:width] if by_child else unit.path
        counts = found.setdefault(group, {**dict.fromkeys(lateness.KINDS, 0), "any": set()})
        counts[row["late_for"]] += 1
        counts["any"].add(row["pk"])
    return {g: {**c, "any": len(c["any"])} for g, c in found.items()}


def _assert_same(units) -> None:
    for unit in units:
        unit.refresh_from_db()
        own = lateness.late_counts(unit, YEAR)[unit.path]
        assert own == _listed(unit).get(unit.path, dict.fromkeys(KEYS, 0)), unit.name
        by_child = lateness.late_counts(unit, YEAR, by_child=True)
        assert {p: c for p, c in by_child.items() if any(c.values())} == _listed(
            unit, by_child=True
        ), unit.name
        assert lateness.late_under(unit, YEAR) == {
            p: c["any"] for p, c in _listed(unit, by_child=True).items()
        }


def _deadlines(world):
    """Deadlines passed and to come, at the province, for one sector, deeper down."""
    _deadline(world.province, Deadline.Kind.REGISTRATION, -10)
    _deadline(world.province, Deadline.Kind.EVALUATION, -5)
    _deadline(world.province, Deadline.Kind.EVALUATION, 9, sector="residential")
    _deadline(world.province, Deadline.Kind.RECOGNITION, 20)
    _deadline(world.base, Deadline.Kind.RECOGNITION, -1)
    _deadline(world.base, Deadline.Kind.REGISTRATION, 5, sector=world.branch.sector)
    _deadline(world.other_base, Deadline.Kind.EVALUATION, 3)


def test_the_counts_follow_every_kind_of_change(world, framework):
    _deadlines(world)
    empty = make_unit(world.other_base, name="Chi đoàn Ấp 2", sector="residential")
    units = [world.province, world.district, world.base, world.other_base, world.branch, empty]
    _assert_same(units)
    assert lateness.late_in(world.province, YEAR)["any"] > 0

    # A branch with no member in the year is late for nothing; with one, it is.
    assert lateness.late_in(empty, YEAR)["any"] == 0
    newcomer = make_member(empty, full_name="Võ Thị Em")
    _assert_same(units)
    assert lateness.late_in(empty, YEAR)["any"] == 1

    # Its sector changes: other deadlines apply (schools register by the base's date, to come).
    unit_update(
        actor=None, unit=empty, name=empty.name, code=empty.code, sector="school", level=empty.level
    )
    _assert_same(units)

    # Its member leaves, it is deactivated: nothing pending; reactivated: pending again.
    member_update(actor=None, member=newcomer, data={"status": Status.REMOVED})
    unit_deactivate(actor=None, unit=empty)
    _assert_same(units)
    assert lateness.late_counts(empty, YEAR)[empty.path]["any"] == 0
    unit_reactivate(actor=None, unit=empty)
    _assert_same(units)

    # Results submitted (the branch's work finished first), then sent back: being assessed.
    _operate(random.Random(5), 9, 0, world, None, None, [world.branch2], TODAY)
    _assert_same(units)
    branch_results_return(actor=None, branch=world.branch2, year=YEAR, comment="Sửa")
    _assert_same(units)
    assert differences() == []


def test_random_operations_leave_the_counts_equal_to_the_list(world, framework):
    _deadlines(world)
    rng = random.Random(2028)
    branches = [world.branch, world.branch2, make_unit(world.other_base, sector="residential")]
    for branch in branches:
        for _ in range(3):
            make_member(branch)
    units = [world.province, world.district, world.base, world.other_base, *branches]
    refused = 0
    for step in range(160):
        member = rng.choice(list(Member.objects.select_related("branch").order_by("pk")))
        registration = Registration.objects.filter(member=member, year=YEAR).first()
        try:
            _operate(rng, rng.randrange(12), step, world, member, registration, branches, TODAY)
        except ValidationError:
            refused += 1
        for branch in branches:
            branch.refresh_from_db()
        if step % 8 == 7:
            _assert_same(units)
    assert refused < 100
    _assert_same(units)
    assert differences() == []


def test_the_upgrade_counts_what_the_services_keep(world, framework):
    """Migration training/0017 counts the PENDING counters of the rows that exist: the same
    figures the services keep (with nothing waiting in the ledger, as before the upgrade)."""
    _deadlines(world)
    rng = random.Random(7)
    branches = [world.branch, world.branch2, world.other_branch]
    for step in range(40):
        member = rng.choice(list(Member.objects.select_related("branch").order_by("pk")))
        registration = Registration.objects.filter(member=member, year=YEAR).first()
        with contextlib.suppress(ValidationError):
            _operate(
                rng, rng.choice([1, 2, 9, 9]), step, world, member, registration, branches, TODAY
            )
    rollup.fold_all()
    kept = {
        r["unit_id"]: r for r in YearStats.objects.filter(year=YEAR).values("unit_id", *PENDING)
    }
    assert any(any(r[k] for k in PENDING) for r in kept.values())
    YearStats.objects.update(**dict.fromkeys(PENDING, 0))
    migration = importlib.import_module("doanvien.training.migrations.0017_pending_branches")
    migration.count(apps, SimpleNamespace(connection=connection))
    counted = {
        r["unit_id"]: r for r in YearStats.objects.filter(year=YEAR).values("unit_id", *PENDING)
    }
    assert counted == kept

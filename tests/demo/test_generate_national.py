"""A small national data set (a few hundred members) on the suite's database: its shape, its
counts and that everything derived from it (member counts, tree, roll-ups) is exact."""

from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from doanvien.core.text import fold, given_name_key
from doanvien.members.models import Member, Membership
from doanvien.reports.selectors import report
from doanvien.training.models import (
    BranchResult,
    Criterion,
    Registration,
    RegistrationItem,
    YearStats,
)
from doanvien.training.recompute import differences
from doanvien.training.rules import Bands, classify, is_eligible, round_total
from doanvien.training.selectors import deadline_for
from doanvien.units.models import Unit

YEAR = 2026
MEMBERS = 600
PROVINCES = 3


def generate(**options):
    out = StringIO()
    call_command(
        "generate_national",
        members=MEMBERS,
        provinces=PROVINCES,
        year=YEAR,
        seed=7,
        stdout=out,
        **options,
    )
    return out.getvalue()


@pytest.fixture
def national(db):
    return generate()


def test_it_builds_a_small_national_set_whose_derived_figures_are_exact(national):
    """One generation, every check: shape, tree, people, registrations, roll-ups."""
    assert "600 members" in national and "rows/s" in national
    check_tree_shape()
    check_tree_is_consistent()
    check_members()
    check_registrations()
    check_levels_are_spread()
    check_roll_ups()


def check_tree_shape():
    root = Unit.objects.get(depth=1)
    assert root.level.code == "central"
    provinces = Unit.objects.filter(depth=2)
    assert provinces.filter(code__startswith="T0").count() == PROVINCES
    assert provinces.exclude(code__startswith="T0").count() == 3  # directly under the centre
    assert set(provinces.values_list("level__code", flat=True)) == {"province"}
    bases = Unit.objects.filter(level__code="base")
    # Base unions straight under a province, under a district-level unit, and the branches of
    # a base union with an intermediate level (faculty or plant unions).
    assert bases.filter(depth=3, kind="union").exists()
    assert bases.filter(depth=4, kind="union", numchild__gt=0).exists()
    intermediate = Unit.objects.filter(name__startswith="Liên chi đoàn")
    assert intermediate.exists()
    assert Unit.objects.filter(kind="branch", path__startswith=intermediate.first().path).exists()
    assert bases.filter(kind="branch").exists()  # branches at base level
    branch_depths = set(Unit.objects.filter(kind="branch").values_list("depth", flat=True))
    assert len(branch_depths) >= 3
    sectors = set(Unit.objects.filter(kind="branch").values_list("sector", flat=True))
    assert {"school", "residential", "workers", "public_admin", "armed_forces"} <= sectors
    # Invented Vietnamese names with diacritics; unique codes.
    assert all(u.name != u.name_folded for u in Unit.objects.all()[:50])
    assert all(u.name_folded == fold(u.name) for u in Unit.objects.all())
    assert not Unit.objects.values("code").annotate(n=Count("id")).filter(n__gt=1).exists()
    # No empty unit: every branch has members and every union has units under it.
    assert not Unit.objects.filter(member_count=0).exists()
    assert not Unit.objects.filter(kind="union", numchild=0).exists()


def check_tree_is_consistent():
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    units = list(Unit.objects.all())
    children = Counter(u.path[: -Unit.steplen] for u in units if u.depth > 1)
    active = Counter(Member.objects.filter(status="active").values_list("unit_path", flat=True))
    for unit in units:
        assert unit.depth * Unit.steplen == len(unit.path)
        assert unit.numchild == children[unit.path], unit.code
        expected = sum(n for path, n in active.items() if path.startswith(unit.path))
        assert unit.member_count == expected, unit.code
    assert Unit.objects.get(depth=1).member_count == MEMBERS


def check_members():
    members = list(Member.objects.select_related("branch"))
    assert len(members) == MEMBERS
    assert len({m.member_code for m in members}) == MEMBERS
    assert len({m.id_number for m in members}) == MEMBERS
    assert Member.objects.filter(status="active").count() == MEMBERS
    evaluation = date(YEAR, 10, 15)
    for m in members:
        assert m.branch.kind == "branch" and m.unit_path == m.branch.path
        assert m.name_folded == fold(m.full_name) and m.sort_key == given_name_key(m.full_name)
        assert len(m.id_number) == 12 and m.id_number.isdigit()
        assert int(m.id_number[:3]) > 100  # invented province codes: no real card has them
        age = evaluation.year - m.date_of_birth.year
        assert 16 <= age <= 36
        joined_age = (m.joined_union_on - m.date_of_birth).days / 365.25
        assert 16 <= joined_age <= 31
        assert m.joined_union_on <= evaluation
        assert m.sex in ("male", "female")
    assert sum(m.full_name != m.name_folded for m in members) > MEMBERS * 0.9
    spans = Membership.objects.values_list("member_id", "branch_id", "started_on")
    assert {(m.pk, m.branch_id, m.joined_union_on) for m in members} == set(spans)
    positions = Counter(m.position for m in members)
    assert positions["secretary"] == Unit.objects.filter(kind="branch").count()
    # Committee members are Union cadres; pupils, students and teachers are in their groups.
    assert all((m.audience == "cadre") == (m.position != "member") for m in members)
    assert {"general", "student", "teacher", "cadre"} <= {m.audience for m in members}


def check_registrations():
    registrations = list(Registration.objects.select_related("member", "branch", "framework"))
    assert len(registrations) == MEMBERS
    assert {r.member_id for r in registrations} == set(Member.objects.values_list("pk", flat=True))
    items = RegistrationItem.objects.values_list("registration_id", "criterion_id")
    chosen: dict[int, set[int]] = {}
    for registration_id, criterion_id in items:
        chosen.setdefault(registration_id, set()).add(criterion_id)
    criteria = {c.pk: c for c in Criterion.objects.all()}
    root = Unit.objects.get(depth=1)
    deadlines = {
        sector: deadline_for(unit=root, year=YEAR, kind="evaluation", sector=sector).due_on
        for sector in {r.branch.sector for r in registrations}
    }
    for r in registrations:
        framework = r.framework
        mine = [criteria[pk] for pk in chosen[r.pk]]
        assert len(mine) >= max(10, framework.min_criteria)
        assert {c.area_code for c in mine} == {a.code for a in framework.area_list}
        assert all(c.sector in ("", r.branch.sector) for c in mine)
        assert all(c.audience in ("", r.member.audience) for c in mine)
        mandatory = {
            c.pk for c in criteria.values() if c.mandatory and c.sector in ("", r.branch.sector)
        }
        assert mandatory <= chosen[r.pk]
        assert r.state == "approved" and r.year == YEAR
        assert r.unit_path == r.branch.path and r.branch_id == r.member.branch_id
        assert r.submitted_at and r.approved_at and r.assessed_at
        assert r.submitted_at < r.approved_at < r.assessed_at
        points = [Decimal(v) for v in r.branch_points.values()]
        assert all(0 <= p <= 20 for p in points)
        assert r.total == round_total(sum(points, Decimal(0)))
        eligible = is_eligible(
            joined_union_on=r.member.joined_union_on,
            evaluated_on=deadlines[r.branch.sector],
            months=framework.eligibility_months,
        )
        assert r.level == classify(total=r.total, bands=Bands.of(framework), eligible=eligible)
    assert BranchResult.objects.count() == Unit.objects.filter(kind="branch").count()


def check_levels_are_spread():
    levels = Counter(Registration.objects.values_list("level", flat=True))
    assert set(levels) == {"excellent", "good", "complete", "incomplete", "not_classified"}
    share = {level: n / MEMBERS for level, n in levels.items()}
    assert 0.3 < share["good"] < 0.6
    assert 0.05 < share["excellent"] < 0.3
    assert 0.15 < share["complete"] < 0.45
    assert share["incomplete"] < 0.15 and share["not_classified"] < 0.15


def check_roll_ups():
    assert differences() == []
    assert YearStats.objects.filter(year=YEAR).count() == Unit.objects.count()
    root = Unit.objects.get(depth=1)
    rows = report(root, YEAR)
    assert rows[0].total == MEMBERS and rows[0].registered == MEMBERS
    levels = Counter(Registration.objects.values_list("level", flat=True))
    assert rows[0].not_classified == levels["not_classified"]
    assert {k: v["count"] for k, v in rows[0].levels.items()} == {
        k: levels[k] for k in ("excellent", "good", "complete", "incomplete")
    }
    assert sum(r.total for r in rows[1:]) == MEMBERS
    assert sum(v["share"] for v in rows[0].levels.values()) == Decimal("100.00")


def test_it_refuses_a_database_with_members_unless_reset(national):
    first = list(Member.objects.order_by("pk").values_list("full_name", "id_number")[:20])
    with pytest.raises(CommandError, match="--reset"):
        generate()
    assert Member.objects.count() == MEMBERS
    output = generate(reset=True)
    assert "Deleting" in output
    assert Member.objects.count() == MEMBERS
    assert Unit.objects.filter(depth=1).count() == 1
    # The same seed gives the same people.
    assert list(Member.objects.order_by("pk").values_list("full_name", "id_number")[:20]) == first
    assert differences() == []


def test_it_needs_enough_members_for_the_provinces(db):
    with pytest.raises(CommandError, match="too few"):
        call_command("generate_national", members=50, provinces=30, stdout=StringIO())
    assert not Unit.objects.exists()

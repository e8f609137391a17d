"""The member statistics read from the roll-ups equal a brute-force recount of the member
records after random operations: creates, edits of each counted field, moves between branches,
removals and reinstatements, unit moves, edits of a branch's sector and folds at random
moments."""

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.actions.members import member_move, member_reinstate, member_remove, member_update
from doanvien.actions.units import unit_move, unit_update
from doanvien.member_stats import rollup
from doanvien.member_stats.models import MemberStat, MemberStatDelta
from doanvien.member_stats.selectors import DIMENSIONS, age_bands, band_of, statistics
from doanvien.members.models import Member
from doanvien.training import rollup as training_rollup
from doanvien.units.models import Unit

from ..factories import make_member, make_unit

TODAY = date.today()
ETHNICITIES = ["Kinh", "Tày", "Khmer", ""]
RELIGIONS = ["", "Phật giáo", "Công giáo"]
EDUCATION = ["12/12", "9/12", ""]
THEORY = ["", "Sơ cấp", "Trung cấp"]
POSITIONS = ["member", "committee", "deputy", "secretary"]
FIELDS = {
    "sex": ["male", "female"],
    "date_of_birth": [date(1994, 5, 1), date(2001, 1, 2), date(2004, 12, 30), date(2005, 2, 1)],
    "ethnicity": ETHNICITIES,
    "religion": RELIGIONS,
    "education_level": EDUCATION,
    "political_theory_level": THEORY,
    "joined_party_on": [None, date(2024, 3, 1)],
    "position": POSITIONS,
}
FIELD_OF = {
    "ethnicity": "ethnicity",
    "religion": "religion",
    "education": "education_level",
    "political_theory": "political_theory_level",
    "position": "position",
    "sex": "sex",
}


def value_of(member: Member, dimension: str, bands) -> str:
    if dimension == "age_band":
        return band_of(member.date_of_birth.year, TODAY.year, bands)
    if dimension == "party_member":
        return "yes" if member.joined_party_on else "no"
    if dimension == "sector":
        return member.branch.sector
    return (getattr(member, FIELD_OF[dimension]) or "").strip()


def brute_force(unit: Unit, by: list[str]) -> Counter:
    bands = age_bands()
    found = Counter()
    for m in Member.objects.filter(unit_path__startswith=unit.path, status="active").select_related(
        "branch"
    ):
        found[tuple(value_of(m, d, bands) for d in by)] += 1
    return found


def check(units: list[Unit]) -> None:
    assert rollup.differences() == []
    for unit in units:
        unit.refresh_from_db()
        for by in (["sex"], ["age_band"], ["ethnicity"], ["party_member", "sex"], ["sector"]):
            table = statistics(unit, by, TODAY, TODAY)
            assert Counter(table.counts.get(unit.pk, {})) == brute_force(unit, by), (unit, by)
            for child in table.children:
                assert Counter(table.counts.get(child.pk, {})) == brute_force(child, by)


operation = st.tuples(
    st.sampled_from(
        ["create", "edit", "edit", "move", "remove", "reinstate", "unit", "sector", "fold"]
    ),
    st.integers(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=1000),
)


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=14))
def test_the_rollups_equal_a_recount_after_random_operations(operations):
    province = make_unit(level="province")
    districts = [make_unit(province, level="district") for _ in range(2)]
    bases = [make_unit(d, level="base") for d in districts]
    branches = [make_unit(b, sector=s) for b in bases for s in ("school", "workers")]
    members = [make_member(b) for b in branches]
    for kind, a, b in operations:
        member = Member.objects.get(pk=members[a % len(members)].pk)
        # The units as they are now (a unit move rewrote their paths).
        branches = list(Unit.objects.filter(pk__in=[x.pk for x in branches]).order_by("pk"))
        if kind == "create":
            name = list(FIELDS)[a % len(FIELDS)]
            data = {name: FIELDS[name][b % len(FIELDS[name])]}
            if name == "joined_party_on" and data[name] is None:
                data = {}
            members.append(make_member(branches[b % len(branches)], **data))
        elif kind == "edit" and member.status == "active":
            name = list(FIELDS)[b % len(FIELDS)]
            value = FIELDS[name][a % len(FIELDS[name])]
            member_update(actor=None, member=member, data={name: value if value else ""})
        elif kind == "move" and member.status == "active":
            target = branches[b % len(branches)]
            if target.pk != member.branch_id:
                member_move(actor=None, member=member, branch=target, on=TODAY, reason="Chuyển")
        elif kind == "remove" and member.status == "active":
            member_remove(actor=None, member=member, on=TODAY, reason="Xoá tên")
        elif kind == "reinstate" and member.status != "active":
            member_reinstate(actor=None, member=member, reason="Khôi phục", on=TODAY)
        elif kind == "unit":
            if b % 2:  # a branch to the other base union
                branch = Unit.objects.get(pk=branches[a % len(branches)].pk)
                others = [
                    x
                    for x in Unit.objects.filter(pk__in=[x.pk for x in bases])
                    if not branch.path.startswith(x.path)
                ]
                unit_move(actor=None, unit=branch, new_parent=others[0])
            else:  # a base union to the other district
                base = Unit.objects.get(pk=bases[a % len(bases)].pk)
                others = [
                    d
                    for d in Unit.objects.filter(pk__in=[d.pk for d in districts])
                    if not base.path.startswith(d.path)
                ]
                unit_move(actor=None, unit=base, new_parent=others[0])
        elif kind == "sector":  # a branch's sector edited: its members change sector
            branch = branches[a % len(branches)]
            sector = ["school", "workers", "residential", ""][b % 4]
            unit_update(
                actor=None,
                unit=branch,
                name=branch.name,
                code=branch.code,
                sector=sector,
                level=branch.level,
            )
        elif kind == "fold":
            training_rollup.fold_all()
    units = [province, *districts, *bases, *branches]
    check(units)
    training_rollup.fold_all()
    assert not MemberStatDelta.objects.filter(unit_path__startswith=province.path).exists()
    check(units)


def test_the_rows_hold_nothing_for_a_branch_and_the_ledger_holds_the_differences(world):
    """An edit of a counted field is a -1 with the old values and a +1 with the new."""
    training_rollup.fold_all()
    member_update(actor=None, member=world.member, data={"ethnicity": "Tày"})
    deltas = list(MemberStatDelta.objects.order_by("id").values_list("delta", "ethnicity"))
    assert deltas[-2:] == [(-1, world.member.ethnicity), (1, "Tày")]
    training_rollup.fold_all()
    assert not MemberStat.objects.filter(unit_path=world.branch.path).exists()
    base = statistics(world.base, ["ethnicity"], TODAY, TODAY)
    assert base.counts[world.base.pk][("Tày",)] == 1
    assert base.counts[world.branch.pk][("Tày",)] == 1


def test_the_check_finds_a_row_made_wrong_and_the_rebuild_mends_it(world):
    training_rollup.fold_all()
    row = MemberStat.objects.filter(unit_path=world.base.path, dimension="position").first()
    row.count += 5
    row.save()
    assert any(world.base.path in line for line in rollup.differences())
    rollup.rebuild()
    assert rollup.differences() == []
    assert set(DIMENSIONS) >= {"sex", "age_band", "sector"}


def test_an_edit_of_no_counted_field_writes_no_delta_and_locks_no_branch(world):
    """Only a change of how a member is counted appends to the ledger and locks his branch's
    row (against a unit move); an edit of his phone does neither."""
    waiting = MemberStatDelta.objects.count()
    with CaptureQueriesContext(connection) as phone_edit:
        member_update(actor=None, member=world.member, data={"phone": "0912345678"})
    assert MemberStatDelta.objects.count() == waiting
    assert not any("FOR NO KEY UPDATE" in q["sql"] for q in phone_edit.captured_queries)
    with CaptureQueriesContext(connection) as counted_edit:
        member_update(actor=None, member=world.member, data={"religion": "Công giáo"})
    assert MemberStatDelta.objects.count() == waiting + 2
    if connection.vendor == "postgresql":
        assert any("FOR NO KEY UPDATE" in q["sql"] for q in counted_edit.captured_queries)

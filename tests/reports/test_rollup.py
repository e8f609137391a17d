"""The roll-ups stay exact: after many random operations through the services, recomputing
them from the member and registration rows finds no difference."""

import random
from collections import Counter
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from doanvien.actions.members import member_move, member_update
from doanvien.actions.transfers import transfer_accept
from doanvien.actions.units import unit_move
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member, Status
from doanvien.members.services.transfers import transfer_request
from doanvien.reports.selectors import report, shares
from doanvien.training import rollup
from doanvien.training.models import BranchResult, Registration, YearStats
from doanvien.training.recompute import differences
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_return,
    registration_save,
    registration_submit,
)
from doanvien.training.services.results import (
    branch_result_for,
    branch_results_recognise,
    branch_results_reopen,
    branch_results_submit,
)

from ..factories import make_member, make_unit
from ..training.conftest import complete_items

YEAR = 2027  # the school year running now (June 2026 – May 2027)
AREAS = ["1", "2", "3", "4", "5"]


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6))
def test_shares_always_add_up_to_exactly_100(counts):
    result = shares(counts)
    if sum(counts):
        assert sum(result) == Decimal("100.00")
        assert all(r == r.quantize(Decimal("0.01")) for r in result)
        for count, share in zip(counts, result, strict=True):
            assert abs(share - Decimal(count * 100) / sum(counts)) < Decimal("0.01")
    else:
        assert result == [Decimal("0.00")] * len(counts)


def test_the_source_reports_rounding_is_mended():
    # Seed 002: 30,925 / 11,424 / 1,669 / 0 of 44,018 classified (the report printed 3.87 %).
    assert shares([30925, 11424, 1669, 0]) == [
        Decimal("70.26"),
        Decimal("25.95"),
        Decimal("3.79"),
        Decimal("0.00"),
    ]


def _register(member):
    registration = registration_save(
        actor=None, member=member, year=YEAR, items=complete_items(member, year=YEAR)
    )
    return registration_submit(actor=None, registration=registration, today=date(2026, 9, 1))


def test_thousands_of_random_operations_leave_no_difference(world, framework):
    rng = random.Random(2027)
    refused = 0
    # Moves stay within one sector: a registration's criteria belong to its sector.
    branches = [world.branch, world.branch2, make_unit(world.other_base, code="OTHER-SCHOOL")]
    for _ in range(6):
        for branch in branches:
            make_member(branch)
    today = timezone.localdate()
    for step in range(1200):
        members = list(Member.objects.select_related("branch").order_by("pk"))
        member = rng.choice(members)
        registration = Registration.objects.filter(member=member, year=YEAR).first()
        op = rng.randrange(12)
        try:
            _operate(rng, op, step, world, member, registration, branches, today)
        except ValidationError:
            refused += 1  # e.g. assessing in a branch whose results are already submitted
        for b in branches:
            b.refresh_from_db()
        if step % 400 == 399:  # exact with deltas waiting in the ledger, folded or not
            assert differences() == []
    assert refused < 400
    # End with the first branch's results recognised, whatever state the steps left them in.
    for _ in range(3):
        state = branch_result_for(branch=branches[0], year=YEAR).state
        if state != "recognised":
            _operate(rng, 9, 0, world, None, None, branches[:1], today)
    recognitions = AuditEvent.objects.filter(action="results.recognise")
    assert recognitions.count() >= 3
    assert YearStats.objects.filter(year=YEAR).count() >= 5
    assert differences() == []
    # Every branch not recognised counts its members now (the year's evaluation date is still to
    # come); a recognised one shows what was recognised, and says so.
    recognised = set(
        BranchResult.objects.filter(year=YEAR, state="recognised").values_list("branch", flat=True)
    )
    assert branches[0].pk in recognised
    for branch in branches:
        row = report(branch, YEAR)[0]
        assert row.frozen == (branch.pk in recognised)
        if row.frozen:
            continue
        active = Member.objects.filter(status=Status.ACTIVE, branch=branch)
        counted = Registration.objects.filter(year=YEAR, member__in=active)
        assert row.total == active.count()
        assert row.registered == counted.filter(state__in=["submitted", "approved"]).count()
        assert (
            row.counts["excellent"]
            == counted.filter(assessed_at__isnull=False, level="excellent").count()
        )


def _operate(rng, op, step, world, member, registration, branches, today):
    if True:
        if op == 0:
            make_member(rng.choice(branches))
        elif op == 1 and member.status == Status.ACTIVE and registration is None:
            _register(member)
        elif op == 2 and registration and registration.state == "submitted":
            registration_approve(actor=None, registration=registration)
        elif (
            op == 3
            and registration
            and registration.state in ("submitted", "approved")
            and not registration.assessed_at
        ):
            registration_return(actor=None, registration=registration, comment="Sửa")
        elif op == 4 and registration and registration.state == "returned":
            registration_submit(actor=None, registration=registration, today=date(2026, 9, 1))
        elif op == 5 and registration and registration.state == "approved":
            points = {a: rng.choice([10, 14, 16, 18, 20]) for a in AREAS}
            assessment_record(actor=None, registration=registration, areas=points)
        elif op == 6:
            other = rng.choice([b for b in branches if b.pk != member.branch_id])
            member_move(actor=None, member=member, branch=other, on=today, reason="Chuyển")
        elif op == 7:
            status = Status.REMOVED if member.status == Status.ACTIVE else Status.ACTIVE
            member_update(actor=None, member=member, data={"status": status})
        elif op == 8 and step % 50 == 8:
            target = world.other_base if world.branch2.parent() == world.base else world.base
            unit_move(actor=None, unit=world.branch2, new_parent=target)
            world.branch2.refresh_from_db()
        elif op == 9:
            # The branch's results: submit, recognise, or reopen them.
            branch = rng.choice(branches)
            result = branch_result_for(branch=branch, year=YEAR)
            if result.state == "open":
                # Finish the branch's work first, then submit its results.
                for r in Registration.objects.filter(branch=branch, year=YEAR, state="submitted"):
                    registration_approve(actor=None, registration=r)
                waiting = Registration.objects.filter(
                    branch=branch, year=YEAR, state="approved", assessed_at__isnull=True
                )
                for r in waiting:
                    points = {a: rng.choice([10, 14, 16, 18, 20]) for a in AREAS}
                    assessment_record(actor=None, registration=r, areas=points)
                branch_results_submit(actor=None, branch=branch, year=YEAR)
            elif result.state == "submitted":
                branch_results_recognise(actor=None, branch=branch, year=YEAR)
            else:
                branch_results_reopen(actor=None, branch=branch, year=YEAR, reason="Xem lại")
        elif op == 11:
            rollup.fold(rng.randint(1, 6))  # the folder, at any moment, a few deltas at a time
        elif op == 10 and member.status == Status.ACTIVE:
            # A transfer through its workflow: requested, then accepted by the receiving branch.
            other = rng.choice([b for b in branches if b.pk != member.branch_id])
            transfer = transfer_request(actor=None, member=member, to_unit=other, reason="Chuyển")
            transfer_accept(actor=None, transfer=transfer, branch=other)


def test_a_hand_made_tree_gives_the_written_table(world, framework):
    # branch: member (excellent), member2 (good); branch2: member_in_branch2 (registered, not
    # assessed → incomplete); other_branch: outsider_member (not registered → incomplete).
    def approve(member):
        return registration_approve(actor=None, registration=_register(member))

    points = {"excellent": dict.fromkeys(AREAS, 19), "good": dict.fromkeys(AREAS, 17)}
    assessment_record(actor=None, registration=approve(world.member), areas=points["excellent"])
    assessment_record(actor=None, registration=approve(world.member2), areas=points["good"])
    _register(world.member_in_branch2)
    registration_save(
        actor=None,
        member=world.outsider_member,
        year=YEAR,
        items=complete_items(world.outsider_member, year=YEAR),
    )  # draft
    rows = report(world.district, YEAR)
    table = [
        (
            r.unit.name,
            r.total,
            r.registered,
            r.classified,
            [(v["count"], str(v["share"])) for v in r.levels.values()],
        )
        for r in rows
    ]
    assert table == [
        ("Huyện đoàn Tân An", 4, 3, 4, [(1, "25.00"), (1, "25.00"), (0, "0.00"), (2, "50.00")]),
        (
            "Đoàn trường THPT Tân An",
            3,
            3,
            3,
            [(1, "33.34"), (1, "33.33"), (0, "0.00"), (1, "33.33")],
        ),
        ("Đoàn xã Tân Hòa", 1, 0, 1, [(0, "0.00"), (0, "0.00"), (0, "0.00"), (1, "100.00")]),
    ]


def test_the_command_prints_differences_and_fails_on_them(world, framework, capsys):
    import pytest
    from django.core.management import call_command

    _register(world.member)
    call_command("recompute_stats")
    assert "0 difference(s)." in capsys.readouterr().out
    YearStats.objects.filter(unit=world.branch, year=YEAR).update(registered=5)
    with pytest.raises(SystemExit):
        call_command("recompute_stats")
    out = capsys.readouterr().out
    assert f"{world.branch.path} {YEAR} registered: stored 5, recomputed 1" in out


def test_members_who_leave_during_the_year_are_not_counted(world, framework):

    registration = registration_approve(actor=None, registration=_register(world.member))
    assessment_record(actor=None, registration=registration, areas=dict.fromkeys(AREAS, 19))
    assert report(world.branch, YEAR)[0].levels["excellent"]["count"] == 1
    member_update(actor=None, member=world.member, data={"status": Status.REMOVED})
    row = report(world.branch, YEAR)[0]
    assert (row.registered, row.levels["excellent"]["count"], row.total) == (0, 0, 1)
    member_update(actor=None, member=world.member, data={"status": Status.ACTIVE})
    assert report(world.branch, YEAR)[0].levels["excellent"]["count"] == 1
    assert differences() == []


def test_a_year_that_had_ended_when_he_left_still_counts_him(world, framework):
    past = YEAR - 1  # the school year 2026 ended on 31/05/2026
    registration = registration_save(
        actor=None, member=world.member, year=past, items=complete_items(world.member, year=past)
    )
    registration_submit(actor=None, registration=registration, today=date(2025, 9, 1))
    member_update(
        actor=None,
        member=world.member,
        data={"status": Status.MATURED_OUT},
        today=date(2026, 11, 1),
    )
    assert Member.objects.get(pk=world.member.pk).left_on == date(2026, 11, 1)
    assert report(world.branch, past)[0].registered == 1
    assert differences() == []


def _snapshot(units_by_year):
    """Each unit's report for the year: its own row and the rows under it, with names."""
    return {
        (unit.pk, year): [
            (r.unit.pk, r.unit.name, r.total, r.registered, r.not_classified, r.counts)
            for r in report(unit, year)
        ]
        for year, units in units_by_year.items()
        for unit in units
    }


def test_joins_leaves_moves_and_merges_leave_every_ended_year_as_it_was(world, framework):
    """Random operations of today (admissions, departures, returns, moves, transfers, unit
    moves, merges and renames) across a tree with two ended years on record: every report of
    those years, for every unit, stays as it was; the running year stays exact."""
    from doanvien.actions.members import member_reinstate, member_remove
    from doanvien.actions.units import unit_merge, unit_update
    from doanvien.units.models import Unit

    rng = random.Random(2026)
    today = timezone.localdate()
    past_school, past_general = YEAR - 1, YEAR - 2  # ended on 31/05/2026 and on 31/12/2025
    schools = [world.branch, world.branch2, make_unit(world.base, code="12A3")]
    for branch in schools:
        for _ in range(4):
            make_member(branch)
    for member in Member.objects.filter(branch__in=schools).order_by("pk")[:8]:
        registration = registration_save(
            actor=None,
            member=member,
            year=past_school,
            items=complete_items(member, year=past_school),
        )
        registration_submit(actor=None, registration=registration, today=date(2025, 9, 1))
    # 2025 has ended everywhere; the school year 2026 has ended for the school's units only (the
    # commune's year 2026 runs until 31/12, and the district's rows add both).
    ended = {
        past_general: list(Unit.objects.order_by("path")),
        past_school: list(Unit.objects.filter(path__startswith=world.base.path)),
    }
    before = _snapshot(ended)
    assert before[(world.base.pk, past_school)][0][2:4] == (15, 8)

    done = Counter()
    for step in range(300):
        active_branches = list(
            Unit.objects.filter(kind=Unit.Kind.BRANCH, is_active=True).order_by("pk")
        )
        members = list(Member.objects.filter(branch__is_active=True).order_by("pk"))
        member = rng.choice(members)
        op = rng.randrange(10)
        try:
            if op == 0:
                make_member(rng.choice(active_branches), joined_union_on=today)
            elif op == 1 and member.status == Status.ACTIVE:
                member_remove(actor=None, member=member, on=today, reason="Xóa tên")
            elif op == 2 and member.status != Status.ACTIVE:
                member_reinstate(actor=None, member=member, reason="Trở lại", on=today)
            elif op == 3 and member.status == Status.ACTIVE:
                other = rng.choice([b for b in active_branches if b.pk != member.branch_id])
                member_move(actor=None, member=member, branch=other, on=today, reason="Chuyển")
            elif op == 4 and member.status == Status.ACTIVE:
                other = rng.choice([b for b in active_branches if b.pk != member.branch_id])
                transfer = transfer_request(
                    actor=None, member=member, to_unit=other, reason="Chuyển"
                )
                transfer_accept(actor=None, transfer=transfer, branch=other)
            elif op == 5 and member.status == Status.ACTIVE:
                registration = Registration.objects.filter(member=member, year=YEAR).first()
                if registration is None:
                    _register(member)
                elif registration.state == "submitted":
                    registration_approve(actor=None, registration=registration)
            elif op == 6 and step % 10 == 6:
                branch = rng.choice(active_branches)
                bases = [world.base, world.other_base]
                target = next(b for b in bases if not branch.path.startswith(b.path))
                unit_move(actor=None, unit=branch, new_parent=target)
            elif op == 7 and step % 15 == 7 and len(active_branches) > 3:
                source, target = rng.sample(active_branches, 2)
                unit_merge(actor=None, source=source, target=target, on=today)
            elif op == 8 and step % 5 == 3:
                unit = rng.choice(active_branches)
                unit_update(
                    actor=None,
                    unit=unit,
                    name=f"{unit.name.split(' · ')[0]} · {step}",
                    code=unit.code,
                    sector=unit.sector,
                    level=unit.level,
                )
            elif op == 9 and step % 20 == 9:
                make_unit(rng.choice([world.base, world.other_base]), code=f"NEW{step}")
            else:
                continue
            done[op] += 1
        except ValidationError:
            done["refused"] += 1
        if step % 100 == 99:
            assert _snapshot(ended) == before, f"after step {step}"
    assert all(done[op] for op in range(10)), done
    assert _snapshot(ended) == before
    assert differences() == []


def test_a_year_is_opened_ahead_by_command(world, framework, capsys):
    from django.core.management import call_command

    from doanvien.units.models import Unit

    call_command("open_programme_year", str(YEAR + 1))
    assert f"{YEAR + 1} opened: {Unit.objects.count()} rows" in capsys.readouterr().out
    rows = {s.unit_id: s for s in YearStats.objects.filter(year=YEAR + 1)}
    assert rows[world.province.pk].members == 4 and rows[world.province.pk].branches == 3
    call_command("open_programme_year", str(YEAR + 1))
    assert "already open" in capsys.readouterr().out
    assert differences() == []

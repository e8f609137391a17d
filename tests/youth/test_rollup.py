"""The "1+1" report read from the roll-ups equals a recount from the referrals, groups and
surveys (with the Union members each survey counted), after random referrals, steps,
admissions, transfers of the introducing member, surveys, unit moves and folds at random
moments."""

import random
from datetime import date, timedelta
from itertools import count

import pytest
from django.utils import timezone

from doanvien.actions.admissions import admission_approve, admission_propose
from doanvien.actions.members import member_move
from doanvien.actions.units import unit_move
from doanvien.training import rollup as training_rollup
from doanvien.units.models import Unit
from doanvien.youth import rollup, services
from doanvien.youth.models import (
    COUNTERS,
    Group,
    Referral,
    ReferralStats,
    ReferralStatsDelta,
    Survey,
)
from doanvien.youth.workflow import TRANSITIONS

from ..factories import make_member, make_unit

TODAY = timezone.localdate()
YEARS = (TODAY.year - 1, TODAY.year)
_ids = count(1)


def recount(unit: Unit, year: int) -> dict[str, int]:
    """The unit's figures counted straight from the rows (not through the roll-ups)."""
    found = dict.fromkeys(COUNTERS, 0)
    pairs = set()
    for r in Referral.objects.filter(unit_path__startswith=unit.path):
        for counter, field in rollup.DATED.items():
            value = getattr(r, field)
            if value and value.year == year:
                found[counter] += 1
        if r.introduced_on.year == year and r.member_id:
            pairs.add((r.branch_id, r.member_id))
    found["members_referring"] = len(pairs)
    found["groups_attached"] = Group.objects.filter(
        unit_path__startswith=unit.path, attached_on__lte=date(year, 12, 31)
    ).count()
    for survey in Survey.objects.filter(unit_path__startswith=unit.path, year=year):
        found["youths_surveyed"] += survey.age_16_18 + survey.age_19_24 + survey.age_25_30
        found["members_surveyed"] += survey.members
        found["federation_surveyed"] += survey.federation_members
        found["groups_found"] += survey.groups_found
    return found


def check_all():
    units = list(Unit.objects.all())
    for year in YEARS:
        read = rollup.figures_of(units, year)
        for unit in units:
            assert read[unit.pk] == recount(unit, year), (unit.name, year)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_report_equals_a_recount_after_random_operations(world, seed):
    rnd = random.Random(seed)
    counted = random.Random(-seed)  # the surveys' members (the other draws stay as they were)
    district2 = make_unit(world.province, level="district")
    bases = [world.base, make_unit(district2, level="base")]
    branches = [world.branch, world.branch2, make_unit(bases[1]), make_unit(bases[1])]
    members = [make_member(b, date_of_birth=date(2000, 1, 1)) for b in branches for _ in range(2)]
    last_step: dict[int, date] = {}
    start = date(YEARS[0], 1, 1)

    def a_day_after(day: date) -> date:
        return min(TODAY, day + timedelta(days=rnd.randint(0, 200)))

    for step_no in range(45):
        op = rnd.choice(
            [
                "refer",
                "refer",
                "step",
                "step",
                "step",
                "admit",
                "move",
                "unit",
                "group",
                "survey",
                "fold",
            ]
        )
        if op == "refer":
            member = rnd.choice(members)
            member.refresh_from_db()
            if member.status != "active":
                continue
            on = a_day_after(start + timedelta(days=rnd.randint(0, 300)))
            r = services.referral_create(
                actor=None,
                member=member,
                youth_data={"full_name": f"Thanh Niên {next(_ids)}"},
                on=on,
            )
            last_step[r.pk] = on
        elif op == "step":
            open_ones = list(
                Referral.objects.filter(state__in=["introduced", "taking_part", "proposed"])
            )
            if not open_ones:
                continue
            r = rnd.choice(open_ones)
            choices = [s for (state, s) in TRANSITIONS if state == r.state and s != "admitted"]
            if r.federation_on:
                choices = [s for s in choices if s != "joined_federation"]
            step = rnd.choice(choices)
            on = a_day_after(last_step[r.pk])
            services.referral_progress(actor=None, referral=r, step=step, on=on, note="x")
            if step != "joined_federation":
                last_step[r.pk] = on
        elif op == "admit":
            r = Referral.objects.filter(state="taking_part").first()
            if r is None:
                continue
            course = a_day_after(last_step[r.pk])
            admission = admission_propose(
                actor=None,
                branch=r.branch,
                data={
                    "date_of_birth": date(TODAY.year - 18, 1, 1),
                    "sex": "male",
                    "id_number": f"{80_000_000_000 + next(_ids):012d}",
                },
                introducer_name="",
                introducer_is_member=True,
                course_name="Lớp cảm tình Đoàn",
                course_date=course,
                youth=r.youth,
                introducer=r.member,
            )
            admission_approve(
                actor=None,
                admission=admission,
                resolution_no=f"{next(_ids)}-QĐ",
                resolution_date=a_day_after(course),
                assign_card=False,
            )
            assert Referral.objects.get(pk=r.pk).state == "admitted"
        elif op == "move":
            member = rnd.choice(members)
            member.refresh_from_db()
            others = [b for b in branches if b.pk != member.branch_id]
            if member.status != "active":
                continue
            member_move(
                actor=None, member=member, branch=rnd.choice(others), on=TODAY, reason="Chuyển"
            )
        elif op == "unit":
            base = rnd.choice(bases)
            base.refresh_from_db()
            target = district2 if base.path.startswith(world.district.path) else world.district
            target.refresh_from_db()
            unit_move(actor=None, unit=base, new_parent=target)
        elif op == "group":
            unit = rnd.choice([*branches, *bases])
            unit.refresh_from_db()
            services.group_create(
                actor=None,
                unit=unit,
                data={"name": f"Nhóm {next(_ids)}", "attached_on": a_day_after(start)},
            )
        elif op == "survey":
            # A new survey or a branch's correction of its own (the same year again).
            branch = rnd.choice(branches)
            branch.refresh_from_db()
            year = rnd.choice(YEARS)
            ages = [rnd.randint(0, 40) for _ in range(3)]
            total = sum(ages)
            studying = rnd.randint(0, total)
            working = rnd.randint(0, total - studying)
            day = min(TODAY, date(year, 12, 31))
            # The members counted: given, or left to the branch's members on the day (when
            # they are not more than the youths counted).
            given = counted.random() < 0.5 or services.members_on(branch, day) > total
            services.survey_save(
                actor=None,
                unit=branch,
                year=year,
                data={
                    "members": counted.randint(0, total) if given else None,
                    "age_16_18": ages[0],
                    "age_19_24": ages[1],
                    "age_25_30": ages[2],
                    "studying": studying,
                    "working": working,
                    "neither": total - studying - working,
                    "federation_members": rnd.randint(0, total),
                    "groups_found": rnd.randint(0, 5),
                    "surveyed_on": day,
                },
            )
        else:
            training_rollup.fold_all()
        if step_no % 9 == 8:
            check_all()  # at random moments, deltas waiting or not
        for b in [*branches, *bases]:
            b.refresh_from_db()
    assert Referral.objects.count() > 3
    assert Survey.objects.exists()
    check_all()  # with deltas waiting
    training_rollup.fold_all()
    assert not ReferralStatsDelta.objects.exists()
    check_all()


def test_recompute_finds_and_mends_a_wrong_row(world):
    services.referral_create(
        actor=None, member=world.member, youth_data={"full_name": "Sửa Số"}, on=TODAY
    )
    training_rollup.fold_all()
    assert rollup.differences() == []
    ReferralStats.objects.filter(unit=world.district, year=TODAY.year).update(youths_referred=7)
    ReferralStats.objects.filter(unit=world.branch, year=TODAY.year).update(own={})
    assert len(rollup.differences()) == 1
    assert rollup.fix() == 2
    assert rollup.differences() == []
    check_all()
    # The branch's own figures are right again: a later change moves them by one, not more.
    services.referral_create(
        actor=None, member=world.member2, youth_data={"full_name": "Thêm Một"}, on=TODAY
    )
    check_all()

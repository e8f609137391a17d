"""The evaluations' roll-ups equal a recount from the evaluations, the members' ratings and
the Party introductions after any sequence of moves (of evaluations, ratings and introductions,
and of units in the tree: moves and a merge), folded or not; the recount command lists a
difference and --fix mends it."""

import contextlib
import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from doanvien.actions.units import unit_merge, unit_move
from doanvien.evaluations import collectives, introductions, ratings, rollup, services
from doanvien.evaluations.models import (
    COUNTERS,
    CollectiveRating,
    Evaluation,
    EvaluationStats,
    MemberRating,
    PartyIntroduction,
    RatingLevel,
)
from doanvien.members.models import Member
from doanvien.training import rollup as training_rollup
from doanvien.units.models import Unit
from tests.factories import make_member, make_unit

from .conftest import YEAR, full_points, give_evidence


def recount(unit: Unit) -> dict[str, int]:
    """The unit's figures counted directly from the evaluations, the approved ratings and the
    Party introductions of its subtree (by the units they belong to, not their copied paths)."""
    found = dict.fromkeys(COUNTERS, 0)
    for e in Evaluation.objects.filter(unit__path__startswith=unit.path, year=YEAR):
        for k, v in rollup.contribution(e.scheme_code, e.state, e.level).items():
            found[k] += v
    for r in MemberRating.objects.filter(branch__path__startswith=unit.path, year=YEAR):
        if r.state == "approved":
            found[f"ratings_{r.level}"] += 1
    for c in CollectiveRating.objects.filter(unit__path__startswith=unit.path, year=YEAR):
        if c.state == "approved":
            found[f"collectives_{c.level}"] += 1
    for i in PartyIntroduction.objects.filter(branch__path__startswith=unit.path, year=YEAR):
        found["introductions_proposed"] += 1
        found["introductions_introduced"] += i.introduced_on is not None
        found["introductions_admitted"] += i.probationary_on is not None
    return found


def collective_step(rng: random.Random, units: list[Unit]) -> None:
    """Propose, approve or reject a unit's leadership collective's rating."""
    unit = Unit.objects.get(pk=rng.choice(units).pk)
    rating = CollectiveRating.objects.filter(unit=unit, year=YEAR).first()
    with contextlib.suppress(ValidationError):
        if rating is None or rating.state == "rejected" or rng.random() < 0.2:
            collectives.collective_propose(
                actor=None, unit=unit, year=YEAR, level=rng.choice(RatingLevel.values)
            )
        else:
            approve = rng.random() < 0.7
            collectives.collective_decide(
                actor=None, rating=rating, approve=approve, reason="" if approve else "Xem lại"
            )


def member_step(
    rng: random.Random, members: list[Member], pick: random.Random, newcomers: list[Member]
) -> None:
    """Propose, approve or reject a member's rating; propose, introduce or admit a member to the
    Party (a refused move changes nothing). Two moves in five (`pick`, apart from the
    others) are on a member admitted in the last months of the year."""
    member = rng.choice(members)
    if pick.random() < 0.4:
        member = pick.choice(newcomers)
    member = Member.objects.get(pk=member.pk)
    rating = MemberRating.objects.filter(member=member, year=YEAR).first()
    introduction = PartyIntroduction.objects.filter(member=member, year=YEAR).first()
    with contextlib.suppress(ValidationError):
        if rng.random() < 0.6:
            if rating is None or rating.state == "rejected" or rng.random() < 0.2:
                level = rng.choice(RatingLevel.values)
                # "Assessed, not classified" too (`pick`, apart from the other moves): refused
                # for those who may be classified, the only level for those admitted in the
                # last months (proposed more often for them).
                newcomer = member.joined_union_on >= date(YEAR, 7, 1)
                if pick.random() < (0.6 if newcomer else 0.15):
                    level = "not_classified"
                ratings.rating_propose(
                    actor=None,
                    member=member,
                    year=YEAR,
                    level=level,
                    reason="Theo kết quả rèn luyện",
                )
            else:
                approve = rng.random() < 0.7
                ratings.rating_decide(
                    actor=None, rating=rating, approve=approve, reason="" if approve else "Xem lại"
                )
        elif introduction is None:
            introductions.introduction_propose(
                actor=None,
                member=member,
                year=YEAR,
                branch_resolution_no="01-NQ/CĐ",
                branch_resolution_date=date(YEAR, 3, 1),
                votes_for=9,
                present=10,
                override_reason="Tiêu biểu trong phong trào",
            )
        else:
            steps = {
                "introduction_no": "04-NQ/ĐTN",
                "introduced_on": date(YEAR, 4, 1),
                "course_on": date(YEAR, 5, 1),
                "probationary_on": date(YEAR, 9, 1),
                "official_on": date(YEAR + 1, 9, 1),
            }
            upto = rng.randint(2, len(steps))
            introductions.introduction_update(
                actor=None, introduction=introduction, data=dict(list(steps.items())[:upto])
            )


def step(rng: random.Random, units: list[Unit]) -> None:
    unit = rng.choice(units)
    code = "strong_branch" if unit.is_branch else "three_proactive"
    if rng.random() < 0.5:  # the organisation's yearly rating, at a random level
        code = "unit_rating"
    evaluation = Evaluation.objects.filter(unit=unit, year=YEAR, scheme_code=code).first()
    # The yearly rating's points: every item at 30 (its maximum, or 30 of 40), or fewer.
    value = rng.choice([5, 15, 20, 25, 30]) if code == "unit_rating" else None
    try:
        if evaluation is None:
            services.evaluation_register(actor=None, unit=unit, year=YEAR, scheme_code=code)
        elif evaluation.state in ("registered", "returned"):
            services.self_assessment_record(
                actor=None, evaluation=evaluation, items=full_points(evaluation, value)
            )
            give_evidence(evaluation)
            services.evaluation_submit(actor=None, evaluation=evaluation)
        elif evaluation.state == "submitted":
            if rng.random() < 0.3:
                services.evaluation_return(actor=None, evaluation=evaluation, comment="Bổ sung")
            else:
                services.assessment_record(
                    actor=None, evaluation=evaluation, items=full_points(evaluation, value)
                )
                services.evaluation_recognise(actor=None, evaluation=evaluation)
        else:
            services.evaluation_reopen(actor=None, evaluation=evaluation, reason="Xem lại")
    except ValidationError as refused:  # the 3-proactive precondition
        assert refused.code == "precondition"


def fresh(units: list[Unit]) -> list[Unit]:
    return [Unit.objects.get(pk=u.pk) for u in units]


def tree_step(rng: random.Random, units: list[Unit], unions: list[Unit]) -> None:
    """Move a unit with its subtree under another union (a refused move changes nothing)."""
    unit, parent = rng.choice(units), rng.choice(unions)
    with contextlib.suppress(ValidationError):
        unit_move(actor=None, unit=unit, new_parent=parent)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_roll_ups_equal_a_recount_after_random_moves(world, seed):
    rng = random.Random(seed)
    others = random.Random(seed + 1000)  # the collectives' moves, apart from the others
    pick = random.Random(seed + 2000)  # the newcomers' moves, "not classified" proposals
    extra_base = make_unit(world.district, level="base", name="Đoàn phường 1", sector="residential")
    extra = [make_unit(extra_base, sector="residential") for _ in range(3)]
    district2 = make_unit(world.province, level="district", name="Huyện đoàn Tân Phú")
    units = [world.branch, world.branch2, world.base, world.other_branch, world.other_base]
    units += [extra_base, *extra]
    unions = [world.province, world.district, district2, world.base, world.other_base, extra_base]
    members = [world.member, world.member2, world.member_in_branch2, world.outsider_member]
    members += [make_member(u, full_name=f"Võ Thị Hạnh {i}") for i, u in enumerate(extra)]
    # Admitted in the last six months of the year: assessed, not classified.
    newcomers = [
        make_member(u, full_name=f"Đinh Văn Mới {i}", joined_union_on=date(YEAR, 8 + i, 1))
        for i, u in enumerate([world.branch, extra[0]])
    ]
    everyone = list(Unit.objects.all())
    for n in range(60):
        step(rng, units)
        member_step(rng, members, pick, newcomers)
        if others.random() < 0.5:
            collective_step(others, units)
        if rng.random() < 0.2:
            training_rollup.fold_all()
        if rng.random() < 0.25:
            tree_step(rng, units, unions)
            units, unions = fresh(units), fresh(unions)
        if n == 45:  # a union merges into another: its units move under the target
            source, target = fresh([extra_base, world.other_base])
            unit_merge(actor=None, source=source, target=target)
            units = fresh([u for u in units if u.pk != source.pk])
            unions = fresh([u for u in unions if u.pk != source.pk])
        if n % 10 == 9 or n == 45:
            for unit in fresh(everyone):
                assert rollup.figures_of(unit, YEAR) == recount(unit), (seed, n, unit.name)
    assert rollup.differences() == []
    training_rollup.fold_all()
    assert rollup.waiting() == 0
    for unit in fresh(everyone):
        assert rollup.figures_of(unit, YEAR) == recount(unit)
    totals = recount(world.province)
    assert totals["branches_registered"] and totals["introductions_proposed"]
    assert sum(totals[f"units_{level}"] for level in RatingLevel.values) > 0
    assert sum(totals[f"collectives_{level}"] for level in RatingLevel.values) > 0
    assert sum(totals[f"ratings_{level}"] for level in RatingLevel.values) > 0
    assert totals["ratings_not_classified"] > 0
    newcomers = MemberRating.objects.filter(member__joined_union_on__gte=date(YEAR, 7, 1))
    assert set(newcomers.values_list("level", flat=True)) <= {"not_classified"}


def test_the_recount_command_lists_and_mends_a_difference(world, capsys):
    evaluation = services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    training_rollup.fold_all()
    EvaluationStats.objects.filter(unit=world.district, year=YEAR).update(branches_registered=7)
    assert rollup.differences() == [
        f"evaluations {world.district.path} {YEAR} branches_registered: stored 7, recomputed 1"
    ]
    with pytest.raises(SystemExit):
        call_command("recompute_stats")
    assert "branches_registered: stored 7" in capsys.readouterr().out
    call_command("recompute_stats", "--fix")
    assert rollup.differences() == []
    assert rollup.figures_of(world.district, YEAR)["branches_registered"] == 1
    assert evaluation.pk


def test_the_folder_creates_the_rows_above_and_reads_are_exact_before_and_after(world):
    services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    assert not EvaluationStats.objects.filter(unit=world.province).exists()
    assert rollup.figures_of(world.province, YEAR)["branches_registered"] == 1
    assert rollup.waiting() == 1
    call_command("fold_rollups", "--once")
    assert rollup.waiting() == 0
    row = EvaluationStats.objects.get(unit=world.province, year=YEAR)
    assert row.branches_registered == 1
    assert rollup.figures_of(world.province, YEAR)["branches_registered"] == 1

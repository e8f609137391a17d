"""Every move of an evaluation, allowed and forbidden, the precondition of the 3-proactive
request, the audit trail and the roll-ups written by each move."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from doanvien.core.models import AuditEvent
from doanvien.evaluations import rollup, services, workflow
from doanvien.evaluations.models import Evaluation, Evidence
from tests.factories import make_unit

from .conftest import YEAR, full_points, give_evidence, recognised, submitted

S = Evaluation.State


def in_state(unit, state: str) -> Evaluation:
    if state == "registered":
        return services.evaluation_register(
            actor=None, unit=unit, year=YEAR, scheme_code="strong_branch"
        )
    evaluation = submitted(unit)
    if state == "submitted":
        return evaluation
    if state == "returned":
        return services.evaluation_return(actor=None, evaluation=evaluation, comment="Bổ sung")
    services.assessment_record(actor=None, evaluation=evaluation, items=full_points(evaluation))
    return services.evaluation_recognise(actor=None, evaluation=evaluation)


def attempt(evaluation: Evaluation, action: str) -> Evaluation:
    if action == "self_assess":
        return services.self_assessment_record(
            actor=None, evaluation=evaluation, items=full_points(evaluation, 5)
        )
    if action == "add_evidence":
        item = evaluation.scheme.groups.first().items.first()
        services.evidence_add(
            actor=None, evaluation=evaluation, item_id=item.pk, link="https://example.org/a"
        )
        return Evaluation.objects.get(pk=evaluation.pk)
    if action == "submit":
        if evaluation.state in ("registered", "returned"):
            give_evidence(evaluation)
            services.self_assessment_record(
                actor=None, evaluation=evaluation, items=full_points(evaluation)
            )
        return services.evaluation_submit(actor=None, evaluation=evaluation)
    if action == "assess":
        return services.assessment_record(
            actor=None, evaluation=evaluation, items=full_points(evaluation)
        )
    if action == "recognise":
        if evaluation.state == "submitted":
            services.assessment_record(
                actor=None, evaluation=evaluation, items=full_points(evaluation)
            )
        return services.evaluation_recognise(actor=None, evaluation=evaluation)
    if action == "return":
        return services.evaluation_return(actor=None, evaluation=evaluation, comment="Bổ sung")
    if action == "reopen":
        return services.evaluation_reopen(actor=None, evaluation=evaluation, reason="Sai sót")
    raise AssertionError(action)


STATES = ["registered", "submitted", "returned", "recognised"]
ACTIONS = ["self_assess", "add_evidence", "submit", "assess", "recognise", "return", "reopen"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_is_allowed_exactly_as_the_table_says(world, state, action):
    evaluation = in_state(world.branch, state)
    want = workflow.MOVES.get((state, action))
    if want is None:
        with pytest.raises(ValidationError) as refused:
            attempt(evaluation, action)
        assert refused.value.code == "illegal_transition"
        assert Evaluation.objects.get(pk=evaluation.pk).state == state
    else:
        assert attempt(evaluation, action).state == want


def test_registering_twice_is_a_conflict(world):
    services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    with pytest.raises(ValidationError) as refused:
        services.evaluation_register(
            actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
        )
    assert refused.value.code == "illegal_transition"


def test_a_scheme_only_for_its_kind_of_unit(world):
    with pytest.raises(ValidationError):
        services.evaluation_register(
            actor=None, unit=world.base, year=YEAR, scheme_code="strong_branch"
        )
    with pytest.raises(ValidationError):
        services.evaluation_register(
            actor=None, unit=world.branch, year=YEAR, scheme_code="three_proactive"
        )


def test_every_move_is_audited(world):
    evaluation = recognised(world.branch, actor=world.base_cadre)
    services.evaluation_reopen(actor=world.province_cadre, evaluation=evaluation, reason="Xem lại")
    actions = list(
        AuditEvent.objects.filter(target_id=evaluation.pk, target_type="evaluation")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[0] == "evaluation.register"
    for action in ("self_assess", "add_evidence", "submit", "assess", "recognise", "reopen"):
        assert f"evaluation.{action}" in actions


def test_submit_needs_every_item_scored_and_the_evidence(world):
    evaluation = services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    with pytest.raises(ValidationError, match="Chấm điểm|Score every"):
        services.evaluation_submit(actor=None, evaluation=evaluation)
    services.self_assessment_record(
        actor=None, evaluation=evaluation, items=full_points(evaluation)
    )
    with pytest.raises(ValidationError, match="minh chứng|evidence"):
        services.evaluation_submit(actor=None, evaluation=evaluation)
    give_evidence(evaluation)
    assert services.evaluation_submit(actor=None, evaluation=evaluation).state == S.SUBMITTED


def test_points_beyond_an_items_maximum_are_refused_and_nothing_changes(world):
    evaluation = services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    points = full_points(evaluation)
    first = next(iter(points))
    points[first] = "99"
    with pytest.raises(ValidationError) as refused:
        services.self_assessment_record(actor=None, evaluation=evaluation, items=points)
    assert f"items.{first}" in refused.value.message_dict
    assert Evaluation.objects.get(pk=evaluation.pk).self_points == {}
    with pytest.raises(ValidationError):
        services.self_assessment_record(actor=None, evaluation=evaluation, items={"999999": 1})


def test_below_the_pass_mark_is_not_recognised(world):
    evaluation = submitted(world.branch)
    scored = services.assessment_record(
        actor=None, evaluation=evaluation, items=full_points(evaluation, 7)
    )
    assert scored.total == Decimal("63.0") and scored.passed is False
    with pytest.raises(ValidationError):
        services.evaluation_recognise(actor=None, evaluation=scored)
    assert Evaluation.objects.get(pk=evaluation.pk).state == S.SUBMITTED


def test_the_evidence_file_goes_to_the_storage(world):
    evaluation = services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    give_evidence(evaluation)
    evidence = Evidence.objects.filter(evaluation=evaluation).first()
    assert evidence.file.read() == b"%PDF-1.4 invented"


# --- The 100 % strong-branch precondition (seed 001 II.3) --------------------------------------


def test_the_base_union_waits_until_every_branch_is_strong(world):
    recognised(world.branch)
    base = services.evaluation_register(
        actor=None, unit=world.base, year=YEAR, scheme_code="three_proactive"
    )
    services.self_assessment_record(actor=None, evaluation=base, items=full_points(base))
    give_evidence(base)
    # One branch missing: refused, naming it (and only it).
    with pytest.raises(ValidationError) as refused:
        services.evaluation_submit(actor=None, evaluation=base)
    assert refused.value.code == "precondition"
    assert world.branch2.name in refused.value.messages[0]
    assert world.branch.name not in refused.value.messages[0]
    assert Evaluation.objects.get(pk=base.pk).state == S.REGISTERED
    # The last branch recognised: accepted.
    recognised(world.branch2)
    assert services.evaluation_submit(actor=None, evaluation=base).state == S.SUBMITTED


def test_an_inactive_branch_does_not_count_and_the_setting_turns_it_off(world):
    recognised(world.branch)
    world.branch2.is_active = False
    world.branch2.save()
    base = submitted(world.base, "three_proactive")
    assert base.state == S.SUBMITTED

    other = services.evaluation_register(
        actor=None, unit=world.other_base, year=YEAR, scheme_code="three_proactive"
    )
    other.scheme.requires_all_branches_strong = False
    other.scheme.save()
    services.self_assessment_record(actor=None, evaluation=other, items=full_points(other))
    give_evidence(other)
    assert services.evaluation_submit(actor=None, evaluation=other).state == S.SUBMITTED


def test_a_branch_under_an_intermediate_union_counts_too(world):
    middle = make_unit(world.base, level="base", name="Liên chi đoàn K1")
    deep = make_unit(middle, name="Chi đoàn K1A")
    recognised(world.branch)
    recognised(world.branch2)
    base = services.evaluation_register(
        actor=None, unit=world.base, year=YEAR, scheme_code="three_proactive"
    )
    services.self_assessment_record(actor=None, evaluation=base, items=full_points(base))
    give_evidence(base)
    with pytest.raises(ValidationError, match=deep.name):
        services.evaluation_submit(actor=None, evaluation=base)


def test_the_moves_write_the_roll_ups(world):
    submitted(world.branch)
    recognised(world.branch2)
    figures = rollup.figures_of(world.district, YEAR)
    assert figures["branches_registered"] == 2
    assert figures["branches_submitted"] == 2
    assert figures["branches_strong"] == 1
    assert rollup.figures_of(world.other_base, YEAR)["branches_registered"] == 0

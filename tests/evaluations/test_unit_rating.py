"""The yearly rating of organisations (`unit_rating`): a scorecard on the same engine for any
unit below the root, its check items pre-filled from the strong-branch and 3-proactive
evaluations, scored and recognised by the level directly above, its level from the scheme's
bands (editable data), counted per level in the roll-ups once recognised."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doanvien.evaluations import rollup, rules, services
from doanvien.evaluations.default_schemes import RATING_BANDS
from doanvien.evaluations.models import Evaluation, Scheme
from doanvien.evaluations.selectors import items_for

from .conftest import YEAR, full_points, give_evidence, recognised
from .test_api import Api, path


def check_item(evaluation):
    return next(i for i in items_for(evaluation.scheme, evaluation.unit) if i.indicator)


def test_a_branch_is_scored_on_its_own_check_item_pre_filled_from_its_strong_branch_result(world):
    recognised(world.branch)
    answer = Api(world.secretary).call("post", path(world.branch, "unit_rating", "register"))
    assert answer.status_code == 201
    evaluation = Evaluation.objects.get(unit=world.branch, scheme_code="unit_rating")
    item = check_item(evaluation)
    assert item.indicator == "evaluations.strong_branch_recognised"
    assert evaluation.self_points == {str(item.pk): str(item.max_points)}
    texts = [i.text for i in items_for(evaluation.scheme, world.branch)]
    assert not any("3 chủ động" in t for t in texts)


def test_a_base_unions_check_item_follows_its_3_proactive_result(world):
    evaluation = services.evaluation_register(
        actor=None, unit=world.base, year=YEAR, scheme_code="unit_rating"
    )
    item = check_item(evaluation)
    assert item.indicator == "evaluations.three_proactive_recognised"
    assert evaluation.self_points == {str(item.pk): "0"}
    recognised(world.branch)
    recognised(world.branch2)
    recognised(world.base, "three_proactive")
    # Self-scoring the other items: the check item follows the recognition since.
    others = {k: v for k, v in full_points(evaluation).items() if k != str(item.pk)}
    evaluation = services.self_assessment_record(actor=None, evaluation=evaluation, items=others)
    assert evaluation.self_points[str(item.pk)] == str(item.max_points)


def test_only_the_level_directly_above_scores_and_recognises(world, district_cadre):
    evaluation = services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="unit_rating"
    )
    points = full_points(evaluation, 25)
    services.self_assessment_record(actor=None, evaluation=evaluation, items=points)
    give_evidence(evaluation)
    services.evaluation_submit(actor=None, evaluation=evaluation)
    body = {"items": points, "comment": "Khá"}
    assert (
        Api(district_cadre)
        .call("put", path(world.branch, "unit_rating", "assessment"), body)
        .status_code
        == 403
    )
    assert (
        Api(world.secretary)
        .call("put", path(world.branch, "unit_rating", "assessment"), body)
        .status_code
        == 403
    )
    assert (
        Api(world.outsider)
        .call("put", path(world.branch, "unit_rating", "assessment"), body)
        .status_code
        == 404
    )
    scored = Api(world.base_cadre).call(
        "put", path(world.branch, "unit_rating", "assessment"), body
    )
    assert scored.status_code == 200
    assert scored.json() == {"total": "75.0", "passed": True, "level": "good", "state": "submitted"}
    assert rollup.figures_of(world.district, YEAR)["units_good"] == 0
    done = Api(world.base_cadre).call("post", path(world.branch, "unit_rating", "recognise"))
    assert done.status_code == 200 and done.json()["level"] == "good"
    assert rollup.figures_of(world.district, YEAR)["units_good"] == 1
    again = Api(world.base_cadre).call("post", path(world.branch, "unit_rating", "recognise"))
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("total", "level"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("89.9", "good"),
        ("70", "good"),
        ("69.9", "complete"),
        ("50", "complete"),
        ("49.9", "incomplete"),
        ("0", "incomplete"),
    ],
)
def test_the_shipped_bands_at_their_boundaries(db, total, level):
    scheme = Scheme.objects.get(code="unit_rating", unit=None)
    assert scheme.is_placeholder
    assert rules.level(Decimal(total), rules.bands_of(scheme.level_bands)) == level
    assert rules.passed(Decimal(total), scheme.pass_mark)


@given(st.decimals(min_value=0, max_value=100, places=1))
def test_every_total_gets_exactly_one_of_the_four_levels(total):
    found = rules.level(total, rules.bands_of(RATING_BANDS))
    assert found in {"excellent", "good", "complete", "incomplete"}
    assert (found == "excellent") is (total >= 90)
    assert (found == "incomplete") is (total < 50)

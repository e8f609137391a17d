"""The yearly indicators the evaluations give a figure for (evaluations/statistics_indicators.py):
the share of base organisations rated good or better among those rated, the share of members
rated good or better, the members introduced to the Party; no longer typed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from doanvien.evaluations import services
from doanvien.evaluations.models import EvaluationStats
from doanvien.evaluations.statistics_indicators import share
from doanvien.member_stats import services as indicator_services
from doanvien.member_stats.indicators import indicator_rows, sources
from doanvien.member_stats.models import Indicator

from .conftest import YEAR, full_points, give_evidence

TODAY = date(YEAR, 12, 6)


def rated(unit, points=None):
    """The unit's yearly rating, scored by the level above (every item at `points`, or at its
    maximum) and recognised."""
    evaluation = services.evaluation_register(
        actor=None, unit=unit, year=YEAR, scheme_code="unit_rating"
    )
    services.self_assessment_record(
        actor=None, evaluation=evaluation, items=full_points(evaluation, points)
    )
    give_evidence(evaluation)
    services.evaluation_submit(actor=None, evaluation=evaluation)
    services.assessment_record(
        actor=None, evaluation=evaluation, items=full_points(evaluation, points)
    )
    return services.evaluation_recognise(actor=None, evaluation=evaluation)


def current(unit, code, year=YEAR):
    rows = {r.indicator.code: r for r in indicator_rows(unit, year, TODAY)}
    return rows[code].current.actual


def test_the_three_are_computed_and_cannot_be_typed(world):
    known = sources()
    for code, source in (
        ("strong_bases", "strong_bases_share"),
        ("members_good", "members_good_share"),
        ("recommended_party", "introduced_to_party_in_year"),
    ):
        indicator = Indicator.objects.get(code=code)
        assert indicator.source == source and source in known
        with pytest.raises(ValidationError) as refused:
            indicator_services.values_set(
                actor=None, unit=world.base, year=YEAR, values=[(indicator, "10")]
            )
        assert "tính từ dữ liệu" in str(refused.value) or "computed" in str(refused.value)


def test_the_share_of_base_organisations_rated_good_or_better(world):
    assert current(world.district, "strong_bases") is None  # nothing rated yet
    excellent = rated(world.base)
    low = rated(world.other_base, 0)
    assert (excellent.level, low.level) == ("excellent", "incomplete")
    rated(world.branch)  # a branch under a base union is not a base organisation
    assert current(world.district, "strong_bases") == Decimal("50.00")
    assert current(world.base, "strong_bases") == Decimal("100.00")
    assert current(world.other_base, "strong_bases") == Decimal("0.00")
    # Another year's ratings are that year's; a year to come has no figure.
    assert current(world.district, "strong_bases", YEAR - 1) is None
    assert current(world.district, "strong_bases", YEAR + 1) is None


def test_the_members_rated_good_or_better_and_those_introduced_to_the_party(world):
    EvaluationStats.objects.update_or_create(
        unit=world.base,
        year=YEAR,
        defaults={
            "ratings_excellent": 3,
            "ratings_good": 2,
            "ratings_complete": 4,
            "ratings_incomplete": 1,
            "ratings_not_classified": 6,
            "introductions_proposed": 5,
            "introductions_introduced": 2,
        },
    )
    assert current(world.base, "members_good") == Decimal("50.00")
    assert current(world.base, "recommended_party") == 2
    assert current(world.other_base, "members_good") is None
    assert current(world.other_base, "recommended_party") == 0


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 0, None), (0, 3, Decimal("0.00")), (2, 3, Decimal("66.67")), (3, 3, Decimal("100.00"))],
)
def test_a_share_in_per_cent(part, whole, expected):
    assert share(part, whole) == expected

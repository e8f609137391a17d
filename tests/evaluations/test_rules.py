from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from doanvien.evaluations.rules import (
    bands_of,
    level,
    missing_evidence,
    parse_points,
    passed,
    points_fault,
    total,
)

tenths = st.decimals(min_value=0, max_value=40, places=1)
marks = st.decimals(min_value=0, max_value=100, places=1)
BANDS = bands_of(
    [{"min": "80", "label": "Khá"}, {"min": "90", "label": "Tốt"}, {"min": "50", "label": "TB"}]
)


@given(st.lists(tenths, max_size=15))
def test_the_total_is_the_exact_sum_of_the_points(points):
    got = total(points)
    assert got == sum(points, Decimal(0))
    assert got == got.quantize(Decimal("0.1"))


@given(st.lists(st.tuples(tenths, tenths), max_size=12))
def test_the_total_never_exceeds_the_items_maximums(pairs):
    """Points each within their item's maximum give a total within the scheme's."""
    given_points = [min(p, m) for p, m in pairs]
    assert all(points_fault(p, m) == "" for p, (_x, m) in zip(given_points, pairs, strict=True))
    assert total(given_points) <= total(m for _p, m in pairs)


@given(marks, marks)
def test_the_pass_mark_is_reached_exactly_from_it_on(score, mark):
    assert passed(score, mark) is (score >= mark)
    assert passed(mark, mark)
    assert not passed(mark - Decimal("0.1"), mark)
    assert not passed(None, mark)


@given(marks, marks)
def test_a_higher_score_never_gets_a_lower_level(a, b):
    low, high = sorted([a, b])
    order = ["", "TB", "Khá", "Tốt"]
    assert order.index(level(low, BANDS)) <= order.index(level(high, BANDS))


@given(st.sampled_from([50, 80, 90]), st.sampled_from([Decimal("-0.1"), Decimal(0)]))
def test_the_level_bands_at_their_boundaries(edge, delta):
    score = Decimal(edge) + delta
    want = "" if score < 50 else "TB" if score < 80 else "Khá" if score < 90 else "Tốt"
    assert level(score, BANDS) == want


def test_no_bands_no_level():
    assert level(Decimal(100), []) == ""
    assert level(None, BANDS) == ""


@given(st.decimals(min_value=-5, max_value=50, places=2), tenths)
def test_points_are_refused_outside_the_range_or_too_precise(points, maximum):
    fault = points_fault(points, maximum)
    if points < 0 or points > maximum:
        assert fault == "out_of_range"
    elif points != points.quantize(Decimal("0.1")):
        assert fault == "too_precise"
    else:
        assert fault == ""


def test_points_are_read_from_numbers_and_text():
    assert parse_points("7,5") == Decimal("7.5")
    assert parse_points(8) == Decimal(8)
    assert parse_points("abc") is None
    assert parse_points(True) is None
    assert parse_points("NaN") is None
    assert points_fault(None, Decimal(10)) == "not_a_number"


def test_missing_evidence_keeps_the_order():
    assert missing_evidence([3, 1, 2], [1]) == [3, 2]

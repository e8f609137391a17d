"""The shares of the yearly report: two decimals, adding up to exactly 100.00, each within 0.01
of its exact value, and equal counts with equal shares whenever such a rounding exists."""

from decimal import Decimal
from fractions import Fraction
from itertools import combinations

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from doanvien.reports import exports
from doanvien.reports.selectors import report, shares

from .test_exports import _pdf_text
from .test_rollup import YEAR

HUNDRED = Decimal("100.00")


def exact(counts):
    total = sum(counts)
    return [Fraction(c * 100, total) for c in counts]


def equal_shares_possible(counts) -> bool:
    """Whether some rounding to hundredths, each share its exact value rounded down or up,
    adds up to 100.00 with every two equal counts given equal shares: whole groups of equal
    counts (those whose exact share is not already a hundredth) must take the hundredths left
    over, exactly. Tried by brute force over the groups."""
    total = sum(counts)
    floors = [c * 10000 // total for c in counts]
    left = 10000 - sum(floors)
    groups = {}
    for c in counts:
        if c * 10000 % total:
            groups[c] = groups.get(c, 0) + 1
    sizes = list(groups.values())
    return any(
        sum(chosen) == left for n in range(len(sizes) + 1) for chosen in combinations(sizes, n)
    )


def check(counts):
    result = shares(counts)
    assert len(result) == len(counts)
    if not sum(counts):
        assert result == [Decimal("0.00")] * len(counts)
        return
    assert sum(result) == HUNDRED
    for share, value in zip(result, exact(counts), strict=True):
        assert share == share.quantize(Decimal("0.01"))
        assert abs(Fraction(share) - value) < Fraction(1, 100)
    if equal_shares_possible(counts):
        for a, b in combinations(range(len(counts)), 2):
            if counts[a] == counts[b]:
                assert result[a] == result[b], (counts, result)


# Few distinct values, so that equal counts are common; and any counts at all.
few_values = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=4).flatmap(
    lambda values: st.lists(st.sampled_from(values), min_size=1, max_size=8)
)


@given(few_values)
def test_equal_counts_get_equal_shares_whenever_the_total_allows_it(counts):
    check(counts)


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=8))
def test_any_counts_add_up_to_exactly_100(counts):
    check(counts)


def test_equal_counts_that_can_be_equal_are_equal():
    # 2, 2, 1, 1, 1 of 7: plain largest remainder would give two of the three 1s 14.29 and the
    # third 14.28; giving both 2s the hundredth keeps every equal count equal.
    assert shares([2, 2, 1, 1, 1]) == [
        Decimal("28.58"),
        Decimal("28.58"),
        Decimal("14.28"),
        Decimal("14.28"),
        Decimal("14.28"),
    ]
    assert shares([1, 2, 1, 2, 1]) == [
        Decimal("14.28"),
        Decimal("28.58"),
        Decimal("14.28"),
        Decimal("28.58"),
        Decimal("14.28"),
    ]


def test_when_they_cannot_be_the_level_listed_first_takes_the_hundredth():
    assert shares([1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert shares([0, 1, 1, 1]) == [
        Decimal("0.00"),
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_exact_shares_are_never_moved():
    assert shares([2, 2, 1]) == [Decimal("40.00"), Decimal("40.00"), Decimal("20.00")]
    assert shares([1, 1, 2]) == [Decimal("25.00"), Decimal("25.00"), Decimal("50.00")]


def test_the_report_page_the_print_and_the_pdf_say_how_shares_are_rounded(client, world, framework):
    words = "phương pháp phần dư lớn nhất"
    client.force_login(world.province_cadre)
    for name in ("reports:unit-report", "reports:unit-report-print"):
        page = client.get(reverse(name, args=[world.district.pk, YEAR]))
        assert words in page.content.decode(), name
    content = exports.report_pdf(unit=world.district, year=YEAR, rows=report(world.district, YEAR))
    assert words in _pdf_text(content)

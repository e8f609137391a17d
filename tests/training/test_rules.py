from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from doanvien.training.models import ProgrammeCalendar, ResultLevel, school_year_start_month
from doanvien.training.rules import (
    Bands,
    add_months,
    classify,
    is_eligible,
    programme_year_of,
    programme_year_span,
)

DEFAULT = Bands(Decimal(90), Decimal(80), Decimal(70))
totals = st.decimals(min_value=0, max_value=100, places=1)


def expected(total: Decimal) -> str:
    if total >= 90:
        return ResultLevel.EXCELLENT
    if total >= 80:
        return ResultLevel.GOOD
    if total >= 70:
        return ResultLevel.COMPLETE
    return ResultLevel.INCOMPLETE


@given(totals)
def test_every_total_falls_in_its_band(total):
    assert classify(total=total, bands=DEFAULT) == expected(total)


@given(st.sampled_from([70, 80, 90]), st.sampled_from([Decimal("-0.1"), Decimal(0)]))
def test_the_bands_at_their_boundaries(edge, delta):
    total = Decimal(edge) + delta
    assert classify(total=total, bands=DEFAULT) == expected(total)


@given(totals, totals, totals)
def test_bands_are_data(a, b, c):
    complete, good, excellent = sorted([a, b, c])
    bands = Bands(excellent, good, complete)
    level = classify(total=good, bands=bands)
    assert level == (ResultLevel.EXCELLENT if good >= excellent else ResultLevel.GOOD)


@given(totals)
def test_no_total_or_a_short_membership(total):
    assert classify(total=None, bands=DEFAULT) == ResultLevel.INCOMPLETE
    assert classify(total=total, bands=DEFAULT, eligible=False) == ResultLevel.NOT_CLASSIFIED


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=24),
)
def test_eligibility_starts_exactly_n_months_after_admission(joined, months):
    first_day = add_months(joined, months)
    assert is_eligible(joined_union_on=joined, evaluated_on=first_day, months=months)
    assert not is_eligible(
        joined_union_on=joined,
        evaluated_on=date.fromordinal(first_day.toordinal() - 1),
        months=months,
    )


def test_month_ends_are_kept_within_the_month():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


def test_a_member_admitted_in_the_last_six_months_is_not_classified():
    assert not is_eligible(
        joined_union_on=date(2026, 5, 1), evaluated_on=date(2026, 10, 15), months=6
    )
    assert is_eligible(joined_union_on=date(2026, 4, 15), evaluated_on=date(2026, 10, 15), months=6)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(["school", "workers", ""]),
    st.integers(min_value=2, max_value=12),
)
def test_every_day_belongs_to_the_span_of_its_programme_year(day, sector, month):
    year = programme_year_of(day, sector, start_month=month)
    first, last = programme_year_span(year, sector, start_month=month)
    assert first <= day <= last
    assert (last - first).days in (364, 365)


def test_schools_follow_the_school_year_which_is_data(db):
    assert programme_year_span(2026, "school") == (date(2025, 6, 1), date(2026, 5, 31))
    assert programme_year_span(2026, "residential") == (date(2026, 1, 1), date(2026, 12, 31))
    ProgrammeCalendar.objects.update_or_create(pk=1, defaults={"school_year_start_month": 9})
    school_year_start_month.cache_clear()
    assert programme_year_span(2026, "school") == (date(2025, 9, 1), date(2026, 8, 31))
    assert programme_year_of(date(2026, 8, 31), "school") == 2026
    assert programme_year_of(date(2026, 9, 1), "school") == 2027

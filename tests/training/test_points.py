"""Points per area have at most one decimal and are never rounded: the total is their exact sum,
and the level is the band of that exact sum (seed 000 IV.3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.core.models import AuditEvent
from doanvien.training.models import Registration, ResultLevel
from doanvien.training.rules import Bands, classify
from doanvien.training.services.assessment import assessment_record, self_assessment_record

from .conftest import YEAR
from .test_workflow import AREAS, approved

CODES = ["1", "2", "3", "4", "5"]
DEFAULT = Bands(Decimal(90), Decimal(80), Decimal(70))
ON = date(2026, 5, 1)

# Points of an area of the default framework (0 to 20) with at most one decimal, typed the ways
# people and clients send them: a number, a text with a dot or with a comma.
tenths = st.integers(min_value=0, max_value=200).map(lambda n: Decimal(n) / 10)
typed = st.one_of(
    tenths,
    tenths.map(str),
    tenths.map(lambda d: str(d).replace(".", ",")),
    st.integers(min_value=0, max_value=20),
)
# Points with two decimals or more (17.95, 0.05, 3.125), within the area's range.
finer = st.one_of(
    st.integers(min_value=0, max_value=2000).filter(lambda n: n % 10).map(lambda n: n / 100),
    st.integers(min_value=0, max_value=20000).filter(lambda n: n % 100).map(lambda n: n / 1000),
).map(lambda f: Decimal(str(f)))


def band(total: Decimal) -> str:
    if total >= 90:
        return ResultLevel.EXCELLENT
    if total >= 80:
        return ResultLevel.GOOD
    if total >= 70:
        return ResultLevel.COMPLETE
    return ResultLevel.INCOMPLETE


def stored(registration):
    return Registration.objects.filter(pk=registration.pk).values(
        "branch_points", "self_points", "total", "level", "assessed_at", "self_assessed_at"
    )[0]


@pytest.fixture
def registration(world, items):
    return approved(world, items)


QUICK = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@QUICK
@given(st.fixed_dictionaries({code: typed for code in CODES}))
def test_the_total_is_the_exact_sum_and_the_level_its_band(registration, areas):
    saved = assessment_record(actor=None, registration=registration, areas=areas, today=ON)
    exact = sum((Decimal(str(v).replace(",", ".")) for v in areas.values()), Decimal(0))
    assert saved.total == exact and saved.level == band(exact)
    row = stored(registration)
    assert row["total"] == exact and row["level"] == band(exact)
    assert {code: Decimal(v) for code, v in row["branch_points"].items()} == {
        code: Decimal(str(v).replace(",", ".")) for code, v in areas.items()
    }


@QUICK
@given(
    st.fixed_dictionaries({code: typed for code in CODES}),
    st.sampled_from(CODES),
    finer,
    st.booleans(),
)
def test_more_than_one_decimal_is_refused_and_nothing_is_saved(
    registration, areas, code, points, self_assessing
):
    record = self_assessment_record if self_assessing else assessment_record
    before, events = stored(registration), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as e:
        record(actor=None, registration=registration, areas={**areas, code: points}, today=ON)
    assert list(e.value.message_dict) == [f"areas.{code}"]
    assert stored(registration) == before and AuditEvent.objects.count() == events


def test_89_95_is_refused_not_rounded_to_an_excellent_90(registration):
    areas = {"1": "17.95", "2": 18, "3": 18, "4": 18, "5": 18}
    with pytest.raises(ValidationError) as e:
        assessment_record(actor=None, registration=registration, areas=areas, today=ON)
    assert e.value.message_dict == {
        "areas.1": ["Điểm nội dung 1 có nhiều nhất một chữ số thập phân (ví dụ 17,5)."]
    }
    assert stored(registration)["total"] is None
    saved = assessment_record(
        actor=None, registration=registration, areas={**areas, "1": "17.9"}, today=ON
    )
    assert (str(saved.total), saved.level) == ("89.9", ResultLevel.GOOD)


def test_each_area_with_too_many_decimals_is_named(registration):
    with pytest.raises(ValidationError) as e:
        self_assessment_record(
            actor=None,
            registration=registration,
            areas={**AREAS, "2": "17,55", "4": Decimal("0.01")},
            today=ON,
        )
    assert set(e.value.message_dict) == {"areas.2", "areas.4"}


def test_a_trailing_zero_is_still_one_decimal(registration):
    saved = assessment_record(
        actor=None, registration=registration, areas={**AREAS, "1": "18.50"}, today=ON
    )
    assert saved.branch_points["1"] == "18.5" and str(saved.total) == "90.5"


@given(st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n) / 100))
def test_classify_compares_the_total_as_it_is(total):
    assert classify(total=total, bands=DEFAULT) == band(total)
    assert classify(total=Decimal("89.95"), bands=DEFAULT) == ResultLevel.GOOD


# --- On the pages -------------------------------------------------------------------------------

TOO_FINE = "Điểm nội dung 1 có nhiều nhất một chữ số thập phân (ví dụ 17,5)."


def test_the_assessment_screen_names_the_area_and_saves_nothing(client, world, registration):
    client.force_login(world.secretary)
    url = reverse("training:branch-assessment-row", args=[world.branch.pk, YEAR, world.member.pk])
    data = {"area_1": "17,95", "area_2": "18", "area_3": "18", "area_4": "18", "area_5": "18"}
    before = stored(registration)
    response = client.post(url, {**data, "comment": "Tốt"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.context["row"].errors == {"area_1": [TOO_FINE]}
    assert TOO_FINE in response.content.decode()
    assert stored(registration) == before


def test_the_self_assessment_form_names_the_area_and_saves_nothing(client, world, registration):
    client.force_login(world.member_user)
    url = reverse("training:member-training-self-assess", args=[world.member.pk, YEAR])
    data = {"area_1": "17.95", "area_2": "18", "area_3": "18", "area_4": "18", "area_5": "18"}
    before = stored(registration)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["self_form"].errors == {"area_1": [TOO_FINE]}
    assert stored(registration) == before

"""A fresh installation has deadlines (seed 000 II.2's dates, recurring every year) and a school
calendar as data, so lateness, the assessment window and the counting date work on day one."""

from datetime import date

import pytest
from django.urls import reverse

from doanvien.training import counting, lateness
from doanvien.training.models import Deadline, DefaultDeadline
from doanvien.training.selectors import deadline_for
from doanvien.training.services.configuration import deadline_set

pytestmark = pytest.mark.shipped_deadlines

K = Deadline.Kind


def _due(unit, year, kind):
    d = deadline_for(unit=unit, year=year, kind=kind, sector=unit.sector)
    return d.due_on if d else None


@pytest.mark.parametrize("year", [2026, 2027, 2031])
def test_every_year_has_the_guidelines_dates(world, year):
    school, commune = world.branch, world.other_branch
    assert _due(school, year, K.REGISTRATION) == date(year - 1, 5, 15)
    assert _due(school, year, K.EVALUATION) == date(year, 5, 15)
    assert _due(commune, year, K.REGISTRATION) == date(year - 1, 11, 15)
    assert _due(commune, year, K.EVALUATION) == date(year, 10, 15)
    assert _due(commune, year, K.NEW_MEMBER_REGISTRATION) == date(year, 11, 15)
    # Recognition follows the evaluation (a month later, this product's default).
    assert _due(commune, year, K.RECOGNITION) == date(year, 11, 15)
    assert counting.reference_date(school, year) == date(year, 5, 15)


def test_a_units_own_deadline_wins_and_the_defaults_are_data(world):
    deadline_set(
        actor=None,
        unit=world.district,
        year=2027,
        kind=K.EVALUATION,
        due_on="30/04/2027",
    )
    assert _due(world.branch, 2027, K.EVALUATION) == date(2027, 4, 30)
    assert _due(world.branch, 2028, K.EVALUATION) == date(2028, 5, 15)
    DefaultDeadline.objects.filter(kind=K.EVALUATION, sector="school").update(month=6, day=1)
    assert _due(world.branch, 2028, K.EVALUATION) == date(2028, 6, 1)
    DefaultDeadline.objects.filter(kind=K.EVALUATION).delete()
    assert _due(world.branch, 2028, K.EVALUATION) is None


def test_lateness_works_on_day_one(world):
    # Nobody registered for 2027: the schools' date (15/05/2026) and the commune's (15/11/2026)
    # have passed.
    found = lateness.as_items(lateness.late_items(world.province, 2027, kind=K.REGISTRATION))
    assert {(i.name, i.due_on) for i in found} == {
        ("Chi đoàn 12A1", date(2026, 5, 15)),
        ("Chi đoàn 12A2", date(2026, 5, 15)),
        ("Chi đoàn Ấp 1", date(2026, 11, 15)),
    }


def test_the_deadlines_page_shows_the_defaults_and_what_replaces_them(client, world):
    deadline_set(actor=None, unit=world.province, year=2027, kind=K.EVALUATION, due_on="01/05/2027")
    client.force_login(world.province_cadre)
    page = client.get(reverse("training:training-deadlines", args=[world.province.pk, 2027]))
    html = page.content.decode()
    assert "Mặc định (theo hướng dẫn của Chương trình)" in html
    shipped = [d for d in page.context["deadlines"] if getattr(d, "default", False)]
    assert len(shipped) == 7
    replaced = {(d.kind, d.sector) for d in shipped if d.replaced_by}
    assert replaced == {(K.EVALUATION, ""), (K.EVALUATION, "school")}

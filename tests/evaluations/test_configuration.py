"""A district publishes its scheme for its subtree and sets deadlines, as frameworks and
deadlines are published for the training programme; the nearest one applies."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.evaluations import configuration, services
from doanvien.evaluations.models import Evaluation, Scheme
from doanvien.evaluations.selectors import deadline_for, items_for, scheme_for

from .conftest import YEAR


def test_a_published_scheme_applies_below_and_is_no_longer_a_placeholder(world):
    default = scheme_for(world.branch, "strong_branch", YEAR)
    assert default.unit is None and default.is_placeholder
    own = configuration.scheme_publish(
        actor=world.province_cadre, unit=world.district, code="strong_branch", year=YEAR
    )
    assert not own.is_placeholder
    assert scheme_for(world.branch, "strong_branch", YEAR) == own
    assert scheme_for(world.branch, "strong_branch", YEAR + 1) == default
    assert [i.text for i in items_for(own, "school")] == [
        i.text for i in items_for(default, "school")
    ]
    # Its items are its own: changing them leaves the default alone.
    first = items_for(own, "school")[0]
    first.max_points = 20
    first.save()
    assert items_for(default, "school")[0].max_points == 12
    with pytest.raises(ValidationError):
        configuration.scheme_publish(
            actor=None, unit=world.district, code="strong_branch", year=YEAR
        )
    with pytest.raises(ValidationError):
        configuration.scheme_publish(actor=None, unit=world.branch, code="strong_branch", year=YEAR)


def test_an_evaluation_keeps_the_scheme_it_registered_under(world):
    evaluation = services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    configuration.scheme_publish(actor=None, unit=world.base, code="strong_branch", year=YEAR)
    assert Evaluation.objects.get(pk=evaluation.pk).scheme.unit is None


def test_sector_items_are_only_for_that_sector(world):
    own = configuration.scheme_publish(
        actor=None, unit=world.district, code="strong_branch", year=YEAR
    )
    group = own.groups.first()
    group.items.create(text="Tiêu chí riêng khối trường học", max_points=5, sector="school")
    assert "Tiêu chí riêng khối trường học" in [i.text for i in items_for(own, "school")]
    assert "Tiêu chí riêng khối trường học" not in [i.text for i in items_for(own, "residential")]


def test_deadlines_are_inherited_nearest_first_with_the_shipped_default_last(world):
    shipped = deadline_for(
        unit=world.branch, year=YEAR, scheme="strong_branch", kind="registration"
    )
    assert shipped.due_on == date(YEAR - 1, 6, 20)  # schools: 20/06 of the year before (seed 001)
    residential = deadline_for(
        unit=world.other_branch, year=YEAR, scheme="strong_branch", kind="registration"
    )
    assert residential.due_on == date(YEAR - 1, 11, 10)
    configuration.evaluation_deadline_set(
        actor=None,
        unit=world.province,
        year=YEAR,
        scheme="strong_branch",
        kind="registration",
        due_on=date(YEAR - 1, 12, 1),
    )
    configuration.evaluation_deadline_set(
        actor=None,
        unit=world.district,
        year=YEAR,
        scheme="strong_branch",
        kind="registration",
        due_on=date(YEAR - 1, 11, 1),
        extended_to=date(YEAR, 1, 31),
    )
    found = deadline_for(unit=world.branch, year=YEAR, scheme="strong_branch", kind="registration")
    assert found.effective_date == date(YEAR, 1, 31)
    with pytest.raises(ValidationError):
        configuration.evaluation_deadline_set(
            actor=None,
            unit=world.district,
            year=YEAR,
            scheme="strong_branch",
            kind="registration",
            due_on=date(YEAR, 2, 1),
            extended_to=date(YEAR, 1, 1),
        )


def test_a_late_registration_is_recorded_or_refused_as_the_deadline_says(world):
    configuration.evaluation_deadline_set(
        actor=None,
        unit=world.base,
        year=YEAR,
        scheme="strong_branch",
        kind="registration",
        due_on=date(YEAR - 1, 11, 10),
    )
    late = services.evaluation_register(
        actor=None,
        unit=world.branch,
        year=YEAR,
        scheme_code="strong_branch",
        today=date(YEAR - 1, 11, 11),
    )
    assert late.registered_late
    configuration.evaluation_deadline_set(
        actor=None,
        unit=world.base,
        year=YEAR,
        scheme="strong_branch",
        kind="registration",
        due_on=date(YEAR - 1, 11, 10),
        allow_late=False,
    )
    with pytest.raises(ValidationError):
        services.evaluation_register(
            actor=None,
            unit=world.branch2,
            year=YEAR,
            scheme_code="strong_branch",
            today=date(YEAR - 1, 11, 11),
        )
    on_time = services.evaluation_register(
        actor=None,
        unit=world.branch2,
        year=YEAR,
        scheme_code="strong_branch",
        today=date(YEAR - 1, 11, 10),
    )
    assert not on_time.registered_late


def test_the_publish_button_is_for_the_units_own_cadres(client, world):
    url = reverse(
        "evaluations:scheme-publish",
        kwargs={"unit_id": world.base.pk, "year": YEAR, "scheme": "strong_branch"},
    )
    client.force_login(world.secretary)  # she does not see the base union
    assert client.post(url).status_code == 404
    branch_url = url.replace(f"/units/{world.base.pk}/", f"/units/{world.branch.pk}/")
    assert client.post(branch_url).status_code == 403  # a branch publishes nothing
    client.force_login(world.base_cadre)
    assert client.post(url).status_code == 302
    assert Scheme.objects.filter(unit=world.base, year=YEAR).exists()

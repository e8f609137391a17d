"""The configuration pages and member groups: the cadre picks the group a criterion is for from
the list, and gives each group its own minimum number of criteria on the framework's form."""

from django.urls import reverse

from doanvien.training.models import Criterion, Framework
from doanvien.training.services.configuration import framework_publish

from ..conftest import YEAR
from .test_framework_pages import page, save


def criterion_save(client, unit, **data):
    return client.post(reverse("training:training-criterion-save", args=[unit.pk, YEAR]), data)


def test_the_criterion_form_offers_the_groups_and_saves_the_one_picked(client, world, framework):
    client.force_login(world.base_cadre)
    form = page(client, world.base, add="custom").context["criterion_form"]
    assert [code for code, _label in form.fields["audience"].choices] == [
        "",
        "student",
        "teacher",
        "cadre",
    ]
    response = criterion_save(
        client,
        world.base,
        custom="1",
        area_code="5",
        text="Hoàn thành nhiệm vụ ủy viên Ban Chấp hành",
        audience="cadre",
    )
    assert response.status_code == 302
    added = Criterion.objects.get(text="Hoàn thành nhiệm vụ ủy viên Ban Chấp hành")
    assert added.audience == "cadre"
    html = page(client, world.base).content.decode()
    assert "Only for: Union cadre" in html
    # The change is in the page's history with the group's name.
    response = criterion_save(
        client,
        world.base,
        id=added.pk,
        area_code="5",
        text="Hoàn thành nhiệm vụ ủy viên Ban Chấp hành",
        audience="teacher",
    )
    assert response.status_code == 302
    history = page(client, world.base).context["history"]
    rows = [row for event in history for row in event.rows]
    assert ("only for the member group", "Union cadre", "School staff, teacher or lecturer") in rows


def test_a_group_not_in_the_list_is_refused_next_to_the_field(client, world, framework):
    client.force_login(world.base_cadre)
    response = criterion_save(
        client, world.base, custom="1", area_code="5", text="Cho học sinh", audience="Học sinh"
    )
    assert response.status_code == 200
    assert "audience" in response.context["criterion_form"].errors
    assert not Criterion.objects.filter(text="Cho học sinh").exists()


def test_the_framework_form_sets_each_groups_minimum(client, world, framework):
    client.force_login(world.base_cadre)
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    form = page(client, world.base, edit=1).context["framework_form"]
    assert [f.name for f in form.minimum_fields()] == [
        "min_criteria.student",
        "min_criteria.teacher",
        "min_criteria.cadre",
    ]
    assert all(form.initial[f.name] == "" for f in form.minimum_fields())

    response = save(client, own, **{"min_criteria.student": "8", "min_criteria.cadre": "12"})
    assert response.status_code == 302
    own = Framework.objects.get(pk=own.pk)
    assert own.min_criteria_by_audience == {"student": 8, "cadre": 12}
    assert own.min_criteria_for("teacher") == 10
    response = page(client, world.base)
    assert response.context["group_minimums"] == [("Pupil or student", 8), ("Union cadre", 12)]
    assert "Pupil or student: 8" in response.content.decode()
    form = page(client, world.base, edit=1).context["framework_form"]
    assert form.initial["min_criteria.student"] == 8


def test_a_wrong_minimum_is_named_next_to_its_field_and_nothing_changes(client, world, framework):
    client.force_login(world.base_cadre)
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    response = save(client, own, **{"min_criteria.teacher": "0", "name": "Khung mới"})
    assert response.status_code == 200
    errors = response.context["framework_form"].errors
    assert set(errors) == {"min_criteria.teacher"}
    own = Framework.objects.get(pk=own.pk)
    assert own.min_criteria_by_audience == {} and own.name != "Khung mới"

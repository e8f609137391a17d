import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.training.models import BranchResult, Criterion, Framework, RegistrationItem
from doanvien.training.selectors import framework_for
from doanvien.training.services.configuration import (
    criterion_add,
    criterion_update,
    framework_publish,
    framework_update,
)

from ..conftest import YEAR, complete_items
from ..test_workflow import approved
from .conftest import assessed


def page(client, unit, year=YEAR, **query):
    return client.get(reverse("training:training-framework", args=[unit.pk, year]), query)


def publish(client, unit, year=YEAR, follow=False, **data):
    url = reverse("training:training-framework-publish", args=[unit.pk, year])
    return client.post(url, data, follow=follow)


def save(client, framework, **changes):
    """POST the framework form with its current values, changed by `changes`."""
    data = {
        "name": framework.name,
        "band_excellent": framework.band_excellent,
        "band_good": framework.band_good,
        "band_complete": framework.band_complete,
        "min_criteria": framework.min_criteria,
        "eligibility_months": framework.eligibility_months,
        "assessment_opens_months_before": framework.assessment_opens_months_before,
    }
    for area in framework.areas.all():
        data[f"areas.{area.code}.name"] = area.name
        data[f"areas.{area.code}.max_points"] = area.max_points
    data.update(changes)
    url = reverse("training:training-framework-save", args=[framework.unit.pk, framework.year])
    return client.post(url, data)


def shape(framework):
    areas = sorted(framework.areas.values_list("code", "name", "order", "max_points"))
    criteria = sorted(
        framework.criteria.values_list("area_code", "text", "sector", "audience", "mandatory")
    )
    settings = (
        framework.band_excellent,
        framework.band_good,
        framework.band_complete,
        framework.min_criteria,
        framework.eligibility_months,
    )
    return areas, criteria, settings


def test_a_secretary_reads_what_applies_to_her_branch(client, world, framework):
    client.force_login(world.secretary)
    response = page(client, world.branch)
    assert response.status_code == 200
    assert response.context["framework"] == framework and not response.context["editable"]
    html = response.content.decode()
    assert "Read only" in html and "framework/publish/" not in html
    assert publish(client, world.branch).status_code == 403


def test_a_viewer_reads_and_cannot_write(client, world, framework, viewer):
    client.force_login(viewer)
    response = page(client, world.base, edit=1)
    assert response.status_code == 200 and response.context["framework_form"] is None
    assert publish(client, world.base).status_code == 403
    framework_publish(actor=None, unit=world.base, year=YEAR)
    own = Framework.objects.get(unit=world.base, year=YEAR)
    assert save(client, own, name="Khác").status_code == 403
    url = reverse("training:training-criterion-remove", args=[world.base.pk, YEAR])
    assert client.post(url, {"id": own.criteria.first().pk}).status_code == 403
    assert Framework.objects.get(pk=own.pk).name != "Khác"


def test_the_page_marks_mandatory_sector_and_custom_criteria(client, world, framework):
    criterion_add(
        actor=None,
        unit=world.district,
        year=YEAR,
        custom=True,
        area_code="5",
        text="Tham gia hiến máu tình nguyện",
        mandatory=True,
    )
    client.force_login(world.base_cadre)
    html = page(client, world.base).content.decode()
    assert "Tham gia hiến máu tình nguyện" in html
    assert f"Custom · {world.district.name}" in html and "Mandatory" in html
    assert "Overseas" in html  # a sector criterion of the default framework
    for text in ("Excellent from", "Minimum criteria", "20 points"):
        assert text in html


def test_publishing_copies_the_framework_that_applies(client, world, framework):
    client.force_login(world.base_cadre)
    response = publish(client, world.base)
    assert response["Location"] == reverse(
        "training:training-framework", args=[world.base.pk, YEAR]
    )
    own = Framework.objects.get(unit=world.base, year=YEAR)
    assert shape(own) == shape(framework)
    assert framework_for(world.branch, YEAR) == own
    assert framework_for(world.other_branch, YEAR) == framework
    assert framework_for(world.branch, YEAR + 1) == framework
    assert AuditEvent.objects.filter(action="framework.published", target_id=own.pk).exists()
    assert publish(client, world.base).status_code == 302  # a second time: a message, no copy
    assert Framework.objects.filter(unit=world.base, year=YEAR).count() == 1


def test_editing_changes_the_subtree_only(client, world, framework):
    default = shape(framework)
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    nxt = framework_publish(actor=None, unit=world.base, year=YEAR + 1)
    next_shape = shape(nxt)
    client.force_login(world.base_cadre)
    response = save(
        client,
        own,
        **{
            "areas.1.name": "Lý tưởng cách mạng",
            "areas.1.max_points": "25",
            "areas.2.max_points": "15",
            "band_excellent": "92,5",
            "min_criteria": "12",
        },
    )
    assert response.status_code == 302
    applied = framework_for(world.branch, YEAR)
    area = applied.areas.get(code="1")
    assert (area.name, str(area.max_points)) == ("Lý tưởng cách mạng", "25.0")
    assert str(applied.band_excellent) == "92.5" and applied.min_criteria == 12
    assert shape(framework) == default
    assert shape(Framework.objects.get(pk=nxt.pk)) == next_shape
    event = AuditEvent.objects.get(action="framework.updated")
    assert event.changes["areas.1.max_points"] == ["20.0", "25.0"]


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"band_good": "95"}, "band_good"),
        ({"band_complete": "85"}, "band_complete"),
        ({"band_excellent": "101"}, "band_excellent"),
        ({"band_complete": "-1"}, "band_complete"),
        ({"min_criteria": "0"}, "min_criteria"),
        ({"eligibility_months": "sáu"}, "eligibility_months"),
        ({"areas.3.max_points": "0"}, "areas.3.max_points"),
        ({"areas.3.name": ""}, "areas.3.name"),
    ],
)
def test_the_rules_of_the_scoring_are_named_next_to_the_field(
    client, world, framework, changes, field
):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    client.force_login(world.base_cadre)
    response = save(client, own, **changes)
    assert response.status_code == 200
    assert field in response.context["framework_form"].errors
    assert shape(Framework.objects.get(pk=own.pk)) == shape(framework)


def test_area_codes_never_change(world, framework):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    with pytest.raises(ValidationError) as e:
        framework_update(actor=None, framework=own, areas={"6": {"name": "Mới", "max_points": 10}})
    assert "areas.6" in e.value.message_dict


def test_a_used_criterion_is_not_removed_but_its_text_may_change(client, world, framework):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    registration = approved(world, complete_items(world.member))
    item = registration.items.first()
    used = item.criterion
    assert used.framework == own
    client.force_login(world.base_cadre)
    url = reverse("training:training-criterion-remove", args=[world.base.pk, YEAR])
    response = client.post(url, {"id": used.pk}, follow=True)
    assert "it cannot be removed" in response.content.decode()
    assert Criterion.objects.filter(pk=used.pk).exists()

    save_url = reverse("training:training-criterion-save", args=[world.base.pk, YEAR])
    other_area = "2" if used.area_code != "2" else "3"
    response = client.post(save_url, {"id": used.pk, "area_code": other_area, "text": used.text})
    assert "area_code" in response.context["criterion_form"].errors
    response = client.post(
        save_url, {"id": used.pk, "area_code": used.area_code, "text": "Lời mới", "mandatory": "on"}
    )
    assert response.status_code == 302
    assert RegistrationItem.objects.get(pk=item.pk).criterion_id == used.pk
    assert Criterion.objects.get(pk=used.pk).text == "Lời mới"

    unused = own.criteria.exclude(pk__in=registration.items.values("criterion")).first()
    client.post(url, {"id": unused.pk})
    assert not Criterion.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(action="criterion.removed", target_id=unused.pk).exists()


def test_criteria_are_added_to_the_own_framework(client, world, framework):
    client.force_login(world.base_cadre)
    url = reverse("training:training-criterion-save", args=[world.base.pk, YEAR])
    data = {"area_code": "4", "text": "Chạy bộ 5 km mỗi tuần", "sector": "school"}
    response = client.post(url, data, follow=True)
    assert "Publish a framework for this unit and year first" in response.content.decode()
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    assert client.post(url, data).status_code == 302
    added = own.criteria.get(text="Chạy bộ 5 km mỗi tuần")
    assert added.sector == "school" and framework.criteria.filter(text=added.text).count() == 0
    response = client.post(url, {"area_code": "4", "text": " "})
    assert "text" in response.context["criterion_form"].errors


def test_only_the_unit_s_own_criteria_can_be_touched(client, world, framework):
    framework_publish(actor=None, unit=world.base, year=YEAR)
    client.force_login(world.base_cadre)
    url = reverse("training:training-criterion-remove", args=[world.base.pk, YEAR])
    assert client.post(url, {"id": framework.criteria.first().pk}).status_code == 404
    assert page(client, world.base, criterion=framework.criteria.first().pk).status_code == 404


def test_scoring_is_fixed_once_members_are_assessed(world, framework):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    assessed(world, complete_items(world.member))
    with pytest.raises(ValidationError) as e:
        framework_update(actor=None, framework=own, band_good="85")
    assert "band_good" in e.value.message_dict
    framework_update(actor=None, framework=own, name="Khung 2026 của trường")
    assert Framework.objects.get(pk=own.pk).name == "Khung 2026 của trường"


def test_a_year_with_recognised_results_is_read_only(client, world, framework):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    BranchResult.objects.create(
        branch=world.branch, year=YEAR, unit_path=world.branch.path, state="recognised"
    )
    client.force_login(world.base_cadre)
    response = page(client, world.base, edit=1)
    assert response.context["closed"] and not response.context["editable"]
    assert response.context["framework_form"] is None
    response = save(client, own, name="Đổi tên")
    assert response.context["framework_form"].non_field_errors()
    assert Framework.objects.get(pk=own.pk).name == own.name
    client.force_login(world.province_cadre)
    response = publish(client, world.district, follow=True)  # the district's subtree too
    assert not Framework.objects.filter(unit=world.district).exists()
    assert "already recognised" in response.content.decode()


def test_next_year_starts_from_a_copy_of_this_one(client, world, framework):
    this_year = framework_publish(actor=None, unit=world.base, year=YEAR)
    framework_update(actor=None, framework=this_year, min_criteria=12)
    client.force_login(world.base_cadre)
    response = page(client, world.base, YEAR + 1)
    assert response.context["earlier"] == this_year
    publish(client, world.base, YEAR + 1, source=this_year.pk)
    next_year = Framework.objects.get(unit=world.base, year=YEAR + 1)
    assert next_year.min_criteria == 12 and next_year.criteria.count() == this_year.criteria.count()
    framework_update(actor=None, framework=next_year, min_criteria=15)
    criterion = next_year.criteria.first()
    criterion_update(
        actor=None, criterion=criterion, area_code=criterion.area_code, text="Chỉ năm sau"
    )
    assert Framework.objects.get(pk=this_year.pk).min_criteria == 12
    assert not this_year.criteria.filter(text="Chỉ năm sau").exists()
    other = framework_publish(actor=None, unit=world.other_base, year=YEAR)
    assert publish(client, world.base, YEAR + 2, source=other.pk).status_code == 404

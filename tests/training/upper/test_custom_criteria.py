from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.training.models import Criterion
from doanvien.training.selectors import criteria_for, framework_for

from ..conftest import YEAR, complete_items
from ..test_workflow import approved


def add(client, unit, year=YEAR, **data):
    url = reverse("training:training-criterion-save", args=[unit.pk, year])
    return client.post(url, {"custom": "1", **data})


def available(member_or_branch, year=YEAR):
    branch = member_or_branch
    framework = framework_for(branch, year)
    return criteria_for(framework=framework, branch=branch, year=year, sector=branch.sector)


def test_a_custom_criterion_applies_below_the_unit_and_nowhere_else(client, world, framework):
    client.force_login(world.base_cadre)
    response = add(client, world.base, area_code="3", text="Đạt học sinh giỏi cấp trường")
    assert response.status_code == 302
    custom = Criterion.objects.get(text="Đạt học sinh giỏi cấp trường")
    assert (custom.framework, custom.unit, custom.year) == (None, world.base, YEAR)
    assert custom in available(world.branch) and custom in available(world.branch2)
    assert custom not in available(world.other_branch)
    assert custom not in available(world.branch, YEAR + 1)
    assert AuditEvent.objects.filter(action="criterion.added", unit_path=world.base.path).exists()

    client.force_login(world.secretary)
    html = client.get(
        reverse("training:training-framework", args=[world.branch.pk, YEAR])
    ).content.decode()
    assert "Đạt học sinh giỏi cấp trường" in html and f"Custom · {world.base.name}" in html


def test_a_custom_criterion_for_a_sector_reaches_only_that_sector(client, world, framework):
    client.force_login(world.province_cadre)
    add(client, world.district, area_code="3", text="Tham gia tổ an ninh ấp", sector="residential")
    custom = Criterion.objects.get(text="Tham gia tổ an ninh ấp")
    assert custom in available(world.other_branch) and custom not in available(world.branch)


def test_custom_criteria_are_changed_and_removed_unless_registered(client, world, framework):
    client.force_login(world.base_cadre)
    add(client, world.base, area_code="5", text="Giới thiệu một bạn vào Đoàn", mandatory="on")
    custom = Criterion.objects.get(text="Giới thiệu một bạn vào Đoàn")
    assert custom.mandatory
    registration = approved(world, complete_items(world.member))
    assert registration.items.filter(criterion=custom).exists()  # mandatory: always chosen

    save = reverse("training:training-criterion-save", args=[world.base.pk, YEAR])
    response = client.post(
        save, {"id": custom.pk, "area_code": "5", "text": "Giới thiệu một bạn", "sector": "workers"}
    )
    assert "sector" in response.context["criterion_form"].errors
    client.post(save, {"id": custom.pk, "area_code": "5", "text": "Giới thiệu một bạn"})
    custom.refresh_from_db()
    assert custom.text == "Giới thiệu một bạn" and not custom.mandatory

    remove = reverse("training:training-criterion-remove", args=[world.base.pk, YEAR])
    response = client.post(remove, {"id": custom.pk}, follow=True)
    assert "1 registrations include this criterion" in response.content.decode()
    assert Criterion.objects.filter(pk=custom.pk).exists()

    add(client, world.base, area_code="5", text="Chưa ai chọn")
    unused = Criterion.objects.get(text="Chưa ai chọn")
    client.post(remove, {"id": unused.pk})
    assert not Criterion.objects.filter(pk=unused.pk).exists()


def test_a_custom_criterion_is_checked_like_any_other(client, world, framework):
    client.force_login(world.base_cadre)
    response = add(client, world.base, area_code="3", text="")
    assert "text" in response.context["criterion_form"].errors
    response = add(client, world.base, area_code="9", text="Khu vực lạ")
    assert "area_code" in response.context["criterion_form"].errors
    assert not Criterion.objects.filter(framework__isnull=True).exists()


def test_the_criteria_of_another_unit_or_year_are_not_reachable(client, world, framework):
    client.force_login(world.base_cadre)
    add(client, world.base, area_code="3", text="Của trường")
    custom = Criterion.objects.get(text="Của trường")
    remove = reverse("training:training-criterion-remove", args=[world.base.pk, YEAR + 1])
    assert client.post(remove, {"id": custom.pk}).status_code == 404
    client.force_login(world.province_cadre)
    remove = reverse("training:training-criterion-remove", args=[world.district.pk, YEAR])
    assert client.post(remove, {"id": custom.pk}).status_code == 404
    assert client.post(remove, {"id": "abc"}).status_code == 404


def test_people_who_only_see_the_unit_cannot_add(client, world, framework, viewer):
    for user in (viewer, world.secretary):
        client.force_login(user)
        unit = world.base if user == viewer else world.branch
        assert add(client, unit, area_code="3", text="Không được").status_code == 403
    assert not Criterion.objects.filter(text="Không được").exists()

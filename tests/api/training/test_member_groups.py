"""The API and member groups: the framework listing gives a member the criteria for everyone and
for his group, with his group's minimum; saving or submitting a criterion for another group is
refused (400) with the item and the reason."""

from doanvien.actions.members import member_update
from doanvien.training.models import Criterion, Registration
from doanvien.training.services.configuration import framework_publish, framework_update
from doanvien.training.services.registrations import registration_save

from ..conftest import fields
from .conftest import YEAR, complete_items, framework_url, registration_url, snapshot


def cadres_criterion():
    return Criterion.objects.get(framework__unit__isnull=True, audience="cadre")


def listed(body):
    return {c["id"]: c for area in body["areas"] for c in area["criteria"]}


def test_the_listing_gives_the_criteria_of_the_members_group(api_client, world):
    general = api_client(world.secretary).get(framework_url(world.member)).json()
    assert cadres_criterion().pk not in listed(general)
    assert {c["audience"] for c in listed(general).values()} == {""}

    member_update(actor=None, member=world.member, data={"audience": "cadre"})
    cadre = api_client(world.secretary).get(framework_url(world.member)).json()
    assert (cadre["audience"], cadre["audience_label"]) == ("cadre", "Cán bộ Đoàn")
    mine = listed(cadre)[cadres_criterion().pk]
    assert (mine["audience"], mine["audience_label"]) == ("cadre", "Cán bộ Đoàn")


def test_the_listing_gives_the_minimum_of_the_members_group(api_client, world):
    published = framework_publish(actor=None, unit=world.base, year=YEAR)
    framework_update(actor=None, framework=published, min_criteria_by_audience={"student": 12})
    client = api_client(world.secretary)
    assert client.get(framework_url(world.member)).json()["framework"]["min_criteria"] == 10
    member_update(actor=None, member=world.member, data={"audience": "student"})
    assert client.get(framework_url(world.member)).json()["framework"]["min_criteria"] == 12


def test_saving_a_criterion_for_another_group_is_refused_and_nothing_is_saved(api_client, world):
    items = complete_items(world.member)
    items.insert(2, {**items[0], "criterion": cadres_criterion().pk})
    before = snapshot()

    response = api_client(world.member_user).put(registration_url(world.member), {"items": items})

    assert response.status_code == 400
    assert fields(response) == ["items[2].criterion"]
    message = response.json()["errors"][0]["message"]
    assert message.endswith(
        "” chỉ dành cho đối tượng “Cán bộ Đoàn”: không áp dụng cho Nguyễn Văn An (đối tượng "
        "“Đoàn viên (không thuộc đối tượng riêng)”)."
    )
    assert snapshot() == before


def test_submitting_a_draft_with_another_groups_criterion_is_refused(api_client, world):
    member_update(actor=None, member=world.member, data={"audience": "cadre"})
    world.member.refresh_from_db()
    items = complete_items(world.member) + [
        {**complete_items(world.member)[0], "criterion": cadres_criterion().pk}
    ]
    registration_save(actor=None, member=world.member, year=YEAR, items=items)
    member_update(actor=None, member=world.member, data={"audience": "teacher"})

    response = api_client(world.member_user).post(registration_url(world.member, "submit"))

    assert response.status_code == 400
    assert fields(response) == [f"items[{len(items) - 1}].criterion"]
    assert Registration.objects.get(member=world.member).state == "draft"


def test_a_cadre_saves_the_cadres_criterion(api_client, world):
    member_update(actor=None, member=world.member, data={"audience": "cadre"})
    world.member.refresh_from_db()
    items = complete_items(world.member) + [
        {**complete_items(world.member)[0], "criterion": cadres_criterion().pk}
    ]

    response = api_client(world.member_user).put(registration_url(world.member), {"items": items})

    assert response.status_code == 200, response.json()
    assert cadres_criterion().pk in [i["criterion"] for i in response.json()["items"]]

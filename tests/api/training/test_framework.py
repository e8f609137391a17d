"""GET /api/v1/training/{year}/framework?member={id}: the criteria a member may pick."""

from doanvien.actions.members import member_update
from doanvien.training.models import ContentArea, Criterion, Framework

from ..conftest import fields
from .conftest import YEAR, bring_to, framework_url


def criteria(body):
    return [c for area in body["areas"] for c in area["criteria"]]


def texts(body):
    return {c["text"] for c in criteria(body)}


def test_it_lists_the_five_areas_with_their_criteria(api_client, world, framework):
    response = api_client(world.secretary).get(framework_url(world.member))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["framework"] == {
        "id": framework.pk,
        "name": framework.name,
        "year": YEAR,
        "unit": None,
        "min_criteria": 10,
        "bands": {"excellent": 90.0, "good": 80.0, "complete": 70.0},
    }
    assert [a["code"] for a in body["areas"]] == ["1", "2", "3", "4", "5"]
    assert all(a["max_points"] == 20.0 and a["criteria"] for a in body["areas"])
    first = body["areas"][0]["criteria"][0]
    assert set(first) == {
        "id",
        "text",
        "sector",
        "audience",
        "audience_label",
        "mandatory",
        "custom",
        "unit",
    }
    assert (body["audience"], body["audience_label"]) == (
        "general",
        "Đoàn viên (không thuộc đối tượng riêng)",
    )
    assert first["custom"] is False and first["unit"] is None


def test_the_mandatory_criteria_are_marked(api_client, world):
    body = api_client(world.secretary).get(framework_url(world.member)).json()

    mandatory = {c["id"] for c in criteria(body) if c["mandatory"]}
    assert mandatory == set(Criterion.objects.filter(mandatory=True).values_list("pk", flat=True))


def test_school_criteria_appear_only_for_a_school_branch(api_client, world, framework):
    # The school items are for pupils or for teachers: a teacher of a school branch has his.
    member_update(actor=None, member=world.member, data={"audience": "teacher"})
    school = set(
        framework.criteria.filter(sector="school", audience="teacher").values_list(
            "text", flat=True
        )
    )
    residential = set(
        framework.criteria.filter(sector="residential").values_list("text", flat=True)
    )
    assert school and residential

    at_school = texts(api_client(world.secretary).get(framework_url(world.member)).json())
    in_the_village = texts(
        api_client(world.outsider).get(framework_url(world.outsider_member)).json()
    )

    assert school <= at_school and not residential & at_school
    assert residential <= in_the_village and not school & in_the_village


def test_the_sector_of_each_criterion_is_given(api_client, world):
    member_update(actor=None, member=world.member, data={"audience": "student"})
    body = api_client(world.secretary).get(framework_url(world.member)).json()

    assert {c["sector"] for c in criteria(body)} == {"", "school"}


def test_custom_criteria_of_an_ancestor_appear_with_their_unit(api_client, world):
    custom = Criterion.objects.create(
        unit=world.district, year=YEAR, area_code="2", text="Ngày chủ nhật xanh của huyện"
    )

    body = api_client(world.secretary).get(framework_url(world.member)).json()

    area2 = next(a for a in body["areas"] if a["code"] == "2")
    listed = next(c for c in area2["criteria"] if c["id"] == custom.pk)
    assert listed["custom"] is True and listed["unit"] == "Huyện đoàn Tân An"
    assert area2["criteria"][-1]["id"] == custom.pk  # after the framework's own


def test_custom_criteria_of_another_subtree_or_year_do_not_appear(api_client, world):
    Criterion.objects.create(
        unit=world.other_base, year=YEAR, area_code="2", text="Chỉ cho xã Tân Hòa"
    )
    Criterion.objects.create(unit=world.base, year=YEAR + 1, area_code="2", text="Năm sau")

    body = api_client(world.secretary).get(framework_url(world.member)).json()

    assert not {"Chỉ cho xã Tân Hòa", "Năm sau"} & texts(body)


def test_a_framework_published_above_the_branch_wins(api_client, world, framework):
    published = Framework.objects.create(
        phase=framework.phase, unit=world.district, year=YEAR, name="Khung huyện", min_criteria=8
    )
    ContentArea.objects.create(framework=published, code="1", name="Lý tưởng", max_points=100)
    Criterion.objects.create(framework=published, area_code="1", text="Tiêu chí của huyện")

    body = api_client(world.secretary).get(framework_url(world.member)).json()

    assert body["framework"]["name"] == "Khung huyện"
    assert body["framework"]["unit"] == "Huyện đoàn Tân An"
    assert body["framework"]["min_criteria"] == 8
    assert [a["code"] for a in body["areas"]] == ["1"]
    assert texts(body) == {"Tiêu chí của huyện"}


def test_once_registered_it_lists_the_framework_of_the_registration(api_client, world, framework):
    bring_to(world, "draft")
    Framework.objects.create(phase=framework.phase, unit=world.district, year=YEAR, name="Mới")

    body = api_client(world.member_user).get(framework_url(world.member)).json()

    assert body["framework"]["id"] == framework.pk


def test_the_member_sees_his_own(api_client, world):
    response = api_client(world.member_user).get(framework_url(world.member))

    assert response.status_code == 200


def test_the_member_gets_404_for_another_member(api_client, world):
    response = api_client(world.member_user).get(framework_url(world.member2))

    assert response.status_code == 404
    assert fields(response) == []


def test_the_outsider_gets_404(api_client, world):
    response = api_client(world.outsider).get(framework_url(world.member))

    assert response.status_code == 404


def test_a_missing_member_gets_404_naming_the_parameter(api_client, world):
    response = api_client(world.secretary).get(framework_url())

    assert response.status_code == 404
    assert fields(response) == ["member"]


def test_an_unknown_member_gets_404(api_client, world):
    response = api_client(world.secretary).get(f"{framework_url()}?member=999999")

    assert response.status_code == 404


def test_a_year_without_a_framework_gets_404(api_client, world):
    response = api_client(world.secretary).get(framework_url(world.member, year=2030))

    assert response.status_code == 404


def test_a_year_out_of_range_gets_422(api_client, world):
    response = api_client(world.secretary).get(framework_url(world.member, year=40000))

    assert response.status_code == 422
    assert fields(response) == ["year"]


def test_it_needs_a_token(api_client, world):
    assert api_client().get(framework_url(world.member)).status_code == 401

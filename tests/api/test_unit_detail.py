from doanvien.accounts.services import role_grant

from ..factories import make_unit
from .conftest import fields


def url(unit_id):
    return f"/api/v1/units/{unit_id}"


def test_it_describes_the_unit(api_client, world):
    response = api_client(world.base_cadre).get(url(world.base.pk))

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "name", "code", "kind", "sector", "is_active")} == {
        "id": world.base.pk,
        "name": "Đoàn trường THPT Tân An",
        "code": "TN-TA-THPT",
        "kind": "union",
        "sector": "school",
        "is_active": True,
    }
    assert body["level"] == {"code": "base", "name": world.base.level.name}
    assert body["member_count"] == 3


def test_it_lists_the_children_by_name_with_their_counts(api_client, world):
    body = api_client(world.base_cadre).get(url(world.base.pk)).json()

    assert body["children"] == [
        {
            "id": world.branch.pk,
            "name": "Chi đoàn 12A1",
            "code": "TN-TA-THPT-12A1",
            "kind": "branch",
            "level": "branch",
            "member_count": 2,
            "is_active": True,
        },
        {
            "id": world.branch2.pk,
            "name": "Chi đoàn 12A2",
            "code": "TN-TA-THPT-12A2",
            "kind": "branch",
            "level": "branch",
            "member_count": 1,
            "is_active": True,
        },
    ]


def test_children_are_ordered_by_name_ignoring_accents(api_client, world):
    make_unit(world.base, name="Chi đoàn Điện tử")
    make_unit(world.base, name="Chi đoàn Anh văn")
    make_unit(world.base, name="Chi đoàn Ea")

    body = api_client(world.base_cadre).get(url(world.base.pk)).json()

    assert [c["name"] for c in body["children"]] == [
        "Chi đoàn 12A1",
        "Chi đoàn 12A2",
        "Chi đoàn Anh văn",
        "Chi đoàn Điện tử",
        "Chi đoàn Ea",
    ]


def test_child_counts_follow_new_members(api_client, world):
    client = api_client(world.base_cadre)
    for n in range(3):
        response = client.post(
            f"/api/v1/units/{world.branch2.pk}/members",
            {
                "full_name": f"Võ Thị Hoa {n}",
                "date_of_birth": "2005-01-02",
                "sex": "female",
                "id_number": f"07930500000{n}",
                "joined_union_on": "02/02/2021",
            },
        )
        assert response.status_code == 201, response.json()

    body = client.get(url(world.base.pk)).json()

    assert body["member_count"] == 6
    assert [c["member_count"] for c in body["children"]] == [2, 4]
    assert client.get(url(world.province.pk)).status_code == 404
    assert api_client(world.province_cadre).get(url(world.province.pk)).json()["member_count"] == 7


def test_it_shows_the_parent_the_user_may_see(api_client, world):
    body = api_client(world.base_cadre).get(url(world.branch.pk)).json()

    assert body["parent"] == {"id": world.base.pk, "name": "Đoàn trường THPT Tân An"}
    assert body["children"] == []


def test_it_hides_the_parent_out_of_scope(api_client, world):
    assert api_client(world.secretary).get(url(world.branch.pk)).json()["parent"] is None
    assert api_client(world.base_cadre).get(url(world.base.pk)).json()["parent"] is None


def test_a_root_has_no_parent(api_client, world):
    assert api_client(world.superuser).get(url(world.province.pk)).json()["parent"] is None


def test_the_superuser_sees_every_parent(api_client, world):
    body = api_client(world.superuser).get(url(world.base.pk)).json()

    assert body["parent"] == {"id": world.district.pk, "name": "Huyện đoàn Tân An"}


def test_outsider_gets_404(api_client, world):
    response = api_client(world.outsider).get(url(world.branch.pk))

    assert response.status_code == 404
    assert fields(response) == []


def test_out_of_scope_answers_like_a_missing_unit(api_client, world):
    client = api_client(world.secretary)
    hidden = client.get(url(world.base.pk))
    missing = client.get(url(999_999))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_member_sees_no_unit(api_client, world):
    assert api_client(world.member_user).get(url(world.branch.pk)).status_code == 404


def test_an_id_that_is_not_a_number_gets_an_error(api_client, world):
    response = api_client(world.secretary).get(url("abc"))

    assert 400 <= response.status_code < 500
    assert fields(response) == ["unit_id"]


def test_a_viewer_sees_the_subtree(api_client, world):
    from ..factories import make_user

    viewer = make_user("viewer")
    role_grant(actor=None, user=viewer, unit=world.district, role="viewer")

    body = api_client(viewer).get(url(world.district.pk)).json()

    assert [c["id"] for c in body["children"]] == [world.base.pk, world.other_base.pk]

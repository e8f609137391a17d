from doanvien.accounts.services import role_grant
from doanvien.units import member_counts

URL = "/api/v1/me"


def unit_ref(unit):
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


def root(unit, level):
    unit.refresh_from_db()
    return {**unit_ref(unit), "level": level, "member_count": member_counts.now(unit)}


def test_it_describes_the_secretary(api_client, world):
    response = api_client(world.secretary).get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "user": {"id": world.secretary.pk, "username": "secretary", "full_name": "secretary"},
        "roles": [{"unit": unit_ref(world.branch), "role": "secretary"}],
        "root_units": [root(world.branch, "branch")],
        "member_id": None,
    }


def test_it_describes_the_base_cadre(api_client, world):
    body = api_client(world.base_cadre).get(URL).json()

    assert body["roles"] == [{"unit": unit_ref(world.base), "role": "cadre"}]
    assert body["root_units"] == [root(world.base, "base")]
    assert body["root_units"][0]["member_count"] == 3
    assert body["member_id"] is None


def test_it_describes_the_province_cadre(api_client, world):
    body = api_client(world.province_cadre).get(URL).json()

    assert body["roles"] == [{"unit": unit_ref(world.province), "role": "cadre"}]
    assert body["root_units"] == [root(world.province, "province")]
    assert body["root_units"][0]["member_count"] == 4


def test_it_describes_the_outsider(api_client, world):
    body = api_client(world.outsider).get(URL).json()

    assert body["user"]["username"] == "outsider"
    assert body["root_units"] == [root(world.other_branch, "branch")]


def test_it_gives_the_member_his_record(api_client, world):
    body = api_client(world.member_user).get(URL).json()

    assert body["user"]["id"] == world.member_user.pk
    assert body["roles"] == []
    assert body["root_units"] == []
    assert body["member_id"] == world.member.pk


def test_it_gives_the_superuser_the_roots(api_client, world):
    body = api_client(world.superuser).get(URL).json()

    assert body["roles"] == []
    assert body["root_units"] == [root(world.province, "province")]


def test_a_unit_under_another_root_is_not_repeated(api_client, world):
    role_grant(actor=None, user=world.base_cadre, unit=world.province, role="viewer")

    body = api_client(world.base_cadre).get(URL).json()

    assert {r["unit"]["id"] for r in body["roles"]} == {world.base.pk, world.province.pk}
    assert [u["id"] for u in body["root_units"]] == [world.province.pk]

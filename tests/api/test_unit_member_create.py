import pytest

from doanvien.accounts.services import role_grant
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member, Membership
from doanvien.units import member_counts
from doanvien.units.models import Unit

from ..factories import make_user
from .conftest import fields


def url(unit):
    return f"/api/v1/units/{unit.pk}/members"


def new_member(**overrides):
    data = {
        "full_name": "  Võ   Thị Hoa ",
        "date_of_birth": "2005-01-02",
        "sex": "female",
        "id_number": "079305001234",
        "joined_union_on": "26/03/2021",
        "phone": "+84 912 345 678",
        "ethnicity": "Kinh",
        "federation_member": True,
    }
    data.update(overrides)
    return data


def snapshot():
    """What a rejected request must leave as it was."""
    return (
        Member.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        [u.member_count for u in member_counts.exact(Unit.objects.order_by("pk"))],
    )


def test_it_creates_a_member(api_client, world):
    response = api_client(world.secretary).post(url(world.branch), new_member())

    assert response.status_code == 201, response.json()
    body = response.json()
    member = Member.objects.get(pk=body["id"])
    assert member.full_name == "Võ Thị Hoa"
    assert member.branch == world.branch
    assert member.phone == "0912345678"
    assert member.federation_member is True
    assert body["full_name"] == "Võ Thị Hoa"
    assert body["date_of_birth"] == "2005-01-02"
    assert body["joined_union_on"] == "2021-03-26"
    assert body["member_code"] == member.member_code
    assert body["branch"] == {
        "id": world.branch.pk,
        "name": "Chi đoàn 12A1",
        "code": "TN-TA-THPT-12A1",
    }
    assert body["id_number_masked"] == "•••••••••234"
    assert body["id_number"] is None
    assert body["status"] == "active"


def test_it_counts_the_new_member_up_the_tree(api_client, world):
    api_client(world.secretary).post(url(world.branch), new_member())

    for unit, count in ((world.branch, 3), (world.base, 4), (world.province, 5)):
        assert member_counts.now(unit) == count


def test_it_records_who_created_it(api_client, world):
    body = api_client(world.secretary).post(url(world.branch), new_member()).json()

    event = AuditEvent.objects.get(action="member.created", target_id=body["id"])
    assert event.actor == world.secretary


def test_a_cadre_above_may_create(api_client, world):
    response = api_client(world.province_cadre).post(url(world.branch2), new_member())

    assert response.status_code == 201


def test_outsider_gets_404(api_client, world):
    before = snapshot()

    response = api_client(world.outsider).post(url(world.branch), new_member())

    assert response.status_code == 404
    assert snapshot() == before


def test_the_member_gets_404(api_client, world):
    assert api_client(world.member_user).post(url(world.branch), new_member()).status_code == 404


def test_a_viewer_gets_403(api_client, world):
    viewer = make_user("viewer")
    role_grant(actor=None, user=viewer, unit=world.base, role="viewer")
    before = snapshot()

    response = api_client(viewer).post(url(world.branch), new_member())

    assert response.status_code == 403
    assert fields(response) == []
    assert snapshot() == before


def test_a_union_is_not_a_branch(api_client, world):
    before = snapshot()

    response = api_client(world.base_cadre).post(url(world.base), new_member())

    assert response.status_code == 400
    assert fields(response) == ["branch"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"id_number": "12345"}, "id_number"),
        ({"id_number": "07930500123A"}, "id_number"),
        ({"joined_union_on": "01/01/2020"}, "joined_union_on"),  # 14 years old
        ({"date_of_birth": "1980-05-05", "joined_union_on": "2017-01-01"}, "joined_union_on"),
        ({"date_of_birth": "31/02/2020"}, "date_of_birth"),
        ({"joined_union_on": "2021-13-01"}, "joined_union_on"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "0912"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"sex": "other"}, "sex"),
        ({"full_name": "   "}, "full_name"),
    ],
)
def test_bad_data_gets_400_naming_the_field(api_client, world, overrides, field):
    before = snapshot()

    response = api_client(world.secretary).post(url(world.branch), new_member(**overrides))

    assert response.status_code == 400
    assert fields(response) == [field]
    assert snapshot() == before


def test_a_duplicate_id_number_names_the_branch_that_has_it_to_those_who_see_it(api_client, world):
    before = snapshot()

    response = api_client(world.base_cadre).post(
        url(world.branch), new_member(id_number=world.member_in_branch2.id_number)
    )

    assert response.status_code == 400
    assert fields(response) == ["id_number"]
    assert "Chi đoàn 12A2" in response.json()["errors"][0]["message"]
    assert snapshot() == before


def test_a_duplicate_id_number_out_of_sight_names_nothing(api_client, world):
    """The secretary does not see the sibling branch: she learns that the number is taken, not
    where; the refusal itself is recorded (tests/members/test_duplicate_ids.py)."""
    members, spans, events, counts = snapshot()

    response = api_client(world.secretary).post(
        url(world.branch), new_member(id_number=world.member_in_branch2.id_number)
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "id_number",
            "message": "Số CCCD/CMND này đã có trong hệ thống; liên hệ Đoàn cấp trên.",
        }
    ]
    assert snapshot() == (members, spans, events + 1, counts)
    assert AuditEvent.objects.latest("id").action == "member.duplicate_id_refused"


def test_missing_required_fields_are_all_named(api_client, world):
    """Marked required in the schema, checked after access: 400 naming every one missing."""
    before = snapshot()
    response = api_client(world.secretary).post(url(world.branch), {"phone": "0912345678"})

    assert response.status_code == 400
    assert snapshot() == before
    assert sorted(fields(response)) == sorted(
        ["full_name", "date_of_birth", "sex", "id_number", "joined_union_on"]
    )


def test_the_schema_marks_the_required_fields(client, db):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert sorted(schema["MemberCreateIn"]["required"]) == sorted(
        ["full_name", "date_of_birth", "sex", "id_number", "joined_union_on"]
    )
    assert "required" not in schema["MemberIn"]  # a change sends any subset


def test_several_broken_rules_are_named_together(api_client, world):
    response = api_client(world.secretary).post(
        url(world.branch), new_member(id_number="1", phone="1", date_of_birth="x")
    )

    assert response.status_code == 400
    assert sorted(fields(response)) == ["date_of_birth", "id_number", "phone"]


def test_unknown_fields_get_422(api_client, world):
    before = snapshot()

    response = api_client(world.secretary).post(
        url(world.branch), new_member(member_code="DV0000000001", branch=world.branch2.pk)
    )

    assert response.status_code == 422
    assert sorted(fields(response)) == ["branch", "member_code"]
    assert snapshot() == before


def test_wrongly_typed_values_get_422(api_client, world):
    response = api_client(world.secretary).post(
        url(world.branch), new_member(id_number=79305001234, honorary="perhaps")
    )

    assert response.status_code == 422
    assert sorted(fields(response)) == ["honorary", "id_number"]

from doanvien.accounts.services import role_grant
from doanvien.core import audit
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member

from ..factories import make_user
from .conftest import fields


def url(member):
    return f"/api/v1/members/{member.pk}"


def stored(member):
    return Member.objects.values().get(pk=member.pk)


def test_the_secretary_changes_the_phone(api_client, world):
    response = api_client(world.secretary).patch(url(world.member), {"phone": "0987 654 321"})

    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "0987654321"
    world.member.refresh_from_db()
    assert world.member.phone == "0987654321"


def test_the_change_is_recorded(api_client, world):
    old_phone = world.member.phone

    api_client(world.secretary).patch(url(world.member), {"phone": "0987654321"})

    event = AuditEvent.objects.get(action="member.updated", target_id=world.member.pk)
    assert event.actor == world.secretary
    assert event.changes == {"phone": None}  # the values are kept apart (AuditPersonal)
    assert audit.shown([event])[0].details == {"phone": [old_phone, "0987654321"]}


def test_other_fields_keep_their_values(api_client, world):
    before = stored(world.member)

    api_client(world.secretary).patch(url(world.member), {"occupation": "Học sinh"})

    after = stored(world.member)
    assert after.pop("occupation") == "Học sinh"
    before.pop("occupation")
    after.pop("updated_at")
    before.pop("updated_at")
    assert after == before


def test_it_returns_the_record_without_the_full_number(api_client, world):
    body = api_client(world.secretary).patch(url(world.member), {"religion": "Không"}).json()

    assert body["religion"] == "Không"
    assert body["id_number"] is None
    assert body["id_number_masked"] == world.member.id_number_masked


def test_dates_may_be_typed_either_way(api_client, world):
    client = api_client(world.secretary)

    client.patch(url(world.member), {"id_issued_on": "15/06/2022"})
    world.member.refresh_from_db()
    assert world.member.id_issued_on.isoformat() == "2022-06-15"

    client.patch(url(world.member), {"id_issued_on": "2022-06-16"})
    world.member.refresh_from_db()
    assert world.member.id_issued_on.isoformat() == "2022-06-16"


def test_an_empty_change_changes_nothing(api_client, world):
    before = stored(world.member)

    response = api_client(world.secretary).patch(url(world.member), {})

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="member.updated").exists()
    assert stored(world.member)["phone"] == before["phone"]


def test_a_cadre_above_may_change(api_client, world):
    response = api_client(world.base_cadre).patch(url(world.member_in_branch2), {"phone": ""})

    assert response.status_code == 200
    world.member_in_branch2.refresh_from_db()
    assert world.member_in_branch2.phone == ""


def test_member_user_gets_403(api_client, world):
    before = stored(world.member)

    response = api_client(world.member_user).patch(url(world.member), {"phone": "0987654321"})

    assert response.status_code == 403
    assert fields(response) == []
    assert stored(world.member) == before
    assert not AuditEvent.objects.filter(action="member.updated").exists()


def test_a_viewer_gets_403(api_client, world):
    viewer = make_user("viewer")
    role_grant(actor=None, user=viewer, unit=world.base, role="viewer")

    response = api_client(viewer).patch(url(world.member), {"phone": "0987654321"})

    assert response.status_code == 403


def test_outsider_gets_404(api_client, world):
    before = stored(world.member)

    response = api_client(world.outsider).patch(url(world.member), {"phone": "0987654321"})

    assert response.status_code == 404
    assert stored(world.member) == before


def test_a_bad_phone_gets_400_and_changes_nothing(api_client, world):
    before = stored(world.member)

    response = api_client(world.secretary).patch(
        url(world.member), {"phone": "12345", "occupation": "Thợ điện"}
    )

    assert response.status_code == 400
    assert fields(response) == ["phone"]
    assert stored(world.member) == before
    assert not AuditEvent.objects.filter(action="member.updated").exists()


def test_a_required_field_cannot_be_emptied(api_client, world):
    response = api_client(world.secretary).patch(url(world.member), {"full_name": ""})

    assert response.status_code == 400
    assert fields(response) == ["full_name"]


def test_an_id_number_of_another_member_gets_400(api_client, world):
    response = api_client(world.secretary).patch(
        url(world.member), {"id_number": world.member2.id_number}
    )

    assert response.status_code == 400
    assert fields(response) == ["id_number"]
    assert "Chi đoàn 12A1" in response.json()["errors"][0]["message"]


def test_an_admission_date_out_of_age_gets_400(api_client, world):
    response = api_client(world.secretary).patch(
        url(world.member),
        {
            "joined_union_on": world.member.date_of_birth.replace(
                year=world.member.date_of_birth.year + 10
            ).isoformat()
        },
    )

    assert response.status_code == 400
    assert fields(response) == ["joined_union_on"]


def test_fields_that_are_not_editable_get_422(api_client, world):
    before = stored(world.member)

    response = api_client(world.secretary).patch(
        url(world.member), {"member_code": "DV0000000001", "branch": world.branch2.pk}
    )

    assert response.status_code == 422
    assert sorted(fields(response)) == ["branch", "member_code"]
    assert stored(world.member) == before

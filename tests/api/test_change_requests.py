"""POST /api/v1/members/{id}/change-requests, GET /api/v1/units/{id}/change-requests and
POST /api/v1/change-requests/{id}/approve|reject."""

import pytest
from django.core.exceptions import ValidationError

from doanvien.members.models import Member
from doanvien.members.validation import clean_member_data
from doanvien.profiles.models import ChangeRequest

from .conftest import fields


def propose(api_client, world, changes, reason=""):
    return api_client(world.member_user).post(
        f"/api/v1/members/{world.member.pk}/change-requests",
        {"changes": changes, "reason": reason},
    )


def test_the_member_proposes_and_the_secretary_approves(api_client, world):
    created = propose(api_client, world, {"phone": "0912345678"})
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "open" and body["changes"] == {"phone": "0912345678"}

    queue = api_client(world.secretary).get(
        f"/api/v1/units/{world.branch.pk}/change-requests?state=open"
    )
    assert queue.status_code == 200
    items = queue.json()["items"]
    assert [i["id"] for i in items] == [body["id"]]
    assert items[0]["before"] == {"phone": world.member.phone}

    approved = api_client(world.secretary).post(f"/api/v1/change-requests/{body['id']}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert Member.objects.get(pk=world.member.pk).phone == "0912345678"
    again = api_client(world.secretary).post(f"/api/v1/change-requests/{body['id']}/approve")
    assert again.status_code == 409


def test_an_invalid_value_answers_the_fields_message(api_client, world):
    response = propose(api_client, world, {"phone": "12", "date_of_birth": "31/02/2004"})
    assert response.status_code == 400
    assert set(fields(response)) == {"phone", "date_of_birth"}
    with pytest.raises(ValidationError) as e:
        clean_member_data({"phone": "12", "date_of_birth": "31/02/2004"}, instance=world.member)
    messages = {err["field"]: err["message"] for err in response.json()["errors"]}
    assert messages["phone"] == " ".join(e.value.message_dict["phone"])
    assert messages["date_of_birth"] == " ".join(e.value.message_dict["date_of_birth"])
    assert not ChangeRequest.objects.exists()


def test_a_second_open_request_is_a_conflict(api_client, world):
    assert propose(api_client, world, {"phone": "0912345678"}).status_code == 201
    assert propose(api_client, world, {"email": "an@example.com"}).status_code == 409


def test_the_members_token_works_only_for_his_own_record(api_client, world):
    member = api_client(world.member_user)
    other = member.post(
        f"/api/v1/members/{world.member2.pk}/change-requests", {"changes": {"phone": "0912345678"}}
    )
    assert other.status_code == 404
    assert member.get(f"/api/v1/members/{world.member2.pk}/card").status_code == 404
    assert member.get(f"/api/v1/members/{world.member.pk}/card").status_code == 200
    # The secretary sees his record but does not propose for him.
    secretary = api_client(world.secretary).post(
        f"/api/v1/members/{world.member.pk}/change-requests", {"changes": {"phone": "0912345678"}}
    )
    assert secretary.status_code == 403
    assert not ChangeRequest.objects.exists()


def test_a_rejection_needs_a_reason(api_client, world):
    request_id = propose(api_client, world, {"phone": "0912345678"}).json()["id"]
    secretary = api_client(world.secretary)
    url = f"/api/v1/change-requests/{request_id}/reject"
    assert fields(secretary.post(url, {"reason": ""})) == ["reason"]
    rejected = secretary.post(url, {"reason": "Wrong number"})
    assert rejected.status_code == 200 and rejected.json()["decision_note"] == "Wrong number"
    decided = secretary.get(f"/api/v1/units/{world.branch.pk}/change-requests?state=rejected")
    assert [i["id"] for i in decided.json()["items"]] == [request_id]


def test_the_outsider_neither_sees_nor_decides(api_client, world):
    request_id = propose(api_client, world, {"phone": "0912345678"}).json()["id"]
    outsider = api_client(world.outsider)
    assert outsider.post(f"/api/v1/change-requests/{request_id}/approve").status_code == 404
    assert outsider.get(f"/api/v1/units/{world.branch.pk}/change-requests").status_code == 404
    assert ChangeRequest.objects.get().state == "open"

"""POST /api/v1/members/{id}/transfer, GET /api/v1/transfers/{id} and its accept, reject and
cancel: the request/accept/reject workflow between units."""

import pytest

from doanvien.members.models import Member, Transfer
from doanvien.members.services.transfers import transfer_request

from ..factories import make_user
from .conftest import fields

T = Transfer.State


@pytest.fixture
def receiver(world):
    return make_user("receiver", role="cadre", unit=world.other_base)


def open_request(world, to_unit=None):
    return transfer_request(
        actor=world.secretary,
        member=world.member,
        to_unit=to_unit or world.other_base,
        reason="Moved home",
    )


def url(transfer, action=""):
    return f"/api/v1/transfers/{transfer.pk}" + (f"/{action}" if action else "")


def test_the_secretary_requests_a_transfer_by_unit_code(api_client, world):
    response = api_client(world.secretary).post(
        f"/api/v1/members/{world.member.pk}/transfer",
        {"to_unit": world.other_base.code, "reason": "Moved home"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "requested"
    assert body["to_unit"] == {
        "id": world.other_base.pk,
        "name": world.other_base.name,
        "code": world.other_base.code,
        "level": "base",
    }
    assert body["from_branch"] == world.branch.name and body["to_branch"] is None
    assert Member.objects.get(pk=world.member.pk).branch == world.branch


def test_a_member_requests_his_own_transfer_by_unit_id(api_client, world):
    response = api_client(world.member_user).post(
        f"/api/v1/members/{world.member.pk}/transfer",
        {"to_unit": world.other_branch.pk, "reason": "Work"},
    )
    assert response.status_code == 201
    assert Transfer.objects.get(member=world.member).requested_by == world.member_user


def test_a_request_needs_a_known_unit_and_a_reason(api_client, world):
    client = api_client(world.secretary)
    path = f"/api/v1/members/{world.member.pk}/transfer"
    missing = client.post(path, {"reason": "x"})
    assert missing.status_code == 422 and fields(missing) == ["to_unit"]
    unknown = client.post(path, {"to_unit": "NOPE", "reason": "x"})
    assert unknown.status_code == 400 and fields(unknown) == ["to_unit"]
    no_reason = client.post(path, {"to_unit": world.other_base.code})
    assert no_reason.status_code == 400 and fields(no_reason) == ["reason"]
    own = client.post(path, {"to_unit": world.branch.pk, "reason": "x"})
    assert own.status_code == 400 and fields(own) == ["to_unit"]
    assert not Transfer.objects.exists()


def test_a_second_open_request_is_refused(api_client, world):
    open_request(world)
    response = api_client(world.secretary).post(
        f"/api/v1/members/{world.member.pk}/transfer",
        {"to_unit": world.branch2.pk, "reason": "x"},
    )
    assert response.status_code == 400


def test_the_receiving_cadre_sees_the_request_but_not_the_member_until_accepted(
    api_client, world, receiver
):
    transfer = open_request(world)
    client = api_client(receiver)
    member_url = f"/api/v1/members/{world.member.pk}"

    assert client.get(member_url).status_code == 404
    seen = client.get(url(transfer))
    assert seen.status_code == 200
    assert set(seen.json()["member"]) == {"id", "full_name", "date_of_birth", "member_code"}

    accepted = client.post(url(transfer, "accept"), {"branch": world.other_branch.pk})

    assert accepted.status_code == 200
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["to_branch"]["id"] == world.other_branch.pk
    assert client.get(member_url).status_code == 200
    assert Member.objects.get(pk=world.member.pk).branch == world.other_branch


def test_accept_needs_a_branch_inside_the_receiving_unit(api_client, world, receiver):
    transfer = open_request(world)
    client = api_client(receiver)
    missing = client.post(url(transfer, "accept"), {})
    assert missing.status_code == 422 and fields(missing) == ["branch"]
    outside = client.post(url(transfer, "accept"), {"branch": world.branch2.pk})
    assert outside.status_code == 400 and fields(outside) == ["branch"]
    assert Transfer.objects.get(pk=transfer.pk).state == T.REQUESTED


def test_illegal_transitions_answer_409(api_client, world, receiver):
    transfer = open_request(world)
    client = api_client(receiver)
    assert client.post(url(transfer, "reject"), {"reason": "No room"}).status_code == 200
    again = client.post(url(transfer, "accept"), {"branch": world.other_branch.pk})
    assert again.status_code == 409 and again.json()["detail"]
    assert client.post(url(transfer, "reject"), {"reason": "x"}).status_code == 409
    assert api_client(world.secretary).post(url(transfer, "cancel")).status_code == 409
    assert Member.objects.get(pk=world.member.pk).branch == world.branch


def test_reject_needs_a_reason(api_client, world, receiver):
    transfer = open_request(world)
    response = api_client(receiver).post(url(transfer, "reject"), {})
    assert response.status_code == 400 and fields(response) == ["reason"]


def test_the_requesting_side_cancels(api_client, world):
    transfer = open_request(world)
    response = api_client(world.member_user).post(url(transfer, "cancel"))
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert Member.objects.get(pk=world.member.pk).branch == world.branch


def test_the_member_and_the_sending_side_cannot_accept(api_client, world):
    transfer = open_request(world)
    for user in (world.member_user, world.secretary, world.base_cadre):
        response = api_client(user).post(url(transfer, "accept"), {"branch": 1})
        assert response.status_code == 403
    assert Transfer.objects.get(pk=transfer.pk).state == T.REQUESTED


def test_the_receiving_side_cannot_cancel(api_client, world, receiver):
    transfer = open_request(world)
    assert api_client(receiver).post(url(transfer, "cancel")).status_code == 403


def test_the_outsider_gets_404_everywhere(api_client, world):
    transfer = open_request(world, to_unit=world.branch2)
    client = api_client(world.outsider)
    assert client.get(url(transfer)).status_code == 404
    for action in ("accept", "reject", "cancel"):
        assert client.post(url(transfer, action), {}).status_code == 404
    response = client.post(
        f"/api/v1/members/{world.member.pk}/transfer",
        {"to_unit": world.other_branch.pk, "reason": "x"},
    )
    assert response.status_code == 404
    assert Transfer.objects.get(pk=transfer.pk).state == T.REQUESTED

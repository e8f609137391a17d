"""Residence-based and temporary attachments: the transfer's shape, but the member stays in his
home branch; the host sees him in its list until either side ends it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.actions.transfers import transfer_accept
from doanvien.members.models import Member, Movement, Transfer
from doanvien.members.selectors import active_attachment_of, attached_members
from doanvien.members.services.transfers import attachment_end, transfer_cancel, transfer_request

from ..api.conftest import ApiClient
from ..factories import make_user


@pytest.fixture
def host(world):
    """The secretary of the branch where the member lives (another base union)."""
    return make_user("host", role="secretary", unit=world.other_branch)


def attach(world, kind="residence"):
    transfer = transfer_request(
        actor=world.secretary,
        member=world.member2,
        to_unit=world.other_base,
        reason="Ở trọ tại xã Tân Hòa",
        kind=kind,
    )
    return transfer_accept(actor=None, transfer=transfer, branch=world.other_branch)


def test_an_accepted_attachment_keeps_the_member_in_his_branch(world, host):
    world.branch.refresh_from_db()
    world.other_branch.refresh_from_db()
    counts = (world.branch.member_count, world.other_branch.member_count)
    transfer = attach(world)
    member = Member.objects.get(pk=world.member2.pk)
    assert member.branch == world.branch
    world.branch.refresh_from_db()
    world.other_branch.refresh_from_db()
    assert (world.branch.member_count, world.other_branch.member_count) == counts
    assert not Movement.objects.exists()  # not a transfer in or out of anything
    assert active_attachment_of(member) == transfer
    assert list(attached_members(host, world.other_branch)) == [transfer]
    assert list(attached_members(world.secretary, world.other_branch)) == []  # out of her scope


def test_one_attachment_at_a_time_and_only_attachments_end(world):
    transfer = attach(world, kind="temporary")
    with pytest.raises(ValidationError):
        transfer_request(
            actor=None, member=world.member2, to_unit=world.base, reason="x", kind="residence"
        )
    moved = transfer_request(actor=None, member=world.member, to_unit=world.branch2, reason="x")
    with pytest.raises(ValidationError) as e:
        attachment_end(actor=None, transfer=moved)  # an open transfer request does not end
    assert e.value.code == "illegal_transition"
    transfer_cancel(actor=None, transfer=moved)
    ended = attachment_end(actor=None, transfer=transfer)
    assert ended.state == Transfer.State.ENDED and ended.ended_at is not None
    assert active_attachment_of(world.member2) is None
    with pytest.raises(ValidationError):
        attachment_end(actor=None, transfer=ended)


def test_the_host_sees_him_and_ends_it_from_the_pages(client, world, host):
    transfer = attach(world)
    client.force_login(host)
    page = client.get(
        reverse("members:unit-transfers", args=[world.other_branch.pk])
    ).content.decode()
    assert world.member2.full_name in page
    detail = client.get(reverse("members:transfer-detail", args=[transfer.pk])).content.decode()
    assert reverse("members:attachment-end", args=[transfer.pk]) in detail
    assert client.get(reverse("members:member-detail", args=[world.member2.pk])).status_code == 404
    assert client.post(reverse("members:attachment-end", args=[transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.ENDED


def test_the_member_page_says_where_he_also_takes_part(client, world):
    attach(world)
    client.force_login(world.secretary)
    page = client.get(reverse("members:member-detail", args=[world.member2.pk])).content.decode()
    assert 'id="attachment"' in page and world.other_branch.name in page


def test_the_form_and_the_api_ask_for_the_kind(client, world, host):
    client.force_login(world.secretary)
    response = client.post(
        reverse("members:member-transfer", args=[world.member2.pk]),
        {"kind": "temporary", "to_unit": world.other_base.code, "reason": "Thực tập"},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(member=world.member2)
    assert transfer.kind == "temporary"
    receiver = ApiClient(make_user("receiver", role="cadre", unit=world.other_base))
    body = receiver.post(
        f"/api/v1/transfers/{transfer.pk}/accept", {"branch": world.other_branch.pk}
    ).json()
    api = ApiClient(host)
    assert (body["kind"], body["state"]) == ("temporary", "accepted")
    assert Member.objects.get(pk=world.member2.pk).branch == world.branch
    assert api.post(f"/api/v1/transfers/{transfer.pk}/end", {}).json()["state"] == "ended"
    assert api.post(f"/api/v1/transfers/{transfer.pk}/end", {}).status_code == 409

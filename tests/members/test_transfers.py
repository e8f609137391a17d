"""Transfers between units: the service's state machine and rules, and the pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.actions.transfers import transfer_accept
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member, Membership, Transfer
from doanvien.members.selectors import incoming_transfers
from doanvien.members.services.transfers import (
    TRANSITIONS,
    transfer_cancel,
    transfer_reject,
    transfer_request,
)
from doanvien.units import member_counts
from doanvien.units.models import Unit
from doanvien.units.services import unit_deactivate

from ..factories import make_unit, make_user

T = Transfer.State


@pytest.fixture
def receiver(world):
    """A cadre of the receiving base union (the other base union: he cannot see world.member)."""
    return make_user("receiver", role="cadre", unit=world.other_base)


def request(world, **overrides):
    args = {
        "actor": world.secretary,
        "member": world.member,
        "to_unit": world.other_base,
        "reason": "Moved home to Tân Hòa",
    }
    args.update(overrides)
    return transfer_request(**args)


def count(unit):
    return member_counts.now(unit)


# --- The service ------------------------------------------------------------------------------


def test_a_request_leaves_the_member_where_he_is(world):
    transfer = request(world)

    assert transfer.state == T.REQUESTED
    assert transfer.from_branch == world.branch
    assert transfer.unit_path == world.branch.path
    assert transfer.to_path == world.other_base.path
    member = Member.objects.get(pk=world.member.pk)
    assert member.branch == world.branch and member.unit_path == world.branch.path
    assert AuditEvent.objects.filter(action="member.transfer_requested", target_id=member.pk)
    assert AuditEvent.objects.filter(action="transfer.requested", target_id=transfer.pk)


def test_only_one_request_may_be_open_per_member(world):
    request(world)
    with pytest.raises(ValidationError):
        request(world, to_unit=world.branch2)
    assert Transfer.objects.filter(member=world.member).count() == 1


def test_a_new_request_is_allowed_once_the_last_one_is_closed(world):
    transfer_cancel(actor=world.secretary, transfer=request(world))
    assert request(world, to_unit=world.branch2).state == T.REQUESTED


def test_the_receiving_unit_must_be_active_and_not_his_own_branch(world):
    with pytest.raises(ValidationError) as own:
        request(world, to_unit=world.branch)
    assert "to_unit" in own.value.message_dict
    other = make_unit(world.other_base, name="Chi đoàn Ấp 2", code="TN-TA-TH-A2")
    unit_deactivate(actor=None, unit=other)
    with pytest.raises(ValidationError) as inactive:
        request(world, to_unit=Unit.objects.get(pk=other.pk))
    assert "to_unit" in inactive.value.message_dict


def test_a_request_needs_a_reason(world):
    with pytest.raises(ValidationError) as e:
        request(world, reason="  ")
    assert "reason" in e.value.message_dict


ALL = [(state, action) for state in T.values for action in ("accept", "reject", "cancel")]


@pytest.mark.parametrize("state,action", ALL)
def test_every_transition_is_allowed_only_from_an_open_request(world, state, action):
    transfer = request(world)
    Transfer.objects.filter(pk=transfer.pk).update(state=state)
    transfer.refresh_from_db()
    calls = {
        "accept": lambda: transfer_accept(
            actor=world.province_cadre, transfer=transfer, branch=world.other_branch
        ),
        "reject": lambda: transfer_reject(
            actor=world.province_cadre, transfer=transfer, reason="No room"
        ),
        "cancel": lambda: transfer_cancel(actor=world.secretary, transfer=transfer),
    }
    if (state, action) in TRANSITIONS:
        assert calls[action]().state == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(ValidationError) as e:
            calls[action]()
        assert e.value.code == "illegal_transition"
        assert Transfer.objects.get(pk=transfer.pk).state == state


def test_the_transition_table_is_exactly_the_workflow():
    assert TRANSITIONS == {
        (T.REQUESTED, "accept"): T.ACCEPTED,
        (T.REQUESTED, "reject"): T.REJECTED,
        (T.REQUESTED, "cancel"): T.CANCELLED,
        (T.ACCEPTED, "end"): T.ENDED,  # attachments only
    }


def test_accepting_moves_the_member_with_his_counts_spans_and_registration(world, receiver):
    from doanvien.training import default_framework
    from doanvien.training.models import ContentArea, Criterion, Framework, Phase, Registration
    from doanvien.training.services.registrations import registration_start

    default_framework.install(Phase, Framework, ContentArea, Criterion)
    registration = registration_start(member=world.member, year=2026)
    before = {u.pk: count(u) for u in (world.branch, world.base, world.other_base, world.district)}
    transfer = request(world)

    done = transfer_accept(
        actor=receiver, transfer=transfer, branch=world.other_branch, on=date(2026, 11, 20)
    )

    assert done.state == T.ACCEPTED and done.to_branch == world.other_branch
    assert done.decided_by == receiver and done.decided_at
    member = Member.objects.get(pk=world.member.pk)
    assert member.branch == world.other_branch
    assert member.unit_path == world.other_branch.path
    assert count(world.branch) == before[world.branch.pk] - 1
    assert count(world.base) == before[world.base.pk] - 1
    assert count(world.other_base) == before[world.other_base.pk] + 1
    assert count(world.district) == before[world.district.pk]
    spans = list(Membership.objects.filter(member=member).order_by("started_on", "id"))
    assert spans[-2].branch == world.branch and spans[-2].ended_on == date(2026, 11, 20)
    assert spans[-1].branch == world.other_branch and spans[-1].started_on == date(2026, 11, 20)
    assert spans[-1].ended_on is None
    assert world.branch.name in spans[-1].reason and world.other_branch.name in spans[-1].reason
    moved = Registration.objects.get(pk=registration.pk)
    assert moved.branch == world.other_branch and moved.unit_path == world.other_branch.path
    assert AuditEvent.objects.filter(action="member.transfer_accepted", target_id=member.pk)
    assert AuditEvent.objects.filter(action="transfer.accepted", target_id=transfer.pk)


def test_the_branch_chosen_on_acceptance_must_be_an_active_branch_of_the_receiving_unit(world):
    transfer = request(world)
    for wrong in (world.branch2, world.other_base):
        with pytest.raises(ValidationError) as e:
            transfer_accept(actor=world.province_cadre, transfer=transfer, branch=wrong)
        assert "branch" in e.value.message_dict
    assert Transfer.objects.get(pk=transfer.pk).state == T.REQUESTED


@pytest.mark.parametrize("close", ["reject", "cancel"])
def test_reject_and_cancel_leave_him_where_he_was(world, close):
    before = (count(world.branch), count(world.other_base))
    transfer = request(world)
    if close == "reject":
        done = transfer_reject(actor=world.province_cadre, transfer=transfer, reason="No room")
        assert done.state == T.REJECTED and done.decision_note == "No room"
    else:
        assert transfer_cancel(actor=world.secretary, transfer=transfer).state == T.CANCELLED
    member = Member.objects.get(pk=world.member.pk)
    assert member.branch == world.branch
    assert (count(world.branch), count(world.other_base)) == before
    assert member.memberships.filter(ended_on__isnull=True).get().branch == world.branch


def test_a_rejection_needs_a_reason(world):
    transfer = request(world)
    with pytest.raises(ValidationError) as e:
        transfer_reject(actor=world.province_cadre, transfer=transfer, reason="")
    assert "reason" in e.value.message_dict


def test_incoming_requests_are_those_addressed_inside_the_users_scope(world, receiver):
    transfer = request(world)
    assert list(incoming_transfers(receiver, world.other_base)) == [transfer]
    assert list(incoming_transfers(world.outsider, world.other_branch)) == []
    assert list(incoming_transfers(world.base_cadre, world.base)) == []


# --- The pages --------------------------------------------------------------------------------


def test_the_member_page_offers_the_transfer_and_shows_the_open_request(client, world):
    client.force_login(world.secretary)
    html = client.get(reverse("members:member-detail", args=[world.member.pk])).content.decode()
    assert reverse("members:member-transfer", args=[world.member.pk]) in html
    transfer = request(world)
    html = client.get(reverse("members:member-detail", args=[world.member.pk])).content.decode()
    assert reverse("members:transfer-detail", args=[transfer.pk]) in html


def test_a_member_requests_his_own_transfer_by_unit_code(client, world):
    client.force_login(world.member_user)
    url = reverse("members:member-transfer", args=[world.member.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"to_unit": world.other_base.code.lower(), "reason": "Work"})
    transfer = Transfer.objects.get(member=world.member)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:transfer-detail", args=[transfer.pk])
    assert transfer.to_unit == world.other_base and transfer.requested_by == world.member_user


def test_an_unknown_unit_code_is_a_form_error(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-transfer", args=[world.member.pk])
    response = client.post(url, {"to_unit": "NOPE", "reason": "Work"})
    assert response.status_code == 200
    assert response.context["form"].errors["to_unit"]
    assert not Transfer.objects.exists()


@pytest.fixture
def far_unit(world):
    """A unit in another province, which nobody of `world` sees."""
    province = make_unit(name="Tỉnh đoàn Sông Xa", code="SXA", level="province")
    return make_unit(province, name="Đoàn phường Bến Đò", code="SXA-BD", level="base")


def test_the_receiving_unit_is_found_anywhere_by_its_name_without_diacritics(
    client, world, far_unit
):
    client.force_login(world.member_user)
    url = reverse("members:transfer-units-found", args=[world.member.pk])
    html = client.get(url, {"to_unit": "ben do"}).content.decode()
    assert "Đoàn phường Bến Đò" in html and 'value="SXA-BD"' in html
    assert "Tỉnh đoàn Sông Xa" in html  # its parent tells two units of one name apart
    assert "Bến Đò" in client.get(url, {"to_unit": "sxa-b"}).content.decode()  # by code
    assert 'class="empty"' in client.get(url, {"to_unit": "zzzz"}).content.decode()
    # Only for whoever may request this member's transfer (404 outside the scope).
    other = reverse("members:transfer-units-found", args=[world.member2.pk])
    assert client.get(other, {"to_unit": "ben do"}).status_code == 404


def test_without_script_find_and_choose_fill_the_unit_and_request_nothing(client, world, far_unit):
    client.force_login(world.secretary)
    url = reverse("members:member-transfer", args=[world.member.pk])
    found = client.post(url, {"to_unit": "Ben Do", "reason": "", "find": "1"})
    form = found.context["form"]
    assert [u for u, _parent in form.found] == [far_unit]
    assert set(form.errors) == {"to_unit"}  # the empty reason is not complained about yet
    chosen = client.post(url, {"to_unit": "Ben Do", "reason": "", "pick_unit": "SXA-BD"})
    assert chosen.context["form"].chosen[0] == far_unit and not chosen.context["form"].errors
    assert 'value="SXA-BD"' in chosen.content.decode()
    assert not Transfer.objects.exists()
    done = client.post(url, {"to_unit": "SXA-BD", "reason": "Chuyển nơi làm việc"})
    assert done.status_code == 302
    assert Transfer.objects.get(member=world.member).to_unit == far_unit


def test_a_name_typed_without_choosing_lists_the_units_and_requests_nothing(
    client, world, far_unit
):
    client.force_login(world.secretary)
    url = reverse("members:member-transfer", args=[world.member.pk])
    response = client.post(url, {"to_unit": "ben do", "reason": "Chuyển nơi làm việc"})
    assert response.status_code == 200
    assert response.context["form"].errors["to_unit"]
    assert 'name="pick_unit" value="SXA-BD"' in response.content.decode()
    assert not Transfer.objects.exists()


def test_a_member_cannot_request_for_another_member(client, world):
    client.force_login(world.member_user)
    url = reverse("members:member-transfer", args=[world.member2.pk])
    assert client.post(url, {"to_unit": world.other_base.code, "reason": "x"}).status_code == 404


def test_the_receiving_cadre_decides_without_seeing_the_record_first(client, world, receiver):
    transfer = request(world)
    client.force_login(receiver)
    member_url = reverse("members:member-detail", args=[world.member.pk])
    assert client.get(member_url).status_code == 404
    page = client.get(reverse("members:unit-transfers", args=[world.other_base.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and world.member.full_name in html
    assert world.member.member_code in html and world.branch.name in html
    assert world.member.phone not in html and world.member.id_number not in html
    detail = client.get(reverse("members:transfer-detail", args=[transfer.pk]))
    assert detail.status_code == 200 and member_url not in detail.content.decode()

    response = client.post(
        reverse("members:transfer-accept", args=[transfer.pk]), {"branch": world.other_branch.pk}
    )

    assert response.status_code == 302 and response["Location"] == member_url
    assert client.get(member_url).status_code == 200
    assert Member.objects.get(pk=world.member.pk).branch == world.other_branch


def test_the_receiving_cadre_rejects_with_a_reason(client, world, receiver):
    transfer = request(world)
    client.force_login(receiver)
    url = reverse("members:transfer-reject", args=[transfer.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "No room"}).status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).state == T.REJECTED


def test_accepting_twice_is_refused_with_a_message(client, world, receiver):
    transfer = request(world)
    transfer_reject(actor=receiver, transfer=transfer, reason="No")
    client.force_login(receiver)
    response = client.post(
        reverse("members:transfer-accept", args=[transfer.pk]),
        {"branch": world.other_branch.pk},
        follow=True,
    )
    assert "Không thể" in response.content.decode() or "Cannot" in response.content.decode()
    assert Transfer.objects.get(pk=transfer.pk).state == T.REJECTED


def test_the_outsider_neither_sees_nor_acts(client, world):
    transfer = request(world, to_unit=world.branch2)
    client.force_login(world.outsider)
    assert client.get(reverse("members:transfer-detail", args=[transfer.pk])).status_code == 404
    for name in ("transfer-accept", "transfer-reject", "transfer-cancel"):
        response = client.post(
            reverse(f"members:{name}", args=[transfer.pk]),
            {"branch": world.branch2.pk, "reason": "x"},
        )
        assert response.status_code == 404
    assert Transfer.objects.get(pk=transfer.pk).state == T.REQUESTED


def test_the_member_sees_his_request_but_cannot_accept_it(client, world):
    transfer = request(world)
    client.force_login(world.member_user)
    assert client.get(reverse("members:transfer-detail", args=[transfer.pk])).status_code == 200
    response = client.post(
        reverse("members:transfer-accept", args=[transfer.pk]), {"branch": world.other_branch.pk}
    )
    assert response.status_code == 403
    assert client.post(reverse("members:transfer-cancel", args=[transfer.pk])).status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).state == T.CANCELLED


def test_the_sending_secretary_cannot_accept_her_own_request(client, world):
    transfer = request(world)
    client.force_login(world.secretary)
    response = client.post(
        reverse("members:transfer-accept", args=[transfer.pk]), {"branch": world.other_branch.pk}
    )
    assert response.status_code == 403


def test_the_committee_of_a_receiving_branch_accepts_into_it(client, world):
    transfer = request(world, to_unit=world.other_branch)
    # world.outsider is the secretary of world.other_branch.
    client.force_login(world.outsider)
    page = client.get(reverse("members:unit-transfers", args=[world.other_branch.pk]))
    assert world.member.full_name in page.content.decode()
    response = client.post(
        reverse("members:transfer-accept", args=[transfer.pk]), {"branch": world.other_branch.pk}
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=world.member.pk).branch == world.other_branch


def test_the_sending_unit_lists_its_outgoing_requests(client, world):
    transfer = request(world)
    client.force_login(world.base_cadre)
    html = client.get(reverse("members:unit-transfers", args=[world.base.pk])).content.decode()
    assert reverse("members:transfer-detail", args=[transfer.pk]) in html
    assert reverse("members:transfer-cancel", args=[transfer.pk]) in html

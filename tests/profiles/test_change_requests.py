"""A member proposes changes to his own record; his branch committee approves (the values go
through the member write, audited) or rejects them with a reason. One open request per
member; the values keep the member form's rules and messages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.actions.members import member_update
from doanvien.actions.profiles import change_request_approve
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member
from doanvien.members.validation import clean_member_data
from doanvien.notifications.models import Kind, Notification
from doanvien.profiles.models import ChangeRequest
from doanvien.profiles.services import change_request_reject, change_request_submit

from ..factories import make_user

S = ChangeRequest.State


def submit(world, **changes):
    reason = changes.pop("reason", "")
    return change_request_submit(
        actor=world.member_user, member=world.member, changes=changes, reason=reason
    )


def message_of_the_member_form(member, **data) -> dict:
    with pytest.raises(ValidationError) as e:
        clean_member_data(data, instance=member)
    return e.value.message_dict


def test_a_member_proposes_a_new_phone_and_nothing_changes_until_approved(world):
    old = world.member.phone
    request = submit(world, phone="0912 345 678", email=world.member.email)

    assert request.state == S.OPEN
    assert request.changes == {"phone": "0912345678"}  # the e-mail did not change: left out
    assert request.before == {"phone": old}
    assert Member.objects.get(pk=world.member.pk).phone == old
    assert AuditEvent.objects.filter(
        action="member.change_requested", target_id=world.member.pk
    ).exists()


def test_the_secretary_approves_and_the_record_takes_the_values(world):
    request = submit(world, phone="0912345678", date_of_birth="14/03/2004", reason="Birth paper")

    change_request_approve(actor=world.secretary, change_request=request)

    member = Member.objects.get(pk=world.member.pk)
    assert member.phone == "0912345678" and member.date_of_birth == date(2004, 3, 14)
    request.refresh_from_db()
    assert request.state == S.APPROVED and request.decided_by == world.secretary
    update = AuditEvent.objects.get(action="member.updated", target_id=member.pk)
    assert update.actor == world.secretary and "phone" in update.changes
    assert AuditEvent.objects.filter(action="member.change_approved").exists()


def test_a_rejection_needs_a_reason_and_leaves_the_record(world):
    request = submit(world, phone="0912345678")
    with pytest.raises(ValidationError) as e:
        change_request_reject(actor=world.secretary, change_request=request, reason=" ")
    assert "reason" in e.value.message_dict

    change_request_reject(actor=world.secretary, change_request=request, reason="Not his number")

    request.refresh_from_db()
    assert request.state == S.REJECTED and request.decision_note == "Not his number"
    assert Member.objects.get(pk=world.member.pk).phone != "0912345678"


def test_an_invalid_value_gets_the_member_forms_message(world):
    with pytest.raises(ValidationError) as e:
        submit(world, phone="12345", email="not-an-address")
    expected = message_of_the_member_form(world.member, phone="12345", email="not-an-address")
    assert e.value.message_dict["phone"] == expected["phone"]
    assert e.value.message_dict["email"] == expected["email"]
    assert not ChangeRequest.objects.exists()


def test_a_field_outside_the_list_and_an_empty_request_are_refused(world):
    with pytest.raises(ValidationError) as e:
        submit(world, joined_union_on="01/01/2019")
    assert "joined_union_on" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        submit(world, phone=world.member.phone)
    assert "changes" in e.value.message_dict
    assert not ChangeRequest.objects.exists()


def test_a_new_name_or_date_of_birth_needs_a_reason(world):
    with pytest.raises(ValidationError) as e:
        submit(world, full_name="Nguyễn Văn Ân")
    assert "reason" in e.value.message_dict
    request = submit(world, full_name="Nguyễn Văn Ân", reason="Name corrected at birth registry")
    assert request.changes == {"full_name": "Nguyễn Văn Ân"}


def test_one_open_request_per_member(world):
    submit(world, phone="0912345678")
    with pytest.raises(ValidationError) as e:
        submit(world, email="an@example.com")
    assert e.value.code == "illegal_transition"
    assert ChangeRequest.objects.count() == 1


def test_a_decided_request_cannot_be_decided_again(world):
    request = submit(world, phone="0912345678")
    change_request_approve(actor=world.secretary, change_request=request)
    with pytest.raises(ValidationError) as e:
        change_request_reject(actor=world.secretary, change_request=request, reason="Late")
    assert e.value.code == "illegal_transition"
    # and a new request may follow the decided one
    assert submit(world, email="an@example.com").state == S.OPEN


def test_an_id_number_taken_meanwhile_refuses_the_approval_and_keeps_the_request(world):
    request = submit(world, id_number="079204999999")
    Member.objects.filter(pk=world.member2.pk).update(id_number="079204999999")

    with pytest.raises(ValidationError) as e:
        change_request_approve(actor=world.secretary, change_request=request)

    assert "id_number" in e.value.message_dict
    request.refresh_from_db()
    assert request.state == S.OPEN
    assert Member.objects.get(pk=world.member.pk).id_number != "079204999999"


# --- The pages --------------------------------------------------------------------------------


def test_the_member_sends_a_request_from_his_page_and_sees_its_state(client, world):
    client.force_login(world.member_user)
    url = reverse("profiles:member-change-request", args=[world.member.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is not None
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}

    bad = client.post(url, {**data, "phone": "0123"})
    assert bad.status_code == 400
    assert (
        bad.context["form"].errors["phone"]
        == message_of_the_member_form(world.member, phone="0123")["phone"]
    )

    sent = client.post(url, {**data, "phone": "0987654321"})
    assert sent.status_code == 302
    request = ChangeRequest.objects.get()
    assert request.changes == {"phone": "0987654321"}
    shown = client.get(url)
    assert shown.context["form"] is None  # waiting: no second request
    assert "0987654321" in shown.content.decode()


def test_only_the_member_himself_proposes(client, world):
    client.force_login(world.secretary)
    url = reverse("profiles:member-change-request", args=[world.member.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"phone": "0987654321"}).status_code == 403
    client.force_login(world.member_user)
    other = reverse("profiles:member-change-request", args=[world.member2.pk])
    assert client.get(other).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_a_member_who_left_proposes_nothing(client, world):
    client.force_login(world.member_user)
    member_update(actor=None, member=world.member, data={"status": "removed"})
    url = reverse("profiles:member-change-request", args=[world.member.pk])
    # Leaving the roll closes his account (member_accounts): he is sent to the log-in page.
    for response in (client.get(url), client.post(url, {"phone": "0987654321"})):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ChangeRequest.objects.exists()


def test_the_unit_page_links_the_queue_for_those_who_decide(client, world):
    queue = reverse("profiles:unit-change-requests", args=[world.branch.pk])
    client.force_login(world.secretary)
    assert (
        queue in client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    )


def test_the_queue_shows_old_and_new_values_and_the_secretary_approves(client, world):
    request = submit(world, phone="0912345678", id_number="079204777777")
    client.force_login(world.secretary)
    queue = reverse("profiles:unit-change-requests", args=[world.branch.pk])
    html = client.get(queue).content.decode()
    assert world.member.full_name in html and world.member.phone in html and "0912345678" in html

    approve = reverse("profiles:change-request-approve", args=[request.pk])
    response = client.post(approve, {"next": queue})
    assert response.status_code == 302 and response["Location"] == queue
    assert Member.objects.get(pk=world.member.pk).phone == "0912345678"
    assert not client.get(queue).context["items"]  # nothing waits any more


def test_a_committee_member_sees_the_id_number_masked(client, world):
    submit(world, id_number="079204777777")
    committee = make_user("committee", role="committee", unit=world.branch)
    client.force_login(committee)
    html = client.get(
        reverse("profiles:unit-change-requests", args=[world.branch.pk])
    ).content.decode()
    assert "079204777777" not in html and "•••777" in html


def test_the_secretary_rejects_with_a_reason_from_the_queue(client, world):
    request = submit(world, phone="0912345678")
    client.force_login(world.secretary)
    url = reverse("profiles:change-request-reject", args=[request.pk])
    client.post(url, {"reason": ""})
    assert ChangeRequest.objects.get().state == S.OPEN
    client.post(url, {"reason": "Số không đúng"})
    assert ChangeRequest.objects.get().state == S.REJECTED
    client.force_login(world.member_user)
    page = client.get(reverse("profiles:member-change-request", args=[world.member.pk]))
    assert "Số không đúng" in page.content.decode() and page.context["form"] is not None


def test_the_outsider_and_the_member_cannot_decide(client, world):
    request = submit(world, phone="0912345678")
    for user, status in ((world.outsider, 404), (world.member_user, 403)):
        client.force_login(user)
        url = reverse("profiles:change-request-approve", args=[request.pk])
        assert client.post(url).status_code == status
        queue = reverse("profiles:unit-change-requests", args=[world.branch.pk])
        assert client.get(queue).status_code == 404
    assert ChangeRequest.objects.get().state == S.OPEN


def test_the_admin_lists_requests_without_changing_them(client, world):
    request = submit(world, phone="0912345678")
    client.force_login(world.superuser)
    assert client.get(reverse("admin:profiles_changerequest_changelist")).status_code == 200
    url = reverse("admin:profiles_changerequest_change", args=[request.pk])
    client.post(url, {"state": "approved"})
    assert ChangeRequest.objects.get().state == S.OPEN


def test_the_member_is_told_of_the_decision(world):
    approved = submit(world, phone="0912345678")
    change_request_approve(actor=world.secretary, change_request=approved)
    rejected = submit(world, phone="0987654321")
    change_request_reject(actor=world.secretary, change_request=rejected, reason="Sai số")
    told = Notification.objects.filter(user=world.member_user, kind=Kind.CHANGE_REQUEST_DECIDED)
    assert told.count() == 2
    assert {n.url for n in told} == {
        reverse("profiles:member-change-request", args=[world.member.pk])
    }
    assert not Notification.objects.filter(user=world.secretary).exists()

"""Removal, expulsion, maturing out and the recorded correction: states, counts, roll-ups,
the movement ledger, the audit trail, and the pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doanvien.actions.members import member_mature_out, member_reinstate, member_remove
from doanvien.core.models import AuditEvent
from doanvien.members.models import Membership, Movement, Status
from doanvien.members.selectors import members_reaching_age_limit
from doanvien.members.services.lifecycle import member_honorary_set
from doanvien.units import member_counts

from ..factories import make_member


def counts(world):
    return tuple(member_counts.now(u) for u in (world.branch, world.base, world.province))


def test_removal_takes_him_off_the_roll_with_his_span_counts_ledger_and_audit(world):
    before = counts(world)
    on = timezone.localdate() - timedelta(days=3)
    member = member_remove(
        actor=world.secretary, member=world.member2, on=on, reason="Bỏ sinh hoạt 6 tháng"
    )
    assert (member.status, member.left_on) == (Status.REMOVED, on)
    assert counts(world) == tuple(n - 1 for n in before)
    span = Membership.objects.get(member=member)
    assert span.ended_on == on
    movement = Movement.objects.get(member=member)
    assert (movement.kind, movement.on, movement.unit_path) == ("removed", on, world.branch.path)
    event = AuditEvent.objects.get(action="member.removed")
    assert event.summary == "Bỏ sinh hoạt 6 tháng" and event.actor == world.secretary


def test_expulsion_is_its_own_kind_and_a_reason_is_required(world):
    with pytest.raises(ValidationError) as e:
        member_remove(actor=None, member=world.member2, on=date.today(), reason=" ")
    assert "reason" in e.value.message_dict
    member_remove(
        actor=None, member=world.member2, on=timezone.localdate(), reason="Vi phạm", expelled=True
    )
    assert Movement.objects.get(member=world.member2).kind == "expelled"


def test_nobody_leaves_twice_or_in_the_future(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError):
        member_remove(actor=None, member=world.member2, on=tomorrow, reason="x")
    member_remove(actor=None, member=world.member2, on=timezone.localdate(), reason="x")
    with pytest.raises(ValidationError) as e:
        member_remove(actor=None, member=world.member2, on=timezone.localdate(), reason="x")
    assert e.value.code == "illegal_transition"


def test_maturing_out_only_from_the_year_he_reaches_the_age_limit(world):
    today = timezone.localdate()
    young = make_member(world.branch, date_of_birth=date(today.year - 25, 1, 1))
    with pytest.raises(ValidationError) as e:
        member_mature_out(actor=None, member=young, on=today)
    assert str(today.year + 5) in e.value.messages[0]
    old = make_member(
        world.branch,
        date_of_birth=date(today.year - 30, 12, 31),
        joined_union_on=date(today.year - 12, 1, 1),
    )
    reaching = members_reaching_age_limit(world.province, today.year)
    assert list(reaching) == [old]
    member_mature_out(actor=None, member=old, on=today)
    old.refresh_from_db()
    assert old.status == Status.MATURED_OUT
    assert not members_reaching_age_limit(world.province, today.year).exists()


def test_the_correction_brings_him_back_and_is_recorded(world):
    before = counts(world)
    member_remove(actor=None, member=world.member2, on=timezone.localdate(), reason="x")
    with pytest.raises(ValidationError):
        member_reinstate(actor=world.base_cadre, member=world.member2, reason="")
    member = member_reinstate(actor=world.base_cadre, member=world.member2, reason="Xóa tên nhầm")
    assert (member.status, member.left_on) == (Status.ACTIVE, None)
    assert counts(world) == before
    assert Membership.objects.filter(member=member, ended_on__isnull=True).count() == 1
    kinds = list(
        Movement.objects.filter(member=member).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["removed", "reinstated"]
    with pytest.raises(ValidationError) as e:
        member_reinstate(actor=None, member=member, reason="again")
    assert e.value.code == "illegal_transition"


def test_the_secretary_removes_a_member_from_his_page(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-leave", args=[world.member2.pk])
    bad = client.post(url, {"kind": "removed", "on": "31/02/2026", "reason": "x"})
    assert bad.status_code == 200
    world.member2.refresh_from_db()
    assert world.member2.status == Status.ACTIVE  # nothing written on bad input
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = client.post(url, {"kind": "removed", "on": today, "reason": "Chuyển đi nơi khác"})
    assert response.status_code == 302
    world.member2.refresh_from_db()
    assert world.member2.status == Status.REMOVED
    page = client.get(reverse("members:member-detail", args=[world.member2.pk])).content.decode()
    assert reverse("members:member-reinstate", args=[world.member2.pk]) in page


def test_a_member_cannot_remove_anyone(client, world):
    client.force_login(world.member_user)
    assert client.get(reverse("members:member-leave", args=[world.member.pk])).status_code == 403


def test_the_base_union_matures_out_the_members_ticked_all_or_none(client, world):
    today = timezone.localdate()
    old = make_member(
        world.branch,
        date_of_birth=date(today.year - 30, 6, 1),
        joined_union_on=date(today.year - 12, 1, 1),
    )
    client.force_login(world.base_cadre)
    url = reverse("members:unit-maturing", args=[world.base.pk])
    page = client.get(url).content.decode()
    assert old.full_name in page and world.member.full_name not in page
    # A member too young ticked with him (a forged form): nobody matures out.
    response = client.post(
        url, {"member": [old.pk, world.member.pk], "on": today.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 200
    old.refresh_from_db()
    assert old.status == Status.ACTIVE
    response = client.post(url, {"member": [old.pk], "on": today.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == Status.MATURED_OUT


def test_honorary_membership_is_a_recorded_act_both_ways(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-honorary", args=[world.member2.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # the reason is required
    world.member2.refresh_from_db()
    assert not world.member2.honorary
    assert client.post(url, {"reason": "Nhiều đóng góp cho phong trào"}).status_code == 302
    world.member2.refresh_from_db()
    assert world.member2.honorary
    assert AuditEvent.objects.filter(action="member.honorary_granted").count() == 1
    assert client.post(url, {"reason": "Đính chính"}).status_code == 302
    world.member2.refresh_from_db()
    assert not world.member2.honorary
    with pytest.raises(ValidationError) as e:
        member_honorary_set(actor=None, member=world.member2, honorary=False, reason="again")
    assert e.value.code == "illegal_transition"
    client.force_login(world.member_user)
    assert client.get(reverse("members:member-honorary", args=[world.member.pk])).status_code == 403


def test_leaving_closes_his_open_request_and_ends_his_attachment(world):
    from doanvien.actions.transfers import transfer_accept
    from doanvien.members.models import Transfer
    from doanvien.members.services.transfers import transfer_request

    asked = transfer_request(
        actor=None, member=world.member, to_unit=world.district, reason="Chuyển công tác"
    )
    host = transfer_request(
        actor=None,
        member=world.member2,
        to_unit=world.base,
        reason="Sinh hoạt tạm thời",
        kind=Transfer.Kind.TEMPORARY,
    )
    transfer_accept(actor=None, transfer=host, branch=world.branch2)
    for member in (world.member, world.member2):
        member_remove(actor=None, member=member, on=timezone.localdate(), reason="Tự nguyện xin ra")
    asked.refresh_from_db()
    host.refresh_from_db()
    assert asked.state == Transfer.State.CANCELLED and "Tự nguyện xin ra" in asked.decision_note
    assert host.state == Transfer.State.ENDED and host.ended_at is not None
    assert (
        AuditEvent.objects.filter(action__in=["transfer.cancelled", "transfer.ended"]).count() == 2
    )

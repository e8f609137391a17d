"""Accounts follow the member: a transfer keeps the account; removal or maturing out ends its
log-in (the record and its history stay)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from doanvien.accounts.models import ApiToken, User
from doanvien.accounts.services import api_token_issue, role_grant
from doanvien.actions.members import (
    member_mature_out,
    member_move,
    member_reinstate,
    member_remove,
    member_update,
)
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member

from ..factories import make_member, make_user

PASSWORD = "secret-pass-123"


def can_log_in(client, user, password=PASSWORD) -> bool:
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    client.logout()
    return response.status_code == 302


def test_a_move_keeps_the_account(client, world):
    member_move(
        actor=world.base_cadre,
        member=world.member,
        branch=world.branch2,
        on=timezone.localdate(),
        reason="Chuyển lớp",
    )
    world.member_user.refresh_from_db()
    assert world.member_user.is_active and world.member_user.member_id == world.member.pk
    assert can_log_in(client, world.member_user)
    client.force_login(world.member_user)
    assert client.get(reverse("members:member-detail", args=[world.member.pk])).status_code == 200


@pytest.mark.parametrize("how", ["remove", "status"])
def test_removal_ends_the_log_in_and_keeps_the_record(client, world, how):
    token = api_token_issue(user=world.member_user)
    if how == "remove":
        member_remove(
            actor=world.secretary,
            member=world.member,
            on=timezone.localdate(),
            reason="Không sinh hoạt",
        )
    else:
        member_update(actor=world.secretary, member=world.member, data={"status": "removed"})
    user = User.objects.get(pk=world.member_user.pk)
    assert not user.is_active and user.member_id == world.member.pk
    assert not can_log_in(client, user)
    assert not ApiToken.objects.filter(user=user).exists(), token
    assert Member.objects.filter(pk=world.member.pk, status="removed").exists()


def test_maturing_out_ends_the_log_in(client, world):
    today = timezone.localdate()
    old = make_member(world.branch, date_of_birth=date(today.year - 32, 1, 10))
    user = make_user("lan", member=old)
    member_mature_out(actor=world.secretary, member=old, on=today)
    user.refresh_from_db()
    assert not user.is_active and not can_log_in(client, user)


def test_an_account_with_roles_keeps_its_log_in(client, world):
    role_grant(actor=None, user=world.member_user, unit=world.branch2, role="committee")
    member_remove(
        actor=world.secretary, member=world.member, on=timezone.localdate(), reason="Chuyển đi"
    )
    world.member_user.refresh_from_db()
    assert world.member_user.is_active


def test_reinstatement_opens_again_the_account_the_removal_closed(client, world):
    member_remove(
        actor=world.secretary, member=world.member, on=timezone.localdate(), reason="Chuyển đi"
    )
    assert not can_log_in(client, world.member_user)
    member_reinstate(actor=world.base_cadre, member=world.member, reason="Quay lại sinh hoạt")
    user = User.objects.get(pk=world.member_user.pk)
    assert user.is_active and can_log_in(client, user)
    actions = list(
        AuditEvent.objects.filter(target_id=world.member.pk, action__startswith="member.account")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["member.account_closed", "member.account_reopened"]


def test_an_account_closed_for_another_reason_stays_closed_on_reinstatement(client, world):
    member_remove(
        actor=world.secretary, member=world.member, on=timezone.localdate(), reason="Chuyển đi"
    )
    # Closed since by an administrator (no "account closed" of the member's leaving last).
    User.objects.filter(pk=world.member_user.pk).update(is_active=False)
    AuditEvent.objects.filter(action="member.account_closed").update(action="member.removed")
    member_reinstate(actor=world.base_cadre, member=world.member, reason="Quay lại sinh hoạt")
    assert not User.objects.get(pk=world.member_user.pk).is_active

"""Member changes that reach the training programme: a move takes the member's registrations
along; a change of status (leaving the roll, coming back) changes what his registrations count
in the roll-ups."""

from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import transaction

from doanvien.members.models import Member
from doanvien.members.services import lifecycle, records
from doanvien.training import rollup
from doanvien.training.services.registrations import registrations_follow
from doanvien.units.models import Unit


@contextmanager
def rollups_follow_status(member: Member):
    """Around a change of the member's status: his registrations count as they do now before
    it and as they do after it. The member row is locked first, so nobody changes him meanwhile."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = (member.status, member.left_on)
    counted = rollup.member_contributions(member)
    yield
    # What a registration counts depends on the member's status and leaving date only: an
    # edit of anything else leaves the roll-ups as they are.
    member.refresh_from_db(fields=["status", "left_on"])
    if (member.status, member.left_on) != before:
        rollup.member_changed(counted, member)


@transaction.atomic
def member_update(
    *, actor, member: Member, data: dict[str, Any], today: date | None = None
) -> Member:
    """Edit a record (records.member_update); a status edited here moves the roll-ups too."""
    with rollups_follow_status(member):
        member = records.member_update(actor=actor, member=member, data=data, today=today)
    return member


@transaction.atomic
def member_move(*, actor, member: Member, branch: Unit, on: date, reason: str) -> Member:
    """Move a member to another branch (records.member_move); his open registrations follow him
    (training.services.registrations.registrations_follow)."""
    member = records.member_move(actor=actor, member=member, branch=branch, on=on, reason=reason)
    registrations_follow(member=member, branch=branch)
    return member


@transaction.atomic
def member_remove(
    *,
    actor,
    member: Member,
    on: date,
    reason: str,
    expelled: bool = False,
    today: date | None = None,
) -> Member:
    with rollups_follow_status(member):
        member = lifecycle.member_remove(
            actor=actor, member=member, on=on, reason=reason, expelled=expelled, today=today
        )
    return member


@transaction.atomic
def member_mature_out(
    *, actor, member: Member, on: date, reason: str = "", today: date | None = None
) -> Member:
    with rollups_follow_status(member):
        member = lifecycle.member_mature_out(
            actor=actor, member=member, on=on, reason=reason, today=today
        )
    return member


@transaction.atomic
def member_reinstate(
    *, actor, member: Member, reason: str, on: date | None = None, today: date | None = None
) -> Member:
    with rollups_follow_status(member):
        member = lifecycle.member_reinstate(
            actor=actor, member=member, reason=reason, on=on, today=today
        )
    return member


@transaction.atomic
def members_mature_out(*, actor, unit: Unit, member_ids, on: date) -> int:
    """Mature out the chosen members of the unit's subtree on one date: all of them, or none
    (the first refusal undoes the others). Returns how many matured out."""
    members = Member.objects.filter(pk__in=member_ids, unit_path__startswith=unit.path)
    count = 0
    for member in members.order_by("pk"):
        member_mature_out(actor=actor, member=member, on=on)
        count += 1
    return count

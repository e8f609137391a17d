"""Member changes that reach the training programme: a new member, a move, a departure or a
return changes who is counted in the roll-ups (by membership spans), and a move takes the
member's open registrations along. A member who leaves the roll (removal, maturing out) can no
longer log in (member_accounts.services.account_follow_member); a move keeps his account."""

from contextlib import contextmanager
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from doanvien.activities import rollup as activity_rollup
from doanvien.core.transactions import atomic
from doanvien.honours import services as honours
from doanvien.honours.models import Discipline
from doanvien.member_accounts.services import account_follow_member
from doanvien.members.models import Member, Membership
from doanvien.members.services import lifecycle, records
from doanvien.notifications.models import Kind
from doanvien.notifications.services import cadres_of, notify
from doanvien.training import rollup
from doanvien.training.services.registrations import registrations_follow
from doanvien.units.models import Unit
from doanvien.youth.services import referrals_follow


def _spans(member_id: int) -> set[tuple]:
    return set(
        Membership.objects.filter(member_id=member_id).values_list(
            "branch_id", "started_on", "ended_on"
        )
    )


@contextmanager
def rollups_follow(member: Member):
    """Around any change to a member: when his membership spans or his admission date changed,
    the branches concerned are counted again in every year the change reaches
    (training.rollup.spans_changed), and a member who changed branch takes his activity
    participations along (activities.rollup.member_moved). The member row is locked first, so
    nobody changes him meanwhile."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    spans, joined, branch_id = _spans(member.pk), member.joined_union_on, member.branch_id
    yield
    member.refresh_from_db(fields=["joined_union_on", "branch"])
    # His activity participations are counted in his branch of now.
    activity_rollup.member_moved(member.pk, branch_id, member.branch_id)
    changed = spans ^ _spans(member.pk)
    days = [day for _, started, ended in changed for day in (started, ended) if day]
    if member.joined_union_on != joined:
        days += [joined, member.joined_union_on]
    if days:
        branches = {branch_id for branch_id, _, _ in changed} | {member.branch_id}
        rollup.spans_changed(branches, since=min(days))


@atomic
def member_create(
    *, actor, branch: Unit, data: dict[str, Any], today: date | None = None
) -> Member:
    """Create a record (records.member_create); his span counts him in the years it covers."""
    member = records.member_create(actor=actor, branch=branch, data=data, today=today)
    members_added([branch.pk], since=member.memberships.get().started_on)
    return member


def members_added(branch_ids, *, since: date) -> None:
    """Members were added to these branches (an import) with spans from `since` on."""
    rollup.spans_changed(branch_ids, since=since)


@atomic
def member_update(
    *, actor, member: Member, data: dict[str, Any], today: date | None = None
) -> Member:
    """Edit a record (records.member_update); a status edited here moves the roll-ups too."""
    with rollups_follow(member):
        member = records.member_update(actor=actor, member=member, data=data, today=today)
    account_follow_member(actor=actor, member=member)
    return member


@atomic
def member_move(*, actor, member: Member, branch: Unit, on: date, reason: str) -> Member:
    """Move a member to another branch (records.member_move); his open registrations follow him
    (training.services.registrations.registrations_follow)."""
    with rollups_follow(member):
        member = records.member_move(
            actor=actor, member=member, branch=branch, on=on, reason=reason
        )
        registrations_follow(member=member, branch=branch)
        referrals_follow(member=member, branch=branch)
    return member


@atomic
def member_remove(
    *,
    actor,
    member: Member,
    on: date,
    reason: str,
    expelled: bool = False,
    today: date | None = None,
) -> Member:
    with rollups_follow(member):
        member = lifecycle.member_remove(
            actor=actor, member=member, on=on, reason=reason, expelled=expelled, today=today
        )
    # Off the roll, his account no longer logs in (the record and history stay).
    account_follow_member(actor=actor, member=member)
    _tell_above_of_removal(actor=actor, member=member, expelled=expelled)
    return member


def _tell_above_of_removal(*, actor, member: Member, expelled: bool) -> None:
    """The level above the branch is told of each removal (issue 19; Hướng dẫn 22HD/TWĐTN:
    the branch decides a removal, the base union above is informed): its cadres get a
    notification linking to the member's record."""
    branch = Unit.objects.get(pk=member.branch_id)
    above = branch.parent()
    if above is None:
        return
    title = (
        _("%(branch)s expelled %(name)s.") if expelled else _("%(branch)s removed %(name)s.")
    ) % {"branch": branch.name, "name": member.full_name}
    notify(
        users=cadres_of(above.pk),
        kind=Kind.MEMBER_REMOVED,
        title=title,
        url=reverse("members:member-detail", kwargs={"member_id": member.pk}),
        exclude=actor,
    )


@atomic
def member_mature_out(
    *, actor, member: Member, on: date, reason: str = "", today: date | None = None
) -> Member:
    with rollups_follow(member):
        member = lifecycle.member_mature_out(
            actor=actor, member=member, on=on, reason=reason, today=today
        )
    account_follow_member(actor=actor, member=member)
    return member


@atomic
def member_reinstate(
    *, actor, member: Member, reason: str, on: date | None = None, today: date | None = None
) -> Member:
    with rollups_follow(member):
        member = lifecycle.member_reinstate(
            actor=actor, member=member, reason=reason, on=on, today=today
        )
    # Back on the roll, the account his leaving closed logs in again.
    account_follow_member(actor=actor, member=member)
    return member


@atomic
def members_mature_out(*, actor, unit: Unit, member_ids, on: date) -> int:
    """Mature out the chosen members of the unit's subtree on one date: all of them, or none
    (the first refusal undoes the others). Returns how many matured out."""
    members = Member.objects.filter(pk__in=member_ids, unit_path__startswith=unit.path)
    count = 0
    for member in members.order_by("pk"):
        member_mature_out(actor=actor, member=member, on=on)
        count += 1
    return count


@atomic
def discipline_record(*, actor, member: Member, data: dict) -> Discipline:
    """Record a discipline decision. A removal (xóa tên) is not only a record: it takes the
    member off the roll through the removal workflow (member_remove: the roll, the counts, his
    account, the level above told), dated by the decision, in the same transaction; a member no
    longer on the roll is refused, and nothing is recorded."""
    record = honours.discipline_record(actor=actor, member=member, data=data)
    if record.form == Discipline.Form.REMOVAL:
        member_remove(
            actor=actor,
            member=member,
            on=record.date,
            reason=_("Discipline: removal, decision %(no)s") % {"no": record.decision_no},
        )
    return record

"""Writes to member records: validate, write in one transaction, keep unit member counts exact,
record the audit event."""

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.core import audit, ratelimit
from doanvien.core.text import fold, sort_key_of_folded
from doanvien.core.transactions import atomic
from doanvien.member_stats import rollup as member_stats
from doanvien.units.models import Unit
from doanvien.units.services import adjust_member_count

from ..access import id_number_q, members_visible_to
from ..models import DuplicateIdReport, Member, Membership, Movement, Status, mask_id_number
from ..validation import EDITABLE_FIELDS, clean_member_data
from .movements import movement_record

AUDITED_FIELDS = (*EDITABLE_FIELDS, "branch")


def masked_changes(changes: dict) -> dict:
    """The audit trail is shown to roles that may not see ID numbers: it keeps them masked."""
    if "id_number" in changes:
        changes["id_number"] = [mask_id_number(v) if v else v for v in changes["id_number"]]
    return changes


def require_branch(branch: Unit) -> None:
    if not branch.is_branch:
        raise ValidationError({"branch": _("Members belong to a branch; choose a branch.")})
    if not branch.is_active:
        raise ValidationError({"branch": _("This branch is inactive.")})


def member_code_candidate() -> str:
    """A member identifier at random, DV and ten digits, not yet checked against the others."""
    return f"DV{secrets.randbelow(10**10):010d}"


def new_member_code() -> str:
    """A member identifier nobody has yet."""
    while True:
        code = member_code_candidate()
        if not Member.objects.filter(member_code=code).exists():
            return code


def set_derived(member: Member) -> None:
    member.name_folded = fold(member.full_name)
    member.sort_key = sort_key_of_folded(member.name_folded)


@atomic
def member_create(
    *,
    actor,
    branch: Unit,
    data: dict[str, Any],
    today: date | None = None,
    source: str = DuplicateIdReport.Source.RECORD,
) -> Member:
    """A new record in the branch (`source`: what it comes from, for an ID number refused
    because a record elsewhere holds it: services/duplicates.py)."""
    today = today or timezone.localdate()
    require_branch(branch)
    clean = clean_member_data(data, today=today, branch=branch, actor=actor, source=source)
    member = Member(branch=branch, unit_path=branch.path, **clean)
    set_derived(member)
    member.member_code = new_member_code()
    member.save()
    Membership.objects.create(
        member=member,
        branch=branch,
        started_on=member.joined_union_on or today,
        reason=_("Record created"),
    )
    if member.status == Status.ACTIVE:
        adjust_member_count(branch.path, 1)
    member_stats.changed(None, member_stats.vector(member))
    audit.record(
        actor=actor,
        action="member.created",
        target=member,
        unit_path=branch.path,
        summary=member.full_name,
        changes=masked_changes(audit.diff({}, audit.snapshot(member, AUDITED_FIELDS))),
    )
    return member


@atomic
def member_update(
    *, actor, member: Member, data: dict[str, Any], today: date | None = None
) -> Member:
    today = today or timezone.localdate()
    member = Member.objects.select_for_update().get(pk=member.pk)
    clean = clean_member_data(data, instance=member, today=today, actor=actor)
    before = audit.snapshot(member, AUDITED_FIELDS)
    counted_before = member_stats.vector(member)
    was_active = member.status == Status.ACTIVE
    for name, value in clean.items():
        setattr(member, name, value)
    set_derived(member)
    is_active = member.status == Status.ACTIVE
    if was_active != is_active:
        member.left_on = None if is_active else today
    member.save()
    member_stats.changed(counted_before, member_stats.vector(member))
    if was_active != is_active:
        adjust_member_count(member.unit_path, 1 if is_active else -1)
        # His membership span ends the day he leaves, and a new one starts when he comes back.
        if is_active:
            Membership.objects.create(
                member=member, branch=member.branch, started_on=today, reason=_("Reinstated")
            )
        else:
            Membership.objects.filter(member=member, ended_on__isnull=True).update(ended_on=today)
        kind = {
            Status.ACTIVE: Movement.Kind.REINSTATED,
            Status.REMOVED: Movement.Kind.REMOVED,
            Status.MATURED_OUT: Movement.Kind.MATURED_OUT,
        }[member.status]
        movement_record(member=member, kind=kind, on=today, branch=member.branch)
    changes = masked_changes(audit.diff(before, audit.snapshot(member, AUDITED_FIELDS)))
    if changes:
        audit.record(
            actor=actor,
            action="member.updated",
            target=member,
            unit_path=member.unit_path,
            summary=member.full_name,
            changes=changes,
        )
    return member


@atomic
def member_move(*, actor, member: Member, branch: Unit, on: date, reason: str) -> Member:
    """Move a member to another branch on a date: the current span ends, a new one starts."""
    require_branch(branch)
    member = Member.objects.select_for_update().get(pk=member.pk)
    old_branch = member.branch
    counted_before = member_stats.vector(member)
    if member.status == Status.ACTIVE:  # a member off the roll has no span to move
        Membership.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        Membership.objects.create(member=member, branch=branch, started_on=on, reason=reason)
        adjust_member_count(member.unit_path, -1)
        adjust_member_count(branch.path, 1)
        for kind, here, there in (
            (Movement.Kind.TRANSFER_OUT, old_branch, branch),
            (Movement.Kind.TRANSFER_IN, branch, old_branch),
        ):
            movement_record(
                member=member, kind=kind, on=on, branch=here, other=there, reason=reason
            )
    member.branch, member.unit_path = branch, branch.path
    member.save(update_fields=["branch", "unit_path", "updated_at"])
    member_stats.changed(counted_before, member_stats.vector(member))
    audit.record(
        actor=actor,
        action="member.moved",
        target=member,
        unit_path=branch.path,
        summary=reason,
        changes={"branch": [str(old_branch), str(branch)]},
    )
    return member


def member_id_number_viewed(*, actor, member: Member) -> None:
    """Every read of a full ID-card number is recorded."""
    audit.record(
        actor=actor,
        action="member.id_number_viewed",
        target=member,
        unit_path=member.unit_path,
        summary=member.full_name,
    )


class TooManySearches(Exception):
    """The user has searched by ID number as often as settings.ID_SEARCH_LIMIT allows: he may
    again in `wait` seconds."""

    def __init__(self, wait: int):
        self.wait = wait
        super().__init__(wait)

    @property
    def message(self) -> str:
        minutes = max(1, -(-self.wait // 60))
        return ngettext(
            "You have searched by ID card number too often: ID numbers are searched again in "
            "%(n)s minute. Names, phone and card numbers are searched meanwhile.",
            "You have searched by ID card number too often: ID numbers are searched again in "
            "%(n)s minutes. Names, phone and card numbers are searched meanwhile.",
            minutes,
        ) % {"n": minutes}


def id_search_limit() -> ratelimit.Limit:
    return ratelimit.Limit(
        "id-search", settings.ID_SEARCH_LIMIT, int(settings.ID_SEARCH_WINDOW.total_seconds())
    )


@atomic
def member_id_number_searched(*, actor, unit: Unit, id_number: str) -> list[Member]:
    """A search of the unit's subtree by full ID number (the caller has checked that the user
    may search by ID number there: access.can_search_id_numbers_in). At most
    settings.ID_SEARCH_LIMIT searches per user within settings.ID_SEARCH_WINDOW (else
    TooManySearches, and nothing is recorded). Recorded like a reveal: an event on the unit
    with the number searched (masked) and what it found, and one in the history of each member
    found. Returns the members found (those whose full number the user may see)."""
    wait = ratelimit.hit(id_search_limit(), actor.pk)
    if wait:
        raise TooManySearches(wait)
    found = list(
        members_visible_to(actor)
        .filter(id_number_q(actor), unit_path__startswith=unit.path, id_number=id_number)
        .order_by("pk")
    )
    audit.record(
        actor=actor,
        action="members.id_number_searched",
        target=unit,
        unit_path=unit.path,
        summary=mask_id_number(id_number),
        changes={"found": [None, [m.member_code for m in found]]},
    )
    for member in found:
        audit.record(
            actor=actor,
            action="member.id_number_searched",
            target=member,
            unit_path=member.unit_path,
            summary=member.full_name,
        )
    return found

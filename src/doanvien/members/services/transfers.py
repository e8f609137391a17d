"""Transfers between units (chuyển sinh hoạt đoàn): the member's side requests, the receiving unit
accepts (choosing the branch he joins) or rejects, the requesting side may cancel while the
request is open. Every allowed transition is in TRANSITIONS; any other is refused with a clear
error (code "illegal_transition"), never ignored.

Who may do what (access.py; the views and the API check it before calling a service):
- request and cancel: the member himself, his branch committee, or a cadre above his branch;
- accept and reject: a cadre of the receiving unit or above it, or the committee of the receiving
  branch when the receiving unit is a branch.
The receiving side sees the request (through `to_path`) but not the member record until he moves.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.notifications.models import Kind
from doanvien.notifications.services import account_of, cadres_of, notify
from doanvien.units.models import Unit

from ..models import Member, Status, Transfer
from ..selectors import active_attachment_of
from .records import member_move

T = Transfer.State

TRANSITIONS = {
    (T.REQUESTED, "accept"): T.ACCEPTED,
    (T.REQUESTED, "reject"): T.REJECTED,
    (T.REQUESTED, "cancel"): T.CANCELLED,
    # Only an attachment goes on after acceptance, until either side ends it.
    (T.ACCEPTED, "end"): T.ENDED,
}

ACTIONS = {
    "accept": gettext_lazy("accept"),
    "reject": gettext_lazy("reject"),
    "cancel": gettext_lazy("cancel"),
    "end": gettext_lazy("end"),
}


def next_state(transfer: Transfer, action: str) -> str:
    try:
        if action == "end" and not transfer.is_attachment:
            raise KeyError(action)
        return TRANSITIONS[(transfer.state, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s: it is “%(state)s”.")
            % {"action": ACTIONS[action], "state": transfer.get_state_display()},
            code="illegal_transition",
        ) from None


# --- Who may do what --------------------------------------------------------------------------


# --- Reads ------------------------------------------------------------------------------------


# --- Writes -----------------------------------------------------------------------------------


def _record(*, actor, transfer: Transfer, action: str, summary: str, changes: dict) -> None:
    """One event on the member (his history) and one on the transfer."""
    audit.record(
        actor=actor,
        action=f"member.transfer_{action}",
        target=transfer.member,
        unit_path=transfer.member.unit_path,
        summary=summary,
        changes=changes,
    )
    audit.record(
        actor=actor,
        action=f"transfer.{action}",
        target=transfer,
        unit_path=transfer.unit_path,
        summary=summary,
        changes=changes,
    )


def _locked(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update()
        .select_related("member", "from_branch", "to_unit")
        .get(pk=transfer.pk)
    )


@atomic
def transfer_request(
    *, actor, member: Member, to_unit: Unit, reason: str, kind: str = Transfer.Kind.TRANSFER
) -> Transfer:
    """Ask for the member to move to `to_unit`, or (kind residence / temporary) to take part in
    its activity while staying in his branch. Nothing changes until it is accepted."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if member.status != Status.ACTIVE:
        raise ValidationError(_("Only active members can transfer."))
    if to_unit is None:
        errors["to_unit"] = _("Name the receiving unit.")
    elif not to_unit.is_active:
        errors["to_unit"] = _("The receiving unit is inactive.")
    elif to_unit.pk == member.branch_id:
        errors["to_unit"] = _("The member is already in this branch.")
    if not reason:
        errors["reason"] = _("Give the reason for the transfer.")
    if kind not in Transfer.Kind.values:
        errors["kind"] = _("Choose a transfer, a residence-based or a temporary activity.")
    if errors:
        raise ValidationError(errors)
    if kind != Transfer.Kind.TRANSFER and active_attachment_of(member):
        raise ValidationError(
            _("This member already takes part in another unit's activity: end it first.")
        )
    if Transfer.objects.filter(member=member, state=T.REQUESTED).exists():
        raise ValidationError(_("This member already has an open transfer request."))
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                kind=kind,
                member=member,
                from_branch=member.branch,
                to_unit=to_unit,
                reason=reason,
                requested_by=actor if getattr(actor, "pk", None) else None,
                unit_path=member.unit_path,
                to_path=to_unit.path,
            )
    except IntegrityError:  # a request made at the same moment
        raise ValidationError(_("This member already has an open transfer request.")) from None
    _record(
        actor=actor,
        transfer=transfer,
        action="requested",
        summary=_("Transfer requested to %(unit)s") % {"unit": to_unit.name},
        changes={"to_unit": [None, to_unit.name], "state": [None, transfer.state]},
    )
    notify(
        users=cadres_of(to_unit.pk),
        kind=Kind.TRANSFER_REQUESTED,
        title=_("%(branch)s asks to transfer a member to %(unit)s.")
        % {"branch": member.branch.name, "unit": to_unit.name},
        url=reverse("members:transfer-detail", kwargs={"transfer_id": transfer.pk}),
        exclude=actor,
    )
    return transfer


def _tell_decided(transfer: Transfer, kind: str, actor) -> None:
    title = (
        _("The transfer to %(unit)s is accepted.")
        if kind == Kind.TRANSFER_ACCEPTED
        else _("The transfer to %(unit)s is rejected.")
    ) % {"unit": transfer.to_unit.name}
    notify(
        users=[*cadres_of(transfer.from_branch_id), *account_of(transfer.member_id)],
        kind=kind,
        title=title,
        url=reverse("members:transfer-detail", kwargs={"transfer_id": transfer.pk}),
        exclude=actor,
    )


@atomic
def transfer_accept(
    *, actor, transfer: Transfer, branch: Unit, note: str = "", on: date | None = None
) -> Transfer:
    """The receiving side accepts and chooses the branch: the member moves there (spans, counts
    and open training registrations follow). For an attachment he stays in his branch and takes
    part in the chosen branch's activity until the attachment is ended."""
    transfer = _locked(transfer)
    new_state = next_state(transfer, "accept")
    if branch is None:
        raise ValidationError({"branch": _("Choose the branch the member joins.")})
    branch = Unit.objects.get(pk=branch.pk)
    if not branch.is_branch or not branch.path.startswith(transfer.to_path):
        raise ValidationError(
            {"branch": _("Choose a branch of %(unit)s.") % {"unit": transfer.to_unit.name}}
        )
    if not branch.is_active:
        raise ValidationError({"branch": _("This branch is inactive.")})
    if transfer.member.status != Status.ACTIVE:
        raise ValidationError(_("Only active members can transfer."))
    if transfer.member.branch_id == branch.pk:
        raise ValidationError({"branch": _("The member is already in this branch.")})
    reason = _("Transfer: %(from)s → %(to)s") % {
        "from": transfer.member.branch.name,
        "to": branch.name,
    }
    if transfer.is_attachment:
        reason = _("%(kind)s in %(branch)s") % {
            "kind": transfer.get_kind_display(),
            "branch": branch.name,
        }
    else:
        member_move(
            actor=actor,
            member=transfer.member,
            branch=branch,
            on=on or timezone.localdate(),
            reason=reason[:120],
        )
        transfer.member.refresh_from_db()
    transfer.state = new_state
    transfer.to_branch = branch
    transfer.decided_by = actor if getattr(actor, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.decision_note = (note or "").strip()
    transfer.save()
    _record(
        actor=actor,
        transfer=transfer,
        action="accepted",
        summary=reason,
        changes={"state": [T.REQUESTED, new_state], "to_branch": [None, branch.name]},
    )
    _tell_decided(transfer, Kind.TRANSFER_ACCEPTED, actor)
    return transfer


@atomic
def transfer_reject(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The receiving side refuses, with a reason; the member stays where he is."""
    transfer = _locked(transfer)
    new_state = next_state(transfer, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the request.")})
    transfer.state = new_state
    transfer.decided_by = actor if getattr(actor, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.decision_note = reason
    transfer.save()
    _record(
        actor=actor,
        transfer=transfer,
        action="rejected",
        summary=reason,
        changes={"state": [T.REQUESTED, new_state]},
    )
    _tell_decided(transfer, Kind.TRANSFER_REJECTED, actor)
    return transfer


@atomic
def transfer_cancel(*, actor, transfer: Transfer, note: str = "") -> Transfer:
    """The requesting side withdraws its open request; the member stays where he is."""
    transfer = _locked(transfer)
    new_state = next_state(transfer, "cancel")
    transfer.state = new_state
    transfer.decided_by = actor if getattr(actor, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.decision_note = (note or "").strip()
    transfer.save()
    _record(
        actor=actor,
        transfer=transfer,
        action="cancelled",
        summary=_("Transfer request cancelled"),
        changes={"state": [T.REQUESTED, new_state]},
    )
    return transfer


@atomic
def attachment_end(*, actor, transfer: Transfer, note: str = "") -> Transfer:
    """Either side ends an attachment: the member takes part in his home branch only."""
    transfer = _locked(transfer)
    new_state = next_state(transfer, "end")
    transfer.state = new_state
    transfer.ended_at = timezone.now()
    transfer.decision_note = (note or "").strip() or transfer.decision_note
    transfer.save()
    _record(
        actor=actor,
        transfer=transfer,
        action="ended",
        summary=_("%(kind)s ended") % {"kind": transfer.get_kind_display()},
        changes={"state": [T.ACCEPTED, new_state]},
    )
    return transfer


def transfers_close_for_leaving(*, actor, member: Member, reason: str) -> int:
    """The member leaves the roll: his open request is cancelled and his attachments end, each
    recorded with the reason, so no unit is left with a request it can no longer accept or a
    member it hosts who is gone. Returns how many were closed."""
    note = _("The member left the roll: %(reason)s") % {"reason": reason}
    closed = 0
    for transfer in Transfer.objects.filter(member=member, state=T.REQUESTED):
        transfer_cancel(actor=actor, transfer=transfer, note=note)
        closed += 1
    open_attachments = Transfer.objects.filter(member=member, state=T.ACCEPTED).exclude(
        kind=Transfer.Kind.TRANSFER
    )
    for transfer in open_attachments:
        attachment_end(actor=actor, transfer=transfer, note=note)
        closed += 1
    return closed

"""Writes of change requests: the member proposes, the branch committee rejects. Approval
applies the values through the member service, so it is an action
(actions/profiles.py: change_request_approve), built on `change_request_lock` and
`change_request_approved` here. Every step is audited on the member's record."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanvien.core import audit
from doanvien.core.storage import delete_on_commit
from doanvien.core.transactions import atomic
from doanvien.members.models import Member, mask_id_number
from doanvien.members.services.photos import photo_jpeg, photo_stored
from doanvien.members.validation import DATE_FIELDS, clean_member_data
from doanvien.notifications.models import Kind
from doanvien.notifications.services import account_of, notify

from .models import ChangeRequest
from .rules import NOT_REQUESTABLE, REASON_FIELDS, REQUESTABLE_FIELDS

S = ChangeRequest.State

# The legal moves of a request: the branch committee decides what the member proposes.
TRANSITIONS = {
    (S.OPEN, "approve"): S.APPROVED,
    (S.OPEN, "reject"): S.REJECTED,
}
ACTIONS = {"approve": gettext_lazy("approve"), "reject": gettext_lazy("reject")}


def next_state(change_request: ChangeRequest, action: str) -> str:
    try:
        return TRANSITIONS[(change_request.state, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s: the request is “%(state)s”.")
            % {"action": ACTIONS[action], "state": change_request.get_state_display()},
            code="illegal_transition",
        ) from None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def typed_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The stored changes with their dates as dates again (to apply them)."""
    return {
        name: date.fromisoformat(value) if name in DATE_FIELDS and value else value
        for name, value in changes.items()
    }


def _masked(name: str, value: Any) -> Any:
    return mask_id_number(value) if name == "id_number" and value else value


def change_request_submit(
    *,
    actor,
    member: Member,
    changes: dict[str, Any],
    reason: str = "",
    photo=None,
    today: date | None = None,
) -> ChangeRequest:
    """The member proposes new values for some fields of his record (rules.REQUESTABLE_FIELDS)
    and/or a new photo for his card (`photo`, an uploaded file: JPEG, PNG or WebP, checked and
    made small as the branch's own upload is, members/services/photos.py).
    Each value keeps the member form's rules and messages (members/validation.py); values equal
    to the stored ones are left out; a new name or date of birth needs a reason. One open request
    per member (a second one is refused, code "illegal_transition").
    The photo is made before the member's row is locked (a large photo takes a moment)."""
    photo_data, photo_error = None, ""
    if photo is not None:
        try:
            photo_data = photo_jpeg(photo)
        except ValidationError as e:
            photo_error = " ".join(e.messages)
    return _submit(
        actor=actor,
        member=member,
        changes=changes,
        reason=reason,
        photo_data=photo_data,
        photo_error=photo_error,
        today=today or timezone.localdate(),
    )


@atomic
def _submit(
    *,
    actor,
    member: Member,
    changes: dict[str, Any],
    reason: str,
    photo_data: bytes | None,
    photo_error: str,
    today: date,
) -> ChangeRequest:
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    if ChangeRequest.objects.filter(member=member, state=S.OPEN).exists():
        raise ValidationError(
            _(
                "A request of yours is already waiting for your branch: wait for its decision "
                "before proposing other changes."
            ),
            code="illegal_transition",
        )
    errors: dict[str, str] = {
        name: str(NOT_REQUESTABLE) for name in changes if name not in REQUESTABLE_FIELDS
    }
    given = {name: value for name, value in changes.items() if name in REQUESTABLE_FIELDS}
    try:
        clean = clean_member_data(given, instance=member, today=today, actor=actor)
    except ValidationError as e:
        errors.update({name: " ".join(messages) for name, messages in e.message_dict.items()})
        clean = {}
    if photo_error:
        errors["photo"] = photo_error
    if errors:
        raise ValidationError(errors)
    new = {
        name: _plain(value)
        for name, value in clean.items()
        if name in REQUESTABLE_FIELDS and value != getattr(member, name)
    }
    if not new and photo_data is None:
        raise ValidationError({"changes": _("Nothing to change: every value is as recorded.")})
    reason = (reason or "").strip()
    if not reason and any(name in new for name in REASON_FIELDS):
        raise ValidationError(
            {"reason": _("Give the reason for changing the full name or the date of birth.")}
        )
    before = {name: _plain(getattr(member, name)) for name in new}
    photo_name = photo_stored(member, photo_data) if photo_data is not None else ""
    change_request = ChangeRequest.objects.create(
        member=member,
        changes=new,
        before=before,
        reason=reason,
        photo=photo_name,
        created_by=actor,
    )
    audited = {n: [_masked(n, before[n]), _masked(n, new[n])] for n in new}
    if photo_name:
        audited["photo"] = [member.photo, photo_name]
    audit.record(
        actor=actor,
        action="member.change_requested",
        target=member,
        unit_path=member.unit_path,
        summary=reason or member.full_name,
        changes=audited,
    )
    return change_request


def change_request_lock(change_request: ChangeRequest, action: str) -> ChangeRequest:
    """The request locked for a decision (inside the caller's transaction), refused when its
    state does not allow `action`."""
    locked = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    next_state(locked, action)
    return locked


def _decided(*, actor, change_request: ChangeRequest, action: str, note: str) -> ChangeRequest:
    change_request.state = next_state(change_request, action)
    change_request.decided_at = timezone.now()
    change_request.decided_by = actor if getattr(actor, "pk", None) else None
    change_request.decision_note = note
    change_request.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    member = change_request.member
    audit.record(
        actor=actor,
        action=f"member.change_{change_request.state}",
        target=member,
        unit_path=member.unit_path,
        summary=note or member.full_name,
    )
    notify(
        users=account_of(member.pk),
        kind=Kind.CHANGE_REQUEST_DECIDED,
        title=(
            _("Your changes to your record are approved.")
            if change_request.state == ChangeRequest.State.APPROVED
            else _("Your changes to your record were rejected: see the reason.")
        ),
        url=reverse("profiles:member-change-request", kwargs={"member_id": member.pk}),
        exclude=actor,
    )
    return change_request


def change_request_approved(*, actor, change_request: ChangeRequest) -> ChangeRequest:
    """Record the approval (the caller applied the values in the same transaction)."""
    return _decided(actor=actor, change_request=change_request, action="approve", note="")


@atomic
def change_request_reject(*, actor, change_request: ChangeRequest, reason: str) -> ChangeRequest:
    """The branch refuses the changes, saying why (required); the record stays as it is."""
    reason = (reason or "").strip()
    change_request = change_request_lock(change_request, "reject")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the request.")})
    change_request = _decided(
        actor=actor, change_request=change_request, action="reject", note=reason
    )
    delete_on_commit(change_request.photo)  # the refused photo is not kept
    return change_request

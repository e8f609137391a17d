"""Transfers between units: a member's side requests, the receiving unit accepts or rejects.

A transfer is visible to the outgoing side's scope, the incoming side's scope and the member
himself (404 for everyone else). The receiving side sees only what it needs to decide: name, date
of birth, member identifier, from-branch name and reason; the member record stays out of its reach
until the move. An action the workflow does not allow in the current state answers 409."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import require
from doanvien.actions import transfers as transfer_actions
from doanvien.members.access import (
    can_cancel_transfer,
    can_decide_transfer,
    can_end_attachment,
    can_request_transfer,
    get_member_for,
    get_transfer_for,
)
from doanvien.members.models import Transfer
from doanvien.members.selectors import receiving_branches, unit_lookup
from doanvien.members.services import transfers as transfer_services
from doanvien.members.services.transfers import (
    next_state,
)
from doanvien.units.models import Unit

from .schemas import error_answers
from .training import conflicts, required

router = Router(tags=["transfers"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)


class TransferRequestIn(Schema):
    # Required, as the document says; the view checks it after access (422 all the same).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["to_unit"]})

    to_unit: int | str | None = None
    reason: str = ""
    # "transfer" (the default) moves him; "residence" or "temporary" attaches him to the unit's
    # activity while he stays in his branch.
    kind: Literal["transfer", "residence", "temporary"] = "transfer"


class TransferAcceptIn(Schema):
    model_config = ConfigDict(extra="forbid")

    branch: int | None = None
    note: str = ""


class TransferRejectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""


class TransferMemberOut(Schema):
    id: int
    full_name: str
    date_of_birth: date
    member_code: str


class TransferUnitOut(Schema):
    id: int
    name: str
    code: str
    level: str


class TransferOut(Schema):
    id: int
    kind: str
    state: str
    member: TransferMemberOut
    from_branch: str
    to_unit: TransferUnitOut
    to_branch: TransferUnitOut | None
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str


def _unit_out(unit: Unit | None) -> dict | None:
    if unit is None:
        return None
    return {"id": unit.pk, "name": unit.name, "code": unit.code, "level": unit.level.code}


def transfer_out(transfer: Transfer) -> dict:
    member = transfer.member
    return {
        "id": transfer.pk,
        "kind": transfer.kind,
        "state": transfer.state,
        "member": {
            "id": member.pk,
            "full_name": member.full_name,
            "date_of_birth": member.date_of_birth,
            "member_code": member.member_code,
        },
        "from_branch": transfer.from_branch.name,
        "to_unit": _unit_out(transfer.to_unit),
        "to_branch": _unit_out(transfer.to_branch),
        "reason": transfer.reason,
        "requested_at": transfer.requested_at,
        "decided_at": transfer.decided_at,
        "decision_note": transfer.decision_note,
    }


def _receiving_unit(value: int | str) -> Unit:
    """Any active unit of the country, by id or code."""
    qs = Unit.objects.select_related("level").filter(is_active=True)
    unit = qs.filter(pk=value).first() if isinstance(value, int) else unit_lookup(value)
    if unit is None:
        raise ValidationError({"to_unit": _("No active unit with this code.")})
    return unit


@router.post(
    "/members/{member_id}/transfer",
    response={201: TransferOut, **ERRORS},
    summary="Request a transfer",
)
def transfer_request(request, member_id: int, payload: TransferRequestIn):
    """Ask for the member to move to another unit (`to_unit`: its id or code, any active unit
    of the country). The member himself, his branch committee or a cadre above may ask."""
    member = get_member_for(request.user, member_id)
    require(can_request_transfer(request.user, member))
    if payload.to_unit is None or payload.to_unit == "":
        raise required("to_unit")
    transfer = transfer_services.transfer_request(
        actor=request.user,
        member=member,
        to_unit=_receiving_unit(payload.to_unit),
        reason=payload.reason,
        kind=payload.kind,
    )
    return Status(201, transfer_out(transfer))


@router.get("/transfers/{transfer_id}", response={200: TransferOut, **ERRORS}, summary="A transfer")
def transfer_detail(request, transfer_id: int):
    return transfer_out(get_transfer_for(request.user, transfer_id))


@router.post(
    "/transfers/{transfer_id}/accept",
    response={200: TransferOut, **ERRORS},
    summary="Accept a transfer",
)
def transfer_accept(request, transfer_id: int, payload: TransferAcceptIn):
    """The receiving side accepts and names the branch (`branch`: its id, inside the receiving
    unit) the member joins; he moves there today."""
    transfer = get_transfer_for(request.user, transfer_id)
    require(can_decide_transfer(request.user, transfer))
    with conflicts():
        next_state(transfer, "accept")
        if payload.branch is None:
            raise required("branch")
        branch = receiving_branches(transfer).filter(pk=payload.branch).first()
        if branch is None:
            raise ValidationError(
                {"branch": _("Choose a branch of %(unit)s.") % {"unit": transfer.to_unit.name}}
            )
        transfer = transfer_actions.transfer_accept(
            actor=request.user, transfer=transfer, branch=branch, note=payload.note
        )
    return transfer_out(transfer)


@router.post(
    "/transfers/{transfer_id}/reject",
    response={200: TransferOut, **ERRORS},
    summary="Reject a transfer",
)
def transfer_reject(request, transfer_id: int, payload: TransferRejectIn):
    """The receiving side refuses, with a reason (required)."""
    transfer = get_transfer_for(request.user, transfer_id)
    require(can_decide_transfer(request.user, transfer))
    with conflicts():
        transfer = transfer_services.transfer_reject(
            actor=request.user, transfer=transfer, reason=payload.reason
        )
    return transfer_out(transfer)


@router.post(
    "/transfers/{transfer_id}/cancel",
    response={200: TransferOut, **ERRORS},
    summary="Cancel a transfer request",
)
def transfer_cancel(request, transfer_id: int):
    """The requesting side withdraws its open request."""
    transfer = get_transfer_for(request.user, transfer_id)
    require(can_cancel_transfer(request.user, transfer))
    with conflicts():
        transfer = transfer_services.transfer_cancel(actor=request.user, transfer=transfer)
    return transfer_out(transfer)


@router.post(
    "/transfers/{transfer_id}/end",
    response={200: TransferOut, **ERRORS},
    summary="End a residence-based or temporary activity",
)
def attachment_end(request, transfer_id: int):
    """Either side ends an accepted attachment; 409 for a transfer or one not accepted."""
    transfer = get_transfer_for(request.user, transfer_id)
    require(can_end_attachment(request.user, transfer))
    with conflicts():
        transfer = transfer_services.attachment_end(actor=request.user, transfer=transfer)
    return transfer_out(transfer)

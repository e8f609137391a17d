"""Profile change requests: the member proposes changes to his own record, his branch committee
approves (the values go through the member write) or rejects them with a reason.

A member's token reaches his own record only: any other member answers 404. A value the member
form refuses answers 400 with that field's message (members/validation.py); a second open
request, or a decision on a request already decided, answers 409."""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict, Field

from doanvien.accounts.access import get_unit_for, require
from doanvien.actions.profiles import change_request_approve
from doanvien.members.access import can_see_id_number, get_member_for
from doanvien.members.models import mask_id_number
from doanvien.profiles.access import (
    can_decide_changes,
    can_propose_changes,
    can_see_queue,
    get_change_request_for,
)
from doanvien.profiles.models import ChangeRequest
from doanvien.profiles.selectors import QUEUE_ORDER, requests_under
from doanvien.profiles.services import change_request_reject, change_request_submit

from .errors import keyset_page_of
from .schemas import error_answers
from .training import conflicts, required

router = Router(tags=["change requests"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)


class ChangeRequestIn(Schema):
    # Required, as the document says; the view checks it after access (422 all the same).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["changes"]})

    changes: dict[str, Any] | None = None
    reason: str = ""


class RejectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""


class ChangeMemberOut(Schema):
    id: int
    full_name: str
    member_code: str
    branch: str


class ChangeRequestOut(Schema):
    id: int
    state: str
    state_label: str
    member: ChangeMemberOut
    changes: dict[str, Any]
    before: dict[str, Any]
    reason: str
    photo: str | None = Field(
        None, description="the address of the photo proposed for the card while it waits, or null"
    )
    created_at: datetime
    decided_at: datetime | None
    decision_note: str


class ChangeRequestPageOut(Schema):
    items: list[ChangeRequestOut]
    next: str | None
    count: int | None
    more_than: int | None = None


class QueueQuery(Schema):
    state: Literal["open", "approved", "rejected"] = "open"
    page: int = 1
    cursor: str = ""


def _masked(values: dict, shows_id: bool) -> dict:
    if shows_id or not values.get("id_number"):
        return values
    return {**values, "id_number": mask_id_number(values["id_number"])}


def change_request_out(user, change_request: ChangeRequest) -> dict:
    member = change_request.member
    shows_id = can_see_id_number(user, member)
    return {
        "id": change_request.pk,
        "state": change_request.state,
        "state_label": change_request.get_state_display(),
        "member": {
            "id": member.pk,
            "full_name": member.full_name,
            "member_code": member.member_code,
            "branch": member.branch.name,
        },
        "changes": _masked(change_request.changes, shows_id),
        "before": _masked(change_request.before, shows_id),
        "reason": change_request.reason,
        "photo": (
            reverse("profiles:change-request-photo", args=[change_request.pk])
            if change_request.photo and change_request.state == ChangeRequest.State.OPEN
            else None
        ),
        "created_at": change_request.created_at,
        "decided_at": change_request.decided_at,
        "decision_note": change_request.decision_note,
    }


@router.post(
    "/members/{member_id}/change-requests",
    response={201: ChangeRequestOut, **ERRORS},
    summary="Propose changes to one's own record",
)
def change_request_create(request, member_id: int, payload: ChangeRequestIn):
    """`changes`: {field: new value} among phone, email, permanent_address, education_level,
    professional_qualification, ethnicity, religion, id_number, full_name and date_of_birth
    (YYYY-MM-DD or dd/mm/yyyy); a new full name or date of birth needs `reason`. Only the member
    himself may propose (403 for those who see his record; 404 for everyone else)."""
    member = get_member_for(request.user, member_id)
    if not can_propose_changes(request.user, member):
        raise PermissionDenied
    if payload.changes is None:
        raise required("changes")
    with conflicts():
        change_request = change_request_submit(
            actor=request.user, member=member, changes=payload.changes, reason=payload.reason
        )
    return Status(201, change_request_out(request.user, change_request))


@router.post(
    "/members/{member_id}/photo-requests",
    response={201: ChangeRequestOut, **ERRORS},
    summary="Propose a new photo for one's own card",
    # The photo is required; the view checks it after access (422 all the same).
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": {"required": ["photo"]}}},
        }
    },
)
def photo_request_create(
    request,
    member_id: int,
    photo: File[UploadedFile | None] = None,
):
    """Multipart: `photo`, a JPEG, PNG or WebP photo of the face (at most
    `MEMBER_PHOTO_MAX_BYTES`); it is checked by its content, made small and stripped of the
    camera's metadata, and waits as a change request for the branch to approve (it then becomes
    the card's photo) or reject. Only the member himself (403 for those who see his record; 404
    for everyone else); a request of his already waiting → 409; not a photo, or too large → 400
    with the message under `photo`."""
    member = get_member_for(request.user, member_id)
    if not can_propose_changes(request.user, member):
        raise PermissionDenied
    if photo is None:
        raise required("photo")
    with conflicts():
        change_request = change_request_submit(
            actor=request.user, member=member, changes={}, photo=photo
        )
    return Status(201, change_request_out(request.user, change_request))


@router.get(
    "/units/{unit_id}/change-requests",
    response={200: ChangeRequestPageOut, **ERRORS},
    summary="Change requests of a unit's members",
)
def unit_change_requests(request, unit_id: int, query: Query[QueueQuery]):
    """The requests of the members of the unit's subtree in a state (`open` by default), oldest
    first, paged by `cursor`; for those who decide them (its committee, cadres above)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_see_queue(request.user, unit))
    page = keyset_page_of(
        requests_under(unit, query.state), keys=QUEUE_ORDER, page=query.page, cursor=query.cursor
    )
    return {
        "items": [change_request_out(request.user, r) for r in page.object_list],
        "next": page.next_cursor,
        "count": page.count,
        "more_than": page.more_than,
    }


@router.post(
    "/change-requests/{request_id}/approve",
    response={200: ChangeRequestOut, **ERRORS},
    summary="Approve a change request",
)
def change_request_approve_op(request, request_id: int):
    """The values go into the record (checked again by the member form's rules: a value that no
    longer passes answers 400 and the request stays open)."""
    change_request = get_change_request_for(request.user, request_id)
    require(can_decide_changes(request.user, change_request.member))
    with conflicts():
        change_request = change_request_approve(actor=request.user, change_request=change_request)
    return change_request_out(request.user, change_request)


@router.post(
    "/change-requests/{request_id}/reject",
    response={200: ChangeRequestOut, **ERRORS},
    summary="Reject a change request",
)
def change_request_reject_op(request, request_id: int, payload: RejectIn):
    """Refuse the changes with a reason (required)."""
    change_request = get_change_request_for(request.user, request_id)
    require(can_decide_changes(request.user, change_request.member))
    with conflicts():
        change_request = change_request_reject(
            actor=request.user, change_request=change_request, reason=payload.reason
        )
    return change_request_out(request.user, change_request)

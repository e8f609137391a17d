"""A member's change request approved: the values go into his record through the member write
(actions.members.member_update: validated again, audited), and the request is closed, in one
transaction; a proposed photo becomes his card's photo (members/services/photos.py). A value
that no longer passes the rules (an ID number taken meanwhile) refuses the approval with the
field's message; the request stays open."""

from datetime import date

from doanvien.core.transactions import atomic
from doanvien.members.services.photos import member_photo_use
from doanvien.profiles import services
from doanvien.profiles.models import ChangeRequest

from .members import member_update


@atomic
def change_request_approve(
    *, actor, change_request: ChangeRequest, today: date | None = None
) -> ChangeRequest:
    change_request = services.change_request_lock(change_request, "approve")
    if change_request.changes:
        member_update(
            actor=actor,
            member=change_request.member,
            data=services.typed_changes(change_request.changes),
            today=today,
        )
    if change_request.photo:  # his proposed photo becomes his card's
        member_photo_use(actor=actor, member=change_request.member, name=change_request.photo)
    return services.change_request_approved(actor=actor, change_request=change_request)

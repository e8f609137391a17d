"""The audit trail of a unit's subtree, for its cadres (base union and above): who did what,
when, searched by person, action and period, newest first, a page at a time by keyset (the
cursor is the last event of the page: no OFFSET, however long the trail). ID numbers are
masked in the events as everywhere (the services record them masked)."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from doanvien.accounts.access import can_search_audit, get_unit_for, require
from doanvien.core import audit

from .errors import ApiError
from .schemas import error_answers

router = Router(tags=["audit"])
ERRORS = error_answers(400, 401, 403, 404, 422)
PAGE = 50


class AuditQuery(Schema):
    actor: str = Field("", max_length=150, description="a user name")
    action: str = Field(
        "", max_length=40, description='an action ("unit.moved") or a family ("unit.")'
    )
    object_type: str = Field(
        "", max_length=20, description='the type of the object ("member", "unit", …)'
    )
    object_id: int | None = Field(None, ge=1, description="the object's id")
    since: date | None = None
    until: date | None = None
    id_number_reads: bool | None = Field(
        None, description="true: only the reads of full ID numbers; false: all but them"
    )
    cursor: str = Field("", max_length=20, description="a page's `next`")


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str | None
    action: str
    target_type: str
    target_id: int
    summary: str
    changes: dict


class AuditPageOut(Schema):
    results: list[AuditEventOut]
    next: str | None = Field(None, description="the next page is `?cursor=` this; null at the end")


def event_out(event) -> dict:
    return {
        "id": event.pk,
        "at": event.at,
        "actor": event.actor.username if event.actor else None,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "summary": event.text,
        "changes": event.details,
    }


@router.get(
    "/units/{unit_id}/audit",
    response={200: AuditPageOut, **ERRORS},
    summary="The audit trail of a unit's subtree",
)
def unit_audit(request, unit_id: int, query: Query[AuditQuery]):
    unit = get_unit_for(request.user, unit_id)
    require(can_search_audit(request.user, unit))
    events = audit.search(
        unit_path=unit.path,
        actor=query.actor,
        action=query.action,
        since=query.since,
        until=query.until,
        id_number_reads=query.id_number_reads,
        target_type=query.object_type,
        target_id=query.object_id,
    )
    if query.cursor:
        if not query.cursor.isdigit():
            message = _("This cursor was not given by the API: use a page's `next`.")
            raise ApiError(422, message, [{"field": "cursor", "message": message}])
        events = events.filter(id__lt=int(query.cursor))
    found = list(events[: PAGE + 1])
    return {
        "results": [event_out(e) for e in audit.shown(found[:PAGE])],
        "next": str(found[PAGE - 1].pk) if len(found) > PAGE else None,
    }

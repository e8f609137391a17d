"""A member's awards and discipline decisions: POST /members/{member_id}/awards and
/members/{member_id}/discipline, by his branch committee or a cadre above (403); the member
must be one the caller sees (404)."""

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import require
from doanvien.actions.members import discipline_record
from doanvien.honours import services
from doanvien.honours.access import can_record_honours
from doanvien.members.access import get_member_for

from .schemas import error_answers

router = Router(tags=["awards and discipline"])

ERRORS = error_answers(400, 401, 403, 404, 413, 422)


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision_no: str = ""
    date: str | None = Field(None, description="YYYY-MM-DD or dd/mm/yyyy, not after today")
    form: str = Field(
        "",
        description="awards: merit, commendation, badge, other; "
        "discipline: reprimand, warning, removal, other",
    )
    issued_by: int | str | None = Field(
        None, description="the id of the member's branch or a unit above it, or another body"
    )
    level: str = Field("", description="central, province, district, base, branch, other")
    note: str = ""


class DecisionOut(Schema):
    id: int
    text: str


def _post(request, member_id: int, payload: DecisionIn, service):
    member = get_member_for(request.user, member_id)
    require(can_record_honours(request.user, member))
    record = service(actor=request.user, member=member, data=payload.model_dump())
    return Status(201, {"id": record.pk, "text": record.text()})


@router.post(
    "/members/{member_id}/awards",
    response={201: DecisionOut, **ERRORS},
    summary="Record an award",
)
def award_create(request, member_id: int, payload: DecisionIn):
    return _post(request, member_id, payload, services.award_record)


@router.post(
    "/members/{member_id}/discipline",
    response={201: DecisionOut, **ERRORS},
    summary="Record a discipline decision",
)
def discipline_create(request, member_id: int, payload: DecisionIn):
    return _post(request, member_id, payload, discipline_record)

"""Statistics returns (union-rules §9): a union's return of a year's period with its forms and
cells, its typed cells saved, submit, the unit above accepting or returning it, and the status
of the children's returns (who has reported).

Every operation resolves the unit within the user's scope first (404 outside it, and for a
branch, which files no return), then asks the returns' access rules (403): a cadre of the unit
fills and submits; a cadre of the unit directly above accepts and returns. A move the workflow
does not allow answers 409 (so does a change to a closed campaign); bad figures and totals that
do not add up answer 400 with the cells' messages (field "row:col").

A union's cadres ask the unions under it for a return of their own (a campaign on the unit's
own dates, with shared forms and a survey of typed cells): /units/{unit_id}/return-campaigns
lists and adds them (422 naming each field refused), …/{return_campaign_id}/close closes one
(409 when it is closed already). The unions under it find the campaign among their returns of its
year, by its `period` code."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import pydantic
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict

from doanvien.accounts.access import require
from doanvien.returns import services
from doanvien.returns.access import (
    can_decide,
    can_fill,
    can_run_campaigns,
    get_reporting_unit_for,
)
from doanvien.returns.campaigns import campaign_for
from doanvien.returns.models import Campaign
from doanvien.returns.selectors import (
    OwnCampaign,
    as_of,
    campaigns_owned,
    cell_basis,
    children_status,
    late_now,
    return_forms,
    return_of,
    state_of,
)

from .errors import ApiError, conflicts_as_409, field_errors, invalid_as_422
from .parser import checked
from .schemas import PROGRAMME_YEAR, error_answers

router = Router(tags=["returns"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
RETURN = "/units/{unit_id}/returns/{year}/{period}"


CONFLICTS = {"illegal_transition", "campaign_closed"}
CAMPAIGN_CONFLICTS = {"campaign_closed", "default_campaign", "no_unions"}


class ReturnCellIn(Schema):
    row: str
    col: str
    value: int | str | None = None
    reason: str = ""


class ReturnCellsIn(Schema):
    cells: list[ReturnCellIn] = []


class ReturnDocumentIn(Schema):
    """The number, place and signer of the return's document (its PDF); a field left out stays
    as it is, "" clears it."""

    model_config = ConfigDict(extra="forbid")

    doc_number: str | None = Field(None, description="e.g. 12-BC/ĐTN")
    doc_place: str | None = None
    signer_on_behalf: str | None = Field(None, description="blank: T/M BAN THƯỜNG VỤ")
    signer_role: str | None = Field(None, description="blank: BÍ THƯ")
    signer_name: str | None = None


class ReturnDocumentOut(Schema):
    doc_number: str
    doc_place: str
    signer_on_behalf: str
    signer_role: str
    signer_name: str


class ReturnCommentIn(Schema):
    comment: str = ""


class ReturnCellOut(Schema):
    row: str
    col: str
    value: int | None
    source: str
    basis: str | None = Field(
        None,
        description="a computed cell: `as_of` (counted as of the campaign's last day), "
        "`period` (over its span) or `submission` (as the data stood when the return was "
        "counted, at the time of submission)",
    )
    sum: int | None = None
    reason: str = ""


class ReturnFormOut(Schema):
    number: int
    title: str
    cells: list[ReturnCellOut]
    failed: list[dict] = []


class ReturnOut(Schema):
    unit: int
    year: int
    period: str
    title: str
    due_on: str
    as_of: date = Field(description="the day the figures are of: the campaign's last day")
    state: str
    late: bool
    submitted_at: datetime | None
    comment: str
    document: ReturnDocumentOut
    forms: list[ReturnFormOut]


class ReturnStatusItemOut(Schema):
    unit: int
    unit_name: str
    state: str
    submitted_at: datetime | None
    late: bool
    comment: str


class ReturnStatusOut(Schema):
    items: list[ReturnStatusItemOut]


def _resolve(request, unit_id: int, year: int, period: str):
    unit = get_reporting_unit_for(request.user, unit_id)
    campaign = campaign_for(unit, year, period)
    if campaign is None:
        raise Http404
    return unit, campaign


def _out(unit, campaign) -> dict:
    ret = return_of(unit, campaign)
    forms = return_forms(unit, campaign, ret)
    return {
        "unit": unit.pk,
        "year": campaign.year,
        "period": campaign.period,
        "title": campaign.title,
        "due_on": campaign.due_on.isoformat(),
        "as_of": as_of(campaign, ret, forms).day,
        "state": state_of(ret),
        "late": late_now(campaign, ret),
        "submitted_at": ret.submitted_at if ret else None,
        "comment": ret.comment if ret else "",
        "document": {name: getattr(ret, name) if ret else "" for name in services.DOCUMENT_FIELDS},
        "forms": [
            {
                **form,
                "cells": [
                    {**c, "basis": cell_basis(c)} if c["source"] == "computed" else c
                    for c in form["cells"]
                ],
            }
            for form in forms
        ],
    }


@contextmanager
def document_refused() -> Iterator[None]:
    """A document field refused → 422 naming it (other refusals pass on)."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(services.DOCUMENT_FIELDS):
            raise ApiError(422, _("Invalid data."), field_errors(exc)) from None
        raise


@router.get(RETURN, response={200: ReturnOut, **ERRORS}, summary="A union's statistics return")
def return_read(request, unit_id: int, period: str, year: int = PROGRAMME_YEAR):
    """`period`: `h1` (half year, due 30/6) or `year` (due 30/11), or a campaign a unit above
    added. Computed cells are counted now; a submitted return is its frozen snapshot."""
    unit, campaign = _resolve(request, unit_id, year, period)
    return _out(unit, campaign)


@router.put(
    f"{RETURN}/forms/{{number}}",
    response={200: ReturnOut, **ERRORS},
    summary="Save typed cells of a return's form",
)
def return_form_save(
    request,
    payload: ReturnCellsIn,
    unit_id: int,
    period: str,
    number: int,
    year: int = PROGRAMME_YEAR,
):
    """`{"cells": [{"row", "col", "value", "reason"}]}`: typed cells only (a computed cell
    answers 400); `value` null or "" clears the cell; a figure that differs from the sum of the
    children's accepted returns needs a `reason`. All or nothing."""
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_fill(request.user, unit))
    with conflicts_as_409(CONFLICTS):
        services.typed_save(
            actor=request.user,
            unit=unit,
            campaign=campaign,
            number=number,
            cells=[c.dict() for c in payload.cells],
        )
    return _out(unit, campaign)


def _optional_document(request) -> dict | None:
    """The submit's optional body: the document's fields (ReturnDocumentIn), as JSON or form
    fields, read with the API's text rule; no body at all is no document."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        data = request.POST.dict()
    elif not request.body.strip():
        return None
    else:
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, _("The request body is not valid JSON.")) from None
    try:
        document = ReturnDocumentIn.model_validate(checked(data, ("body",)))
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(exc.errors(include_url=False)) from None
    return document.dict(exclude_none=True)


@router.post(
    f"{RETURN}/submit",
    response={200: ReturnOut, **ERRORS},
    summary="Submit a return",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ReturnDocumentIn"}}
            },
        }
    },
)
def return_submit(request, unit_id: int, period: str, year: int = PROGRAMME_YEAR):
    """The body is optional: the number, place and signer of the return's document (its PDF),
    kept with it (422 naming a field refused)."""
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_fill(request.user, unit))
    document = _optional_document(request)
    with conflicts_as_409(CONFLICTS), document_refused():
        services.return_submit(actor=request.user, unit=unit, campaign=campaign, document=document)
    return _out(unit, campaign)


@router.put(
    f"{RETURN}/document",
    response={200: ReturnOut, **ERRORS},
    summary="Set the number and signer of a return's document",
)
def return_document(
    request, payload: ReturnDocumentIn, unit_id: int, period: str, year: int = PROGRAMME_YEAR
):
    """In any state (they are not figures): the number, place and signer its PDF prints."""
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_fill(request.user, unit))
    with document_refused():
        services.return_document_set(
            actor=request.user,
            unit=unit,
            campaign=campaign,
            document=payload.dict(exclude_none=True),
        )
    return _out(unit, campaign)


@router.post(f"{RETURN}/accept", response={200: ReturnOut, **ERRORS}, summary="Accept a return")
def return_accept(request, unit_id: int, period: str, year: int = PROGRAMME_YEAR):
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_decide(request.user, unit))
    with conflicts_as_409(CONFLICTS):
        services.return_accept(actor=request.user, unit=unit, campaign=campaign)
    return _out(unit, campaign)


@router.post(
    f"{RETURN}/return",
    response={200: ReturnOut, **ERRORS},
    summary="Return a return to its unit with a comment",
)
def return_send_back(
    request, payload: ReturnCommentIn, unit_id: int, period: str, year: int = PROGRAMME_YEAR
):
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_decide(request.user, unit))
    with conflicts_as_409(CONFLICTS):
        services.return_send_back(
            actor=request.user, unit=unit, campaign=campaign, comment=payload.comment
        )
    return _out(unit, campaign)


@router.get(
    f"{RETURN}/status",
    response={200: ReturnStatusOut, **ERRORS},
    summary="Who of the unions directly under the unit has reported",
)
def return_status(request, unit_id: int, period: str, year: int = PROGRAMME_YEAR):
    """Each union directly under the unit: `state` not_started, draft, submitted, accepted or
    returned (with the `comment`), and `late` (submitted after the deadline, or not submitted
    and past it)."""
    unit, campaign = _resolve(request, unit_id, year, period)
    return {
        "items": [
            {
                "unit": s.unit.pk,
                "unit_name": s.unit.name,
                "state": s.state,
                "submitted_at": s.submitted_at,
                "late": s.late,
                "comment": s.ret.comment if s.ret else "",
            }
            for s in children_status(unit, campaign)
        ]
    }


# --- A unit's own campaigns -------------------------------------------------------------------


class ReturnCampaignIn(Schema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"required": ["title", "starts_on", "ends_on", "due_on"]}
    )

    title: str = ""
    starts_on: str = Field("", description="the first day the figures cover (YYYY-MM-DD)")
    ends_on: str = Field("", description="their last day; the campaign's year is its year")
    due_on: str = Field("", description="the deadline, on or after `ends_on`")
    late_policy: str = Field("mark", description="mark (late returns marked) or refuse")
    forms: list[int] = Field([], description="numbers of the shared forms asked for (1–9)")
    survey_title: str = ""
    survey_rows: list[str] = Field([], description="a survey of typed cells: its rows' labels")
    survey_columns: list[str] = Field([], description="and its columns' labels")


class ReturnCampaignOut(Schema):
    id: int
    year: int
    period: str = Field(description="the campaign's code in the returns' paths")
    title: str
    starts_on: date
    ends_on: date
    due_on: date
    late_policy: str
    forms: list[int]
    closed_at: datetime | None
    children: int = Field(description="the unions directly under the unit")
    reported: int = Field(description="of them, those that submitted (or had accepted)")


class ReturnCampaignsOut(Schema):
    items: list[ReturnCampaignOut]
    next: str | None
    count: int | None


class ReturnCampaignsQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _campaign(row: OwnCampaign) -> dict:
    c = row.campaign
    return {
        "id": c.pk,
        "year": c.year,
        "period": c.period,
        "title": c.title,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "due_on": c.due_on,
        "late_policy": c.late_policy,
        "forms": sorted(f.number for f in c.forms.all()),
        "closed_at": c.closed_at,
        "children": row.children,
        "reported": row.reported,
    }


def _own(unit, campaign_id: int) -> dict:
    row = next((r for r in campaigns_owned(unit) if r.campaign.pk == campaign_id), None)
    if row is None:
        raise Http404
    return _campaign(row)


@router.get(
    "/units/{unit_id}/return-campaigns",
    response={200: ReturnCampaignsOut, **ERRORS},
    summary="The returns a union asked of the unions under it",
)
def return_campaigns(request, unit_id: int, filters: Query[ReturnCampaignsQuery]):
    """The unit's own campaigns, newest deadline first (`year`: of one year), each with how
    many of the unions directly under it have reported."""
    unit = get_reporting_unit_for(request.user, unit_id)
    rows = campaigns_owned(unit, filters.year)
    return {"items": [_campaign(r) for r in rows], "next": None, "count": len(rows)}


@router.post(
    "/units/{unit_id}/return-campaigns",
    response={201: ReturnCampaignOut, **ERRORS},
    summary="Ask the unions under a union for a return",
)
def return_campaign_create(request, unit_id: int, payload: ReturnCampaignIn):
    """A campaign on the unit's own dates: the shared forms it names and/or a survey (rows and
    columns of typed cells). Only the unit's cadres; a unit with no union under it: 409."""
    unit = get_reporting_unit_for(request.user, unit_id)
    require(can_run_campaigns(request.user, unit))
    with invalid_as_422(CAMPAIGN_CONFLICTS):
        campaign = services.campaign_create(actor=request.user, unit=unit, data=payload.dict())
    return Status(201, _own(unit, campaign.pk))


@router.post(
    "/units/{unit_id}/return-campaigns/{return_campaign_id}/close",
    response={200: ReturnCampaignOut, **ERRORS},
    summary="Close a union's own campaign",
)
def return_campaign_close(request, unit_id: int, return_campaign_id: int):
    """Its returns stay readable; none is saved, submitted or returned any more. Closed
    already: 409."""
    unit = get_reporting_unit_for(request.user, unit_id)
    campaign = Campaign.objects.filter(pk=return_campaign_id, owner=unit).first()
    if campaign is None:
        raise Http404
    require(can_run_campaigns(request.user, unit))
    with invalid_as_422(CAMPAIGN_CONFLICTS):
        services.campaign_close(actor=request.user, campaign=campaign)
    return _own(unit, campaign.pk)

"""The yearly report drafted from the data (issue 21, its second half): a unit's report with
its sections (the figures filled from the data now, the prose its cadres wrote) and the figures
themselves; the prose saved with PUT; the report submitted to the level above and reopened; the
whole as a Word document or a PDF; and the good models a unit records for it.

Out of the caller's scope: 404. In scope but not allowed: 403 (a unit above reading a report
its unit has not submitted; anyone but the unit's own cadres writing). A move the report's state
does not allow (saving or submitting a submitted report, reopening a draft): 409. Bad data:
422 naming each field (a paragraph as `paragraphs.<section key>`)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.core.years import FIRST_YEAR, LAST_YEAR
from doanvien.yearly_reports import exports, services
from doanvien.yearly_reports.access import (
    can_pull,
    can_read,
    can_reopen,
    can_write,
    get_good_model_for,
    is_own,
)
from doanvien.yearly_reports.models import YearlyReport
from doanvien.yearly_reports.selectors import Draft, good_model_dict, good_models_of, report_of
from doanvien.yearly_reports.workflow import STATES

from .errors import ApiError, binary_answer, file_answer, keyset_page_of
from .schemas import PROGRAMME_YEAR, UnitRef, error_answers

router = Router(tags=["yearly reports"])

ERRORS = error_answers(401, 403, 404, 422)
WRITE_ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
CONFLICTS = {"illegal_transition"}


@contextmanager
def refusals() -> Iterator[None]:
    """A service's refusal: a move the state does not allow → 409; bad data → 422 naming the
    fields."""
    try:
        yield
    except ValidationError as exc:
        if getattr(exc, "code", None) in CONFLICTS:
            raise ApiError(409, " ".join(exc.messages)) from None
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": name, "message": " ".join(messages)}
                for name, messages in exc.message_dict.items()
            ]
        else:
            errors = [{"field": "__all__", "message": " ".join(exc.messages)}]
        raise ApiError(422, _("Invalid data."), errors) from None


class YearlyReportGoodModelOut(Schema):
    id: int
    year: int
    title: str
    description: str
    result: str
    unit: UnitRef = Field(description="the unit whose list holds it")
    origin: UnitRef = Field(description="the unit that practised it")
    source: int | None = Field(description="the good model it was pulled from, if any")


class YearlyReportSectionOut(Schema):
    key: str
    number: str = Field(description="as the document numbers it: I, II, 1, 1.2 … (empty: none)")
    title: str
    level: int = Field(description="0: no heading; 1: I, II …; 2: 1, 2 …; 3: 1.1 …")
    facts: list[str] = Field(description="the sentences filled from the data, in Vietnamese")
    paragraph_key: str | None = Field(description="the key of its prose (PUT `paragraphs`)")
    paragraph: str | None = Field(description="the prose as saved; null: not editable")
    good_models: list[YearlyReportGoodModelOut] = []


class YearlyReportOut(Schema):
    unit: UnitRef
    year: int
    state: str | None = Field(description="null (not started), draft or submitted")
    state_label: str
    number: str
    date: dt.date = Field(description="the report's date (today while none is set)")
    place: str
    signer_role: str
    signer_name: str
    submitted_at: dt.datetime | None
    updated_at: dt.datetime | None
    editable: bool = Field(description="the caller may change the prose now")
    paragraph_keys: list[str] = Field(description="the sections whose prose PUT takes")
    sections: list[YearlyReportSectionOut]
    figures: dict = Field(
        description="report.rows: the appendix table as GET /units/{id}/reports/{year} gives "
        "its rows; activities: as GET /units/{id}/activity-stats/{year} gives `figures`; "
        "process: registration, review and assessment, branches recognised and late; "
        "framework, deadlines; good_models: how many"
    )


class YearlyReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    paragraphs: dict[str, str | None] | None = Field(
        None,
        description="section key → its text (one paragraph a line, at most 5,000 characters); "
        "an empty text clears it; sections not sent stay as they are",
    )
    number: str | None = Field(None, description="the report's number, e.g. 862")
    date: str | None = Field(None, description="dd/mm/yyyy or yyyy-mm-dd")
    place: str | None = None
    signer_role: str | None = None
    signer_name: str | None = None


class GoodModelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    # Checked by the service after the scope (404 first), each named when missing or wrong.
    year: int | None = Field(None, description=f"required: {FIRST_YEAR} to {LAST_YEAR}")
    title: str = Field("", description="required")
    description: str = ""
    result: str = ""


class GoodModelCreatedOut(Schema):
    id: int


class GoodModelListOut(Schema):
    items: list[YearlyReportGoodModelOut]
    next: str | None = Field(description="the next page is `?cursor=` this; null on the last")
    previous: str | None = None
    count: int | None
    more_than: int | None = None


class GoodModelQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)
    cursor: str = Field("", max_length=2000, description="a page's `next` or `previous`")


def _ref(unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


def _readable(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    saved = report_of(unit, year)
    require(can_read(request.user, unit, saved))
    return unit, saved


def report_out(request, d: Draft) -> dict:
    saved = d.report
    return {
        "unit": _ref(d.unit),
        "year": d.year,
        "state": saved.state if saved else None,
        "state_label": str(STATES[saved.state if saved else None]),
        "number": d.value("number"),
        "date": d.on,
        "place": d.value("place"),
        "signer_role": d.value("signer_role"),
        "signer_name": d.value("signer_name"),
        "submitted_at": saved.submitted_at if saved else None,
        "updated_at": saved.updated_at if saved else None,
        "editable": can_write(request.user, d.unit)
        and (saved is None or saved.state == YearlyReport.State.DRAFT),
        "paragraph_keys": [s.paragraph_key for s in d.sections if s.paragraph_key],
        "sections": [s.as_dict() for s in d.sections],
        "figures": d.figures,
    }


# The files come before the JSON report: "/units/{unit_id}/yearly-report/{year}" would take
# "2026.docx" as its year (and answer 422).
@router.get(
    "/units/{unit_id}/yearly-report/{year}.docx",
    response={200: None, **ERRORS},
    summary="The yearly report as a Word document",
    openapi_extra=binary_answer(exports.DOCX_TYPE, "The document, in Vietnamese"),
)
def yearly_report_docx(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The official header, the sections (figures and prose), recipients and signature, and
    the appendix table as a Word table; in Times New Roman."""
    unit, _saved = _readable(request, unit_id, year)
    d = exports.draft_for_document(unit, year)
    return file_answer(
        exports.report_docx(d), exports.DOCX_TYPE, exports.filename(unit, year, "docx")
    )


@router.get(
    "/units/{unit_id}/yearly-report/{year}.pdf",
    response={200: None, **ERRORS},
    summary="The yearly report as a PDF document",
    openapi_extra=binary_answer(exports.PDF_TYPE, "The A4 document, in Vietnamese"),
)
def yearly_report_pdf(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The same document as the print view: pages numbered, the header and signature block of
    the yearly report's PDF, the appendix table on its own page."""
    unit, _saved = _readable(request, unit_id, year)
    d = exports.draft_for_document(unit, year)
    return file_answer(exports.report_pdf(d), exports.PDF_TYPE, exports.filename(unit, year, "pdf"))


@router.get(
    "/units/{unit_id}/yearly-report/{year}",
    response={200: YearlyReportOut, **ERRORS},
    summary="The yearly report drafted from the data",
)
def yearly_report(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """`sections` in the document's order, each with its sentences filled from the data now
    and its prose as saved; `figures` the numbers themselves. The unit's own people read it in
    any state, the units above once it is submitted (403 before)."""
    unit, _saved = _readable(request, unit_id, year)
    return report_out(request, exports.draft_for_document(unit, year))


@router.put(
    "/units/{unit_id}/yearly-report/{year}",
    response={200: YearlyReportOut, **WRITE_ERRORS},
    summary="Save the prose of the yearly report",
)
def yearly_report_save(request, unit_id: int, payload: YearlyReportIn, year: int = PROGRAMME_YEAR):
    """The unit's own cadres save the text of the sections given (`paragraph_keys` lists
    them) and the header's fields. 409 while the report is submitted; 422 for a text too long,
    an unknown section or a bad date, each named."""
    unit = get_unit_for(request.user, unit_id)
    require(can_write(request.user, unit))
    with refusals():
        services.yearly_report_save(
            actor=request.user, unit=unit, year=year, data=payload.model_dump(exclude_unset=True)
        )
    return report_out(request, exports.draft_for_document(unit, year))


@router.post(
    "/units/{unit_id}/yearly-report/{year}/submit",
    response={200: YearlyReportOut, **WRITE_ERRORS},
    summary="Submit the yearly report to the level above",
)
def yearly_report_submit(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The unit's own cadres submit it: the units above read it from now on. 409 if it is
    submitted already."""
    unit = get_unit_for(request.user, unit_id)
    require(can_write(request.user, unit))
    with refusals():
        services.yearly_report_submit(actor=request.user, unit=unit, year=year)
    return report_out(request, exports.draft_for_document(unit, year))


@router.post(
    "/units/{unit_id}/yearly-report/{year}/reopen",
    response={200: YearlyReportOut, **WRITE_ERRORS},
    summary="Reopen a submitted yearly report",
)
def yearly_report_reopen(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """Its own cadres or a cadre above make it a draft again. 409 unless it is submitted."""
    unit, _saved = _readable(request, unit_id, year)
    require(can_reopen(request.user, unit))
    with refusals():
        services.yearly_report_reopen(actor=request.user, unit=unit, year=year)
    return report_out(request, exports.draft_for_document(unit, year))


@router.get(
    "/units/{unit_id}/good-models",
    response={200: GoodModelListOut, **ERRORS},
    summary="The good models a unit recorded",
)
def good_model_list(request, unit_id: int, filters: Query[GoodModelQuery]):
    """For the unit's own people: its good models (of a year with `year`), newest first, 50 a
    page by keyset. The units above read them in its submitted report."""
    unit = get_unit_for(request.user, unit_id)
    require(is_own(request.user, unit))
    rows = good_models_of(unit, filters.year).order_by("-id")
    page = keyset_page_of(rows, keys=("-id",), page=1, cursor=filters.cursor)
    return {
        "items": [good_model_dict(g) for g in page.object_list],
        "next": page.next_cursor,
        "previous": page.previous_cursor,
        "count": page.count,
        "more_than": page.more_than,
    }


@router.post(
    "/units/{unit_id}/good-models",
    response={201: GoodModelCreatedOut, **WRITE_ERRORS},
    summary="Record a good model",
)
def good_model_create(request, unit_id: int, payload: GoodModelIn):
    """The unit's own cadres record a good model or effective solution of a year (section 4 of
    its yearly report). 409 while that year's report is submitted; 422 for bad data."""
    unit = get_unit_for(request.user, unit_id)
    require(can_write(request.user, unit))
    with refusals():
        good_model = services.good_model_create(
            actor=request.user, unit=unit, data=payload.model_dump()
        )
    return Status(201, {"id": good_model.pk})


@router.patch(
    "/good-models/{good_model_id}",
    response={200: YearlyReportGoodModelOut, **WRITE_ERRORS},
    summary="Change a good model",
)
def good_model_change(request, good_model_id: int, payload: GoodModelIn):
    """The fields sent change (year, title, description, result): the unit's own cadres. 409
    while the year's report (or the new year's) is submitted."""
    good_model = get_good_model_for(request.user, good_model_id)
    require(can_write(request.user, good_model.unit))
    with refusals():
        good_model = services.good_model_update(
            actor=request.user, good_model=good_model, data=payload.model_dump(exclude_unset=True)
        )
    return good_model_dict(good_model)


@router.delete(
    "/good-models/{good_model_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a good model",
)
def good_model_remove(request, good_model_id: int):
    """The unit's own cadres; 409 while the year's report is submitted."""
    good_model = get_good_model_for(request.user, good_model_id)
    require(can_write(request.user, good_model.unit))
    with refusals():
        services.good_model_delete(actor=request.user, good_model=good_model)
    return Status(204, None)


@router.post(
    "/units/{unit_id}/yearly-report/{year}/pull/{good_model_id}",
    response={201: GoodModelCreatedOut, **WRITE_ERRORS},
    summary="Pull a good model of a unit below into the unit's own",
)
def good_model_pull(request, unit_id: int, year: int, good_model_id: int):
    """Copy a good model from the submitted report of a unit directly under this one into its
    own list (once: 409 the second time)."""
    unit = get_unit_for(request.user, unit_id)
    good_model = get_good_model_for(request.user, good_model_id)
    source_report = report_of(good_model.unit, good_model.year)
    require(good_model.year == year and can_pull(request.user, unit, good_model, source_report))
    with refusals():
        copy = services.good_model_pull(actor=request.user, unit=unit, source=good_model)
    return Status(201, {"id": copy.pk})

"""The yearly report of a unit (seed 002's appendix table), read from the roll-ups."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from doanvien.accounts.access import get_unit_for
from doanvien.evaluations import report as evaluation_report
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start
from doanvien.reports import exports
from doanvien.reports.selectors import report, year_over_year
from doanvien.training.lateness import LATE_ORDERS, as_items, late_rows
from doanvien.training.progress import branch_progress, children_progress
from doanvien.training.selectors import branch_result

from .errors import binary_answer, file_answer, keyset_page_of
from .imports import JobCreated
from .schemas import (
    PROGRAMME_YEAR,
    KeysetPageOut,
    KeysetQuery,
    UnitRef,
    error_answers,
    keyset_fields,
)
from .training import result_out
from .training_schemas import ResultOut

router = Router(tags=["reports"])
ERRORS = error_answers(401, 404, 422)


class LevelShareOut(Schema):
    count: int
    share: Decimal


class RowOut(Schema):
    unit: UnitRef
    total: int = Field(description="members of the year: their span covers the `as_of` date")
    registered: int
    classified: int
    not_classified: int
    levels: dict[str, LevelShareOut]
    frozen: bool = Field(
        description="every branch under the unit had its results recognised: these are the "
        "figures recognised, and later changes do not touch them"
    )
    as_of: date | None = Field(
        description="the evaluation date the year's members are counted on (the evaluation "
        "deadline, or the end of the year where the framework says so)"
    )
    evaluations: dict[str, int] = Field(
        description="the unit's subtree in the year: strong-branch and 3-proactive evaluations "
        "registered, submitted, recognised; members' ratings approved per level; Party "
        "introductions proposed, introduced, admitted"
    )


class YearOut(Schema):
    year: int
    total: int
    registered: int
    classified: int
    not_classified: int
    levels: dict[str, LevelShareOut]


class ReportOut(Schema):
    unit: UnitRef
    year: int
    rows: list[RowOut]
    # The unit's own figures for the two years before, where the programme ran, to compare.
    previous_years: list[YearOut]


class DeadlineOut(Schema):
    kind: str
    date: date
    days_left: int
    allow_late: bool


class ProgressRowOut(Schema):
    unit: UnitRef
    members: int
    registered: int
    registration_rate: float
    waiting_review: int
    assessed: int
    assessment_rate: float
    branches: int
    branches_recognised: int
    late: bool
    late_units: int = Field(description="branches under that unit late for a deadline")
    # The deadlines that apply to that unit, with the days left (negative: passed).
    deadlines: list[DeadlineOut] = []


class LateItemOut(Schema):
    unit: UnitRef
    kind: Literal["registration", "evaluation", "recognition"]
    due_on: date = Field(description="the deadline (with its extension, if any)")
    days_late: int


class LateOut(KeysetPageOut):
    items: list[LateItemOut]
    count: int | None = Field(
        description="late deadlines in the whole subtree, on every page, when at most 1,000; "
        "null when there are more (see `more_than`)"
    )


class LateQuery(KeysetQuery):
    kind: Literal["registration", "evaluation", "recognition"] | None = None
    order: Literal["late", "name"] = "late"


class PersonOut(Schema):
    id: int
    name: str


class ProgressOut(Schema):
    unit: UnitRef
    year: int
    # Units above the branches: one row per unit directly under it.
    rows: list[ProgressRowOut]
    # A branch: who has not done what.
    not_registered: list[PersonOut] = []
    drafts: list[PersonOut] = []
    waiting_review: list[PersonOut] = []
    returned: list[PersonOut] = []
    not_assessed: list[PersonOut] = []
    deadlines: list[DeadlineOut] = []
    # A branch: its results for the year (state, last return or reopening, who reopened them
    # and why); null while nothing has happened to them.
    result: ResultOut | None = None
    # The unit's evaluation figures for the year (its subtree): as the report's rows carry them.
    evaluations: dict[str, int] = {}


def _ref(unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


def _figures(r) -> dict:
    return {
        "total": r.total,
        "registered": r.registered,
        "classified": r.classified,
        "not_classified": r.not_classified,
        "levels": r.levels,
    }


# The files come before the JSON report: "/units/{unit_id}/reports/{year}" takes any text as its
# year, so declared first it would answer "2025.xlsx" (with a 422).
NUMBER = Query("", max_length=60, description="the report's number, printed in the header")
PLACE = Query("", max_length=60, description="the place written before the date")


@router.get(
    "/units/{unit_id}/reports/{year}.xlsx",
    response={200: None, **ERRORS},
    summary="The yearly report as an Excel workbook",
    openapi_extra=binary_answer(exports.XLSX_TYPE, "The workbook, in Vietnamese"),
)
def unit_report_xlsx(request, unit_id: int, year: int = PROGRAMME_YEAR, number: str = NUMBER):
    """The report's table (the unit's units, then the unit's own row as the total) with its
    title block and the two years before: counts as numbers, shares as percentages."""
    unit = get_unit_for(request.user, unit_id)
    rows = report(unit, year)
    content = exports.report_xlsx(
        unit=unit,
        year=year,
        rows=rows,
        history=year_over_year(unit, [year - 2, year - 1, year]),
        evaluations=evaluation_report.rows([r.unit for r in rows], year),
        number=number,
        on=timezone.localdate(),
    )
    return file_answer(content, exports.XLSX_TYPE, exports.filename(unit, year, "xlsx"))


@router.get(
    "/units/{unit_id}/reports/{year}.pdf",
    response={200: None, **ERRORS},
    summary="The yearly report as a PDF document",
    openapi_extra=binary_answer(exports.PDF_TYPE, "The A4 document, in Vietnamese"),
)
def unit_report_pdf(
    request, unit_id: int, year: int = PROGRAMME_YEAR, number: str = NUMBER, place: str = PLACE
):
    """The official document: header block, title, the table, the charts, the years before,
    and the signature block."""
    unit = get_unit_for(request.user, unit_id)
    rows = report(unit, year)
    content = exports.report_pdf(
        unit=unit,
        year=year,
        rows=rows,
        history=year_over_year(unit, [year - 2, year - 1, year]),
        evaluations=evaluation_report.rows([r.unit for r in rows], year),
        number=number,
        place=place,
        on=timezone.localdate(),
    )
    return file_answer(content, exports.PDF_TYPE, exports.filename(unit, year, "pdf"))


@router.post(
    "/units/{unit_id}/reports/{year}/subtree",
    response={202: JobCreated, **error_answers(401, 404, 413, 422)},
    summary="Every unit of the subtree with its figures in Excel (background job)",
)
def unit_report_subtree(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The yearly report of the unit and of every unit under it, a row each, built in the
    background as the report page's "every unit" export is: follow `GET /api/v1/jobs/{job}`,
    whose `download` gives the file once it has `succeeded`. For whoever sees the unit."""
    unit = get_unit_for(request.user, unit_id)
    job = job_start(
        actor=request.user, kind=Job.Kind.REPORT_EXPORT, unit=unit, params={"year": year}
    )
    return Status(202, {"job": job.pk})


@router.get(
    "/units/{unit_id}/reports/{year}",
    response={200: ReportOut, **ERRORS},
    summary="The yearly training-programme report",
)
def unit_report(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The unit first, then each unit directly under it: members, registered, classified, not
    classified (membership too short), and each level's count and share of the classified
    (shares add up to exactly 100.00)."""
    unit = get_unit_for(request.user, unit_id)
    rows = report(unit, year)
    evaluations = evaluation_report.rows([r.unit for r in rows], year)
    return {
        "unit": _ref(unit),
        "year": year,
        "rows": [
            {
                "unit": _ref(r.unit),
                **_figures(r),
                "frozen": r.frozen,
                "as_of": r.as_of,
                "evaluations": e.figures,
            }
            for r, e in zip(rows, evaluations, strict=True)
        ],
        "previous_years": [
            {"year": y, **_figures(r)}
            for y, r in year_over_year(unit, [year - 2, year - 1])
            if r is not None
        ],
    }


def _deadlines(deadlines) -> list[dict]:
    return [
        {"kind": d.kind, "date": d.date, "days_left": d.days_left, "allow_late": d.allow_late}
        for d in deadlines
    ]


def _people(pairs) -> list[dict]:
    return [
        {"id": m.pk, "name": m.full_name}
        for m in (p[0] if isinstance(p, tuple) else p for p in pairs)
    ]


@router.get(
    "/units/{unit_id}/progress/{year}",
    response={200: ProgressOut, **ERRORS},
    summary="Progress of the programme during the year",
)
def unit_progress(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """Above the branches: per unit directly under it, registration and assessment rates,
    registrations waiting for review, branches recognised, and whether a deadline has passed
    with work left. For a branch: who has not registered, drafts, waiting for review, returned,
    not assessed, the deadlines with the days left, and its results for the year (`result`,
    with `reopened_by`, `reopened_at`, `reopened_by_unit` and `reopen_reason` once a higher
    unit has reopened them)."""
    unit = get_unit_for(request.user, unit_id)
    if not unit.is_branch:
        rows = children_progress(unit, year)
        return {
            "unit": _ref(unit),
            "year": year,
            "rows": [
                {
                    "unit": _ref(p.unit),
                    "members": p.members,
                    "registered": p.registered,
                    "registration_rate": p.registration_rate,
                    "waiting_review": p.waiting_review,
                    "assessed": p.assessed,
                    "assessment_rate": p.assessment_rate,
                    "branches": p.branches,
                    "branches_recognised": p.branches_recognised,
                    "late": p.late,
                    "late_units": p.late_units,
                    "deadlines": _deadlines(p.deadlines),
                }
                for p in rows
            ],
            "evaluations": evaluation_report.rows([unit], year)[0].figures,
        }
    progress = branch_progress(unit, year)
    return {
        "unit": _ref(unit),
        "year": year,
        "rows": [],
        "not_registered": _people(progress.not_registered),
        "drafts": _people(progress.drafts),
        "waiting_review": _people(progress.waiting_review),
        "returned": _people(progress.returned),
        "not_assessed": _people(progress.not_assessed),
        "deadlines": _deadlines(progress.deadlines),
        "result": result_out(result) if (result := branch_result(unit, year)) else None,
        "evaluations": evaluation_report.rows([unit], year)[0].figures,
    }


@router.get(
    "/units/{unit_id}/late/{year}",
    response={200: LateOut, **ERRORS},
    summary="Branches late for a deadline, anywhere under the unit",
)
def unit_late(request, unit_id: int, filters: Query[LateQuery], year: int = PROGRAMME_YEAR):
    """Every branch of the unit's subtree that is late for the year's registration (members of
    the year not registered), evaluation (results not submitted) or recognition (results not
    recognised) deadline, with the deadline and the days since; a branch whose results are
    recognised is late for nothing. `kind` keeps one deadline, `order` sorts by days late (most
    first) or by name; 50 a page, by keyset: the first 20 pages by number (a page after the last
    answers 404), any page by following `next` (or `previous`); counted up to 1,000."""
    unit = get_unit_for(request.user, unit_id)
    page = keyset_page_of(
        late_rows(unit, year, kind=filters.kind or ""),
        keys=LATE_ORDERS[filters.order],
        page=filters.page,
        cursor=filters.cursor,
    )
    return {
        "items": [
            {
                "unit": {"id": i.unit_id, "name": i.name, "code": i.code},
                "kind": i.kind,
                "due_on": i.due_on,
                "days_late": i.days_late,
            }
            for i in as_items(page.object_list)
        ],
        **keyset_fields(page),
    }

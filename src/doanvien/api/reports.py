"""The yearly report of a unit (seed 002's appendix table), read from the roll-ups."""

from decimal import Decimal

from ninja import Path, Router, Schema

from doanvien.accounts.access import get_unit_for
from doanvien.reports.selectors import report

from .schemas import ErrorOut

router = Router(tags=["reports"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
YEAR = Path(..., ge=2000, le=2100, description="the programme year")


class UnitRef(Schema):
    id: int
    name: str
    code: str


class LevelOut(Schema):
    count: int
    share: Decimal


class RowOut(Schema):
    unit: UnitRef
    total: int
    registered: int
    classified: int
    not_classified: int
    levels: dict[str, LevelOut]


class ReportOut(Schema):
    unit: UnitRef
    year: int
    rows: list[RowOut]


def _ref(unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


@router.get(
    "/units/{unit_id}/reports/{year}",
    response={200: ReportOut, **ERRORS},
    summary="The yearly training-programme report",
)
def unit_report(request, unit_id: int, year: int = YEAR):
    """The unit first, then each unit directly under it: members, registered, classified, not
    classified (membership too short), and each level's count and share of the classified
    (shares add up to exactly 100.00)."""
    unit = get_unit_for(request.user, unit_id)
    rows = report(unit, year)
    return {
        "unit": _ref(unit),
        "year": year,
        "rows": [
            {
                "unit": _ref(r.unit),
                "total": r.total,
                "registered": r.registered,
                "classified": r.classified,
                "not_classified": r.not_classified,
                "levels": r.levels,
            }
            for r in rows
        ],
    }

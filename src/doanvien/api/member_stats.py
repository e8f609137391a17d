"""Member statistics ("Số liệu đoàn viên") and the yearly indicators of a unit.

`GET /units/{id}/member-statistics?by=sex,age_band&on=YYYY-MM-DD`: the unit's members by one or
two dimensions on a day (today by default), its own rows then each child's (`unit` is the
unit's id; `units` names them).

`GET /units/{id}/indicators/{year}`: the yearly indicators (seed 004 §3) with target, actual and
the last three years, and the targets of the units under it; `PUT .../targets` (a cadre above
those units) and `PUT .../values` (the unit's own cadres; typed indicators only).

Out of the caller's scope: 404; a member sees none of it."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.member_stats import services
from doanvien.member_stats.access import can_set_targets_for, can_type_figures_of
from doanvien.member_stats.indicators import children_targets, indicator_rows
from doanvien.member_stats.models import Indicator
from doanvien.member_stats.selectors import DIMENSIONS, BadQuery, parse_by, parse_on, statistics
from doanvien.units.models import Unit

from .errors import ApiError
from .schemas import error_answers

router = Router(tags=["member statistics"])

ERRORS = error_answers(400, 401, 403, 404, 422)


class MemberStatisticsQuery(Schema):
    by: str = Field("sex", description=f"one or two of: {', '.join(DIMENSIONS)}, comma-separated")
    on: str = Field("", description="YYYY-MM-DD, not in the future; empty: today")


class StatisticsUnitOut(Schema):
    id: int
    name: str
    is_branch: bool
    total: int


class MemberStatisticsOut(Schema):
    unit: int
    by: list[str]
    on: str
    method: str = Field(description="rollup: today's counters; query: counted from the records")
    units: list[StatisticsUnitOut]
    rows: list[dict[str, str | int]] = Field(
        description='[{"unit": id, "<dimension>": value, ..., "count": n}]'
    )


@router.get(
    "/units/{unit_id}/member-statistics",
    response={200: MemberStatisticsOut, **ERRORS},
    summary="Members of a unit by one or two dimensions on a day, with its children",
)
def member_statistics(request, unit_id: int, query: Query[MemberStatisticsQuery]):
    unit = get_unit_for(request.user, unit_id)
    today = timezone.localdate()
    try:
        by = parse_by(query.by)
        on = parse_on(query.on, today)
    except BadQuery as e:
        raise ApiError(400, str(e), [{"field": e.field, "message": str(e)}]) from None
    table = statistics(unit, by, on, today)
    return {
        "unit": unit.pk,
        "by": by,
        "on": on.isoformat(),
        "method": table.method,
        "units": [
            {"id": u.pk, "name": u.name, "is_branch": u.is_branch, "total": table.total(u.pk)}
            for u in [unit, *table.children]
        ],
        "rows": table.rows(),
    }


# --- Indicators -------------------------------------------------------------------------------

WRITE_ERRORS = error_answers(400, 401, 403, 404, 413, 422)


class IndicatorYearOut(Schema):
    year: int
    target: Decimal | None
    actual: Decimal | None


class UnitIndicatorOut(Schema):
    code: str
    name: str
    kind: str
    source: str = Field(description="empty: typed by the unit; else the computed figure's key")
    target: Decimal | None
    actual: Decimal | None
    years: list[IndicatorYearOut] = Field(description="the last three years, oldest first")


class ChildTargetsOut(Schema):
    unit: int
    name: str
    targets: dict[str, Decimal]


class UnitIndicatorsOut(Schema):
    unit: int
    year: int
    items: list[UnitIndicatorOut]
    children: list[ChildTargetsOut]


class IndicatorTargetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: int = Field(description="a unit directly under the unit")
    indicator: str = Field(description="the indicator's code")
    value: str | float | None = Field(None, description="empty or null: no target")


class IndicatorTargetsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    targets: list[IndicatorTargetIn] = Field([], max_length=10000)


class IndicatorFigureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    indicator: str
    value: str | float | None = None


class IndicatorFiguresIn(Schema):
    model_config = ConfigDict(extra="forbid")

    values: list[IndicatorFigureIn] = Field([], max_length=1000)


class IndicatorsChangedOut(Schema):
    changed: int


def _indicators_of(request, unit: Unit, year: int) -> dict:
    rows = indicator_rows(unit, year, timezone.localdate())
    children, targets = ([], {}) if unit.is_branch else children_targets(unit, year)
    codes = {r.indicator.pk: r.indicator.code for r in rows}
    return {
        "unit": unit.pk,
        "year": year,
        "items": [
            {
                "code": r.indicator.code,
                "name": r.indicator.name,
                "kind": r.indicator.kind,
                "source": r.indicator.source,
                "target": r.current.target,
                "actual": r.current.actual,
                "years": [
                    {"year": f.year, "target": f.target, "actual": f.actual} for f in r.years
                ],
            }
            for r in rows
        ],
        "children": [
            {
                "unit": c.pk,
                "name": c.name,
                "targets": {
                    codes[i]: v for (u, i), v in targets.items() if u == c.pk and i in codes
                },
            }
            for c in children
        ],
    }


def _indicator(code: str, field: str) -> Indicator:
    found = Indicator.objects.filter(code=code, is_active=True).first()
    if found is None:
        message = _("Unknown indicator: %(code)s.") % {"code": code}
        raise ApiError(400, message, [{"field": field, "message": message}])
    return found


@router.get(
    "/units/{unit_id}/indicators/{year}",
    response={200: UnitIndicatorsOut, **ERRORS},
    summary="A unit's indicators in a year: target, actual, the last three years",
)
def unit_indicators(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    return _indicators_of(request, unit, year)


@router.put(
    "/units/{unit_id}/indicators/{year}/targets",
    response={200: IndicatorsChangedOut, **WRITE_ERRORS},
    summary="Set the year's targets of the units directly under the unit",
)
def unit_indicator_targets(request, unit_id: int, year: int, payload: IndicatorTargetsIn):
    unit = get_unit_for(request.user, unit_id)
    children = {c.pk: c for c in unit.children()}
    targets = []
    for n, item in enumerate(payload.targets):
        child = children.get(item.unit)
        if child is None:
            message = _("This unit is not directly under %(parent)s.") % {"parent": unit.name}
            raise ApiError(400, message, [{"field": f"targets.{n}.unit", "message": message}])
        require(can_set_targets_for(request.user, child))
        targets.append((child, _indicator(item.indicator, f"targets.{n}.indicator"), item.value))
    changed = services.targets_set(actor=request.user, unit=unit, year=year, targets=targets)
    return {"changed": changed}


@router.put(
    "/units/{unit_id}/indicators/{year}/values",
    response={200: IndicatorsChangedOut, **WRITE_ERRORS},
    summary="Enter the unit's own figures of its typed indicators in a year",
)
def unit_indicator_values(request, unit_id: int, year: int, payload: IndicatorFiguresIn):
    unit = get_unit_for(request.user, unit_id)
    require(can_type_figures_of(request.user, unit))
    values = [
        (_indicator(item.indicator, f"values.{n}.indicator"), item.value)
        for n, item in enumerate(payload.values)
    ]
    changed = services.values_set(actor=request.user, unit=unit, year=year, values=values)
    return {"changed": changed}

"""The configuration a unit publishes for its subtree and a programme year (seed 000 IV.1, II.2):
its framework (published as a copy, then its names, points, levels and settings), its criteria
(the framework's and the custom ones for its subtree) and its deadlines with their extensions.

The same services as the pages (training.services.configuration), with the same scoping: the
unit is looked up within the caller's units first (404 outside them); reading is for whoever
sees the unit, changing for the unit's own cadres (403: training.access.can_publish). The
services' refusals answer 400 naming the fields; a refusal due to the state of things (a year
closed by recognised results, a framework already published, a criterion registered by
members) answers 409."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from doanvien.accounts.access import get_unit_for, require
from doanvien.training import access as training_access
from doanvien.training.models import CRITERION_AUDIENCES, Criterion, Deadline, Framework
from doanvien.training.selectors import (
    criteria_applying,
    criteria_usage,
    deadlines_listed,
    earlier_framework,
    framework_for,
    own_criteria,
    year_closed,
)
from doanvien.training.services.configuration import (
    criterion_add,
    criterion_remove,
    criterion_update,
    deadline_set,
    framework_publish,
    framework_update,
)
from doanvien.units.models import Sector, Unit

from .errors import ApiError, conflicts_as_409
from .schemas import PROGRAMME_YEAR, error_answers

router = Router(tags=["training configuration"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
BASE = "/units/{unit_id}/training/{year}"
# The services' refusals due to the state of things, not to the data sent.
CONFLICTS = {"closed", "exists", "protected"}
SECTORS = ", ".join(Sector.values)
AUDIENCE_CODES = ", ".join(code for code, _label in CRITERION_AUDIENCES)


def required(payload: Schema, *names: str) -> None:
    """422 naming each required field the body lacks (checked after access)."""
    missing = [n for n in names if getattr(payload, n) is None]
    if missing:
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": n, "message": _("This field is required.")} for n in missing],
        )


# --- Shapes -----------------------------------------------------------------------------------


class ConfigUnitRef(Schema):
    id: int
    name: str
    code: str


class ConfigBandsOut(Schema):
    excellent: float = Field(description="lowest total for `excellent`")
    good: float = Field(description="lowest total for `good`")
    complete: float = Field(description="lowest total for `complete`")


class ConfigFrameworkOut(Schema):
    id: int
    name: str
    year: int | None = Field(description="null for the product's default framework")
    unit: ConfigUnitRef | None = Field(description="the unit that published it; null: default")
    own: bool = Field(description="published by this unit (only then may it change it)")
    bands: ConfigBandsOut
    min_criteria: int
    min_criteria_by_audience: dict[str, int] = Field(
        description="each member group's own minimum (" + AUDIENCE_CODES + ")"
    )
    eligibility_months: int
    assessment_opens_months_before: int


class ConfigCriterionOut(Schema):
    id: int
    area_code: str
    text: str
    sector: str = Field(description="empty: for every sector")
    audience: str = Field(description="the member group it is for; empty: every member")
    mandatory: bool
    custom: bool = Field(description="a unit's own criterion for its subtree")
    unit: ConfigUnitRef | None = Field(description="the unit that added a custom criterion")
    editable: bool = Field(description="this unit may change or remove it")
    used: int | None = Field(
        description="registrations that include it (for the criteria this unit may change)"
    )


class ConfigAreaOut(Schema):
    code: str
    name: str
    max_points: float
    criteria: list[ConfigCriterionOut]


class ConfigEarlierOut(Schema):
    id: int
    year: int
    name: str


class ConfigurationOut(Schema):
    unit: int
    year: int
    framework: ConfigFrameworkOut | None = Field(description="the framework that applies")
    closed: bool = Field(description="results of the year are recognised below: read-only")
    editable: bool = Field(description="the caller may change this unit's configuration")
    earlier: ConfigEarlierOut | None = Field(
        description="this unit's own framework of an earlier year, to publish again "
        "(`source` of the publication)"
    )
    areas: list[ConfigAreaOut]


class FrameworkPublishIn(Schema):
    model_config = ConfigDict(extra="forbid")

    source: int | None = Field(
        None,
        description="one of this unit's own frameworks to copy (e.g. `earlier`); by default "
        "the framework that applies now",
    )


class FrameworkAreaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    max_points: Decimal | None = Field(None, description="more than 0, at most 999.9")


class FrameworkChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    areas: dict[str, FrameworkAreaIn] | None = Field(
        None, description='by area code: {"1": {"name": "...", "max_points": 20}}'
    )
    band_excellent: Decimal | None = None
    band_good: Decimal | None = None
    band_complete: Decimal | None = None
    min_criteria: int | None = None
    min_criteria_by_audience: dict[str, int | None] | None = Field(
        None,
        description="a member group's own minimum; null removes it (the group then has "
        "`min_criteria`); the groups left out keep theirs",
    )
    eligibility_months: int | None = None
    assessment_opens_months_before: int | None = None


class CriterionCreateIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["area_code", "text"]})

    area_code: str | None = Field(None, max_length=10, description="a content area's code")
    text: str | None = Field(None, max_length=2000)
    sector: str = Field("", max_length=20, description="empty or one of " + SECTORS)
    audience: str = Field("", max_length=20, description="empty or one of " + AUDIENCE_CODES)
    mandatory: bool = False
    custom: bool = Field(
        False,
        description="a custom criterion of the unit for its subtree, whatever framework the "
        "units below use; otherwise a criterion of the unit's own framework",
    )


class CriterionChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    area_code: str | None = Field(None, max_length=10)
    text: str | None = Field(None, max_length=2000)
    sector: str | None = Field(None, max_length=20)
    audience: str | None = Field(None, max_length=20)
    mandatory: bool | None = None


class ConfigDeadlineOut(Schema):
    id: int | None = Field(description="null for a shipped default")
    kind: str = Field(description="one of " + ", ".join(Deadline.Kind.values))
    kind_label: str
    sector: str = Field(description="empty: every sector")
    due_on: date
    extended_to: date | None
    allow_late: bool
    unit: ConfigUnitRef | None = Field(description="the unit that set it; null: shipped default")
    own: bool = Field(description="set by this unit")
    replaced_by: ConfigUnitRef | None = Field(
        description="a nearer unit whose deadline of the kind applies instead"
    )


class DeadlinesOut(Schema):
    unit: int
    year: int
    editable: bool = Field(description="the caller may set this unit's deadlines")
    deadlines: list[ConfigDeadlineOut]


class DeadlineSetIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["kind", "due_on"]})

    kind: str | None = Field(None, max_length=30, description=", ".join(Deadline.Kind.values))
    sector: str = Field("", max_length=20, description="empty (every sector) or one of " + SECTORS)
    due_on: str | None = Field(None, max_length=10, description="YYYY-MM-DD or dd/mm/yyyy")
    extended_to: str | None = Field(
        None, max_length=10, description="an extension, after `due_on`; null or empty: none"
    )
    allow_late: bool = Field(True, description="late actions allowed (recorded as late)")


# --- Output -----------------------------------------------------------------------------------


def _ref(unit: Unit | None) -> dict | None:
    return {"id": unit.pk, "name": unit.name, "code": unit.code} if unit else None


def _framework_out(framework: Framework, unit: Unit) -> dict:
    return {
        "id": framework.pk,
        "name": framework.name,
        "year": framework.year,
        "unit": _ref(framework.unit),
        "own": framework.unit_id == unit.pk,
        "bands": {
            "excellent": framework.band_excellent,
            "good": framework.band_good,
            "complete": framework.band_complete,
        },
        "min_criteria": framework.min_criteria,
        "min_criteria_by_audience": dict(framework.min_criteria_by_audience or {}),
        "eligibility_months": framework.eligibility_months,
        "assessment_opens_months_before": framework.assessment_opens_months_before,
    }


def _criterion_out(c: Criterion, *, editable: bool, used: int | None) -> dict:
    return {
        "id": c.pk,
        "area_code": c.area_code,
        "text": c.text,
        "sector": c.sector,
        "audience": c.audience,
        "mandatory": c.mandatory,
        "custom": c.framework_id is None,
        "unit": _ref(c.unit) if c.framework_id is None else None,
        "editable": editable,
        "used": used,
    }


def configuration_out(user, unit: Unit, year: int) -> dict:
    """What the framework page shows: the framework that applies, its areas and every criterion
    that applies in the unit, which of them the unit may change and how often they are used."""
    framework = framework_for(unit, year)
    closed = year_closed(unit, year)
    editable = training_access.can_publish(user, unit) and not closed
    answer = {
        "unit": unit.pk,
        "year": year,
        "framework": None,
        "closed": closed,
        "editable": editable,
        "earlier": None,
        "areas": [],
    }
    own = framework is not None and framework.unit_id == unit.pk
    if editable and not own and (earlier := earlier_framework(unit, year)):
        answer["earlier"] = {"id": earlier.pk, "year": earlier.year, "name": earlier.name}
    if framework is None:
        return answer
    answer["framework"] = _framework_out(framework, unit)
    criteria = list(criteria_applying(unit, year, framework).select_related("unit"))

    def changeable(c: Criterion) -> bool:
        return c.unit_id == unit.pk if c.framework_id is None else own

    # Usage only of the unit's own criteria: those of the default framework are counted over
    # the whole country.
    usage = criteria_usage([c.pk for c in criteria if changeable(c)])
    by_area: dict[str, list] = {}
    for c in criteria:
        mine = changeable(c)
        by_area.setdefault(c.area_code, []).append(
            _criterion_out(c, editable=editable and mine, used=usage.get(c.pk, 0) if mine else None)
        )
    answer["areas"] = [
        {
            "code": area.code,
            "name": area.name,
            "max_points": area.max_points,
            "criteria": by_area.get(area.code, []),
        }
        for area in framework.areas.all()
    ]
    return answer


def deadlines_out(user, unit: Unit, year: int) -> dict:
    """What the deadlines page lists: the deadlines the unit and the units above it set for
    the year, and the shipped defaults, each with the nearer unit that replaces it."""
    rows = []
    for d in deadlines_listed(unit, year):
        default = d.default
        rows.append(
            {
                "id": None if default else d.pk,
                "kind": d.kind,
                "kind_label": str(Deadline.Kind(d.kind).label),
                "sector": d.sector,
                "due_on": d.due_on,
                "extended_to": d.extended_to,
                "allow_late": d.allow_late,
                "unit": None if default else _ref(d.unit),
                "own": not default and d.unit_id == unit.pk,
                "replaced_by": _ref(d.replaced_by),
            }
        )
    return {
        "unit": unit.pk,
        "year": year,
        "editable": training_access.can_publish(user, unit),
        "deadlines": rows,
    }


def _publisher(request, unit_id: int) -> Unit:
    unit = get_unit_for(request.user, unit_id)
    require(training_access.can_publish(request.user, unit))
    return unit


# --- The framework ----------------------------------------------------------------------------


@router.get(
    f"{BASE}/framework",
    response={200: ConfigurationOut, **ERRORS},
    summary="A unit's training configuration",
)
def configuration_detail(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The framework that applies in the unit for the year (its own, one published above it, or
    the product's default), its content areas and the criteria that apply there, those the unit
    may change marked `editable`. For whoever sees the unit."""
    unit = get_unit_for(request.user, unit_id)
    return configuration_out(request.user, unit, year)


@router.post(
    f"{BASE}/framework",
    response={201: ConfigurationOut, **ERRORS},
    summary="Publish a framework for a unit's subtree",
)
def framework_publish_api(
    request, unit_id: int, year: int = PROGRAMME_YEAR, payload: FrameworkPublishIn | None = None
):
    """The unit's own framework for the year: a copy of `source` (by default the one that
    applies now), with its areas, criteria, levels and settings; the units below use it from
    then on. For the unit's cadres (not a branch); 409 when the unit already has one or the
    year is closed."""
    unit = _publisher(request, unit_id)
    source = None
    if payload is not None and payload.source is not None:
        # The service refuses any other unit's framework, with this message.
        source = Framework.objects.filter(pk=payload.source).first()
        if source is None:
            raise ValidationError({"source": _("Choose one of this unit's own frameworks.")})
    with conflicts_as_409(CONFLICTS):
        framework_publish(actor=request.user, unit=unit, year=year, source=source)
    return Status(201, configuration_out(request.user, unit, year))


@router.patch(
    f"{BASE}/framework",
    response={200: ConfigurationOut, **ERRORS},
    summary="Change a unit's framework",
)
def framework_change(request, payload: FrameworkChangeIn, unit_id: int, year: int = PROGRAMME_YEAR):
    """Names, points per area, levels and settings of the unit's own framework (404 when it has
    none: publish one first). A field left out keeps its value; area codes never change. Once
    members are assessed with it, its points, levels and eligibility are fixed."""
    unit = _publisher(request, unit_id)
    framework = get_object_or_404(Framework, unit=unit, year=year)
    minimums = None
    if payload.min_criteria_by_audience is not None:
        minimums = {
            **(framework.min_criteria_by_audience or {}),
            **payload.min_criteria_by_audience,
        }
    areas = None
    if payload.areas is not None:
        areas = {
            code: {k: v for k, v in area.model_dump().items() if v is not None}
            for code, area in payload.areas.items()
        }
    with conflicts_as_409(CONFLICTS):
        framework_update(
            actor=request.user,
            framework=framework,
            name=payload.name,
            areas=areas,
            band_excellent=payload.band_excellent,
            band_good=payload.band_good,
            band_complete=payload.band_complete,
            min_criteria=payload.min_criteria,
            min_criteria_by_audience=minimums,
            eligibility_months=payload.eligibility_months,
            assessment_opens_months_before=payload.assessment_opens_months_before,
        )
    return configuration_out(request.user, unit, year)


# --- Criteria ---------------------------------------------------------------------------------


def _own_criterion(unit: Unit, year: int, criterion_id: int) -> Criterion:
    """One of the criteria the unit may change for the year (404 for any other)."""
    return get_object_or_404(own_criteria(unit, year), pk=criterion_id)


@router.post(
    f"{BASE}/criteria",
    response={201: ConfigCriterionOut, **ERRORS},
    summary="Add a criterion",
)
def criterion_create(request, payload: CriterionCreateIn, unit_id: int, year: int = PROGRAMME_YEAR):
    """A criterion in the unit's own framework, or with `custom` one of the unit's own that
    applies to its whole subtree. For the unit's cadres (not a branch)."""
    unit = _publisher(request, unit_id)
    required(payload, "area_code", "text")
    with conflicts_as_409(CONFLICTS):
        criterion = criterion_add(
            actor=request.user,
            unit=unit,
            year=year,
            custom=payload.custom,
            area_code=payload.area_code,
            text=payload.text,
            sector=payload.sector,
            audience=payload.audience,
            mandatory=payload.mandatory,
        )
    return Status(201, _criterion_out(criterion, editable=True, used=0))


@router.patch(
    f"{BASE}/criteria/{{criterion_id}}",
    response={200: ConfigCriterionOut, **ERRORS},
    summary="Change a criterion",
)
def criterion_change(
    request,
    payload: CriterionChangeIn,
    unit_id: int,
    criterion_id: int,
    year: int = PROGRAMME_YEAR,
):
    """One of the unit's criteria for the year (of its framework, or its custom ones; 404 for
    any other). A field left out keeps its value. Once members registered it, only its wording,
    member group and whether it is mandatory change."""
    unit = _publisher(request, unit_id)
    criterion = _own_criterion(unit, year, criterion_id)
    given = payload.model_dump(exclude_none=True)
    current = {
        name: getattr(criterion, name)
        for name in ("area_code", "text", "sector", "audience", "mandatory")
    }
    with conflicts_as_409(CONFLICTS):
        criterion = criterion_update(
            actor=request.user, criterion=criterion, **{**current, **given}
        )
    used = criteria_usage([criterion.pk]).get(criterion.pk, 0)
    return _criterion_out(criterion, editable=True, used=used)


@router.delete(
    f"{BASE}/criteria/{{criterion_id}}",
    response={204: None, **ERRORS},
    summary="Remove a criterion",
)
def criterion_delete(request, unit_id: int, criterion_id: int, year: int = PROGRAMME_YEAR):
    """Remove one of the unit's criteria that nobody registered (409 otherwise)."""
    unit = _publisher(request, unit_id)
    criterion = _own_criterion(unit, year, criterion_id)
    with conflicts_as_409(CONFLICTS):
        criterion_remove(actor=request.user, criterion=criterion)
    return Status(204, None)


# --- Deadlines --------------------------------------------------------------------------------


@router.get(
    f"{BASE}/deadlines",
    response={200: DeadlinesOut, **ERRORS},
    summary="A unit's deadlines",
)
def deadlines_detail(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The year's deadlines set by the unit and the units above it, and the shipped defaults;
    each says the nearer unit whose deadline of the kind replaces it, if any. For whoever sees
    the unit."""
    unit = get_unit_for(request.user, unit_id)
    return deadlines_out(request.user, unit, year)


@router.post(
    f"{BASE}/deadlines",
    response={200: ConfigDeadlineOut, 201: ConfigDeadlineOut, **ERRORS},
    summary="Set a deadline or its extension (201 when the unit had none of the kind)",
)
def deadline_set_api(request, payload: DeadlineSetIn, unit_id: int, year: int = PROGRAMME_YEAR):
    """Add or change the unit's deadline of a kind for the year, for one sector or for every
    sector (`sector` empty), with an optional extension (`extended_to`) and whether late
    actions are allowed; the units below inherit it unless they set their own. For the unit's
    cadres (not a branch)."""
    unit = _publisher(request, unit_id)
    required(payload, "kind", "due_on")
    had = Deadline.objects.filter(
        unit=unit, year=year, kind=payload.kind, sector=(payload.sector or "").strip()
    ).exists()
    deadline = deadline_set(
        actor=request.user,
        unit=unit,
        year=year,
        kind=payload.kind,
        sector=payload.sector,
        due_on=payload.due_on,
        extended_to=payload.extended_to,
        allow_late=payload.allow_late,
    )
    return Status(
        200 if had else 201,
        {
            "id": deadline.pk,
            "kind": deadline.kind,
            "kind_label": deadline.get_kind_display(),
            "sector": deadline.sector,
            "due_on": deadline.due_on,
            "extended_to": deadline.extended_to,
            "allow_late": deadline.allow_late,
            "unit": _ref(unit),
            "own": True,
            "replaced_by": None,
        },
    )

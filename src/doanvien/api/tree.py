"""The unit tree through the API: a unit's units, its edits, moves, merges and deactivation,
and the tree in Excel. Each operation calls the service or action the pages call, with the same
scoping (404 outside the caller's units, 403 for who may see but not change)."""

import io

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from doanvien.accounts.access import can_add_children, can_manage_unit, get_unit_for, require
from doanvien.actions.units import unit_merge, unit_move, unit_update
from doanvien.units import services
from doanvien.units.exports import tree_xlsx
from doanvien.units.models import Level, Sector, Unit

from .errors import ApiError, conflicts_as_409
from .schemas import error_answers

router = Router(tags=["units"])
ERRORS = error_answers(400, 401, 403, 404, 413, 422)
# Deactivating an inactive unit, reactivating an active one → 409.
STATE_ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY = {
    "responses": {
        200: {
            "description": "the units under the unit, in the tree import's columns",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


# Required fields are declared optional and checked by the view after access (422 all the
# same), so that who may not act on the unit learns nothing more (api/transfers.py does so).
class UnitCreateIn(Schema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"required": ["name", "code", "level"]}
    )

    name: str = Field("", max_length=200)
    code: str = Field("", max_length=40)
    level: str = Field(
        "", max_length=20, description="a level code: province, district, base, branch"
    )
    sector: str = Field("", max_length=20, description="one of " + ", ".join(Sector.values))


class UnitUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    code: str | None = Field(None, max_length=40)
    sector: str | None = Field(None, max_length=20)


class UnitMoveIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["parent"]})

    parent: int | None = Field(None, description="the id of the unit it goes under")


class UnitMergeIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["into"]})

    into: int | None = Field(None, description="the id of the unit it merges into")


def required(payload: Schema, *names: str) -> None:
    """422 naming each required field the body lacks (checked after access)."""
    missing = [n for n in names if getattr(payload, n) in (None, "")]
    if missing:
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": n, "message": _("This field is required.")} for n in missing],
        )


class UnitIdOut(Schema):
    id: int


class UnitChangedOut(Schema):
    id: int
    name: str
    code: str
    sector: str
    parent: int | None
    is_active: bool


def _changed(unit: Unit) -> dict:
    unit.refresh_from_db()
    parent = Unit.objects.get_parent(unit)
    return {
        "id": unit.pk,
        "name": unit.name,
        "code": unit.code,
        "sector": unit.sector,
        "parent": parent.pk if parent else None,
        "is_active": unit.is_active,
    }


@router.post(
    "/units/{unit_id}/children",
    response={201: UnitIdOut, **ERRORS},
    summary="Create a unit under a unit",
)
def unit_child_create(request, unit_id: int, payload: UnitCreateIn):
    """For the cadres of the unit (units.services.unit_create, as the page "Add a unit under
    it"); a unit of level `branch` is a branch, any other a union."""
    parent = get_unit_for(request.user, unit_id)
    require(can_add_children(request.user, parent))
    required(payload, "name", "code", "level")
    level = Level.objects.filter(code=payload.level).first()
    if level is None:
        raise ValidationError({"level": _("Choose a level from the list.")})
    if level.rank <= parent.level.rank:
        raise ValidationError(
            {
                "level": _("A unit of level %(level)s cannot be under one of level %(above)s.")
                % {"level": level.name, "above": parent.level.name}
            }
        )
    unit = services.unit_create(
        actor=request.user,
        parent=parent,
        name=payload.name,
        code=payload.code,
        level=level,
        kind=Unit.Kind.BRANCH if level.code == "branch" else Unit.Kind.UNION,
        sector=payload.sector,
    )
    return Status(201, {"id": unit.pk})


# Declared on the units router (api/units.py), beside GET /units/{unit_id}: one path, one router.
def unit_edit(request, unit_id: int, payload: UnitUpdateIn):
    """Name, code and sector (those sent), for the cadres above it (actions.units.unit_update:
    the open years' report rows take the new name)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_manage_unit(request.user, unit))
    data = payload.model_dump(exclude_unset=True)
    unit_update(
        actor=request.user,
        unit=unit,
        name=data.get("name") or unit.name,
        code=data.get("code") or unit.code,
        sector=unit.sector if data.get("sector") is None else data["sector"],
        level=unit.level,
    )
    return _changed(unit)


def _other(request, unit_id: int) -> Unit:
    """A unit named in the body: one of the caller's units, or 404 like any other."""
    return get_unit_for(request.user, unit_id)


@router.post(
    "/units/{unit_id}/move", response={200: UnitChangedOut, **ERRORS}, summary="Move a unit"
)
def unit_move_api(request, unit_id: int, payload: UnitMoveIn):
    """Move the unit with its subtree under `parent` (actions.units.unit_move): for the cadres
    above it who may add units under the destination."""
    unit = get_unit_for(request.user, unit_id)
    require(can_manage_unit(request.user, unit))
    required(payload, "parent")
    target = _other(request, payload.parent)
    require(can_add_children(request.user, target))
    unit_move(actor=request.user, unit=unit, new_parent=target)
    return _changed(unit)


@router.post(
    "/units/{unit_id}/merge", response={200: UnitChangedOut, **ERRORS}, summary="Merge a unit"
)
def unit_merge_api(request, unit_id: int, payload: UnitMergeIn):
    """Merge the unit into `into` (actions.units.unit_merge: a branch's members move, a union's
    units move; the unit is then inactive). Answers the unit merged into."""
    unit = get_unit_for(request.user, unit_id)
    require(can_manage_unit(request.user, unit))
    required(payload, "into")
    target = _other(request, payload.into)
    require(can_manage_unit(request.user, target))
    merged = unit_merge(actor=request.user, source=unit, target=target)
    return _changed(merged)


@router.post(
    "/units/{unit_id}/deactivate",
    response={200: UnitChangedOut, **STATE_ERRORS},
    summary="Deactivate a unit",
)
def unit_deactivate_api(request, unit_id: int):
    """Deactivate the unit and its subtree (refused while members remain under it; 409 if it
    is inactive already)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_manage_unit(request.user, unit))
    with conflicts_as_409({"illegal_transition"}):
        unit = services.unit_deactivate(actor=request.user, unit=unit)
    return _changed(unit)


@router.post(
    "/units/{unit_id}/reactivate",
    response={200: UnitChangedOut, **STATE_ERRORS},
    summary="Reactivate a unit",
)
def unit_reactivate_api(request, unit_id: int):
    """Make a deactivated unit active again (refused while the unit above it is inactive; 409
    if it is active already)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_manage_unit(request.user, unit))
    with conflicts_as_409({"illegal_transition"}):
        unit = services.unit_reactivate(actor=request.user, unit=unit)
    return _changed(unit)


@router.get(
    "/units/{unit_id}/tree.xlsx",
    response={**ERRORS},
    summary="The units under a unit (Excel)",
    openapi_extra=BINARY,
)
def unit_tree_xlsx(request, unit_id: int):
    """The units under it (code, name, level, sector, code of the unit above, members), in
    tree order: the file the tree import reads back."""
    unit = get_unit_for(request.user, unit_id)
    out = io.BytesIO()
    tree_xlsx(unit=unit, out=out)
    return HttpResponse(
        out.getvalue(),
        content_type=XLSX,
        headers={
            "Content-Disposition": content_disposition_header(True, f"don-vi-{unit.code}.xlsx")
        },
    )

"""Units: one unit with its children, the members of a subtree, a new member in a branch."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, scope_of
from doanvien.actions.members import member_create
from doanvien.members.access import can_edit_members, can_search_id_numbers_in
from doanvien.members.columns import EXPORT_COLUMNS
from doanvien.members.jobs import export_members_start
from doanvien.members.selectors import (
    MEMBER_ORDER,
    MemberFilters,
    id_number_sought,
    member_list_count,
    member_search,
)
from doanvien.members.services.records import TooManySearches, member_id_number_searched
from doanvien.units import member_counts
from doanvien.units.models import Unit

from . import tree
from .errors import ApiError, keyset_page_of
from .imports import JobCreated
from .schemas import (
    ErrorOut,
    MemberCreateIn,
    MemberDetailOut,
    MemberFiltersIn,
    MemberListQuery,
    MemberPageOut,
    UnitDetailOut,
    error_answers,
    keyset_fields,
)

router = Router(tags=["units"])

ERRORS = error_answers(400, 401, 403, 404, 413, 422)


@router.get("/{unit_id}", response={200: UnitDetailOut, **ERRORS}, summary="A unit")
def unit_detail(request, unit_id: int):
    """The unit, its parent (null when the user may not see it) and its children by name."""
    unit = get_unit_for(request.user, unit_id)
    parent = Unit.objects.get_parent(unit)
    if parent is not None and not scope_of(request.user).sees_path(parent.path):
        parent = None
    children = (
        Unit.objects.get_children(unit)
        .select_related("level")
        .order_by("name_folded", "name", "pk")
    )
    return {
        "id": unit.pk,
        "name": unit.name,
        "code": unit.code,
        "level": unit.level,
        "kind": unit.kind,
        "sector": unit.sector,
        "is_active": unit.is_active,
        "member_count": member_counts.now(unit),
        "parent": parent,
        "children": member_counts.exact(children),
    }


def _id_number_search(request, unit: Unit, term: str) -> bool:
    """Whether `term` is looked up as a full ID number: for those who may see full numbers in
    the unit, each search counted and recorded (429 past the limit, with Retry-After)."""
    number = id_number_sought(term)
    if not number or not can_search_id_numbers_in(request.user, unit):
        return False
    try:
        member_id_number_searched(actor=request.user, unit=unit, id_number=number)
    except TooManySearches as e:
        raise ApiError(
            429,
            e.message,
            [{"field": "q", "message": e.message}],
            headers={"Retry-After": str(e.wait)},
        ) from None
    return True


# What a row of the member list answers (MemberSummaryOut) and its page's keys: the other
# columns of a member's record are not read.
SUMMARY_COLUMNS = (
    "member_code",
    "full_name",
    "date_of_birth",
    "sex",
    "position",
    "status",
    "phone",
    "id_number",
    *MEMBER_ORDER,
    "branch__name",
)


@router.get(
    "/{unit_id}/members",
    response={200: MemberPageOut, 429: ErrorOut, **ERRORS},
    summary="Members of a unit's subtree",
)
def unit_members(request, unit_id: int, filters: Query[MemberListQuery]):
    """Members of the unit and every unit below it, in Vietnamese order (by given name), 50 a
    page. The first 20 pages can be asked by number (`page`; a page after the last answers
    404); every page gives the cursor of the next one (`next`, to pass as `cursor`), which
    reaches any page of any list as fast as the first. `count` is exact when the list is the
    unfiltered list of active members or holds at most 1,000 members; otherwise it is null
    and `more_than` says 1000. A term of 9 or 12 digits also finds the member with that ID
    number, for those who may see full ID numbers; such searches are recorded and limited per
    user (429 with Retry-After past the limit)."""
    unit = get_unit_for(request.user, unit_id)
    member_filters = MemberFilters(**filters.model_dump(exclude={"page", "cursor"}))
    members = member_search(
        user=request.user,
        unit=unit,
        by_id_number=_id_number_search(request, unit, filters.q),
        filters=member_filters,
    )
    page = keyset_page_of(
        members.only(*SUMMARY_COLUMNS),
        keys=MEMBER_ORDER,
        page=filters.page,
        cursor=filters.cursor,
        count=member_list_count(unit, member_filters),
    )
    return {
        **keyset_fields(page),
        "results": page.object_list,
    }


@router.post(
    "/{unit_id}/members",
    response={201: MemberDetailOut, **ERRORS},
    summary="Add a member to a branch",
)
def unit_member_create(request, unit_id: int, payload: MemberCreateIn):
    """Create a member record in the branch. Dates are YYYY-MM-DD or dd/mm/yyyy."""
    unit = get_unit_for(request.user, unit_id)
    if not can_edit_members(request.user, unit):
        raise PermissionDenied
    member = member_create(
        actor=request.user, branch=unit, data=payload.model_dump(exclude_unset=True)
    )
    return Status(201, member)


class MemberExportIn(MemberFiltersIn):
    """The list's filters (as `GET /units/{id}/members` takes them) and the file's columns."""

    model_config = ConfigDict(extra="forbid")

    columns: list[str] | None = Field(
        None,
        description="the columns, by name (written in the order of the export's column list, "
        "whatever the order sent); null: the national column set",
    )


def _check_columns(columns: list[str] | None) -> None:
    """422 naming an unknown column, or none chosen."""
    if columns is None:
        return
    unknown = [c for c in columns if c not in EXPORT_COLUMNS]
    if unknown or not columns:
        message = (
            _("There is no column “%(value)s”.") % {"value": unknown[0]}
            if unknown
            else _("Choose at least one column.")
        )
        raise ApiError(422, _("Invalid data."), [{"field": "columns", "message": message}])


@router.post(
    "/{unit_id}/members/export",
    response={202: JobCreated, 429: ErrorOut, **ERRORS},
    summary="Export a unit's members to Excel (background job)",
)
def unit_members_export(request, unit_id: int, payload: MemberExportIn):
    """The members of the unit's subtree the caller may see, filtered as the list is, in the
    national column set or the columns chosen, built in the background as the list page's
    export is: follow `GET /api/v1/jobs/{job}`, whose `download` gives the file once it has
    `succeeded`. A term that is an ID number is a search by ID number, counted and limited as
    on the list (429 with Retry-After past the limit)."""
    unit = get_unit_for(request.user, unit_id)
    _check_columns(payload.columns)
    job = export_members_start(
        actor=request.user,
        unit=unit,
        filters=payload.model_dump(exclude={"columns"}),
        by_id_number=_id_number_search(request, unit, payload.q),
        columns=payload.columns,
    )
    return Status(202, {"job": job.pk})


router.patch("/{unit_id}", response={200: tree.UnitChangedOut, **ERRORS}, summary="Edit a unit")(
    tree.unit_edit
)

"""The shapes the API reads and writes."""

from datetime import date, datetime
from typing import Any, Literal

from django.urls import reverse
from django.utils import translation
from ninja import Field, Path, Schema
from pydantic import ConfigDict, create_model

from doanvien.core.years import FIRST_YEAR, LAST_YEAR
from doanvien.members.models import Member, Position, Sex, Status
from doanvien.members.selectors import AGE_BANDS
from doanvien.members.validation import (
    BOOL_FIELDS,
    CHOICE_FIELDS,
    DATE_FIELDS,
    EDITABLE_FIELDS,
    REQUIRED_FIELDS,
)
from doanvien.units.models import Sector

# Errors

# A programme or report year in a path: the same bounds as the pages' `<year:year>`.
PROGRAMME_YEAR = Path(..., ge=FIRST_YEAR, le=LAST_YEAR, description="the programme year")


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]  # always there, empty when no field is at fault


def error_answers(*codes: int) -> dict[int, type[ErrorOut]]:
    """An operation's documented error answers: each status code answers an ErrorOut."""
    return dict.fromkeys(codes, ErrorOut)


# Sign-in


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str
    password: str


class TokenOut(Schema):
    token: str


class TokenInfoOut(Schema):
    id: int
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool = Field(description="the token of this request")


class SessionInfoOut(Schema):
    id: str = Field(description="a name for the session (never its key)")
    user_agent: str
    logged_in_at: datetime | None
    last_seen: datetime | None
    expires_at: datetime


class SignInsOut(Schema):
    tokens: list[TokenInfoOut]
    sessions: list[SessionInfoOut]


# Units


class UnitRef(Schema):
    id: int
    name: str
    code: str


class LevelOut(Schema):
    code: str
    name: str


class UnitParentOut(Schema):
    id: int
    name: str


class RootUnitOut(Schema):
    id: int
    name: str
    code: str
    level: str = Field(description="level code: central, province, district, base, branch")
    member_count: int

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.level.code


class UnitChildOut(RootUnitOut):
    kind: str
    is_active: bool


class UnitDetailOut(Schema):
    id: int
    name: str
    code: str
    level: LevelOut
    kind: str
    sector: str
    is_active: bool
    member_count: int = Field(description="active members in the whole subtree")
    parent: UnitParentOut | None = Field(
        description="null for a root unit and for a parent the user may not see"
    )
    children: list[UnitChildOut] = Field(description="ordered by name")


# The signed-in user


class UserOut(Schema):
    id: int
    username: str
    full_name: str


class RoleOut(Schema):
    unit: UnitRef
    role: str


class MeOut(Schema):
    user: UserOut
    roles: list[RoleOut]
    root_units: list[RootUnitOut]
    member_id: int | None


# Members


class BranchRef(Schema):
    id: int
    name: str


class BranchDetailRef(BranchRef):
    code: str


class MemberSummaryOut(Schema):
    id: int
    member_code: str
    full_name: str
    date_of_birth: date
    sex: str
    branch: BranchRef
    position: str
    status: str
    phone: str
    id_number_masked: str


class KeysetPageOut(Schema):
    """A page of a long list paged by keyset (core/pagination.py): counted only up to 1,000."""

    count: int | None = Field(
        description="the rows in the whole list when at most 1,000; null when there are more "
        "(see `more_than`)"
    )
    more_than: int | None = Field(
        None, description="1000 when `count` is null: the list holds more, not counted further"
    )
    page: int = Field(description="the page's number, 1 for the first")
    pages: int | None = Field(description="the number of pages; null when `count` is")
    page_size: int
    next: str | None = Field(
        None,
        description="the next page is `?cursor=` this (with the same filters); null on the last",
    )
    previous: str | None = Field(
        None, description="the page before is `?cursor=` this; null on the first"
    )


def keyset_fields(page) -> dict:
    """KeysetPageOut's fields of a page of core.pagination.keyset_page (beside its items)."""
    return {
        "count": page.count,
        "more_than": page.more_than,
        "page": page.number,
        "pages": page.num_pages,
        "page_size": page.per_page,
        "next": page.next_cursor,
        "previous": page.previous_cursor,
    }


class KeysetQuery(Schema):
    """The page of a long list paged by keyset (KeysetPageOut): by number, then by cursor."""

    page: int = Field(
        1,
        ge=1,
        description="pages 1 to 20 (the first 1,000 rows) by number; the ones after them by "
        "`cursor`",
    )
    cursor: str = Field(
        "",
        max_length=2000,
        description="a page's `next` or `previous`: the page after (or before) it, at any depth "
        "of the list; `page` is then ignored",
    )


class MemberPageOut(KeysetPageOut):
    count: int | None = Field(
        description="the number of members found: exact when kept (the unfiltered list of "
        "active members) or at most 1,000; null when there are more (see `more_than`)"
    )
    results: list[MemberSummaryOut]


class MemberDetailOut(Schema):
    id: int
    member_code: str
    full_name: str
    date_of_birth: date
    sex: str
    ethnicity: str
    religion: str
    home_town: str
    permanent_address: str
    id_number_masked: str
    id_number: str | None = Field(
        None,
        description="the full number: only with ?include=id_number, for users who may see it; "
        "every such read is recorded",
    )
    id_issued_on: date | None
    id_issued_place: str
    education_level: str
    professional_qualification: str
    political_theory_level: str
    it_level: str
    foreign_language_level: str
    joined_union_on: date
    admission_resolution_no: str
    card_number: str | None
    joined_party_on: date | None
    occupation: str
    category: str
    position: str
    audience: str = Field(
        description="the member's group for the training programme: general, student, "
        "teacher or cadre (the criteria marked for a group are offered only to its members)"
    )
    audience_label: str
    federation_member: bool
    honorary: bool
    awards: str
    discipline: str
    email: str
    phone: str
    branch: BranchDetailRef
    status: str
    left_on: date | None = None  # when he left the roll (removal, maturing out)
    # Past the age limit (recorded acts, not edited with the record): he continues as an
    # elected ("elected") or full-time ("full_time") Union cadre, or his branch keeps him.
    continues_as: str = ""
    continues_reason: str = ""
    kept_until: date | None = None
    kept_reason: str = ""
    photo: str | None = Field(
        None, description="the address of the card's photo (GET, in the same scope), or null"
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_photo(obj) -> str | None:
        if not getattr(obj, "photo", ""):
            return None
        return reverse("members:member-photo", args=[obj.pk])

    @staticmethod
    def resolve_audience_label(obj) -> str:
        return str(obj.get_audience_display())

    @staticmethod
    def resolve_id_number(obj) -> None:
        # Never read from the record: a view adds it explicitly when the user may see it.
        return None


class _MemberInBase(Schema):
    model_config = ConfigDict(extra="forbid")


def member_input_fields() -> dict[str, Any]:
    """One optional field per editable field of a member record (members/validation.py).

    Everything but the yes/no fields is typed as text, so that the record's own rules
    (`clean_member_data`) check dates, choices and numbers with one set of messages."""
    with translation.override(None):  # the OpenAPI document is in English
        labels = {f.name: str(f.verbose_name) for f in Member._meta.fields}
    fields: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        annotation: Any = bool | None if name in BOOL_FIELDS else str | None
        description = labels.get(name, name)
        extra = None
        if name in DATE_FIELDS:
            description += " (YYYY-MM-DD or dd/mm/yyyy)"
        if name in CHOICE_FIELDS:
            extra = {"enum": list(CHOICE_FIELDS[name].values)}
        fields[name] = (annotation, Field(None, description=description, json_schema_extra=extra))
    return fields


# The body of a change (any subset of the fields) and of a create. Unknown fields are refused.
MemberIn = create_model("MemberIn", __base__=_MemberInBase, **member_input_fields())


class _MemberCreateBase(_MemberInBase):
    # The record's required fields are marked required, as the document says; the service
    # names every one missing (400) after access is checked, so that who may not add members
    # to the unit learns nothing from a missing field.
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": list(REQUIRED_FIELDS)})


MemberCreateIn = create_model("MemberCreateIn", __base__=_MemberCreateBase, **member_input_fields())


# Query strings


def _choice(values) -> Any:
    """Text that is empty (no filter) or one of `values`."""
    return Literal[("", *values)]  # type: ignore[valid-type]


class MemberFiltersIn(Schema):
    """The member list's filters (members.selectors.MemberFilters)."""

    q: str = Field("", description="name (accents optional), member code, ID, phone or card")
    status: _choice(Status.values) = ""  # type: ignore[valid-type]
    sector: _choice(Sector.values) = ""  # type: ignore[valid-type]
    position: _choice(Position.values) = ""  # type: ignore[valid-type]
    sex: _choice(Sex.values) = ""  # type: ignore[valid-type]
    age_band: _choice([code for code, *_ in AGE_BANDS]) = ""  # type: ignore[valid-type]


class MemberListQuery(MemberFiltersIn, KeysetQuery):
    """The member list's filters and page."""


class MemberDetailQuery(Schema):
    include: Literal["", "id_number"] = Field(
        "", description="id_number: also return the full ID-card number (the read is recorded)"
    )

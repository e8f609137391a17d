"""The shapes of the training programme's API (training.py).

Inputs keep their fields optional or loosely typed where the service checks them: the service's
rules then answer with one set of messages and field names (`items[2].plan`, `areas.1`), and a
request by someone out of scope is answered 404 before its body is looked at."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from .schemas import KeysetPageOut, KeysetQuery

# Query strings


class FrameworkQuery(Schema):
    member: int | None = Field(
        None,
        description="required: the member whose criteria to list (404 when missing, unknown or "
        "out of the user's scope)",
    )


# The framework


class BandsOut(Schema):
    excellent: float = Field(description="lowest total for `excellent`")
    good: float = Field(description="lowest total for `good`")
    complete: float = Field(description="lowest total for `complete`")


class FrameworkOut(Schema):
    id: int
    name: str
    year: int = Field(description="the programme year asked for")
    unit: str | None = Field(description="the unit that published it; null for the default")
    min_criteria: int = Field(description="the fewest criteria the member registers (his group's)")
    bands: BandsOut


class CriterionOut(Schema):
    id: int
    text: str
    sector: str = Field(description="empty: for every sector")
    audience: str = Field(
        description="the member group it is for (student, teacher, cadre); empty: every member"
    )
    audience_label: str
    mandatory: bool
    custom: bool = Field(description="added by a unit for its subtree")
    unit: str | None = Field(description="the unit that added a custom criterion")


class AreaOut(Schema):
    code: str
    name: str
    max_points: float
    criteria: list[CriterionOut]


class FrameworkListingOut(Schema):
    framework: FrameworkOut
    audience: str = Field(
        description="the member's group (general, student, teacher, cadre): the criteria for "
        "another group are not listed"
    )
    audience_label: str
    areas: list[AreaOut]


# A registration


class RegistrationItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    criterion: int | None = Field(None, description="id of a criterion of the member's framework")
    plan: str = Field("", description="how the member will do it (required to submit)")
    target_date: str | None = Field(
        None, description="YYYY-MM-DD or dd/mm/yyyy, within the programme year"
    )


class RegistrationIn(Schema):
    # Required, as the document says; the view checks it after access, so that who may not
    # act for the member learns nothing from a missing field (422 all the same).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["items"]})

    items: list[RegistrationItemIn] | None = Field(
        None, description="required: every item of the registration (replaces the saved ones)"
    )


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    comment: str = ""


class MeetingStepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    meeting: int | None = Field(
        None, description="the branch meeting where this was done (optional)"
    )


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""


class PointsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    areas: dict[str, Decimal | str | None] | None = Field(
        None, description='points per content area code, e.g. {"1": 18, "2": "17,5"}'
    )
    comment: str = ""


class RegistrationItemOut(Schema):
    criterion: int
    area: str
    text: str
    plan: str
    target_date: date | None  # empty only in a draft


class SelfAssessmentOut(Schema):
    areas: dict[str, float]
    comment: str
    at: datetime


class AssessmentOut(Schema):
    areas: dict[str, float]
    comment: str
    total: float = Field(description="the sum of the areas' points, one decimal")
    level: str = Field(description="excellent, good, complete, incomplete or not_classified")
    level_name: str
    late: bool
    at: datetime


class RegistrationOut(Schema):
    id: int
    member: int
    year: int
    framework: int
    state: str = Field(description="draft, submitted, returned or approved")
    entered_by_secretary: bool
    review_comment: str
    submitted_at: datetime | None
    submitted_late: bool
    approved_at: datetime | None
    meeting: int | None = Field(
        None, description="the branch meeting where the registration was reviewed, if said"
    )
    items: list[RegistrationItemOut]
    self_assessment: SelfAssessmentOut | None
    assessment: AssessmentOut | None
    result_state: str = Field(
        description="the branch's results for the year: open, submitted or recognised"
    )


# A branch's results


class UnitRefOut(Schema):
    id: int
    name: str
    code: str


class ResultOut(Schema):
    branch: int
    year: int
    state: str = Field(description="open, submitted or recognised")
    comment: str = Field(description="the last return comment or reopening reason")
    comment_action: str = Field(
        description="what wrote `comment`: `return` or `reopen`; empty when there is none"
    )
    comment_by_unit: UnitRefOut | None = Field(
        description="the unit that returned or reopened the results with `comment`; null when "
        "unknown (an administrator without a role above the branch, or before it was recorded)"
    )
    submitted_at: datetime | None
    recognised_at: datetime | None
    reopened_at: datetime | None = Field(
        description="when the results were last reopened (kept once they are recognised again)"
    )
    reopened_by: str | None = Field(description="the name of the person who reopened them")
    reopened_by_unit: UnitRefOut | None = Field(
        description="the unit that person acted for; null when unknown"
    )
    reopen_reason: str = Field(description="the reason given for the last reopening")
    meeting: int | None = Field(
        None, description="the branch meeting where the results were assessed, if said"
    )


class RegistrationsExportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    state: str = Field(
        "",
        description="only the registrations in this state (`draft`, `submitted`, `returned`, "
        "`approved`); empty or left out: all",
    )


class ProgressNoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field("", description="required: progress made, difficulties, the help given")
    on: date | None = Field(None, description="the note's date (today by default)")


class ProgressNoteCreatedOut(Schema):
    id: int


# The registrations of a subtree, a page at a time

# training.models.Registration.State's values.
RegistrationState = Literal["draft", "submitted", "returned", "approved", "missed"]


class RegistrationListQuery(KeysetQuery):
    state: RegistrationState | None = Field(
        None, description="only the registrations in this state"
    )


class MemberNameOut(Schema):
    id: int
    full_name: str


class BranchNameOut(Schema):
    id: int
    name: str


class RegistrationListItemOut(Schema):
    id: int
    member: MemberNameOut
    branch: BranchNameOut
    state: RegistrationState
    state_label: str
    submitted_at: datetime | None
    level: str = Field(
        description="the classification of the branch's assessment (`excellent`, `good`, "
        "`complete`, `incomplete`); empty until assessed"
    )
    level_label: str


class RegistrationListOut(KeysetPageOut):
    items: list[RegistrationListItemOut]
    count: int | None = Field(
        description="the registrations listed, on every page, when at most 1,000; null when "
        "there are more (see `more_than`)"
    )

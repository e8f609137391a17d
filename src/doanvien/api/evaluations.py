"""Unit evaluations: the schemes that apply to a unit, and a unit's strong-branch or
3-proactive evaluation on its way to recognition (register, self-assessment, evidence, submit,
the recognising unit's assessment, return, recognise, reopen).

Every operation resolves the unit within the user's scope first (404 outside it), then asks the
evaluations' access rules (403): the unit's own committee registers, self-scores and submits;
only the recognising unit's cadres score, return and recognise; a unit above it reopens. A move
the workflow does not allow in the current state, and a 3-proactive request while a branch is
not yet strong, answer 409 Conflict; the services' other refusals answer 400."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from doanvien.accounts.access import get_unit_for, require
from doanvien.core.years import FIRST_YEAR, LAST_YEAR
from doanvien.evaluations import (
    collectives,
    configuration,
    introductions,
    ratings,
    rollup,
    services,
)
from doanvien.evaluations.access import (
    can_decide_collective,
    can_publish,
    can_recognise,
    can_reopen,
    is_own_committee,
)
from doanvien.evaluations.models import (
    CollectiveRating,
    Evaluation,
    MemberRating,
    PartyIntroduction,
    SchemeCode,
)
from doanvien.evaluations.selectors import (
    INTRODUCTION_ORDER,
    children_evaluations,
    evaluation_of,
    grouped,
    introductions_under,
    items_for,
    schemes_for,
    unit_evaluations,
)
from doanvien.evaluations.views import evidence_response
from doanvien.members.access import get_member_for
from doanvien.training.access import can_recognise as above_the_branch
from doanvien.training.access import is_branch_committee
from doanvien.units.models import Unit

from .errors import ApiError, conflicts_as_409, keyset_page_of
from .schemas import PROGRAMME_YEAR, error_answers
from .training import required

router = Router(tags=["evaluations"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
EVALUATION = "/units/{unit_id}/evaluations/{year}/{scheme}"
CONFLICTS = {"illegal_transition", "precondition"}


class EvaluationPointsIn(Schema):
    items: dict[str, Decimal | str] = {}
    comment: str = ""


class EvaluationCommentIn(Schema):
    comment: str = ""


class EvaluationReasonIn(Schema):
    reason: str = ""


class ItemOut(Schema):
    id: int
    text: str
    max_points: Decimal
    evidence_required: bool
    indicator: str


class GroupOut(Schema):
    name: str
    items: list[ItemOut]


class SchemeOut(Schema):
    code: str
    name: str
    placeholder: bool
    groups: list[GroupOut]
    pass_mark: Decimal
    level_bands: list[dict]
    requires_all_branches_strong: bool
    published_by: int | None


class SchemesOut(Schema):
    items: list[SchemeOut]


class EvidenceOut(Schema):
    id: int
    item: int
    file: str
    link: str
    note: str


class EvaluationOut(Schema):
    unit: int
    unit_name: str
    scheme: str
    year: int
    state: str
    registered_late: bool
    self_points: dict
    self_comment: str
    self_total: Decimal | None
    indicator_values: dict
    submitted_late: bool
    points: dict
    comment: str
    total: Decimal | None
    passed: bool | None
    level: str
    return_comment: str
    reopen_reason: str
    recognised_by: int | None
    evidence: list[EvidenceOut]


class ChildEvaluationOut(Schema):
    unit: int
    unit_name: str
    scheme: str
    state: str
    total: Decimal | None
    passed: bool | None


class UnitEvaluationsOut(Schema):
    unit: int
    year: int
    own: list[EvaluationOut]
    children: list[ChildEvaluationOut]
    figures: dict[str, int]


class EvaluationAssessmentOut(Schema):
    total: Decimal | None
    passed: bool | None
    level: str
    state: str


def scheme_out(unit: Unit, scheme) -> dict:
    items = items_for(scheme, unit)
    return {
        "code": scheme.code,
        "name": scheme.name,
        "placeholder": scheme.is_placeholder,
        "groups": [
            {
                "name": group.name,
                "items": [
                    {
                        "id": i.pk,
                        "text": i.text,
                        "max_points": i.max_points,
                        "evidence_required": i.evidence_required,
                        "indicator": i.indicator,
                    }
                    for i in group_items
                ],
            }
            for group, group_items in grouped(items)
        ],
        "pass_mark": scheme.pass_mark,
        "level_bands": scheme.level_bands or [],
        "requires_all_branches_strong": scheme.requires_all_branches_strong,
        "published_by": scheme.unit_id,
    }


def evaluation_out(evaluation: Evaluation) -> dict:
    return {
        "unit": evaluation.unit_id,
        "unit_name": evaluation.unit.name,
        "scheme": evaluation.scheme_code,
        "year": evaluation.year,
        "state": evaluation.state,
        "registered_late": evaluation.registered_late,
        "self_points": evaluation.self_points,
        "self_comment": evaluation.self_comment,
        "self_total": evaluation.self_total,
        "indicator_values": evaluation.indicator_values,
        "submitted_late": evaluation.submitted_late,
        "points": evaluation.points,
        "comment": evaluation.comment,
        "total": evaluation.total,
        "passed": evaluation.passed,
        "level": evaluation.level,
        "return_comment": evaluation.return_comment,
        "reopen_reason": evaluation.reopen_reason,
        "recognised_by": evaluation.recognised_by_unit_id,
        "evidence": [
            {
                "id": e.pk,
                "item": e.item_id,
                "file": e.file.name.rsplit("/", 1)[-1] if e.file else "",
                "link": e.link,
                "note": e.note,
            }
            for e in evaluation.evidence.all()
        ],
    }


def _code(scheme: str) -> str:
    if scheme not in SchemeCode.values:
        raise Http404
    return scheme


def _evaluation(unit: Unit, scheme: str, year: int) -> Evaluation:
    evaluation = evaluation_of(unit, _code(scheme), year)
    if evaluation is None:
        raise Http404
    return evaluation


@router.get(
    "/evaluations/{year}/schemes",
    response={200: SchemesOut, **ERRORS},
    summary="The evaluation schemes that apply to a unit",
)
def schemes(request, unit: int | None = None, year: int = PROGRAMME_YEAR):
    """The schemes of the year for the unit given as `?unit=`: the nearest ancestor's published
    one, otherwise the shipped default (`placeholder` true: its items and points are not yet a
    unit's own). Items of another sector than the unit's are left out."""
    if unit is None:
        raise Http404
    found = get_unit_for(request.user, unit)
    return {"items": [scheme_out(found, s) for s in schemes_for(found, year)]}


@router.get(
    "/units/{unit_id}/evaluations/{year}",
    response={200: UnitEvaluationsOut, **ERRORS},
    summary="A unit's evaluations and those of the units under it",
)
def unit_evaluations_read(request, unit_id: int, year: int = PROGRAMME_YEAR):
    unit = get_unit_for(request.user, unit_id)
    children = [
        {
            "unit": child.pk,
            "unit_name": child.name,
            "scheme": e.scheme_code,
            "state": e.state,
            "total": e.total,
            "passed": e.passed,
        }
        for child, found in children_evaluations(unit, year)
        for e in found
    ]
    return {
        "unit": unit.pk,
        "year": year,
        "own": [evaluation_out(e) for e in unit_evaluations(unit, year)],
        "children": children,
        "figures": rollup.figures_of(unit, year),
    }


def _own_evaluation(request, unit_id: int, scheme: str, year: int) -> tuple[Unit, Evaluation]:
    """The unit in scope (404), its own committee (403), then its evaluation (404)."""
    unit = get_unit_for(request.user, unit_id)
    require(is_own_committee(request.user, unit))
    return unit, _evaluation(unit, scheme, year)


def _evaluation_above(request, unit_id: int, scheme: str, year: int, may) -> Evaluation:
    """The unit in scope (404), its evaluation (404), then `may(user, unit, scheme)` (403): the
    recognising unit, or one above it."""
    unit = get_unit_for(request.user, unit_id)
    evaluation = _evaluation(unit, scheme, year)
    require(may(request.user, unit, evaluation.scheme))
    return evaluation


def _moved(request, evaluation: Evaluation, service, **fields) -> dict:
    """The service's move on the evaluation (its conflicts answer 409), the evaluation after."""
    with conflicts_as_409(CONFLICTS):
        evaluation = service(actor=request.user, evaluation=evaluation, **fields)
    return evaluation_out(evaluation)


@router.get(EVALUATION, response={200: EvaluationOut, **ERRORS}, summary="A unit's evaluation")
def evaluation_read(request, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR):
    unit = get_unit_for(request.user, unit_id)
    return evaluation_out(_evaluation(unit, scheme, year))


@router.post(
    f"{EVALUATION}/register",
    response={201: EvaluationOut, **ERRORS},
    summary="Register a unit for an evaluation",
)
def register(request, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR):
    """The unit's own committee registers it (a branch for strong_branch, a base union for
    three_proactive); a second registration answers 409."""
    unit = get_unit_for(request.user, unit_id)
    code = _code(scheme)
    require(is_own_committee(request.user, unit))
    with conflicts_as_409(CONFLICTS):
        evaluation = services.evaluation_register(
            actor=request.user, unit=unit, year=year, scheme_code=code
        )
    return Status(201, evaluation_out(evaluation))


@router.put(
    f"{EVALUATION}/self-assessment",
    response={200: EvaluationOut, **ERRORS},
    summary="Self-score a unit's evaluation",
)
def self_assessment(
    request, payload: EvaluationPointsIn, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR
):
    """`{"items": {"<item id>": points}, "comment"}`: the items given are scored (the others
    keep their points); each from 0 to its maximum, one decimal at most."""
    _, evaluation = _own_evaluation(request, unit_id, scheme, year)
    return _moved(
        request,
        evaluation,
        services.self_assessment_record,
        items=payload.items,
        comment=payload.comment,
    )


@router.post(
    f"{EVALUATION}/evidence",
    response={201: EvaluationOut, **ERRORS},
    summary="Add evidence to an item of a unit's evaluation",
)
def evidence(
    request,
    unit_id: int,
    scheme: str,
    year: int = PROGRAMME_YEAR,
    item: Form[int] = 0,
    link: Form[str] = "",
    note: Form[str] = "",
    file: File[UploadedFile | None] = None,
):
    """A multipart form: `item` (its id), and a `file` (PDF, image, document, sheet; 10 MB at
    most) or a `link`, with an optional `note`."""
    unit, evaluation = _own_evaluation(request, unit_id, scheme, year)
    with conflicts_as_409(CONFLICTS):
        services.evidence_add(
            actor=request.user, evaluation=evaluation, item_id=item, file=file, link=link, note=note
        )
    return Status(201, evaluation_out(_evaluation(unit, scheme, year)))


@router.get(
    f"{EVALUATION}/evidence/{{evidence_id}}",
    response={200: None, **ERRORS},
    summary="Download the file of an evidence",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file the unit gave, as an attachment",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def evidence_file(request, unit_id: int, scheme: str, evidence_id: int, year: int = PROGRAMME_YEAR):
    """Whoever may see the unit gets the file; 404 for a link, another evaluation's evidence or
    a unit out of scope."""
    unit = get_unit_for(request.user, unit_id)
    return evidence_response(_evaluation(unit, scheme, year), evidence_id)


@router.post(
    f"{EVALUATION}/submit",
    response={200: EvaluationOut, **ERRORS},
    summary="Submit a unit's evaluation for recognition",
)
def submit(request, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR):
    """Every item scored and every evidence required given; a base union's 3-proactive request
    also needs every active branch under it recognised strong (409 naming those missing)."""
    _, evaluation = _own_evaluation(request, unit_id, scheme, year)
    return _moved(request, evaluation, services.evaluation_submit)


@router.put(
    f"{EVALUATION}/assessment",
    response={200: EvaluationAssessmentOut, **ERRORS},
    summary="Score a submitted evaluation (the recognising unit)",
)
def assessment(
    request, payload: EvaluationPointsIn, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR
):
    """The recognising unit gives every item its points: the total, whether it reaches the
    pass mark, and the level of the scheme's bands follow."""
    evaluation = _evaluation_above(request, unit_id, scheme, year, can_recognise)
    with conflicts_as_409(CONFLICTS):
        evaluation = services.assessment_record(
            actor=request.user, evaluation=evaluation, items=payload.items, comment=payload.comment
        )
    return {
        "total": evaluation.total,
        "passed": evaluation.passed,
        "level": evaluation.level,
        "state": evaluation.state,
    }


@router.post(
    f"{EVALUATION}/recognise",
    response={200: EvaluationOut, **ERRORS},
    summary="Recognise a unit's evaluation",
)
def recognise(request, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR):
    evaluation = _evaluation_above(request, unit_id, scheme, year, can_recognise)
    return _moved(request, evaluation, services.evaluation_recognise)


@router.post(
    f"{EVALUATION}/return",
    response={200: EvaluationOut, **ERRORS},
    summary="Return a unit's evaluation with a comment",
)
def return_(
    request, payload: EvaluationCommentIn, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR
):
    evaluation = _evaluation_above(request, unit_id, scheme, year, can_recognise)
    return _moved(request, evaluation, services.evaluation_return, comment=payload.comment)


@router.post(
    f"{EVALUATION}/reopen",
    response={200: EvaluationOut, **ERRORS},
    summary="Reopen a recognised evaluation (a unit above the recognising one)",
)
def reopen(
    request, payload: EvaluationReasonIn, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR
):
    evaluation = _evaluation_above(request, unit_id, scheme, year, can_reopen)
    return _moved(request, evaluation, services.evaluation_reopen, reason=payload.reason)


# --- The yearly rating of members -------------------------------------------------------------

RATING = "/members/{member_id}/rating/{year}"


class RatingIn(Schema):
    # Not required in the schema so that scope is checked before the body (404 first); an
    # empty level is refused by the service with a field error.
    level: str = ""
    reason: str = ""
    # A member transferred in less than the policy's months before the year's end: the old
    # branch's comments (required then).
    previous_comment: str = ""


class RatingOut(Schema):
    member: int
    year: int
    level: str = Field(
        description="excellent, good, complete, incomplete, or not_classified (admitted too "
        "recently: assessed, not classified)"
    )
    level_label: str
    not_classified_reason: str = Field(
        description="why he is not classified (his admission date and the policy's months); "
        "empty when classified"
    )
    programme_level: str
    reason: str
    state: str
    decision_reason: str
    previous_branch: int | None
    previous_comment: str


def rating_out(rating: MemberRating) -> dict:
    return {
        "member": rating.member_id,
        "year": rating.year,
        "level": rating.level,
        "level_label": rating.get_level_display(),
        "not_classified_reason": rating.not_classified_reason,
        "programme_level": rating.programme_level,
        "reason": rating.reason,
        "state": rating.state,
        "decision_reason": rating.decision_reason,
        "previous_branch": rating.previous_branch_id,
        "previous_comment": rating.previous_comment,
    }


def _rating(member, year: int) -> MemberRating:
    rating = MemberRating.objects.filter(member=member, year=year).first()
    if rating is None:
        raise Http404
    return rating


@router.put(RATING, response={200: RatingOut, **ERRORS}, summary="Propose a member's yearly rating")
def rating_propose(request, payload: RatingIn, member_id: int, year: int = PROGRAMME_YEAR):
    """The branch committee proposes `level` (excellent, good, complete, incomplete): the
    training programme's level, or lower with a `reason` (or exactly it where the province
    says so). An approved rating is locked (409). A member admitted less than the policy's
    months before the year's end is assessed, not classified: his level is `not_classified`
    (sent, or left empty), with the branch's comments in `reason`; any other level for him, or
    `not_classified` for a member with enough membership, is refused (400 on `level`). A member
    transferred in less than the policy's months before the year's end needs
    `previous_comment`, the old branch's comments (400); where the province set a quota,
    "excellent" beyond it is refused (400 on `level`)."""
    member = get_member_for(request.user, member_id)
    require(is_branch_committee(request.user, member.branch))
    with conflicts_as_409(CONFLICTS):
        rating = ratings.rating_propose(
            actor=request.user,
            member=member,
            year=year,
            level=payload.level,
            reason=payload.reason,
            previous_comment=payload.previous_comment,
        )
    return rating_out(rating)


@router.post(
    f"{RATING}/approve", response={200: RatingOut, **ERRORS}, summary="Approve a member's rating"
)
def rating_approve(request, member_id: int, year: int = PROGRAMME_YEAR):
    member = get_member_for(request.user, member_id)
    require(above_the_branch(request.user, member.branch))
    rating = _rating(member, year)
    with conflicts_as_409(CONFLICTS):
        rating = ratings.rating_decide(actor=request.user, rating=rating, approve=True)
    return rating_out(rating)


@router.post(
    f"{RATING}/reject", response={200: RatingOut, **ERRORS}, summary="Reject a member's rating"
)
def rating_reject(request, payload: EvaluationReasonIn, member_id: int, year: int = PROGRAMME_YEAR):
    member = get_member_for(request.user, member_id)
    require(above_the_branch(request.user, member.branch))
    rating = _rating(member, year)
    with conflicts_as_409(CONFLICTS):
        rating = ratings.rating_decide(
            actor=request.user, rating=rating, approve=False, reason=payload.reason
        )
    return rating_out(rating)


# --- The yearly rating of leadership collectives ------------------------------------------------

COLLECTIVE = "/units/{unit_id}/collective-rating/{year}"


class CollectiveRatingIn(Schema):
    # Not required in the schema so that scope is checked before the body (404 first).
    level: str = ""
    reason: str = ""


class CollectiveRatingOut(Schema):
    unit: int
    year: int
    level: str
    reason: str
    state: str
    decision_reason: str


def collective_out(rating: CollectiveRating) -> dict:
    return {
        "unit": rating.unit_id,
        "year": rating.year,
        "level": rating.level,
        "reason": rating.reason,
        "state": rating.state,
        "decision_reason": rating.decision_reason,
    }


@router.get(
    COLLECTIVE,
    response={200: CollectiveRatingOut, **ERRORS},
    summary="A unit's leadership collective's yearly rating",
)
def collective_read(request, unit_id: int, year: int = PROGRAMME_YEAR):
    unit = get_unit_for(request.user, unit_id)
    rating = CollectiveRating.objects.filter(unit=unit, year=year).first()
    if rating is None:
        raise Http404
    return collective_out(rating)


@router.put(
    COLLECTIVE,
    response={200: CollectiveRatingOut, **ERRORS},
    summary="Propose the yearly rating of a unit's leadership collective (its own committee)",
)
def collective_propose(
    request, payload: CollectiveRatingIn, unit_id: int, year: int = PROGRAMME_YEAR
):
    """`level` (excellent, good, complete, incomplete) and `reason`, the collective's
    self-assessment; an approved rating is locked (409)."""
    unit = get_unit_for(request.user, unit_id)
    require(is_own_committee(request.user, unit))
    with conflicts_as_409(CONFLICTS):
        rating = collectives.collective_propose(
            actor=request.user, unit=unit, year=year, level=payload.level, reason=payload.reason
        )
    return collective_out(rating)


def _collective_decided(request, unit_id: int, year: int, approve: bool, reason: str = ""):
    unit = get_unit_for(request.user, unit_id)
    require(can_decide_collective(request.user, unit))
    rating = CollectiveRating.objects.filter(unit=unit, year=year).first()
    if rating is None:
        raise Http404
    with conflicts_as_409(CONFLICTS):
        rating = collectives.collective_decide(
            actor=request.user, rating=rating, approve=approve, reason=reason
        )
    return collective_out(rating)


@router.post(
    f"{COLLECTIVE}/approve",
    response={200: CollectiveRatingOut, **ERRORS},
    summary="Approve a leadership collective's rating (a unit above)",
)
def collective_approve(request, unit_id: int, year: int = PROGRAMME_YEAR):
    return _collective_decided(request, unit_id, year, True)


@router.post(
    f"{COLLECTIVE}/reject",
    response={200: CollectiveRatingOut, **ERRORS},
    summary="Reject a leadership collective's rating with a reason (a unit above)",
)
def collective_reject(
    request, payload: EvaluationReasonIn, unit_id: int, year: int = PROGRAMME_YEAR
):
    return _collective_decided(request, unit_id, year, False, payload.reason)


# --- Outstanding members introduced to the Party ------------------------------------------------


class IntroductionIn(Schema):
    # Checked after the scope (404 first): a missing field is refused by field, 422 or 400.
    year: int = 0
    branch_resolution_no: str = ""
    branch_resolution_date: date | None = None
    votes_for: int = 0
    present: int = 0
    override_reason: str = ""


class IntroductionPatch(Schema):
    introduction_no: str | None = None
    introduced_on: date | None = None
    course_on: date | None = None
    probationary_on: date | None = None
    official_on: date | None = None


class IntroductionBranchOut(Schema):
    id: int
    name: str
    code: str


class IntroductionOut(Schema):
    id: int
    member: int
    member_name: str
    branch: IntroductionBranchOut
    state: str = Field(
        description="the last step recorded: proposed, introduced, course, probationary, official"
    )
    state_label: str
    year: int
    branch_resolution_no: str
    branch_resolution_date: date
    votes_for: int
    present: int
    override_reason: str
    introduction_no: str
    introduced_on: date | None
    course_on: date | None
    probationary_on: date | None
    official_on: date | None


def introduction_out(i: PartyIntroduction) -> dict:
    return {
        "id": i.pk,
        "member": i.member_id,
        "member_name": i.member.full_name,
        "branch": {"id": i.branch_id, "name": i.branch.name, "code": i.branch.code},
        "state": i.state,
        "state_label": i.state_label,
        **{
            k: getattr(i, k)
            for k in (
                "year",
                "branch_resolution_no",
                "branch_resolution_date",
                "votes_for",
                "present",
                "override_reason",
                "introduction_no",
                "introduced_on",
                "course_on",
                "probationary_on",
                "official_on",
            )
        },
    }


@router.post(
    "/members/{member_id}/party-introductions",
    response={201: IntroductionOut, **ERRORS},
    summary="Propose an outstanding member to the Party (the branch)",
)
def introduction_create(request, payload: IntroductionIn, member_id: int):
    """The branch's proposal: its resolution (number, date) and the votes for out of the members
    present. A member not rated "completed duties excellently" (approved) that year needs an
    `override_reason`."""
    member = get_member_for(request.user, member_id)
    require(is_branch_committee(request.user, member.branch))
    if not FIRST_YEAR <= payload.year <= LAST_YEAR:
        raise ApiError(422, _("Invalid data."), [{"field": "year", "message": _("Give a year.")}])
    if payload.branch_resolution_date is None:
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": "branch_resolution_date", "message": _("This field is required.")}],
        )
    with conflicts_as_409(CONFLICTS):
        introduction = introductions.introduction_propose(
            actor=request.user,
            member=member,
            year=payload.year,
            branch_resolution_no=payload.branch_resolution_no,
            branch_resolution_date=payload.branch_resolution_date,
            votes_for=payload.votes_for,
            present=payload.present,
            override_reason=payload.override_reason,
        )
    return Status(201, introduction_out(introduction))


@router.patch(
    "/party-introductions/{introduction_id}",
    response={200: IntroductionOut, **ERRORS},
    summary="Record the later steps of a Party introduction (the units above the branch)",
)
def introduction_patch(request, payload: IntroductionPatch, introduction_id: int):
    """The base-union committee's introduction (Mẫu 4-KNĐ: `introduction_no`,
    `introduced_on`), then `course_on`, `probationary_on`, `official_on`, each after the one
    before."""
    introduction = PartyIntroduction.objects.filter(pk=introduction_id).first()
    if introduction is None:
        raise Http404
    member = get_member_for(request.user, introduction.member_id)
    require(above_the_branch(request.user, member.branch))
    introduction = introductions.introduction_update(
        actor=request.user,
        introduction=introduction,
        data=payload.model_dump(exclude_unset=True),
    )
    return introduction_out(introduction)


class IntroductionPageOut(Schema):
    items: list[IntroductionOut]
    next: str | None = Field(description="the cursor of the next page, null on the last")
    count: int | None = Field(description="exact up to 1,000; null beyond (see `more_than`)")
    more_than: int | None = None


class IntroductionQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="only this year")
    state: Literal["proposed", "introduced", "course", "probationary", "official"] | None = Field(
        None, description="only those whose last step recorded is this one"
    )
    page: int = Field(1, ge=1)
    cursor: str = ""


@router.get(
    "/units/{unit_id}/party-introductions",
    response={200: IntroductionPageOut, **ERRORS},
    summary="The Party introductions proposed in a unit's subtree",
)
def introduction_list(request, unit_id: int, query: Query[IntroductionQuery]):
    """The introductions proposed by the branches under the unit (its own on a branch), oldest
    first, paged by `cursor` (the previous page's `next`) like the other lists; `year` and
    `state` (the last step recorded) narrow them. A unit out of the caller's scope is 404."""
    unit = get_unit_for(request.user, unit_id)
    rows = introductions_under(unit, year=query.year, state=query.state or "")
    page = keyset_page_of(rows, keys=INTRODUCTION_ORDER, page=query.page, cursor=query.cursor)
    return {
        "items": [introduction_out(i) for i in page.object_list],
        "next": page.next_cursor,
        "count": page.count,
        "more_than": page.more_than,
    }


# --- The rating policy of a unit's subtree ------------------------------------------------------

POLICY = "/units/{unit_id}/rating-policy"


class RatingPolicyIn(Schema):
    level_equals_programme: bool = False
    # Checked by the service after the scope (404 first): a whole number from 0 to 36.
    eligibility_months: int | None = None
    excellent_quota_percent: int | None = Field(
        None,
        description="at most this % rated excellent (of those rated well or better), "
        "0 < N ≤ 100; null: no quota",
    )


class RatingPolicyOut(Schema):
    unit: int
    level_equals_programme: bool
    eligibility_months: int
    excellent_quota_percent: int | None
    own: bool = Field(description="the unit set this policy itself")
    set_by: IntroductionBranchOut | None = Field(
        description="the unit whose policy applies (the unit or the nearest above it that set "
        "one); null: the product's defaults"
    )
    can_edit: bool


def policy_out(request, unit: Unit) -> dict:
    policy = ratings.policy_for(unit)
    source = ratings.policy_source(unit)
    owner = source.unit if source is not None else None
    return {
        "unit": unit.pk,
        "level_equals_programme": policy.level_equals_programme,
        "eligibility_months": policy.eligibility_months,
        "excellent_quota_percent": policy.excellent_quota_percent,
        "own": owner is not None and owner.pk == unit.pk,
        "set_by": {"id": owner.pk, "name": owner.name, "code": owner.code} if owner else None,
        "can_edit": can_publish(request.user, unit),
    }


@router.get(
    POLICY,
    response={200: RatingPolicyOut, **ERRORS},
    summary="The members' rating policy that applies to a unit",
)
def rating_policy_read(request, unit_id: int):
    """Its own policy, or the nearest unit's above it that set one, or the defaults."""
    return policy_out(request, get_unit_for(request.user, unit_id))


@router.put(
    POLICY,
    response={200: RatingPolicyOut, **ERRORS},
    summary="Set a unit's rating policy for its subtree (its cadres)",
)
def rating_policy_write(request, payload: RatingPolicyIn, unit_id: int):
    """The switch "member level = programme level", the months of membership before a member is
    classified (0 to 36) and the quota on "excellent" (a whole percentage, 0 < N ≤ 100, or null
    for none). The units below without a policy of their own follow it. A branch sets none
    (403)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_publish(request.user, unit))
    if payload.eligibility_months is None:
        raise required("eligibility_months")
    ratings.rating_policy_set(
        actor=request.user,
        unit=unit,
        level_equals_programme=payload.level_equals_programme,
        eligibility_months=payload.eligibility_months,
        excellent_quota_percent=payload.excellent_quota_percent,
    )
    return policy_out(request, unit)


@router.delete(
    POLICY,
    response={200: RatingPolicyOut, **ERRORS},
    summary="Remove a unit's own rating policy (it follows the unit above again)",
)
def rating_policy_remove(request, unit_id: int):
    """409 when the unit has no policy of its own."""
    unit = get_unit_for(request.user, unit_id)
    require(can_publish(request.user, unit))
    with conflicts_as_409(CONFLICTS):
        ratings.rating_policy_clear(actor=request.user, unit=unit)
    return policy_out(request, unit)


class SchemePublishedOut(Schema):
    id: int
    name: str


@router.post(
    f"{EVALUATION}/scheme/publish",
    response={201: SchemePublishedOut, **ERRORS},
    summary="Publish a unit's own evaluation scheme for the units below",
)
def scheme_publish(request, unit_id: int, scheme: str, year: int = PROGRAMME_YEAR):
    """A copy of the scheme that applies to the unit now becomes its own for the year (not for
    branches); the units below use it from now on. 409 if it has its own already."""
    unit = get_unit_for(request.user, unit_id)
    code = _code(scheme)
    require(can_publish(request.user, unit))
    with conflicts_as_409({"exists"}):
        published = configuration.scheme_publish(
            actor=request.user, unit=unit, code=code, year=year
        )
    return Status(201, {"id": published.pk, "name": published.name})

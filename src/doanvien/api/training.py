"""The training programme: the criteria a member may pick, his registration on its way through
review and assessment, and a branch's results on their way to recognition.

Every operation resolves the member or unit within the user's scope first (404 outside it), then
asks the training access rules (403), then calls the service. An action the workflow does not
allow in the current state, and any change to a registration or an assessment of a year whose
results the branch has submitted or the upper unit has recognised, answers 409 Conflict; the
services' other refusals answer 400."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from doanvien.accounts.access import get_branch_for, get_unit_for, require, scope_of
from doanvien.actions.meetings import branch_results_submit_at, registration_approve_at
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start
from doanvien.meetings.selectors import step_meeting_id
from doanvien.members.access import get_member_for
from doanvien.members.models import Member
from doanvien.training.access import (
    acts_for_member,
    can_recognise,
    can_reopen,
    can_review_registration,
    is_branch_committee,
)
from doanvien.training.models import BranchResult, Registration
from doanvien.training.selectors import (
    REGISTRATION_LIST_ORDER,
    criteria_offered,
    framework_for,
    registration_of,
    registrations_listed,
)
from doanvien.training.services import registrations
from doanvien.training.services.assessment import assessment_record, self_assessment_record
from doanvien.training.services.registrations import (
    registration_save,
)
from doanvien.training.services.results import (
    branch_results_recognise,
    branch_results_reopen,
    branch_results_return,
    progress_note_add,
)
from doanvien.units.models import Unit

from .errors import ApiError, conflicts_as_409, keyset_page_of
from .imports import JobCreated
from .schemas import PROGRAMME_YEAR, error_answers, keyset_fields
from .training_schemas import (
    AssessmentOut,
    CommentIn,
    FrameworkListingOut,
    FrameworkQuery,
    MeetingStepIn,
    PointsIn,
    ProgressNoteCreatedOut,
    ProgressNoteIn,
    ReasonIn,
    RegistrationIn,
    RegistrationListOut,
    RegistrationListQuery,
    RegistrationOut,
    RegistrationsExportIn,
    ResultOut,
    SelfAssessmentOut,
)

router = Router(tags=["training"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
# What a list answers besides 200: not signed in, out of scope, a bad filter or cursor.
LIST_ERRORS = error_answers(401, 404, 422)

# Programme years the API accepts (the database keeps years in a small integer).

REGISTRATION = "/members/{member_id}/registrations/{year}"
RESULTS = "/units/{unit_id}/results/{year}"


# The services' refusals that are conflicts with the state of things, not bad data: an action
# the workflow does not allow in the current state, and a change to a locked year.
CONFLICTS = {"illegal_transition", "locked"}


def conflicts():
    """A refusal due to the current state → 409 with its message (the other API modules of the
    programme's work use it too)."""
    return conflicts_as_409(CONFLICTS)


def required(field: str) -> ApiError:
    """What ninja answers for a missing body field, for fields the view checks itself."""
    return ApiError(
        422, _("Invalid data."), [{"field": field, "message": _("This field is required.")}]
    )


def is_the_member(user, member: Member) -> bool:
    return scope_of(user).member_id == member.pk


def registration_or_404(member: Member, year: int) -> Registration:
    registration = registration_of(member, year)
    if registration is None:
        raise Http404
    return registration


def branch_or_400(user, unit_id: int) -> Unit:
    unit = get_unit_for(user, unit_id)
    if not unit.is_branch:
        raise ValidationError(_("This unit is not a branch: only a branch has results."))
    return unit


# --- Output -----------------------------------------------------------------------------------


def registration_out(registration: Registration) -> dict:
    result_state = (
        BranchResult.objects.filter(branch_id=registration.branch_id, year=registration.year)
        .values_list("state", flat=True)
        .first()
    )
    self_assessment = assessment = None
    if registration.self_assessed_at:
        self_assessment = {
            "areas": registration.self_points,
            "comment": registration.self_comment,
            "at": registration.self_assessed_at,
        }
    if registration.assessed_at:
        assessment = assessment_out(registration)
    return {
        "id": registration.pk,
        "member": registration.member_id,
        "year": registration.year,
        "framework": registration.framework_id,
        "state": registration.state,
        "entered_by_secretary": registration.entered_by_secretary,
        "review_comment": registration.review_comment,
        "submitted_at": registration.submitted_at,
        "submitted_late": registration.submitted_late,
        "approved_at": registration.approved_at,
        "meeting": step_meeting_id(registration_id=registration.pk),
        "items": [
            {
                "criterion": item.criterion_id,
                "area": item.criterion.area_code,
                "text": item.criterion.text,
                "plan": item.plan,
                "target_date": item.target_date,
            }
            for item in registration.items.select_related("criterion")
        ],
        "self_assessment": self_assessment,
        "assessment": assessment,
        "result_state": result_state or BranchResult.State.OPEN,
    }


def assessment_out(registration: Registration) -> dict:
    return {
        "areas": registration.branch_points,
        "comment": registration.branch_comment,
        "total": registration.total,
        "level": registration.level,
        "level_name": registration.get_level_display(),
        "late": registration.assessed_late,
        "at": registration.assessed_at,
    }


def _unit_ref(unit: Unit | None) -> dict | None:
    return {"id": unit.pk, "name": unit.name, "code": unit.code} if unit else None


def result_out(result: BranchResult) -> dict:
    return {
        "branch": result.branch_id,
        "year": result.year,
        "state": result.state,
        "comment": result.comment,
        "comment_action": result.comment_action,
        "comment_by_unit": _unit_ref(result.comment_by_unit),
        "submitted_at": result.submitted_at,
        "recognised_at": result.recognised_at,
        "reopened_at": result.reopened_at,
        "reopened_by": str(result.reopened_by) if result.reopened_by else None,
        "reopened_by_unit": _unit_ref(result.reopened_by_unit),
        "reopen_reason": result.reopen_reason,
        "meeting": step_meeting_id(result_id=result.pk),
    }


# --- The framework ----------------------------------------------------------------------------


@router.get(
    "/training/{year}/framework",
    response={200: FrameworkListingOut, **ERRORS},
    summary="The criteria a member may pick",
)
def framework_listing(request, query: Query[FrameworkQuery], year: int = PROGRAMME_YEAR):
    """The framework that applies to the member's branch for the year, its content areas and
    every criterion the member may register: the framework's own (sector-specific ones only for
    the branch's sector) and the custom criteria of the branch's ancestors, each either for
    every member or for the member's group (`audience`: those for another group are not
    listed); `min_criteria` is the minimum of the member's group. Once the member has
    registered, the framework and branch of that registration."""
    if query.member is None:
        # Not a 422: no member is no member found, like one out of scope.
        raise ApiError(
            404, _("Not found."), [{"field": "member", "message": _("This field is required.")}]
        )
    member = get_member_for(request.user, query.member)
    registration = registration_of(member, year)
    if registration is not None:
        framework, branch = registration.framework, registration.branch
    else:
        framework, branch = framework_for(member.branch, year), member.branch
    if framework is None:
        raise Http404
    criteria = criteria_offered(
        member, framework=framework, branch=branch, year=year
    ).select_related("unit")
    # The framework's criteria first, then the custom ones from the top of the tree down (the
    # selector's order puts the framework's first or last depending on the database).
    by_area: dict[str, list] = {}
    for c in sorted(
        criteria,
        key=lambda c: (c.framework_id is None, c.unit.depth if c.unit else 0, c.order, c.pk),
    ):
        by_area.setdefault(c.area_code, []).append(
            {
                "id": c.pk,
                "text": c.text,
                "sector": c.sector,
                "audience": c.audience,
                "audience_label": c.get_audience_display() if c.audience else "",
                "mandatory": c.mandatory,
                "custom": c.framework_id is None,
                "unit": c.unit.name if c.unit else None,
            }
        )
    return {
        "framework": {
            "id": framework.pk,
            "name": framework.name,
            "year": year,
            "unit": framework.unit.name if framework.unit else None,
            "min_criteria": framework.min_criteria_for(member.audience),
            "bands": {
                "excellent": framework.band_excellent,
                "good": framework.band_good,
                "complete": framework.band_complete,
            },
        },
        "audience": member.audience,
        "audience_label": member.get_audience_display(),
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                "max_points": area.max_points,
                "criteria": by_area.get(area.code, []),
            }
            for area in framework.areas.all()
        ],
    }


# --- A member's registration ------------------------------------------------------------------


@router.get(REGISTRATION, response={200: RegistrationOut, **ERRORS}, summary="A registration")
def registration_detail(request, member_id: int, year: int = PROGRAMME_YEAR):
    """The member's registration for the year with its review, self-assessment and assessment;
    404 when he has not registered."""
    member = get_member_for(request.user, member_id)
    return registration_out(registration_or_404(member, year))


@router.put(REGISTRATION, response={200: RegistrationOut, **ERRORS}, summary="Save a registration")
def registration_change(
    request,
    payload: RegistrationIn,
    member_id: int,
    year: int = PROGRAMME_YEAR,
):
    """Replace the items of the member's registration (created as a draft if needed): by the
    member himself or his branch committee, while it is a draft or returned for changes. The
    complete rules (every area, the minimum number, the mandatory criteria) are checked on
    submission. Errors name the item: `items[2].plan`."""
    member = get_member_for(request.user, member_id)
    require(acts_for_member(request.user, member))
    if payload.items is None:
        raise required("items")
    with conflicts():
        registration = registration_save(
            actor=request.user,
            member=member,
            year=year,
            items=[item.model_dump() for item in payload.items],
            by_branch=not is_the_member(request.user, member),
        )
    return registration_out(registration)


@router.post(f"{REGISTRATION}/submit", response={200: RegistrationOut, **ERRORS}, summary="Submit")
def registration_submit(request, member_id: int, year: int = PROGRAMME_YEAR):
    """Send the registration to the branch committee for review."""
    member = get_member_for(request.user, member_id)
    require(acts_for_member(request.user, member))
    registration = registration_or_404(member, year)
    with conflicts():
        registration = registrations.registration_submit(
            actor=request.user, registration=registration
        )
    return registration_out(registration)


@router.post(
    f"{REGISTRATION}/approve", response={200: RegistrationOut, **ERRORS}, summary="Approve"
)
def registration_approve(
    request, member_id: int, year: int = PROGRAMME_YEAR, payload: MeetingStepIn | None = None
):
    """The branch committee approves a submitted registration. Optional body
    `{"meeting": id}`: the branch meeting where it was reviewed (a meeting of the branch, not
    cancelled, within the programme year; anything else answers 400 naming the rule)."""
    member = get_member_for(request.user, member_id)
    require(can_review_registration(request.user, member))
    registration = registration_or_404(member, year)
    with conflicts():
        registration = registration_approve_at(
            actor=request.user,
            registration=registration,
            meeting=payload.meeting if payload else None,
        )
    return registration_out(registration)


@router.post(
    f"{REGISTRATION}/return",
    response={200: RegistrationOut, **ERRORS},
    summary="Return for changes",
)
def registration_return(request, payload: CommentIn, member_id: int, year: int = PROGRAMME_YEAR):
    """The branch committee returns the registration with a comment saying what to change."""
    member = get_member_for(request.user, member_id)
    require(can_review_registration(request.user, member))
    registration = registration_or_404(member, year)
    with conflicts():
        registration = registrations.registration_return(
            actor=request.user, registration=registration, comment=payload.comment
        )
    return registration_out(registration)


@router.put(
    f"{REGISTRATION}/self-assessment",
    response={200: SelfAssessmentOut, **ERRORS},
    summary="Self-assess",
)
def self_assessment_change(request, payload: PointsIn, member_id: int, year: int = PROGRAMME_YEAR):
    """The member scores himself, area by area (`{"areas": {"1": 18, ...}}`); only he may."""
    member = get_member_for(request.user, member_id)
    require(is_the_member(request.user, member))
    registration = registration_or_404(member, year)
    with conflicts():
        registration = self_assessment_record(
            actor=request.user,
            registration=registration,
            areas=payload.areas or {},
            comment=payload.comment,
        )
    return {
        "areas": registration.self_points,
        "comment": registration.self_comment,
        "at": registration.self_assessed_at,
    }


@router.put(
    f"{REGISTRATION}/assessment",
    response={200: AssessmentOut, **ERRORS},
    summary="Assess (the branch)",
)
def assessment_change(request, payload: PointsIn, member_id: int, year: int = PROGRAMME_YEAR):
    """The branch committee's points per area: the total and the level follow from them."""
    member = get_member_for(request.user, member_id)
    require(is_branch_committee(request.user, member.branch))
    registration = registration_or_404(member, year)
    with conflicts():
        registration = assessment_record(
            actor=request.user,
            registration=registration,
            areas=payload.areas or {},
            comment=payload.comment,
        )
    return assessment_out(registration)


# --- A branch's results -----------------------------------------------------------------------


@router.post(
    f"{RESULTS}/submit", response={200: ResultOut, **ERRORS}, summary="Submit a branch's results"
)
def results_submit(
    request, unit_id: int, year: int = PROGRAMME_YEAR, payload: MeetingStepIn | None = None
):
    """The branch committee sends the branch's assessments to the base union; they can no
    longer change unless returned. Optional body `{"meeting": id}`: the branch meeting where
    the results were assessed (same rules as for a registration's review)."""
    branch = branch_or_400(request.user, unit_id)
    require(is_branch_committee(request.user, branch))
    with conflicts():
        result = branch_results_submit_at(
            actor=request.user,
            branch=branch,
            year=year,
            meeting=payload.meeting if payload else None,
        )
    return result_out(result)


@router.post(
    f"{RESULTS}/recognise",
    response={200: ResultOut, **ERRORS},
    summary="Recognise a branch's results",
)
def results_recognise(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """A cadre of a unit above the branch recognises the submitted results: they are locked."""
    branch = branch_or_400(request.user, unit_id)
    require(can_recognise(request.user, branch))
    with conflicts():
        result = branch_results_recognise(actor=request.user, branch=branch, year=year)
    return result_out(result)


@router.post(
    f"{RESULTS}/return",
    response={200: ResultOut, **ERRORS},
    summary="Return a branch's results",
)
def results_return(request, payload: CommentIn, unit_id: int, year: int = PROGRAMME_YEAR):
    """A cadre above the branch sends submitted results back with a comment."""
    branch = branch_or_400(request.user, unit_id)
    require(can_recognise(request.user, branch))
    with conflicts():
        result = branch_results_return(
            actor=request.user, branch=branch, year=year, comment=payload.comment
        )
    return result_out(result)


@router.post(
    f"{RESULTS}/reopen",
    response={200: ResultOut, **ERRORS},
    summary="Reopen recognised results",
)
def results_reopen(request, payload: ReasonIn, unit_id: int, year: int = PROGRAMME_YEAR):
    """A cadre of a unit above the base union reopens recognised results, with a reason."""
    branch = branch_or_400(request.user, unit_id)
    require(can_reopen(request.user, branch))
    with conflicts():
        result = branch_results_reopen(
            actor=request.user, branch=branch, year=year, reason=payload.reason
        )
    return result_out(result)


# --- The registrations of a subtree, a page at a time -----------------------------------------


@router.get(
    "/units/{unit_id}/registrations/{year}",
    response={200: RegistrationListOut, **LIST_ERRORS},
    summary="A unit's registrations, a page at a time",
)
def registrations_list(
    request, unit_id: int, filters: Query[RegistrationListQuery], year: int = PROGRAMME_YEAR
):
    """The year's registrations of the branches of the unit's subtree, of the members the caller
    may see, by branch (in the order of the tree) then by the members' names; `state` keeps one
    state. 50 a page, by keyset: the first 20 pages by number (a page after the last answers
    404), any page by following `next` (or `previous`); counted up to 1,000."""
    unit = get_unit_for(request.user, unit_id)
    page = keyset_page_of(
        registrations_listed(user=request.user, unit=unit, year=year, state=filters.state or ""),
        keys=REGISTRATION_LIST_ORDER,
        page=filters.page,
        cursor=filters.cursor,
    )
    return {
        "items": [
            {
                "id": r.pk,
                "member": {"id": r.member_id, "full_name": r.member.full_name},
                "branch": {"id": r.branch_id, "name": r.branch.name},
                "state": r.state,
                "state_label": r.get_state_display(),
                "submitted_at": r.submitted_at,
                "level": r.level,
                "level_label": r.get_level_display() if r.level else "",
            }
            for r in page.object_list
        ],
        **keyset_fields(page),
    }


# --- The registrations of a subtree, to Excel ---------------------------------------------------


@router.post(
    "/units/{unit_id}/registrations/{year}/export",
    response={202: JobCreated, **ERRORS},
    summary="Export a unit's registrations to Excel",
)
def registrations_export(
    request, unit_id: int, year: int = PROGRAMME_YEAR, payload: RegistrationsExportIn | None = None
):
    """The year's registrations of the unit and every unit under it, one row each, and their
    criteria on a second sheet, built in the background: follow `GET /api/v1/jobs/{job}`, whose
    `download` gives the file once the job has `succeeded`. Optional body: `{"state": …}` to
    export only the registrations in that state. Anyone who sees the unit may export it; the
    file holds only the members the caller may see."""
    unit = get_unit_for(request.user, unit_id)
    state = (payload.state if payload else "") or ""
    if state and state not in Registration.State.values:
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": "state", "message": _("Choose a value from the list.")}],
        )
    job = job_start(
        actor=request.user,
        kind=Job.Kind.REGISTRATIONS_EXPORT,
        unit=unit,
        params={"year": year, "state": state},
    )
    return Status(202, {"job": job.pk})


@router.post(
    f"{REGISTRATION}/notes",
    response={201: ProgressNoteCreatedOut, **ERRORS},
    summary="Add a progress note to a registration",
)
def registration_note(request, payload: ProgressNoteIn, member_id: int, year: int = PROGRAMME_YEAR):
    """A note on the member's progress in the year (the member himself or his branch committee);
    404 when he has not registered."""
    member = get_member_for(request.user, member_id)
    require(acts_for_member(request.user, member))
    registration = registration_or_404(member, year)
    note = progress_note_add(
        actor=request.user,
        branch=registration.branch,
        year=year,
        text=payload.text,
        on=payload.on,
        registration=registration,
    )
    return Status(201, {"id": note.pk})


@router.post(
    "/units/{unit_id}/training/{year}/notes",
    response={201: ProgressNoteCreatedOut, **ERRORS},
    summary="Add a progress note of the branch",
)
def branch_note(request, payload: ProgressNoteIn, unit_id: int, year: int = PROGRAMME_YEAR):
    """A note on the branch's progress in the programme year, by its committee (a branch only;
    404 for any other unit)."""
    branch = get_branch_for(request.user, unit_id)
    require(is_branch_committee(request.user, branch))
    note = progress_note_add(
        actor=request.user, branch=branch, year=year, text=payload.text, on=payload.on
    )
    return Status(201, {"id": note.pk})

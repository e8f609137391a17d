"""The branch committee reviews a registration or submits the branch's results at a branch
meeting (seed 000: registration and assessment happen at the branch meeting): the training
write, and the step tied to the meeting where it was done (meetings.TrainingStep), in one
transaction. The meeting is optional; one of another branch, cancelled, or outside the
programme year is refused before anything is written."""

from doanvien.core.transactions import atomic
from doanvien.meetings import services as meetings
from doanvien.training.models import BranchResult, Registration
from doanvien.training.services.registrations import (
    registration_approve,
    registrations_approve,
)
from doanvien.training.services.results import branch_results_submit
from doanvien.units.models import Unit


@atomic
def registration_approve_at(*, actor, registration: Registration, meeting=None) -> Registration:
    """registrations.registration_approve, reviewed at `meeting` (an id or a Meeting; None:
    not said)."""
    at = meetings.meeting_for_step(
        branch=Unit.objects.get(pk=registration.branch_id), year=registration.year, meeting=meeting
    )
    registration = registration_approve(actor=actor, registration=registration)
    meetings.training_step_record(actor=actor, meeting=at, registration=registration)
    return registration


@atomic
def registrations_approve_at(
    *, actor, branch: Unit, year: int, member_ids, meeting=None
) -> list[Registration]:
    """registrations.registrations_approve (several at once, all or nothing), each reviewed at
    `meeting`."""
    at = meetings.meeting_for_step(branch=branch, year=year, meeting=meeting)
    approved = registrations_approve(actor=actor, branch=branch, year=year, member_ids=member_ids)
    for registration in approved:
        meetings.training_step_record(actor=actor, meeting=at, registration=registration)
    return approved


@atomic
def branch_results_submit_at(*, actor, branch: Unit, year: int, meeting=None) -> BranchResult:
    """results.branch_results_submit, the results assessed at `meeting`."""
    at = meetings.meeting_for_step(branch=branch, year=year, meeting=meeting)
    result = branch_results_submit(actor=actor, branch=branch, year=year)
    meetings.training_step_record(actor=actor, meeting=at, result=result)
    return result

"""A branch's results on their way to recognition (submit, recognise, return, reopen: the
moves in workflow.RESULTS), and the interim review notes of the year."""

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core.transactions import atomic
from doanvien.members.models import Status
from doanvien.notifications.models import Kind
from doanvien.notifications.services import committee_of, notify
from doanvien.units.models import Unit

from .. import rollup, workflow
from ..access import acting_unit
from ..models import BranchResult, Deadline, ProgressNote, Registration
from .common import check_deadline, record_event


def branch_result_for(*, branch: Unit, year: int) -> BranchResult:
    result, _ = BranchResult.objects.get_or_create(
        branch=branch, year=year, defaults={"unit_path": branch.path}
    )
    return result


def _results_transition(actor, branch: Unit, year: int, action: str, note: str = ""):
    result = branch_result_for(branch=branch, year=year)
    result = BranchResult.objects.select_for_update().get(pk=result.pk)
    state = workflow.next_state(workflow.RESULTS, result, action)
    before = result.state
    result.state = state
    if action == "submit":
        result.submitted_at = timezone.now()
    if action == "recognise":
        result.recognised_at = timezone.now()
    if note:  # a return comment or a reopening reason stays until the next one, with its author
        unit = acting_unit(actor, branch, reopening=action == "reopen")
        result.comment, result.comment_action, result.comment_by_unit = note, action, unit
        if action == "reopen":
            result.reopened_at = timezone.now()
            result.reopened_by = actor if getattr(actor, "pk", None) else None
            result.reopened_by_unit, result.reopen_reason = unit, note
    result.save()
    rollup.results_changed(branch, year, before, state)
    record_event(
        actor, f"results.{action}", result, note or str(branch), {"state": [before, state]}
    )
    if action in ("return", "recognise"):
        _tell_branch(branch, year, action, actor)
    return result


def _tell_branch(branch: Unit, year: int, action: str, actor) -> None:
    if action == "return":
        kind, title = Kind.RESULTS_RETURNED, _("The %(year)s results of %(branch)s were returned.")
    else:
        kind, title = (
            Kind.RESULTS_RECOGNISED,
            _("The %(year)s results of %(branch)s are recognised."),
        )
    notify(
        users=committee_of(branch.pk),
        kind=kind,
        title=title % {"year": year, "branch": branch.name},
        url=reverse("training:branch-training", kwargs={"unit_id": branch.pk, "year": year}),
        exclude=actor,
    )


@atomic
def branch_results_submit(*, actor, branch: Unit, year: int) -> BranchResult:
    waiting = (
        Registration.objects.filter(branch=branch, year=year)
        .exclude(state=Registration.State.APPROVED, assessed_at__isnull=False)
        .filter(member__status=Status.ACTIVE)
    )
    unassessed = waiting.filter(state=Registration.State.APPROVED)
    if unassessed.exists():
        names = ", ".join(str(r.member) for r in unassessed.select_related("member")[:10])
        raise ValidationError(
            _("Assess every approved registration first: %(names)s.") % {"names": names}
        )
    pending = waiting.filter(state=Registration.State.SUBMITTED)
    if pending.exists():
        names = ", ".join(str(r.member) for r in pending.select_related("member")[:10])
        raise ValidationError(
            _("Review the registrations waiting first: %(names)s.") % {"names": names}
        )
    return _results_transition(actor, branch, year, "submit")


@atomic
def branch_results_recognise(
    *, actor, branch: Unit, year: int, today: date | None = None
) -> BranchResult:
    late = check_deadline(
        unit=branch,
        year=year,
        kind=Deadline.Kind.RECOGNITION,
        sector=branch.sector,
        today=today or timezone.localdate(),
    )
    result = _results_transition(actor, branch, year, "recognise")
    if late:
        result.recognised_late = True
        result.save(update_fields=["recognised_late"])
    return result


@atomic
def branch_results_return(*, actor, branch: Unit, year: int, comment: str) -> BranchResult:
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the branch should change.")})
    return _results_transition(actor, branch, year, "return", comment.strip())


@atomic
def branch_results_reopen(*, actor, branch: Unit, year: int, reason: str) -> BranchResult:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    return _results_transition(actor, branch, year, "reopen", reason.strip())


# --- Interim reviews --------------------------------------------------------------------------


@atomic
def progress_note_add(
    *,
    actor,
    branch: Unit,
    year: int,
    text: str,
    on: date | None = None,
    registration: Registration | None = None,
) -> ProgressNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    note = ProgressNote.objects.create(
        branch=branch,
        year=year,
        registration=registration,
        text=text,
        on=on or timezone.localdate(),
        author=actor,
    )
    target = registration or branch_result_for(branch=branch, year=year)
    record_event(actor, "progress.noted", target, text[:200])
    return note

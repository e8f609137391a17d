"""Writes of the training programme: registration, review, assessments, classification and the
branch results' way to recognition. Each validates, writes in one transaction and records the
event in the audit trail."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.members.models import Member, Status
from doanvien.reports import rollup
from doanvien.units.models import Unit

from . import workflow
from .models import BranchResult, Deadline, ProgressNote, Registration, RegistrationItem
from .rules import Bands, classify, is_eligible, programme_year_span, round_total
from .selectors import criteria_for, deadline_for, framework_for


def _record(actor, action: str, obj, summary: str = "", changes: dict | None = None) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=obj,
        unit_path=obj.unit_path,
        summary=summary,
        changes=changes,
    )


def _check_deadline(*, unit: Unit, year: int, kind: str, sector: str, today: date) -> bool:
    """True when late. Raises when late actions are refused for this unit."""
    deadline = deadline_for(unit=unit, year=year, kind=kind, sector=sector)
    if deadline is None or today <= deadline.effective_date:
        return False
    if not deadline.allow_late:
        raise ValidationError(
            _("The deadline (%(date)s) has passed and this unit does not accept late actions.")
            % {"date": deadline.effective_date.strftime("%d/%m/%Y")},
            code="deadline",
        )
    return True


def _lock(registration: Registration) -> Registration:
    """The registration, locked for the transaction (only its own row: never the branch's)."""
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("framework", "branch", "member")
        .get(pk=registration.pk)
    )


def _locked_result(registration: Registration) -> bool:
    return BranchResult.objects.filter(
        branch=registration.branch,
        year=registration.year,
        state__in=[BranchResult.State.SUBMITTED, BranchResult.State.RECOGNISED],
    ).exists()


# --- Registration -----------------------------------------------------------------------------


def _clean_items(registration: Registration, items: list[dict[str, Any]], *, complete: bool):
    """Check the items; when `complete`, also the rules of a submitted registration."""
    framework = registration.framework
    branch = registration.branch
    available = {
        c.pk: c
        for c in criteria_for(
            framework=framework, branch=branch, year=registration.year, sector=branch.sector
        )
    }
    first, last = programme_year_span(registration.year, branch.sector)
    errors: dict[str, list[str]] = {}
    clean, seen = [], set()

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for i, item in enumerate(items):
        try:
            criterion_id = int(item.get("criterion"))
        except (TypeError, ValueError):
            err(f"items[{i}].criterion", _("Choose a criterion."))
            continue
        criterion = available.get(criterion_id)
        if criterion is None:
            err(f"items[{i}].criterion", _("This criterion is not in your framework."))
            continue
        if criterion_id in seen:
            err(f"items[{i}].criterion", _("The same criterion is chosen twice."))
            continue
        seen.add(criterion_id)
        plan = " ".join(str(item.get("plan") or "").split())
        if complete and not plan:
            err(f"items[{i}].plan", _("Write how you will do it."))
        try:
            target = parse_date(item.get("target_date"))
        except ValueError:
            err(f"items[{i}].target_date", _("Enter the target date as dd/mm/yyyy."))
            continue
        if target is None:
            if complete:
                err(f"items[{i}].target_date", _("Enter a target date."))
        elif not first <= target <= last:
            err(
                f"items[{i}].target_date",
                _("The target date must fall within the programme year (%(first)s–%(last)s).")
                % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")},
            )
        clean.append((criterion, plan, target))

    if complete and not errors:
        chosen_areas = {c.area_code for c, _p, _t in clean}
        missing = [a for a in framework.area_list if a.code not in chosen_areas]
        if missing:
            err(
                "items",
                _("Choose criteria in every content area; missing: %(areas)s.")
                % {"areas": ", ".join(str(a) for a in missing)},
            )
        if len(clean) < framework.min_criteria:
            err(
                "items",
                _("Choose at least %(n)s criteria (now %(count)s).")
                % {"n": framework.min_criteria, "count": len(clean)},
            )
        mandatory = [c for c in available.values() if c.mandatory and c.pk not in seen]
        if mandatory:
            err(
                "items",
                _("These criteria are mandatory: %(list)s")
                % {"list": "; ".join(c.text[:60] for c in mandatory)},
            )
    if errors:
        raise ValidationError(errors)
    return clean


def registration_start(*, member: Member, year: int) -> Registration:
    """The member's registration for the year, created as an empty draft if there is none."""
    existing = Registration.objects.filter(member=member, year=year).first()
    if existing:
        return existing
    branch = member.branch
    framework = framework_for(branch, year)
    if framework is None:
        raise ValidationError(_("No training framework applies to %(year)s.") % {"year": year})
    return Registration.objects.create(
        member=member, year=year, framework=framework, branch=branch, unit_path=branch.path
    )


@transaction.atomic
def registration_save(
    *, actor, member: Member, year: int, items: list[dict[str, Any]], by_branch: bool = False
) -> Registration:
    """Replace the registration's items (a draft, or one returned for changes)."""
    if member.status != Status.ACTIVE:
        raise ValidationError(_("Only active members register."))
    _first, last = programme_year_span(year, member.branch.sector)
    if member.joined_union_on > last:
        raise ValidationError(
            _("%(name)s joined the Union after programme year %(year)s.")
            % {"name": member.full_name, "year": year}
        )
    registration = registration_start(member=member, year=year)
    registration = _lock(registration)
    workflow.next_state(workflow.REGISTRATION, registration, "save")
    clean = _clean_items(registration, items, complete=False)
    before = sorted(registration.items.values_list("criterion_id", flat=True))
    registration.items.all().delete()
    RegistrationItem.objects.bulk_create(
        [
            RegistrationItem(registration=registration, criterion=c, plan=p, target_date=t)
            for c, p, t in clean
        ]
    )
    registration.entered_by_secretary = by_branch or registration.entered_by_secretary
    registration.save(update_fields=["entered_by_secretary", "updated_at"])
    after = sorted(c.pk for c, _p, _t in clean)
    _record(
        actor,
        "registration.saved",
        registration,
        str(member),
        {"criteria": [before, after]} if before != after else {},
    )
    return registration


@transaction.atomic
def registration_submit(*, actor, registration: Registration, today: date | None = None):
    today = today or timezone.localdate()
    registration = _lock(registration)
    state = workflow.next_state(workflow.REGISTRATION, registration, "submit")
    items = [
        {"criterion": i.criterion_id, "plan": i.plan, "target_date": i.target_date}
        for i in registration.items.all()
    ]
    _clean_items(registration, items, complete=True)
    member = registration.member
    first, _last = programme_year_span(registration.year, registration.branch.sector)
    kind = (
        Deadline.Kind.NEW_MEMBER_REGISTRATION
        if member.joined_union_on >= first
        else Deadline.Kind.REGISTRATION
    )
    late = _check_deadline(
        unit=registration.branch,
        year=registration.year,
        kind=kind,
        sector=registration.branch.sector,
        today=today,
    )
    before, counted = registration.state, rollup.contribution(registration)
    registration.state, registration.submitted_at = state, timezone.now()
    registration.submitted_late = late
    registration.save()
    rollup.registration_changed(counted, registration)
    _record(
        actor,
        "registration.submitted",
        registration,
        str(member),
        {"state": [before, state], **({"late": [False, True]} if late else {})},
    )
    return registration


@transaction.atomic
def registration_approve(*, actor, registration: Registration) -> Registration:
    registration = _lock(registration)
    state = workflow.next_state(workflow.REGISTRATION, registration, "approve")
    counted = rollup.contribution(registration)
    registration.state, registration.approved_at = state, timezone.now()
    registration.review_comment = ""
    registration.save()
    rollup.registration_changed(counted, registration)
    _record(
        actor,
        "registration.approved",
        registration,
        str(registration.member),
        {"state": ["submitted", state]},
    )
    return registration


@transaction.atomic
def registration_return(*, actor, registration: Registration, comment: str) -> Registration:
    registration = _lock(registration)
    state = workflow.next_state(workflow.REGISTRATION, registration, "return")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the member should change.")})
    if registration.assessed_at:
        raise ValidationError(_("The registration is already assessed: it cannot be returned."))
    before, counted = registration.state, rollup.contribution(registration)
    registration.state, registration.review_comment = state, comment
    registration.save()
    rollup.registration_changed(counted, registration)
    _record(actor, "registration.returned", registration, comment, {"state": [before, state]})
    return registration


def registrations_follow(*, member: Member, branch: Unit) -> int:
    """A member who moves keeps his registration: the receiving branch continues it and does the
    evaluation (seed 000, IV.3, note). Years whose results the old branch already submitted or
    had recognised stay with it. Returns how many registrations moved."""
    closed = BranchResult.objects.filter(
        branch=OuterRef("branch"),
        year=OuterRef("year"),
        state__in=[BranchResult.State.SUBMITTED, BranchResult.State.RECOGNISED],
    )
    moving = list(
        Registration.objects.filter(member=member)
        .exclude(branch=branch)
        .exclude(Exists(closed))
        .select_related("branch", "member")
    )
    for registration in moving:
        old_branch = registration.branch
        registration.branch, registration.unit_path = branch, branch.path
        registration.save(update_fields=["branch", "unit_path", "updated_at"])
        rollup.registration_moved(registration, old_branch)
    return len(moving)


# --- Assessment and classification ------------------------------------------------------------


def _clean_points(registration: Registration, areas: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    known = {a.code: a for a in registration.framework.area_list}
    for code in areas:
        if code not in known:
            errors[f"areas.{code}"] = _("There is no content area %(code)s.") % {"code": code}
    for code, area in known.items():
        raw = areas.get(code)
        if raw in (None, ""):
            errors[f"areas.{code}"] = _("Give the points of area %(code)s.") % {"code": code}
            continue
        try:
            points = Decimal(str(raw).replace(",", "."))
        except InvalidOperation:
            errors[f"areas.{code}"] = _("Points are a number.")
            continue
        if not points.is_finite() or not 0 <= points <= area.max_points:
            errors[f"areas.{code}"] = _("Points of area %(code)s are between 0 and %(max)s.") % {
                "code": code,
                "max": area.max_points,
            }
            continue
        clean[code] = str(round_total(points))
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def self_assessment_record(
    *, actor, registration: Registration, areas: dict[str, Any], comment: str = ""
) -> Registration:
    registration = _lock(registration)
    workflow.next_state(workflow.REGISTRATION, registration, "self_assess")
    if _locked_result(registration):
        raise ValidationError(_("The branch's results are submitted: they can no longer change."))
    before = dict(registration.self_points)
    registration.self_points = _clean_points(registration, areas)
    registration.self_comment = (comment or "").strip()
    registration.self_assessed_at = timezone.now()
    registration.save()
    _record(
        actor,
        "registration.self_assessed",
        registration,
        str(registration.member),
        {"self_points": [before, registration.self_points]},
    )
    return registration


def evaluation_date(registration: Registration, today: date) -> date:
    deadline = deadline_for(
        unit=registration.branch,
        year=registration.year,
        kind=Deadline.Kind.EVALUATION,
        sector=registration.branch.sector,
    )
    if deadline:
        return deadline.due_on
    # No evaluation deadline set: the day of the assessment, but never after the year's end.
    return min(today, programme_year_span(registration.year, registration.branch.sector)[1])


@transaction.atomic
def assessment_record(
    *,
    actor,
    registration: Registration,
    areas: dict[str, Any],
    comment: str = "",
    today: date | None = None,
) -> Registration:
    """The branch's points per area: the total and the level follow, never typed."""
    today = today or timezone.localdate()
    registration = _lock(registration)
    workflow.next_state(workflow.REGISTRATION, registration, "assess")
    if _locked_result(registration):
        raise ValidationError(_("The branch's results are submitted: they can no longer change."))
    points = _clean_points(registration, areas)
    late = _check_deadline(
        unit=registration.branch,
        year=registration.year,
        kind=Deadline.Kind.EVALUATION,
        sector=registration.branch.sector,
        today=today,
    )
    total = round_total(sum((Decimal(p) for p in points.values()), Decimal(0)))
    eligible = is_eligible(
        joined_union_on=registration.member.joined_union_on,
        evaluated_on=evaluation_date(registration, today),
        months=registration.framework.eligibility_months,
    )
    before = {
        "total": str(registration.total) if registration.total is not None else None,
        "level": registration.level,
    }
    counted = rollup.contribution(registration)
    registration.branch_points = points
    registration.branch_comment = (comment or "").strip()
    registration.total = total
    registration.level = classify(
        total=total, bands=Bands.of(registration.framework), eligible=eligible
    )
    registration.assessed_at, registration.assessed_by = timezone.now(), actor
    registration.assessed_late = registration.assessed_late or late
    registration.save()
    rollup.registration_changed(counted, registration)
    _record(
        actor,
        "registration.assessed",
        registration,
        str(registration.member),
        audit.diff(before, {"total": str(total), "level": registration.level}),
    )
    return registration


# --- Branch results ---------------------------------------------------------------------------


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
    if note:  # a return comment or a reopening reason stays until the next one
        result.comment = note
    result.save()
    rollup.results_changed(branch, year, before, state)
    _record(actor, f"results.{action}", result, note or str(branch), {"state": [before, state]})
    return result


@transaction.atomic
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


@transaction.atomic
def branch_results_recognise(
    *, actor, branch: Unit, year: int, today: date | None = None
) -> BranchResult:
    late = _check_deadline(
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


@transaction.atomic
def branch_results_return(*, actor, branch: Unit, year: int, comment: str) -> BranchResult:
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the branch should change.")})
    return _results_transition(actor, branch, year, "return", comment.strip())


@transaction.atomic
def branch_results_reopen(*, actor, branch: Unit, year: int, reason: str) -> BranchResult:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    return _results_transition(actor, branch, year, "reopen", reason.strip())


# --- Interim reviews --------------------------------------------------------------------------


@transaction.atomic
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
    _record(actor, "progress.noted", target, text[:200])
    return note


@transaction.atomic
def registrations_apply_default(
    *, actor, branch: Unit, year: int, items: list[dict[str, Any]], members
) -> int:
    """Register many members at once with the branch's default set; each member can then adjust
    it. Members who already submitted are left alone. Returns how many were registered."""
    count = 0
    for member in members:
        existing = Registration.objects.filter(member=member, year=year).first()
        if existing and existing.state not in (
            Registration.State.DRAFT,
            Registration.State.RETURNED,
        ):
            continue
        registration_save(actor=actor, member=member, year=year, items=items, by_branch=True)
        count += 1
    return count

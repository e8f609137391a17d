"""Writes of unit evaluations: register, self-assess, add evidence, submit, score, return,
recognise, reopen (the moves of workflow.MOVES). Each is keyword-only and atomic, checks the
move first, locks only the evaluation's row and its unit's roll-up row, writes the roll-up
(rollup.changed) and the audit event in the same transaction."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.units.models import Unit

from . import indicators, rollup, rules, workflow
from .access import recogniser_of, scheme_applies
from .models import DeadlineKind, Evaluation, Evidence, SchemeCode
from .selectors import branches_not_strong, deadline_for, items_for, scheme_for

MISSING_SHOWN = 20
# An evidence file: what a dossier holds (scans, documents, sheets), at most this size.
EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".odt"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def evidence_file_fault(file) -> str:
    """Why this uploaded file is refused as evidence ("" when it is accepted)."""
    name = (getattr(file, "name", "") or "").lower()
    if not any(name.endswith(ext) for ext in EVIDENCE_TYPES):
        return _("Attach a PDF, an image, a document or a spreadsheet.")
    if (getattr(file, "size", 0) or 0) > EVIDENCE_MAX_BYTES:
        return _("The file is larger than 10 MB.")
    if not getattr(file, "size", 0):
        return _("The file is empty.")
    return ""


def _record(actor, action: str, evaluation: Evaluation, summary: str = "", changes=None) -> None:
    audit.record(
        actor=actor,
        action=f"evaluation.{action}",
        target=evaluation,
        unit_path=evaluation.unit_path,
        summary=summary,
        changes=changes,
    )


def _late(*, unit: Unit, year: int, scheme: str, kind: str, today: date) -> bool:
    """True when late; refused where the deadline does not accept late actions."""
    deadline = deadline_for(unit=unit, year=year, scheme=scheme, kind=kind)
    if deadline is None or today <= deadline.effective_date:
        return False
    if not deadline.allow_late:
        raise ValidationError(
            _("The deadline (%(date)s) has passed and late actions are not accepted.")
            % {"date": deadline.effective_date.strftime("%d/%m/%Y")},
            code="deadline",
        )
    return True


def _lock(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__level", "scheme")
        .get(pk=evaluation.pk)
    )


def _move(actor, evaluation: Evaluation, action: str, summary: str = "") -> Evaluation:
    """Apply the move (already locked and checked by the caller's `next_state`)."""
    before = evaluation.state
    evaluation.state = workflow.next_state(evaluation, action)
    evaluation.save()
    rollup.changed(
        evaluation.unit,
        evaluation.year,
        evaluation.scheme_code,
        before,
        evaluation.state,
        evaluation.level,
    )
    _record(actor, action, evaluation, summary, {"state": [before, evaluation.state]})
    return evaluation


def _points(evaluation: Evaluation, given: dict, *, complete: bool) -> dict[str, Decimal]:
    """The points given per item id, checked against the items the unit is scored on; with
    `complete`, every item must have its points. Errors name `items.<id>`."""
    items = {str(i.pk): i for i in items_for(evaluation.scheme, evaluation.unit)}
    errors: dict[str, str] = {}
    points: dict[str, Decimal] = {}
    if not isinstance(given, dict):
        raise ValidationError({"items": _("Give the points as item → points.")})
    for key, raw in given.items():
        item = items.get(str(key))
        if item is None:
            errors[f"items.{key}"] = _("This item is not in the scheme that applies.")
            continue
        value = rules.parse_points(raw)
        fault = rules.points_fault(value, item.max_points)
        if fault:
            errors[f"items.{key}"] = _(
                "Give a number from 0 to %(max)s, with at most one decimal."
            ) % {"max": f"{item.max_points:g}"}
            continue
        points[str(item.pk)] = value
    if complete:
        for key in items:
            if key not in points and f"items.{key}" not in errors:
                errors[f"items.{key}"] = _("Give the points of this item.")
    if errors:
        raise ValidationError(errors)
    return points


def prefilled_points(evaluation: Evaluation) -> dict[str, str]:
    """The points of the scheme's check items (indicators.CHECKS) from the unit's other
    evaluations of the year: the item's maximum when recognised, 0 when not (union-rules §3:
    "pre-filled check items"); the unit may change them when it self-scores."""
    points = {}
    for item in items_for(evaluation.scheme, evaluation.unit):
        if item.indicator in indicators.CHECKS:
            value = indicators.value(item.indicator, evaluation.unit, evaluation.year)
            points[str(item.pk)] = str(item.max_points if value else Decimal(0))
    return points


@atomic
def evaluation_register(
    *, actor, unit: Unit, year: int, scheme_code: str, today: date | None = None
) -> Evaluation:
    if not scheme_applies(unit, scheme_code):
        raise ValidationError(
            _(
                "This unit cannot register for this scheme: a strong branch is for a branch, "
                "3-proactive for a base union."
            ),
            code="not_applicable",
        )
    scheme = scheme_for(unit, scheme_code, year)
    if scheme is None:
        raise ValidationError(_("No scheme applies to this unit for this year."))
    existing = Evaluation.objects.filter(unit=unit, year=year, scheme_code=scheme_code).first()
    if existing is not None:
        raise ValidationError(
            _("Already registered for %(year)s (it is “%(state)s”).")
            % {"year": year, "state": existing.get_state_display()},
            code="illegal_transition",
        )
    late = _late(
        unit=unit,
        year=year,
        scheme=scheme_code,
        kind=DeadlineKind.REGISTRATION,
        today=today or timezone.localdate(),
    )
    evaluation = Evaluation.objects.create(
        unit=unit,
        unit_path=unit.path,
        year=year,
        scheme_code=scheme_code,
        scheme=scheme,
        registered_late=late,
    )
    prefilled = prefilled_points(evaluation)
    if prefilled:
        evaluation.self_points = prefilled
        evaluation.self_total = rules.total(Decimal(v) for v in prefilled.values())
        evaluation.save(update_fields=["self_points", "self_total"])
    rollup.changed(unit, year, scheme_code, None, evaluation.state)
    _record(actor, "register", evaluation, scheme.name, {"state": [None, evaluation.state]})
    return evaluation


@atomic
def self_assessment_record(
    *, actor, evaluation: Evaluation, items: dict, comment: str = ""
) -> Evaluation:
    evaluation = _lock(evaluation)
    workflow.next_state(evaluation, "self_assess")
    points = _points(evaluation, items, complete=False)
    # Check items not given now follow their evaluations (recognised since, or reopened).
    evaluation.self_points = {
        **evaluation.self_points,
        **prefilled_points(evaluation),
        **{k: str(v) for k, v in points.items()},
    }
    evaluation.self_comment = (comment or "").strip()
    evaluation.self_total = rules.total(Decimal(v) for v in evaluation.self_points.values())
    values = {}
    for item in items_for(evaluation.scheme, evaluation.unit):
        if item.indicator:
            value = indicators.value(item.indicator, evaluation.unit, evaluation.year)
            if value is not None:
                values[str(item.pk)] = str(value)
    evaluation.indicator_values = values
    evaluation.save()
    _record(actor, "self_assess", evaluation, f"{evaluation.self_total}")
    return evaluation


@atomic
def evidence_add(
    *, actor, evaluation: Evaluation, item_id, file=None, link: str = "", note: str = ""
) -> Evidence:
    evaluation = _lock(evaluation)
    workflow.next_state(evaluation, "add_evidence")
    items = {str(i.pk): i for i in items_for(evaluation.scheme, evaluation.unit)}
    item = items.get(str(item_id))
    if item is None:
        raise ValidationError({"item": _("Choose an item of the scheme.")})
    if not file and not (link or "").strip():
        raise ValidationError({"file": _("Attach a file or give a link.")})
    if file and (fault := evidence_file_fault(file)):
        raise ValidationError({"file": fault})
    link = (link or "").strip()
    if link and not link.startswith(("https://", "http://")):
        raise ValidationError({"link": _("Give a web address starting with https://.")})
    evidence = Evidence.objects.create(
        evaluation=evaluation,
        item=item,
        file=file or "",
        link=(link or "").strip(),
        note=(note or "").strip()[:300],
        added_by=actor if getattr(actor, "pk", None) else None,
    )
    _record(actor, "add_evidence", evaluation, evidence.note or evidence.link or evidence.file.name)
    return evidence


@atomic
def evaluation_submit(*, actor, evaluation: Evaluation, today: date | None = None) -> Evaluation:
    evaluation = _lock(evaluation)
    workflow.next_state(evaluation, "submit")
    items = items_for(evaluation.scheme, evaluation.unit)
    unscored = [i for i in items if str(i.pk) not in evaluation.self_points]
    if unscored:
        raise ValidationError(
            _("Score every item first: %(items)s.")
            % {"items": "; ".join(i.text for i in unscored[:MISSING_SHOWN])}
        )
    evidenced = evaluation.evidence.values_list("item_id", flat=True)
    missing = rules.missing_evidence([i.pk for i in items if i.evidence_required], evidenced)
    if missing:
        texts = [i.text for i in items if i.pk in set(missing)]
        raise ValidationError(
            _("Give evidence for: %(items)s.") % {"items": "; ".join(texts[:MISSING_SHOWN])}
        )
    if (
        evaluation.scheme_code == SchemeCode.THREE_PROACTIVE
        and evaluation.scheme.requires_all_branches_strong
    ):
        not_strong = branches_not_strong(evaluation.unit, evaluation.year, limit=MISSING_SHOWN + 1)
        if not_strong:
            names = ", ".join(b.name for b in not_strong[:MISSING_SHOWN])
            if len(not_strong) > MISSING_SHOWN:
                names += ", …"
            raise ValidationError(
                _(
                    "Every branch must be recognised strong for %(year)s before the base union "
                    "asks for 3-proactive recognition. Not yet: %(names)s."
                )
                % {"year": evaluation.year, "names": names},
                code="precondition",
            )
    evaluation.submitted_late = _late(
        unit=evaluation.unit,
        year=evaluation.year,
        scheme=evaluation.scheme_code,
        kind=DeadlineKind.DOSSIER,
        today=today or timezone.localdate(),
    )
    evaluation.submitted_at = timezone.now()
    return _move(actor, evaluation, "submit")


@atomic
def assessment_record(
    *, actor, evaluation: Evaluation, items: dict, comment: str = ""
) -> Evaluation:
    """The recognising unit's points (every item): the total, passed and level follow."""
    evaluation = _lock(evaluation)
    workflow.next_state(evaluation, "assess")
    points = _points(evaluation, items, complete=True)
    scheme = evaluation.scheme
    evaluation.points = {k: str(v) for k, v in points.items()}
    evaluation.comment = (comment or "").strip()
    evaluation.total = rules.total(points.values())
    evaluation.passed = rules.passed(evaluation.total, scheme.pass_mark)
    evaluation.level = rules.level(evaluation.total, rules.bands_of(scheme.level_bands))
    evaluation.assessed_at = timezone.now()
    return _move(actor, evaluation, "assess", f"{evaluation.total}")


@atomic
def evaluation_recognise(*, actor, evaluation: Evaluation) -> Evaluation:
    evaluation = _lock(evaluation)
    workflow.next_state(evaluation, "recognise")
    if evaluation.total is None:
        raise ValidationError(_("Score the evaluation before recognising it."))
    if not evaluation.passed:
        raise ValidationError(
            _("The total %(total)s is below the pass mark %(mark)s: return it instead.")
            % {"total": evaluation.total, "mark": f"{evaluation.scheme.pass_mark:g}"}
        )
    evaluation.recognised_at = timezone.now()
    evaluation.recognised_by_unit = recogniser_of(evaluation.unit, evaluation.scheme)
    return _move(actor, evaluation, "recognise")


@atomic
def evaluation_return(*, actor, evaluation: Evaluation, comment: str) -> Evaluation:
    evaluation = _lock(evaluation)
    workflow.next_state(evaluation, "return")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the unit should change.")})
    evaluation.return_comment = comment
    return _move(actor, evaluation, "return", comment)


@atomic
def evaluation_reopen(*, actor, evaluation: Evaluation, reason: str) -> Evaluation:
    evaluation = _lock(evaluation)
    workflow.next_state(evaluation, "reopen")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    evaluation.reopen_reason = reason
    evaluation.reopened_at = timezone.now()
    evaluation.recognised_at = None
    return _move(actor, evaluation, "reopen", reason)

"""Self-assessment, the branch's assessment and the automatic classification (seed 000 IV.3):
points per content area (at most one decimal each, never rounded), their exact total, the level
from the bands. Accepted within the year's assessment window, and only while the branch's
results for the year are not submitted or recognised."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic

from .. import rollup, workflow
from ..models import Deadline, Registration
from ..rules import Bands, classify, is_eligible, one_decimal, points_total, programme_year_span
from ..selectors import deadline_for
from .common import (
    check_assessment_open,
    check_deadline,
    check_unlocked,
    lock_registration,
    record_event,
)


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
        if not one_decimal(points):
            errors[f"areas.{code}"] = _(
                "Points of area %(code)s have at most one decimal (for example 17.5)."
            ) % {"code": code}
            continue
        # Exact (one decimal at most), written with one decimal; "-0" is written 0.0.
        clean[code] = str(points.quantize(Decimal("0.1")) + 0)
    if errors:
        raise ValidationError(errors)
    return clean


@atomic
def self_assessment_record(
    *,
    actor,
    registration: Registration,
    areas: dict[str, Any],
    comment: str = "",
    today: date | None = None,
) -> Registration:
    today = today or timezone.localdate()
    registration = lock_registration(registration)
    check_unlocked(registration.branch, registration.year)
    workflow.next_state(workflow.REGISTRATION, registration, "self_assess")
    check_assessment_open(registration, today)
    before = dict(registration.self_points)
    registration.self_points = _clean_points(registration, areas)
    registration.self_comment = (comment or "").strip()
    registration.self_assessed_at = timezone.now()
    registration.save()
    record_event(
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


@atomic
def assessment_record(
    *,
    actor,
    registration: Registration,
    areas: dict[str, Any],
    comment: str = "",
    today: date | None = None,
    seq: int | None = None,
) -> Registration:
    """The branch's points per area: the total and the level follow, never typed.

    `seq` numbers the saves of one member's row on the assessment screen, in the order they were
    made: a save whose number is not above the last one applied arrived late (the network lets
    an older request overtake a newer one) and changes nothing; the registration is returned as
    it stands. Without a number (a form posted without the screen's script, the API) the save
    applies."""
    today = today or timezone.localdate()
    registration = lock_registration(registration)
    check_unlocked(registration.branch, registration.year)
    workflow.next_state(workflow.REGISTRATION, registration, "assess")
    check_assessment_open(registration, today)
    if seq is not None and seq <= registration.assessment_seq:
        return registration
    points = _clean_points(registration, areas)
    late = check_deadline(
        unit=registration.branch,
        year=registration.year,
        kind=Deadline.Kind.EVALUATION,
        sector=registration.branch.sector,
        today=today,
    )
    total = points_total(points.values())
    eligible = is_eligible(
        joined_union_on=registration.member.joined_union_on,
        evaluated_on=evaluation_date(registration, today),
        months=registration.framework.eligibility_months,
    )
    before = {
        "total": str(registration.total) if registration.total is not None else None,
        "level": registration.level,
    }
    registration.branch_points = points
    registration.branch_comment = (comment or "").strip()
    registration.total = total
    registration.level = classify(
        total=total, bands=Bands.of(registration.framework), eligible=eligible
    )
    registration.assessed_at, registration.assessed_by = timezone.now(), actor
    registration.assessed_late = registration.assessed_late or late
    if seq is not None:
        registration.assessment_seq = seq
    registration.save()
    rollup.member_counted(registration.member_id, registration.year)
    record_event(
        actor,
        "registration.assessed",
        registration,
        str(registration.member),
        audit.diff(before, {"total": str(total), "level": registration.level}),
    )
    return registration

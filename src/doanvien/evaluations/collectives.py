"""The yearly rating of leadership collectives (union-rules §3): a unit's committee proposes its
collective's level with its self-assessment, the level above approves or rejects with a reason
(the members' rating's moves, ratings.MOVES); approved, it is locked and counted in the
roll-ups (rollup.collective_contribution) in the same transaction."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.units.models import Unit

from . import rollup
from .models import CollectiveRating, RatingLevel
from .ratings import next_state


def _record(actor, action: str, rating: CollectiveRating, summary: str) -> None:
    audit.record(
        actor=actor,
        action=f"collective_rating.{action}",
        target=rating,
        unit_path=rating.unit_path,
        summary=summary,
    )


@atomic
def collective_propose(*, actor, unit: Unit, year: int, level: str, reason: str = ""):
    if unit.depth <= 1:
        raise ValidationError(
            _("The top unit has no level above it to rate its leadership."), code="not_applicable"
        )
    rating = CollectiveRating.objects.select_for_update().filter(unit=unit, year=year).first()
    next_state(rating, "propose")
    if level not in RatingLevel.values:
        raise ValidationError({"level": _("Choose one of the four levels.")})
    if rating is None:
        rating = CollectiveRating(unit=unit, unit_path=unit.path, year=year)
    rating.level, rating.reason, rating.state = level, (reason or "").strip(), "proposed"
    rating.proposed_at, rating.decided_at, rating.decision_reason = timezone.now(), None, ""
    rating.save()
    _record(actor, "propose", rating, level)
    return rating


@atomic
def collective_decide(*, actor, rating: CollectiveRating, approve: bool, reason: str = ""):
    rating = CollectiveRating.objects.select_for_update().get(pk=rating.pk)
    action = "approve" if approve else "reject"
    state = next_state(rating, action)
    if not approve and not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    before = rollup.collective_contribution(rating.state, rating.level)
    rating.state, rating.decided_at = state, timezone.now()
    rating.decision_reason = (reason or "").strip()
    rating.save()
    rollup.moved(
        rating.unit, rating.year, before, rollup.collective_contribution(rating.state, rating.level)
    )
    _record(actor, action, rating, rating.decision_reason or rating.level)
    return rating

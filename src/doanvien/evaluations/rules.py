"""A scorecard's rules as plain functions of their inputs (union-rules.md §1–2): the points an
item accepts, the total, the pass mark and the level bands. Their parameters come from the
scheme's data (models.Scheme): the shipped 80-point pass mark and the items are placeholders
([I], [U] in union-rules §1 and §2)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Band:
    minimum: Decimal
    label: str


def bands_of(raw: Iterable[Mapping]) -> list[Band]:
    """The scheme's level bands (JSON rows {"min", "label"}), highest minimum first."""
    bands = [Band(Decimal(str(b["min"])), str(b["label"])) for b in raw or []]
    return sorted(bands, key=lambda b: b.minimum, reverse=True)


def parse_points(value) -> Decimal | None:
    """A points figure as given (a number or its text), or None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return points if points.is_finite() else None


def points_fault(points: Decimal | None, maximum: Decimal) -> str:
    """Why these points cannot be given to an item worth `maximum` ("" when they can): a
    number from 0 to the maximum, with at most one decimal."""
    if points is None:
        return "not_a_number"
    if points < 0 or points > maximum:
        return "out_of_range"
    if points != points.quantize(TENTH):
        return "too_precise"
    return ""


def total(points: Iterable[Decimal]) -> Decimal:
    """The exact sum of the items' points (each has at most one decimal)."""
    return sum((Decimal(p) for p in points), Decimal(0)).quantize(TENTH)


def passed(score: Decimal | None, pass_mark: Decimal) -> bool:
    """Reached the pass mark (compared as it is, never rounded); no score never passes."""
    return score is not None and score >= pass_mark


def level(score: Decimal | None, bands: list[Band]) -> str:
    """The label of the highest band the score reaches; "" without bands or below them all."""
    if score is None:
        return ""
    for band in bands:
        if score >= band.minimum:
            return band.label
    return ""


def missing_evidence(required_ids: Iterable[int], evidenced_ids: Iterable[int]) -> list[int]:
    """The items that require evidence and have none, in the order given."""
    have = set(evidenced_ids)
    return [i for i in required_ids if i not in have]


# --- The yearly rating of members (union-rules §3, §4) ------------------------------------------

# Highest first; the training programme's levels use the same codes (training.ResultLevel).
RATING_ORDER = ("excellent", "good", "complete", "incomplete")
# A member with too little membership time is assessed and commented on, not classified
# (union-rules §3; the training programme's ResultLevel.NOT_CLASSIFIED).
NOT_CLASSIFIED = "not_classified"


def rating_fault(
    *,
    level: str,
    programme_level: str,
    reason: str,
    equals_programme: bool,
    eligible: bool = True,
) -> str:
    """Why a branch may not propose this level ("" when it may). A member with too little
    membership time (not `eligible`) is assessed, not classified: that level only, whatever the
    other rules say; an eligible one is never "not classified". With the switch "member level =
    programme level", only the programme's; otherwise the programme's level or a lower one,
    lower only with a reason; without a programme level, any level with a reason."""
    if level not in (*RATING_ORDER, NOT_CLASSIFIED):
        return "unknown_level"
    if not eligible:
        return "" if level == NOT_CLASSIFIED else "not_eligible"
    if level == NOT_CLASSIFIED:
        return "eligible"
    known = programme_level in RATING_ORDER
    if equals_programme:
        return "" if known and level == programme_level else "must_equal_programme"
    if not known:
        return "" if reason.strip() else "reason_needed"
    if RATING_ORDER.index(level) < RATING_ORDER.index(programme_level):
        return "above_programme"
    if level != programme_level and not reason.strip():
        return "reason_needed"
    return ""


def quota_fault(*, excellent: int, good_or_above: int, percent: int | None) -> bool:
    """Over the quota "excellent ≤ percent % of those rated well or better" (the excellent are
    among them); no quota without a percent."""
    return percent is not None and excellent * 100 > percent * good_or_above

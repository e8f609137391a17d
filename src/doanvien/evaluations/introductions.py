"""Outstanding members introduced to the Party (union-rules §7): the branch proposes (its
resolution, votes for / present), the base-union committee introduces (Mẫu 4-KNĐ: number,
date), then the outcomes are recorded in order (Party course, probationary, official member).
Yearly counts per unit: proposed, introduced, admitted."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.members.models import Member
from doanvien.units.models import Unit

from . import rollup
from .models import MemberRating, PartyIntroduction, RatingLevel

STEPS = ("introduced_on", "course_on", "probationary_on", "official_on")


def rated_excellent(member: Member, year: int) -> bool:
    return MemberRating.objects.filter(
        member=member,
        year=year,
        level=RatingLevel.EXCELLENT,
        state=MemberRating.State.APPROVED,
    ).exists()


@atomic
def introduction_propose(
    *,
    actor,
    member: Member,
    year: int,
    branch_resolution_no: str,
    branch_resolution_date: date,
    votes_for: int,
    present: int,
    override_reason: str = "",
) -> PartyIntroduction:
    errors = {}
    if not (branch_resolution_no or "").strip():
        errors["branch_resolution_no"] = _("Give the number of the branch's resolution.")
    if present <= 0:
        errors["present"] = _("Give how many members were present.")
    elif votes_for > present:
        errors["votes_for"] = _("More votes for than members present.")
    if not rated_excellent(member, year) and not (override_reason or "").strip():
        errors["override_reason"] = _(
            "This member is not rated “completed duties excellently” for %(year)s: give the "
            "reason to propose him all the same."
        ) % {"year": year}
    if errors:
        raise ValidationError(errors)
    if PartyIntroduction.objects.filter(member=member, year=year).exists():
        raise ValidationError(
            _("This member is already proposed for %(year)s.") % {"year": year},
            code="illegal_transition",
        )
    introduction = PartyIntroduction.objects.create(
        member=member,
        year=year,
        branch=member.branch,
        unit_path=member.branch.path,
        branch_resolution_no=branch_resolution_no.strip(),
        branch_resolution_date=branch_resolution_date,
        votes_for=votes_for,
        present=present,
        override_reason=(override_reason or "").strip(),
    )
    rollup.moved(
        introduction.branch,
        year,
        rollup.introduction_contribution(None, None, exists=False),
        rollup.introduction_contribution(None, None),
    )
    audit.record(
        actor=actor,
        action="party_introduction.propose",
        target=introduction,
        unit_path=introduction.unit_path,
        summary=introduction.branch_resolution_no,
    )
    return introduction


@atomic
def introduction_update(*, actor, introduction: PartyIntroduction, data: dict) -> PartyIntroduction:
    """The later steps, in order: each needs the one before, and its date is not earlier."""
    introduction = PartyIntroduction.objects.select_for_update().get(pk=introduction.pk)
    before = audit.snapshot(introduction, ("introduction_no", *STEPS))
    counted = rollup.introduction_contribution(
        introduction.introduced_on, introduction.probationary_on
    )
    for key in ("introduction_no", *STEPS):
        if key in data and data[key] is not None:
            setattr(introduction, key, data[key])
    errors = {}
    if introduction.introduced_on and not introduction.introduction_no.strip():
        errors["introduction_no"] = _("Give the number of the introduction (Mẫu 4-KNĐ).")
    previous = introduction.branch_resolution_date
    for step in STEPS:
        value = getattr(introduction, step)
        if value is None:
            previous = None
            continue
        if previous is None:
            errors[step] = _("Record the step before this one first.")
        elif value < previous:
            errors[step] = _("This date is earlier than the step before it.")
        previous = value
    if errors:
        raise ValidationError(errors)
    introduction.save()
    rollup.moved(
        introduction.branch,
        introduction.year,
        counted,
        rollup.introduction_contribution(introduction.introduced_on, introduction.probationary_on),
    )
    audit.record(
        actor=actor,
        action="party_introduction.update",
        target=introduction,
        unit_path=introduction.unit_path,
        changes=audit.diff(before, audit.snapshot(introduction, before.keys())),
    )
    return introduction


def yearly_counts(unit: Unit, year: int) -> dict[str, int]:
    """Proposed, introduced, admitted (probationary) in the unit's subtree for the year, from
    the roll-ups (rollup.py)."""
    figures = rollup.figures_of(unit, year)
    return {k: figures[f"introductions_{k}"] for k in ("proposed", "introduced", "admitted")}

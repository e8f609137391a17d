"""The yearly rating of members (union-rules §3–4): the branch proposes each member's level
(the training programme's level proposes it, the branch may lower it with a reason, or the
province makes them equal), the base union approves or rejects with a reason, approved is
locked. Members with too little membership time (the 6 months of union-rules §3, as data of
the policy) are assessed, not classified: the branch records them with the level
"not_classified" and its reason (admission date, months), the base union approves it like the
others and the roll-ups count them apart. A member transferred in less than those months before
the year's end is rated with the old branch's comments. An optional quota (policy data, off by
default) caps "excellent" in each branch at a share of those rated well or better. A unit whose
cadres publish schemes sets the policy for its subtree (`rating_policy_set`); the nearest
ancestor's applies."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.members.models import Member, Transfer
from doanvien.training.models import Registration
from doanvien.training.rules import add_months, is_eligible
from doanvien.training.services.configuration import MAX_ELIGIBILITY_MONTHS
from doanvien.units.models import Unit

from . import rollup, rules
from .models import MemberRating, RatingPolicy
from .rules import NOT_CLASSIFIED

M = MemberRating.State
MOVES = {
    (None, "propose"): M.PROPOSED,
    ("proposed", "propose"): M.PROPOSED,
    ("rejected", "propose"): M.PROPOSED,
    ("proposed", "approve"): M.APPROVED,
    ("proposed", "reject"): M.REJECTED,
}


ACTIONS = {
    "propose": gettext_lazy("propose"),
    "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"),
}


def policy_for(unit: Unit) -> RatingPolicy:
    nearest = (
        RatingPolicy.objects.filter(unit__path__in=unit.ancestor_paths())
        .order_by("-unit__depth")
        .first()
    )
    return nearest or RatingPolicy.objects.filter(unit=None).first() or RatingPolicy()


def programme_level(member: Member, year: int) -> str:
    return programme_levels([member.pk], year).get(member.pk, "")


def programme_levels(member_ids, year: int) -> dict[int, str]:
    """Member id → the level his training programme gives for the year (absent: none)."""
    return {
        member_id: level
        for member_id, level in Registration.objects.filter(
            member_id__in=list(member_ids), year=year
        ).values_list("member_id", "level")
        if level
    }


def next_state(rating, action: str) -> str:
    """The state `action` moves a rating to (MOVES; a member's or a leadership collective's,
    None: not proposed yet), or the refusal naming its state."""
    state = rating.state if rating else None
    try:
        return MOVES[(state, action)]
    except KeyError:
        shown = rating.get_state_display() if rating else _("not proposed")
        raise ValidationError(
            _("Cannot %(action)s this rating: it is “%(state)s”.")
            % {"action": ACTIONS[action], "state": shown},
            code="illegal_transition",
        ) from None


def _record(actor, action: str, rating: MemberRating, summary: str = "") -> None:
    audit.record(
        actor=actor,
        action=f"rating.{action}",
        target=rating,
        unit_path=rating.unit_path,
        summary=summary,
    )


MESSAGES = {
    "unknown_level": lambda: _("Choose one of the four levels."),
    "must_equal_programme": lambda: _(
        "In this province the member's level is the training programme's level."
    ),
    "above_programme": lambda: _("The level cannot be higher than the training programme's level."),
    "reason_needed": lambda: _("Give the reason for this level."),
}


def eligible(member: Member, year: int, policy: RatingPolicy) -> bool:
    """Classified only with the policy's months of membership at the year's end (union-rules §3:
    admitted in the last 6 months, assessed and not classified), counted from his admission, so
    a member transferred in keeps his time (training/counting.py does the same)."""
    return is_eligible(
        joined_union_on=member.joined_union_on,
        evaluated_on=date(year, 12, 31),
        months=policy.eligibility_months,
    )


def _eligibility_fault(fault: str, member: Member, policy: RatingPolicy) -> str:
    n = policy.eligibility_months
    if fault == "not_eligible":
        return _(
            "This member joined the Union on %(date)s, less than %(n)s months before the "
            "year's end: he is assessed, not classified (choose “Assessed, not classified”)."
        ) % {"date": member.joined_union_on.strftime("%d/%m/%Y"), "n": n}
    return _(
        "This member has at least %(n)s months of membership at the year's end: choose one of "
        "the four levels."
    ) % {"n": n}


def transferred_in(member: Member, year: int, months: int) -> Transfer | None:
    """The member's transfer accepted into his branch less than `months` before the year's
    end (the latest), if any."""
    return transfers_in([member.pk], year, months).get(member.pk)


def transfers_in(member_ids, year: int, months: int) -> dict[int, Transfer]:
    """transferred_in() for many members at once: member id → his latest such transfer."""
    end = date(year, 12, 31)
    since = add_months(end, -months)
    zone = timezone.get_current_timezone()
    found: dict[int, Transfer] = {}
    for transfer in (
        Transfer.objects.filter(
            member_id__in=list(member_ids),
            kind=Transfer.Kind.TRANSFER,
            state__in=(Transfer.State.ACCEPTED, Transfer.State.ENDED),
            decided_at__gt=datetime.combine(since, time.max, tzinfo=zone),
            decided_at__lte=datetime.combine(end, time.max, tzinfo=zone),
        )
        .select_related("from_branch")
        .order_by("member_id", "-decided_at", "-pk")
    ):
        found.setdefault(transfer.member_id, transfer)
    return found


def quota_counts(branch: Unit, year: int, *, replacing: MemberRating | None = None, level=None):
    """(excellent, well or better) among the branch's ratings of the year not rejected, with
    `replacing` counted at `level` instead of its own."""
    rows = MemberRating.objects.filter(branch=branch, year=year).exclude(state=M.REJECTED)
    if replacing is not None and replacing.pk:
        rows = rows.exclude(pk=replacing.pk)
    levels = list(rows.values_list("level", flat=True))
    if level is not None:
        levels.append(level)
    excellent = sum(1 for lv in levels if lv == "excellent")
    return excellent, sum(1 for lv in levels if lv in ("excellent", "good"))


def _check_quota(policy: RatingPolicy, branch: Unit, year: int, rating, level: str) -> None:
    """Proposing or approving "excellent" beyond the quota is refused (lowering a level never
    is: it is how a branch comes back within it)."""
    if policy.excellent_quota_percent is None or level != "excellent":
        return
    excellent, base = quota_counts(branch, year, replacing=rating, level=level)
    if rules.quota_fault(
        excellent=excellent, good_or_above=base, percent=policy.excellent_quota_percent
    ):
        raise ValidationError(
            {
                "level": _(
                    "Over the quota: at most %(n)s %% of the members rated well or better may be "
                    "rated excellent (%(excellent)s of %(base)s with this one)."
                )
                % {"n": policy.excellent_quota_percent, "excellent": excellent, "base": base}
            },
            code="quota",
        )


@atomic
def rating_propose(
    *,
    actor,
    member: Member,
    year: int,
    level: str,
    reason: str = "",
    previous_comment: str = "",
    today: date | None = None,
) -> MemberRating:
    rating = MemberRating.objects.select_for_update().filter(member=member, year=year).first()
    next_state(rating, "propose")
    policy = policy_for(member.branch)
    is_eligible_now = eligible(member, year, policy)
    if not is_eligible_now and level in ("", NOT_CLASSIFIED):
        level = NOT_CLASSIFIED
    from_programme = programme_level(member, year)
    fault = rules.rating_fault(
        level=level,
        programme_level=from_programme,
        reason=reason or "",
        equals_programme=policy.level_equals_programme,
        eligible=is_eligible_now,
    )
    if fault in ("not_eligible", "eligible"):
        raise ValidationError({"level": _eligibility_fault(fault, member, policy)})
    if fault:
        raise ValidationError(
            {"level" if fault != "reason_needed" else "reason": MESSAGES[fault]()}
        )
    moved_in = transferred_in(member, year, policy.eligibility_months)
    previous_comment = (previous_comment or "").strip()
    if moved_in is not None and not previous_comment:
        raise ValidationError(
            {
                "previous_comment": _(
                    "This member transferred in from %(branch)s on %(date)s, less than %(n)s "
                    "months before the year's end: give that branch's comments on him."
                )
                % {
                    "branch": moved_in.from_branch.name,
                    "date": timezone.localtime(moved_in.decided_at).strftime("%d/%m/%Y"),
                    "n": policy.eligibility_months,
                }
            }
        )
    _check_quota(policy, member.branch, year, rating, level)
    if rating is None:
        rating = MemberRating(member=member, year=year)
    rating.previous_branch = moved_in.from_branch if moved_in else None
    rating.previous_comment = previous_comment if moved_in else ""
    rating.branch, rating.unit_path = member.branch, member.branch.path
    rating.level, rating.programme_level = level, from_programme
    # Why he is not classified, as it stands now (shown with the rating, kept if the policy
    # changes later).
    rating.joined_union_on = member.joined_union_on if level == NOT_CLASSIFIED else None
    rating.eligibility_months = policy.eligibility_months if level == NOT_CLASSIFIED else None
    rating.reason, rating.state = (reason or "").strip(), M.PROPOSED
    rating.proposed_at, rating.decided_at, rating.decision_reason = timezone.now(), None, ""
    rating.save()
    _record(actor, "propose", rating, level)
    return rating


@atomic
def rating_decide(*, actor, rating: MemberRating, approve: bool, reason: str = "") -> MemberRating:
    rating = MemberRating.objects.select_for_update().get(pk=rating.pk)
    action = "approve" if approve else "reject"
    state = next_state(rating, action)
    if not approve and not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    if approve:
        _check_quota(policy_for(rating.branch), rating.branch, rating.year, rating, rating.level)
    before = rollup.rating_contribution(rating.state, rating.level)
    rating.state, rating.decided_at = state, timezone.now()
    rating.decision_reason = (reason or "").strip()
    rating.save()
    rollup.moved(
        rating.branch, rating.year, before, rollup.rating_contribution(rating.state, rating.level)
    )
    _record(actor, action, rating, rating.decision_reason or rating.level)
    return rating


# --- The rating policy a unit sets for its subtree ----------------------------------------------

POLICY_FIELDS = ("level_equals_programme", "eligibility_months", "excellent_quota_percent")


def policy_source(unit: Unit) -> RatingPolicy | None:
    """The policy row that applies to the unit (its own or the nearest ancestor's; the shipped
    default without a unit), or None where only the built-in defaults apply."""
    found = policy_for(unit)
    return found if found.pk else None


def _whole(value, field: str, low: int, high: int, message: str, errors: dict) -> int | None:
    """`value` (a number or its digits) as a whole number from low to high; None with a
    message on `field` otherwise."""
    text = "" if isinstance(value, bool) or value is None else str(value).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        errors[field] = message
        return None
    return int(text)


@atomic
def rating_policy_set(
    *,
    actor,
    unit: Unit,
    level_equals_programme: bool,
    eligibility_months,
    excellent_quota_percent=None,
) -> RatingPolicy:
    """The unit's own rating policy for its subtree (the units below without their own inherit
    it, nearest up the tree): the switch "member level = programme level", the months of
    membership before a member is classified, and the optional quota "excellent ≤ N %" (empty:
    no quota; otherwise 0 < N ≤ 100). A branch sets none."""
    if unit.is_branch:
        raise ValidationError(_("Branches do not set a rating policy."), code="branch")
    errors: dict[str, str] = {}
    months = _whole(
        eligibility_months,
        "eligibility_months",
        0,
        MAX_ELIGIBILITY_MONTHS,
        _("Give a whole number of months from 0 to %(max)s.") % {"max": MAX_ELIGIBILITY_MONTHS},
        errors,
    )
    quota = None
    if excellent_quota_percent not in (None, ""):
        quota = _whole(
            excellent_quota_percent,
            "excellent_quota_percent",
            1,
            100,
            _(
                "The quota is a whole percentage greater than 0 and at most 100; leave it empty "
                "for no quota."
            ),
            errors,
        )
    if errors:
        raise ValidationError(errors)
    policy = RatingPolicy.objects.select_for_update().filter(unit=unit).first()
    before = audit.snapshot(policy or policy_for(unit), POLICY_FIELDS)
    policy = policy or RatingPolicy(unit=unit)
    policy.level_equals_programme = bool(level_equals_programme)
    policy.eligibility_months = months
    policy.excellent_quota_percent = quota
    policy.save()
    audit.record(
        actor=actor,
        action="rating.policy_set",
        target=policy,
        unit_path=unit.path,
        changes=audit.diff(before, audit.snapshot(policy, POLICY_FIELDS)),
    )
    return policy


@atomic
def rating_policy_clear(*, actor, unit: Unit) -> RatingPolicy:
    """Remove the unit's own policy: its subtree follows the nearest ancestor's again (returned)."""
    policy = RatingPolicy.objects.select_for_update().filter(unit=unit).first()
    if policy is None:
        raise ValidationError(
            _("This unit has no rating policy of its own."), code="illegal_transition"
        )
    before = audit.snapshot(policy, POLICY_FIELDS)
    policy.delete()
    now = policy_for(unit)
    audit.record(
        actor=actor,
        action="rating.policy_clear",
        target=unit,
        unit_path=unit.path,
        changes=audit.diff(before, audit.snapshot(now, POLICY_FIELDS)),
    )
    return now

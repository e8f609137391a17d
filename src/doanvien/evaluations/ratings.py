"""The yearly rating of members (union-rules §3–4): the branch proposes each member's level
(the training programme's level proposes it, the branch may lower it with a reason, or the
province makes them equal), the base union approves or rejects with a reason, approved is
locked. Members with too little membership time are assessed, not classified (the 6 months of
union-rules §3, as data of the policy). A member transferred in less than those months before
the year's end is rated with the old branch's comments. An optional quota (policy data, off by
default) caps "excellent" in each branch at a share of those rated well or better."""

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
from doanvien.units.models import Unit

from . import rollup, rules
from .models import MemberRating, RatingPolicy

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
    if not is_eligible(
        joined_union_on=member.joined_union_on,
        evaluated_on=date(year, 12, 31),
        months=policy.eligibility_months,
    ):
        raise ValidationError(
            _(
                "This member joined less than %(n)s months before the year's end: assessed, "
                "not classified."
            )
            % {"n": policy.eligibility_months},
            code="not_eligible",
        )
    from_programme = programme_level(member, year)
    fault = rules.rating_fault(
        level=level,
        programme_level=from_programme,
        reason=reason or "",
        equals_programme=policy.level_equals_programme,
    )
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

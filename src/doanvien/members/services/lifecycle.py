"""Leaving the roll and coming back: removal (or expulsion) with a reason, maturing out at the
age limit, and reinstatement, which is the recorded correction of either. Each act writes the
member's state, closes or opens his membership span, keeps the unit counts right, closes his open
transfers, enters the movement ledger and is audited, in one transaction. The training roll-ups
follow in doanvien.actions.members, which is what views and the API call.

Past the age limit a member matures out with a ceremony (`member_mature_out`, `on` is the
ceremony's date), unless his branch keeps him (`member_keep`, up to the age the rules allow) or
he continues as an elected or full-time Union cadre (`member_continuation_set`): both recorded
acts with their reasons.

Source: the Union's Charter guidance summarised in docs/domain.md (glossary: removal, expulsion,
maturing out at the age limit, normally 30; §6 for keeping and continuing). The ages are data:
members/rules.py."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.member_stats import rollup as member_stats
from doanvien.units.services import adjust_member_count

from ..models import Continuation, Member, Membership, Movement, Status
from ..rules import member_rules
from .movements import movement_record
from .transfers import transfers_close_for_leaving


def _check_date(member: Member, on: date, today: date) -> None:
    if on > today:
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if member.joined_union_on and on < member.joined_union_on:
        raise ValidationError(
            {
                "on": _("The date cannot be before he joined the Union (%(date)s).")
                % {"date": member.joined_union_on.strftime("%d/%m/%Y")}
            }
        )


def _leave(*, actor, member: Member, status: str, kind: str, on: date, reason: str, action: str):
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    if member.status != Status.ACTIVE:
        raise ValidationError(
            _("%(name)s is no longer on the roll (%(status)s).")
            % {"name": member.full_name, "status": member.get_status_display()},
            code="illegal_transition",
        )
    counted_before = member_stats.vector(member)
    member.status, member.left_on = status, on
    member.save(update_fields=["status", "left_on", "updated_at"])
    member_stats.changed(counted_before, None)
    Membership.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
    adjust_member_count(member.unit_path, -1)
    movement_record(member=member, kind=kind, on=on, branch=member.branch, reason=reason)
    transfers_close_for_leaving(actor=actor, member=member, reason=reason or member.full_name)
    audit.record(
        actor=actor,
        action=action,
        target=member,
        unit_path=member.unit_path,
        summary=reason or member.full_name,
        changes={"status": [Status.ACTIVE, status], "left_on": [None, on.isoformat()]},
    )
    return member


@atomic
def member_remove(
    *,
    actor,
    member: Member,
    on: date,
    reason: str,
    expelled: bool = False,
    today: date | None = None,
) -> Member:
    """Take the member off the roll (removal, or expulsion as a discipline) from `on`."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for removing the member.")})
    _check_date(member, on, today)
    kind = Movement.Kind.EXPELLED if expelled else Movement.Kind.REMOVED
    return _leave(
        actor=actor,
        member=member,
        status=Status.REMOVED,
        kind=kind,
        on=on,
        reason=reason,
        action="member.expelled" if expelled else "member.removed",
    )


@atomic
def member_mature_out(
    *, actor, member: Member, on: date, reason: str = "", today: date | None = None
) -> Member:
    """The member matures out of the Union at a ceremony held on `on`, in or after the year he
    reaches the age limit (the rules of his branch in force that day). A member who continues
    as an elected or full-time cadre does not: that is withdrawn first."""
    today = today or timezone.localdate()
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    _check_date(member, on, today)
    rules = member_rules(member.branch, on)
    if not rules.reaches_limit_by(member.date_of_birth, on.year):
        raise ValidationError(
            _("%(name)s reaches %(age)s only in %(year)s.")
            % {
                "name": member.full_name,
                "age": rules.maturing_age,
                "year": rules.limit_year(member.date_of_birth),
            }
        )
    if member.continues_as:
        raise ValidationError(
            _("%(name)s continues in the Union: %(why)s. Withdraw that first.")
            % {"name": member.full_name, "why": member.get_continues_as_display()},
            code="illegal_transition",
        )
    return _leave(
        actor=actor,
        member=member,
        status=Status.MATURED_OUT,
        kind=Movement.Kind.MATURED_OUT,
        on=on,
        reason=reason.strip() or _("Matured out at the age limit"),
        action="member.matured_out",
    )


@atomic
def member_reinstate(
    *, actor, member: Member, reason: str, on: date | None = None, today: date | None = None
) -> Member:
    """The recorded correction of a removal or maturing out: back on the roll of his branch."""
    today = today or timezone.localdate()
    on = on or today
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    if member.status == Status.ACTIVE:
        raise ValidationError(
            _("%(name)s is already on the roll.") % {"name": member.full_name},
            code="illegal_transition",
        )
    if not member.branch.is_active:
        raise ValidationError(
            _("His branch %(branch)s is closed: reopen it first, then bring him back.")
            % {"branch": member.branch.name}
        )
    before = member.status
    member.status, member.left_on = Status.ACTIVE, None
    member.save(update_fields=["status", "left_on", "updated_at"])
    member_stats.changed(None, member_stats.vector(member))
    Membership.objects.create(member=member, branch=member.branch, started_on=on, reason=reason)
    adjust_member_count(member.unit_path, 1)
    movement_record(
        member=member, kind=Movement.Kind.REINSTATED, on=on, branch=member.branch, reason=reason
    )
    audit.record(
        actor=actor,
        action="member.reinstated",
        target=member,
        unit_path=member.unit_path,
        summary=reason,
        changes={"status": [before, Status.ACTIVE]},
    )
    return member


@atomic
def member_honorary_set(*, actor, member: Member, honorary: bool, reason: str) -> Member:
    """Recognise the member as an honorary member, or withdraw it: a recorded act with its
    reason (the flag is not edited with the record)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.honorary == honorary:
        message = (
            _("%(name)s is already an honorary member.")
            if honorary
            else _("%(name)s is not an honorary member.")
        )
        raise ValidationError(message % {"name": member.full_name}, code="illegal_transition")
    member.honorary = honorary
    member.save(update_fields=["honorary", "updated_at"])
    audit.record(
        actor=actor,
        action="member.honorary_granted" if honorary else "member.honorary_withdrawn",
        target=member,
        unit_path=member.unit_path,
        summary=reason,
        changes={"honorary": [not honorary, honorary]},
    )
    return member


def _active(member: Member) -> Member:
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    if member.status != Status.ACTIVE:
        raise ValidationError(
            _("%(name)s is no longer on the roll (%(status)s).")
            % {"name": member.full_name, "status": member.get_status_display()},
            code="illegal_transition",
        )
    return member


@atomic
def member_continuation_set(*, actor, member: Member, kind: str, reason: str) -> Member:
    """Record that the member continues in the Union past the age limit because he was elected
    to a Union committee or works full-time for the Union (`kind`, one of Continuation), or
    withdraw it (`kind` ""): a recorded act with its reason. While it holds he is not listed
    to mature out."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if kind and kind not in Continuation.values:
        raise ValidationError({"kind": _("Choose a value from the list.")})
    member = _active(member)
    if kind == member.continues_as:
        message = (
            _("%(name)s already continues: %(why)s.")
            if kind
            else _("%(name)s is not recorded as continuing past the age limit.")
        )
        raise ValidationError(
            message % {"name": member.full_name, "why": member.get_continues_as_display()},
            code="illegal_transition",
        )
    before = member.continues_as
    member.continues_as, member.continues_reason = kind, reason[:255] if kind else ""
    member.save(update_fields=["continues_as", "continues_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="member.continues" if kind else "member.continues_withdrawn",
        target=member,
        unit_path=member.unit_path,
        summary=reason,
        changes={"continues_as": [before, kind]},
    )
    return member


@atomic
def member_keep(
    *, actor, member: Member, until: date | None, reason: str, today: date | None = None
) -> Member:
    """The branch's decision to keep the member past the age limit until `until` (at most the
    end of the age the rules of his branch allow, 35 by default), or to end that decision
    (`until` None): a recorded act with its reason. Until that day he is listed apart from the
    members to mature out."""
    today = today or timezone.localdate()
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    member = _active(member)
    if until is None:
        if member.kept_until is None:
            raise ValidationError(
                _("The branch has not decided to keep %(name)s.") % {"name": member.full_name},
                code="illegal_transition",
            )
    else:
        rules = member_rules(member.branch, today)
        born = member.date_of_birth
        latest = rules.last_kept_day(born)
        if until < today:
            raise ValidationError({"until": _("The date cannot be in the past.")})
        if not rules.reaches_limit_by(born, until.year):
            raise ValidationError(
                {
                    "until": _("%(name)s reaches %(age)s only in %(year)s.")
                    % {
                        "name": member.full_name,
                        "age": rules.maturing_age,
                        "year": rules.limit_year(born),
                    }
                }
            )
        if until > latest:
            raise ValidationError(
                {
                    "until": _(
                        "The branch may keep a member up to the end of the age of %(max)s: "
                        "%(name)s until %(date)s at the latest."
                    )
                    % {
                        "max": rules.keep_max_age,
                        "name": member.full_name,
                        "date": latest.strftime("%d/%m/%Y"),
                    }
                }
            )
    before = member.kept_until
    member.kept_until, member.kept_reason = until, reason[:255] if until else ""
    member.save(update_fields=["kept_until", "kept_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="member.kept" if until else "member.keep_ended",
        target=member,
        unit_path=member.unit_path,
        summary=reason,
        changes={
            "kept_until": [before and before.isoformat(), until and until.isoformat()],
        },
    )
    return member

"""Accounts for members (issue 14): issuing activation codes, activating, the first log-in's
"this was not me", and accounts that follow their member off the roll.

Source: issue 14, "Accounts for members" (the branch committee holds the member's record, so it
is the channel for his code, as for his printed card; codes are single use and expire after
AccountRules.code_days, 30 by default)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.accounts.models import ApiToken, RoleGrant, User
from doanvien.accounts.services import password_set
from doanvien.accounts.sessions import Session
from doanvien.core import audit
from doanvien.core.models import AuditEvent, AuditPersonal
from doanvien.core.transactions import atomic
from doanvien.members.models import Member, Status
from doanvien.units.models import Unit

from . import codes
from .models import ActivationCode, NotMeReport, account_rules
from .selectors import base_union_of


class ActivationRefused(ValidationError):
    """A wrong code, or a wrong date of birth for it: one message for both, and the attempt
    counts against the lockout (activation.py)."""

    def __init__(self):
        super().__init__(
            _("The activation code or the date of birth is wrong. Check both and try again."),
            code="refused",
        )


@dataclass(frozen=True)
class IssuedCode:
    """A code as shown once to whoever issued it (only its HMAC is kept)."""

    member: Member
    code: str  # as displayed: 7KQ2M-XW9TD
    expires_at: datetime


# --- Issuing ------------------------------------------------------------------------------------


@atomic
def codes_issue(
    *, actor, branch: Unit, member_ids=None, now: datetime | None = None
) -> list[IssuedCode]:
    """One new code for each chosen member of the branch on the roll (`member_ids`), or for each
    one without an account (None). A member's earlier open code stops working. A member who has
    an account gets a code that sets a new password (his way back in without an e-mail address).
    Each issuance is audited on the member. Raises a ValidationError on `members` if an id is
    not an active member of the branch."""
    if not branch.is_branch:
        raise ValidationError(
            _("Codes are issued for one branch at a time; for a whole union use the bulk job.")
        )
    now = now or timezone.now()
    members = Member.objects.filter(branch=branch, status=Status.ACTIVE)
    if member_ids is None:
        members = members.filter(user__isnull=True)
    else:
        wanted = {int(i) for i in member_ids}
        # An id beyond the database's integers is no member (and must not reach the query).
        members = members.filter(pk__in=[i for i in wanted if 0 < i < 2**63])
    members = list(members.order_by("sort_key", "pk"))
    if member_ids is not None:
        missing = wanted - {m.pk for m in members}
        if missing:
            raise ValidationError(
                {
                    "members": _("Not active members of %(branch)s: %(ids)s.")
                    % {"branch": branch.name, "ids": ", ".join(str(i) for i in sorted(missing))}
                }
            )
    return _issue(actor=actor, members=members, now=now)


def _issue(*, actor, members: list[Member], now: datetime) -> list[IssuedCode]:
    if not members:
        return []
    ids = [m.pk for m in members]
    ActivationCode.objects.filter(
        member_id__in=ids, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    with_account = set(User.objects.filter(member_id__in=ids).values_list("member_id", flat=True))
    expires_at = now + timedelta(days=account_rules().code_days)
    issued, rows, events, values = [], [], [], []
    for member in members:
        raw = codes.new_code()
        rows.append(
            ActivationCode(
                member=member,
                digest=codes.digest_of(raw),
                issued_by=actor if getattr(actor, "pk", None) else None,
                issued_at=now,
                expires_at=expires_at,
                for_reset=member.pk in with_account,
            )
        )
        events.append(
            AuditEvent(
                actor=actor if getattr(actor, "pk", None) else None,
                action="member.code_issued",
                target_type="member",
                target_id=member.pk,
                unit_id=member.branch_id,
                unit_path=member.unit_path,
                summary=audit.PERSON,
                changes={"code_expires_at": None},
                person_type="member",
                person_id=member.pk,
            )
        )
        values.append({"code_expires_at": [None, expires_at.isoformat()]})
        issued.append(IssuedCode(member=member, code=codes.display(raw), expires_at=expires_at))
    ActivationCode.objects.bulk_create(rows, batch_size=500)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    AuditPersonal.objects.bulk_create(audit.personal_rows(events, values), batch_size=500)
    return issued


def codes_issue_for_union(*, actor, unit: Unit, progress=None) -> list[IssuedCode]:
    """Codes for every member without an account in the union's subtree, one branch per
    transaction (the bulk job): a failure halfway keeps the branches done."""
    branches = list(
        Unit.objects.filter(
            path__startswith=unit.path, kind=Unit.Kind.BRANCH, is_active=True
        ).order_by("path")
    )
    issued: list[IssuedCode] = []
    for n, branch in enumerate(branches, 1):
        issued += codes_issue(actor=actor, branch=branch)
        if progress:
            progress(n, len(branches))
    return issued


def codes_check(*, unit: Unit, typed: list[str]) -> list[ActivationCode]:
    """The open codes among `typed` whose members are in the unit's subtree (a sheet printed
    from the codes just issued: a code that is not open any more, or of a member elsewhere, is
    left out)."""
    digests = {codes.digest_of(t): codes.normalize(t) for t in typed if codes.normalize(t)}
    found = (
        ActivationCode.objects.select_related("member", "member__branch")
        .filter(
            digest__in=list(digests),
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            member__unit_path__startswith=unit.path,
            member__status=Status.ACTIVE,
        )
        .order_by("member__sort_key", "member_id")
    )
    result = list(found)
    for row in result:
        row.code = codes.display(digests[row.digest])
    return result


# --- Activating ---------------------------------------------------------------------------------


def _locked_code(raw: str) -> ActivationCode | None:
    return (
        ActivationCode.objects.select_for_update()
        .select_related("member")
        .filter(digest=codes.digest_of(raw))
        .first()
    )


def _check_state(found: ActivationCode, now: datetime) -> None:
    """Clear answers, once the code and date of birth are right."""
    if found.used_at is not None:
        raise ValidationError(
            _(
                "This code was already used on %(date)s. Log in with your user name, or ask "
                "your branch secretary for a new code."
            )
            % {"date": timezone.localtime(found.used_at).strftime("%d/%m/%Y")},
            code="used",
        )
    if found.revoked_at is not None:
        raise ValidationError(
            _(
                "This code was replaced by a newer one on %(date)s. Use the latest code your "
                "branch gave you."
            )
            % {"date": timezone.localtime(found.revoked_at).strftime("%d/%m/%Y")},
            code="revoked",
        )
    if found.expires_at <= now:
        raise ValidationError(
            _("This code expired on %(date)s. Ask your branch secretary for a new one.")
            % {"date": timezone.localtime(found.expires_at).strftime("%d/%m/%Y")},
            code="expired",
        )
    if found.member.status != Status.ACTIVE:
        raise ValidationError(
            _("You are no longer on the roll: the account cannot be opened."), code="not_member"
        )


def _check_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not username:
        raise ValidationError({"username": _("Enter a user name.")})
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise ValidationError(
            {
                "username": _(
                    "A user name has only letters, digits and the signs @ . + - _ (no spaces)."
                )
            }
        ) from None
    if len(username) > 150:
        raise ValidationError({"username": _("A user name has at most 150 characters.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("The user name %(name)s is taken.") % {"name": username}}
        )
    return username


@atomic
def account_activate(
    *,
    code: str,
    date_of_birth: date | None,
    username: str,
    password: str,
    now: datetime | None = None,
) -> User:
    """Open the member's account with his code and date of birth: the login he chose (his member
    code by default) and a password that passes Django's validators. A code issued while he had
    an account sets its new password instead (the user name stays). Raises ActivationRefused for
    a wrong code or date, a ValidationError with a clear message otherwise."""
    now = now or timezone.now()
    found = _locked_code(code) if codes.normalize(code) else None
    if found is None or date_of_birth is None or found.member.date_of_birth != date_of_birth:
        raise ActivationRefused()
    _check_state(found, now)
    member = found.member
    existing = User.objects.filter(member=member).first()
    if existing is not None and not found.for_reset:
        raise ValidationError(
            _(
                "You already have an account (user name %(name)s): log in with it, or ask your "
                "branch secretary for a new code if you lost the password."
            )
            % {"name": existing.username},
            code="active",
        )
    if existing is not None:
        user = existing
        password_set(user=user, password=password, action="user.password_reset")
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        action = "member.account_reset"
    else:
        user = User(
            username=_check_username(username or member.member_code),
            full_name=member.full_name,
            email=member.email,
            member=member,
        )
        try:
            validate_password(password, user)
        except ValidationError as e:
            raise ValidationError({"password": e.messages}) from None
        user.set_password(password)
        user.save()
        action = "member.account_opened"
    ActivationCode.objects.filter(pk=found.pk).update(used_at=now, user=user)
    audit.record(
        actor=user,
        action=action,
        target=member,
        unit_path=member.unit_path,
        summary=user.username,
        changes={"account": [None, user.username]},
    )
    return user


# --- The first log-in ----------------------------------------------------------------------------


def notice_acknowledge(*, user: User, code: ActivationCode) -> None:
    """The member saw who issued his code, and says it was him who used it."""
    ActivationCode.objects.filter(pk=code.pk, user=user).update(acknowledged_at=timezone.now())


@atomic
def not_me_report(*, user: User, code: ActivationCode) -> NotMeReport:
    """ "This was not me": the account is locked (no log-in, every session and API token ended)
    and an item goes on the base union's list. A new code from the branch reopens it."""
    member = Member.objects.select_related("branch").get(pk=user.member_id)
    base = base_union_of(member.branch)
    User.objects.filter(pk=user.pk).update(is_active=False)
    Session.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    ActivationCode.objects.filter(pk=code.pk).update(acknowledged_at=timezone.now())
    report = NotMeReport.objects.create(
        unit=base, unit_path=base.path, member=member, user=user, code=code
    )
    audit.record(
        actor=user,
        action="member.account_disowned",
        target=member,
        unit_path=member.unit_path,
        summary=user.username,
        changes={"is_active": [True, False]},
    )
    return report


@atomic
def not_me_close(*, actor, report: NotMeReport, note: str) -> NotMeReport:
    """Record what was done about the report (once: two cadres closing it at once, the second
    is refused, code "illegal_transition")."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done (for the record).")})
    report = NotMeReport.objects.select_for_update().select_related("member").get(pk=report.pk)
    if report.closed_at is not None:
        raise ValidationError(_("This item is already closed."), code="illegal_transition")
    report.closed_at, report.closed_by, report.note = timezone.now(), actor, note[:300]
    report.save(update_fields=["closed_at", "closed_by", "note"])
    audit.record(
        actor=actor,
        action="member.not_me_closed",
        target=report.member,
        unit_path=report.unit_path,
        summary=report.note,
    )
    return report


# --- Accounts follow the member ------------------------------------------------------------------


def _account_reopen(*, actor, member: Member) -> bool:
    """Open again the member's account if its last closing was his leaving the roll."""
    user = User.objects.filter(member=member, is_active=False).first()
    if user is None:
        return False
    last = (
        AuditEvent.objects.filter(
            target_type="member",
            target_id=member.pk,
            action__in=["member.account_closed", "member.account_reopened"],
        )
        .order_by("-id")
        .values_list("action", flat=True)
        .first()
    )
    if last != "member.account_closed":
        return False
    User.objects.filter(pk=user.pk).update(is_active=True)
    audit.record(
        actor=actor,
        action="member.account_reopened",
        target=member,
        unit_path=member.unit_path,
        summary=user.username,
        changes={"is_active": [False, True]},
    )
    return True


def account_follow_member(*, actor, member: Member) -> bool:
    """After a change of the member's status: off the roll (removed, matured out), his account
    can no longer log in (its sessions and tokens end; the record and history stay). An account
    that also holds roles on units is a cadre's and keeps its log-in. A move or transfer changes
    nothing: the account follows the member. Back on the roll (reinstated), an account this
    closed opens again (not one closed for another reason). Returns whether an account was
    closed or opened."""
    if member.status == Status.ACTIVE:
        return _account_reopen(actor=actor, member=member)
    user = User.objects.filter(member=member, is_active=True).first()
    if user is None or RoleGrant.objects.filter(user=user).exists():
        return False
    User.objects.filter(pk=user.pk).update(is_active=False)
    Session.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    ActivationCode.objects.filter(
        member=member, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    audit.record(
        actor=actor,
        action="member.account_closed",
        target=member,
        unit_path=member.unit_path,
        summary=user.username,
        changes={"is_active": [True, False]},
    )
    return True

"""Roles, invitations, passwords, and the ways in: browser sessions and API tokens."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.text import normalize
from doanvien.units.models import Unit

from .lockout import failures_forget
from .models import BRANCH_ROLES, UNION_ROLES, ApiToken, Invitation, RoleGrant, User
from .sessions import Session, session_ref

logger = logging.getLogger(__name__)


@transaction.atomic
def role_grant(*, actor, user: User, unit: Unit, role: str) -> RoleGrant:
    allowed = BRANCH_ROLES if unit.is_branch else UNION_ROLES
    if role not in allowed:
        raise ValidationError(
            {
                "role": _("This role cannot be held on a %(kind)s.")
                % {"kind": unit.get_kind_display()}
            }
        )
    if RoleGrant.objects.filter(user=user, unit=unit, role=role).exists():
        raise ValidationError(
            {"role": _("%(user)s already holds this role here.") % {"user": user}}
        )
    grant = RoleGrant.objects.create(user=user, unit=unit, role=role, granted_by=actor)
    _record_role(actor, "role.granted", user, unit, grant.get_role_display(), None, role)
    return grant


def _record_role(actor, action: str, user: User, unit: Unit, label: str, before, after) -> None:
    """A role change shows in the unit's history and in the user's."""
    for target, other, key in ((unit, user, user.username), (user, unit, unit.code)):
        audit.record(
            actor=actor,
            action=action,
            target=target,
            unit_path=unit.path,
            summary=f"{other} · {label}",
            changes={"role": [before and f"{key}: {before}", after and f"{key}: {after}"]},
        )


@transaction.atomic
def role_revoke(*, actor, grant: RoleGrant) -> None:
    user, unit, role = grant.user, grant.unit, grant.role
    label = grant.get_role_display()
    grant.delete()
    _record_role(actor, "role.revoked", user, unit, label, role, None)


@transaction.atomic
def user_invite(
    *,
    actor,
    username: str,
    full_name: str,
    email: str,
    unit: Unit,
    role: str,
    site_url: str,
    member=None,
) -> User:
    """Create an account without a password, grant it a role on the unit and e-mail its owner
    the invitation link with which he sets one. The link goes to the person only: whoever
    invites never sees it. All or nothing: an e-mail that cannot be sent creates no account."""
    username = normalize(username).lower()
    email = normalize(email)
    errors = {}
    if not username:
        errors["username"] = _("Enter a user name.")
    elif User.objects.filter(username=username).exists():
        errors["username"] = _("The user name %(name)s is taken.") % {"name": username}
    if not normalize(full_name):
        errors["full_name"] = _("Enter the person's full name.")
    if not email:
        errors["email"] = _("Enter the person's e-mail address: the invitation is sent there.")
    elif User.objects.filter(email__iexact=email).exists():
        # The link goes to the address: one already another account's (the inviter's own, say)
        # would give that account's owner the new one.
        errors["email"] = _("This address is already another account's. Enter the person's own.")
    if member is not None and User.objects.filter(member=member).exists():
        errors["member"] = _("This member already has an account.")
    if errors:
        raise ValidationError(errors)
    user = User(username=username, full_name=normalize(full_name), email=email, member=member)
    user.set_unusable_password()
    user.save()
    role_grant(actor=actor, user=user, unit=unit, role=role)
    audit.record(
        actor=actor,
        action="user.invited",
        target=user,
        summary=user.full_name,
        changes={"username": [None, username], "email": [None, email]},
    )
    invitation_send(actor=actor, user=user, site_url=site_url)
    return user


def invitation_issue(*, actor, user: User) -> str:
    """A new invitation for the user; the ones still open stop working. Returns its secret, to
    be given to the user only (invitation_send)."""
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=timezone.now())
    secret = Invitation.new_secret()
    Invitation.objects.create(
        user=user,
        digest=Invitation.digest_of(secret),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    return secret


def invitation_send(*, actor, user: User, site_url: str) -> None:
    """Issue an invitation and e-mail its link to the user's own address. Raises a
    ValidationError on `email` if the mail cannot be sent (the caller's transaction, with the
    invitation, is then undone)."""
    secret = invitation_issue(actor=actor, user=user)
    link = site_url.rstrip("/") + reverse("accounts:invitation-accept", args=[secret])
    context = {"user": user, "link": link, "days": settings.INVITATION_DAYS, "by": actor}
    try:
        _mail(
            to=user.email,
            subject="accounts/email/invitation_subject.txt",
            body="accounts/email/invitation.txt",
            context=context,
        )
    except OSError:  # smtplib.SMTPException is one
        logger.exception("the invitation of user %s could not be sent", user.pk)
        raise ValidationError(
            {"email": _("The e-mail could not be sent. Check the address, or try again later.")}
        ) from None


def _mail(*, to: str, subject: str, body: str, context: dict) -> None:
    """A plain-text e-mail in the site's language (the person's language is not known yet)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject_text = "".join(render_to_string(subject, context).splitlines())
        body_text = render_to_string(body, context)
    send_mail(subject_text, body_text, None, [to])


def invitation_find(secret: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("user")
        .filter(
            digest=Invitation.digest_of(secret),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    user = invitation.user
    password_set(user=user, password=password, action="user.password_set")
    return user


@transaction.atomic
def password_set(
    *, user: User, password: str, action: str, keep_session_key: str | None = None
) -> None:
    """Give the user a new password (an invitation, a reset or a change). Every other way in
    ends with the old one: the other browser sessions, every API token, any open invitation;
    and the failed log-ins counted against the account no longer count."""
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    Session.objects.filter(user=user).exclude(session_key=keep_session_key or "").delete()
    ApiToken.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    failures_forget(username=user.username)
    audit.record(actor=user, action=action, target=user, summary=user.full_name)


def session_end(*, user: User, ref: str) -> bool:
    """End one of the user's browser sessions, named by its session_ref. False if he has none
    by that name."""
    for session in Session.objects.filter(user=user).only("session_key"):
        if session_ref(session.session_key) == ref:
            session.delete()
            return True
    return False


@transaction.atomic
def sign_out_everywhere(*, user: User) -> None:
    """End every browser session of the user and revoke every API token."""
    Session.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    audit.record(actor=user, action="user.signed_out", target=user, summary=user.full_name)


def api_token_issue(*, user: User) -> str:
    secret = ApiToken.new_secret()
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(secret),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return secret


def api_token_find(secret: str) -> ApiToken | None:
    """The token with this secret if it still works (and its user is active), noting its use."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_user(secret: str) -> User | None:
    token = api_token_find(secret)
    return token.user if token else None


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's tokens. False if he has none with this id."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def api_tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that still work, the latest made first."""
    return list(
        ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by(
            "-created_at", "-pk"
        )
    )

"""Roles, invitations and API tokens."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.text import normalize
from doanvien.units.models import Unit

from .models import BRANCH_ROLES, UNION_ROLES, ApiToken, Invitation, RoleGrant, User


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
    *, actor, username: str, full_name: str, email: str = "", member=None
) -> tuple[User, str]:
    """Create an account without a password and an invitation with which its owner sets one.
    Returns the user and the secret part of the invitation link."""
    username = normalize(username).lower()
    errors = {}
    if not username:
        errors["username"] = _("Enter a user name.")
    elif User.objects.filter(username=username).exists():
        errors["username"] = _("The user name %(name)s is taken.") % {"name": username}
    if not normalize(full_name):
        errors["full_name"] = _("Enter the person's full name.")
    if member is not None and User.objects.filter(member=member).exists():
        errors["member"] = _("This member already has an account.")
    if errors:
        raise ValidationError(errors)
    user = User(username=username, full_name=normalize(full_name), email=email, member=member)
    user.set_unusable_password()
    user.save()
    secret = invitation_issue(actor=actor, user=user)
    audit.record(
        actor=actor,
        action="user.invited",
        target=user,
        summary=user.full_name,
        changes={"username": [None, username]},
    )
    return user, secret


def invitation_issue(*, actor, user: User) -> str:
    secret = Invitation.new_secret()
    Invitation.objects.create(
        user=user,
        digest=Invitation.digest_of(secret),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    return secret


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
    from django.contrib.auth.password_validation import validate_password

    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    audit.record(actor=user, action="user.password_set", target=user, summary=user.full_name)
    return user


def api_token_issue(*, user: User) -> str:
    secret = ApiToken.new_secret()
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(secret),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return secret


def api_token_user(secret: str) -> User | None:
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
    return token.user

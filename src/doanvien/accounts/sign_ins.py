"""Log-ins, failed log-ins and lockouts in the audit trail, so that the cadres who search it
(api/audit.py, the audit page) see who came in and who was refused. An event belongs to the
highest unit the account holds a role on (or its member's branch): a failed log-in of an
unknown name belongs to no unit. It holds no personal data: the account's id, no address."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from doanvien.core.models import AuditEvent

LOGGED_IN, LOGIN_FAILED, LOCKED_OUT = (
    "account.logged_in",
    "account.login_failed",
    "account.locked_out",
)


def _unit_of(user) -> tuple[int | None, str]:
    """The unit a user's sign-ins belong to: his highest role's, else his branch's."""
    units = sorted(user.roles.values_list("unit_id", "unit__path"), key=lambda u: len(u[1]))
    if units:
        return units[0]
    member = getattr(user, "member", None)
    return (member.branch_id, member.unit_path) if member is not None else (None, "")


def _record(action: str, user) -> None:
    unit_id, unit_path = _unit_of(user) if user is not None else (None, "")
    AuditEvent.objects.create(
        actor=user if user is not None else None,
        action=action,
        target_type="user",
        target_id=user.pk if user is not None else 0,
        unit_id=unit_id,
        unit_path=unit_path,
    )


def _user_named(username) -> object | None:
    if not username:
        return None
    return get_user_model().objects.filter(username=str(username).strip().lower()).first()


@receiver(user_logged_in, dispatch_uid="doanvien.accounts.sign_ins.logged_in")
def logged_in(sender, request, user, **kwargs) -> None:
    _record(LOGGED_IN, user)


@receiver(user_login_failed, dispatch_uid="doanvien.accounts.sign_ins.login_failed")
def login_failed(sender, credentials, request=None, **kwargs) -> None:
    _record(LOGIN_FAILED, _user_named((credentials or {}).get("username")))


@receiver(user_locked_out, dispatch_uid="doanvien.accounts.sign_ins.locked_out")
def locked_out(sender, request=None, username=None, **kwargs) -> None:
    _record(LOCKED_OUT, _user_named(username))

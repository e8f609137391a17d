"""Activation attempts under the log-in lockout (accounts/lockout.py, django-axes).

A wrong code or date of birth is a failed log-in for axes: it is recorded under a name made from
the typed code ("activation:" and an HMAC of it, never the code itself), and from the client's
address. So the same rules hold as for log-ins: a code (a right one, whose date of birth is being
guessed) waits after AXES_FAILURE_LIMIT failures, longer with each; an address waits after
LOGIN_ADDRESS_FAILURE_LIMIT failures of any kind (codes sprayed, passwords guessed). An attempt
during a wait is refused before the code is even looked up, and not counted."""

from datetime import timedelta

from django.contrib.auth.signals import user_login_failed
from django.urls import reverse

from doanvien.accounts.lockout import NO_WAIT, failures_forget, wait_for
from doanvien.accounts.models import User

from . import codes
from .services import ActivationRefused, account_activate


class ActivationLocked(Exception):
    def __init__(self, wait: timedelta):
        super().__init__(wait)
        self.wait = wait


def attempt_name(raw_code: str) -> str:
    """The name attempts with this code are counted under (":" is in no user name)."""
    return "activation:" + codes.digest_of(raw_code)[:32]


def activation_wait(request, raw_code: str) -> timedelta:
    return wait_for(request, {"username": attempt_name(raw_code)})


def activate(request, **fields) -> User:
    """account_activate(**fields) for this request, under the lockout. Raises ActivationLocked
    while the code or the address must wait, ActivationRefused (counted) for a wrong code or
    date, a ValidationError (not counted: the person knew the code and date) otherwise."""
    raw = fields["code"]
    credentials = {"username": attempt_name(raw)}
    wait = wait_for(request, credentials)
    if wait > NO_WAIT:
        raise ActivationLocked(wait)
    try:
        user = account_activate(**fields)
    except ActivationRefused:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        # axes marks a request that used up an allowance so that its middleware answers with the
        # log-in lockout page; the activation answers for itself.
        request.axes_locked_out = False
        raise
    failures_forget(username=credentials["username"])
    return user


def activate_url(request) -> str:
    """The activation page's address as the member types it from his slip (this server's)."""
    return request.build_absolute_uri(reverse("member_accounts:activate"))

"""Log-in lockout: django-axes records the failures, this module decides who must wait.

Two counters, each with its own rule (settings.py names the values):
- An account: after AXES_FAILURE_LIMIT failures from anywhere, the next attempt waits
  LOGIN_FIRST_DELAY after the last failure, doubled with each further failure, up to
  LOGIN_MAX_DELAY. Its failures are forgotten LOGIN_FAILURE_MEMORY after the last one, and at
  a successful log-in or a new password. A stranger can so hold up an account for a minute,
  not half an hour, and its owner always has the password reset (never locked) as a way in.
- An address: at most LOGIN_ADDRESS_FAILURE_LIMIT failures, on any accounts, within
  LOGIN_MAX_DELAY; beyond, it waits until the oldest of them is that old. One address cannot
  spray guesses over many accounts, and a success on an account of its own does not clear it
  (the count is read from axes' failure log, which no success deletes).

Attempts refused during a wait are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
off): hammering a waiting account neither extends its wait nor brings it closer to a guess.

The address is the client's own: behind PROXY_COUNT reverse proxies, the one the outermost proxy
added to X-Forwarded-For (each proxy appends the address it was called from, so the entries a
client writes itself are further left and never read).
"""

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

NO_WAIT = timedelta(0)


def _valid_address(value: str) -> str | None:
    """The IP address in `value` (some proxies add the client's port), or None."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:4711
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:4711
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR without proxies; behind
    PROXY_COUNT proxies, the entry of X-Forwarded-For that the outermost proxy wrote. A request
    with fewer entries than proxies did not come through them all: its REMOTE_ADDR is the
    client."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a]
        if len(forwarded) >= count:
            return _valid_address(forwarded[-count]) or _valid_address(remote)
    return _valid_address(remote)


def account_delay(failures: int) -> timedelta:
    """How long an account waits after its last failure, given its number of failures."""
    if failures < settings.AXES_FAILURE_LIMIT:
        return NO_WAIT
    steps = failures - settings.AXES_FAILURE_LIMIT
    if steps > 32:  # far beyond any maximum: no need to compute 2**steps
        return settings.LOGIN_MAX_DELAY
    return min(settings.LOGIN_FIRST_DELAY * 2**steps, settings.LOGIN_MAX_DELAY)


def account_failures(username: str, now) -> tuple[int, object]:
    """The account's failures still remembered, and the time of the last one."""
    found = AccessAttempt.objects.filter(
        username=username, attempt_time__gt=now - settings.LOGIN_FAILURE_MEMORY
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return found["failures"] or 0, found["last"]


def account_wait(username: str | None, now) -> timedelta:
    if not username:
        return NO_WAIT
    failures, last = account_failures(username, now)
    if not failures:
        return NO_WAIT
    return max(NO_WAIT, last + account_delay(failures) - now)


def address_wait(address: str | None, now) -> timedelta:
    if not address:
        return NO_WAIT
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    window = settings.LOGIN_MAX_DELAY
    times = list(
        AccessFailureLog.objects.filter(ip_address=address, attempt_time__gt=now - window)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:limit]
    )
    if len(times) < limit:
        return NO_WAIT
    return max(NO_WAIT, times[-1] + window - now)


def wait_for(request, credentials: dict | None = None) -> timedelta:
    """How long this request's account and address must still wait (0: they may try)."""
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    credentials = credentials or getattr(request, "axes_credentials", None)
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    return max(account_wait(username, now), address_wait(address, now))


def cool_off(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: the wait left for this request (the longest wait without one)."""
    if request is None:
        return settings.LOGIN_MAX_DELAY
    return wait_for(request)


def failures_forget(*, username: str) -> None:
    """An account's failures no longer count (a successful log-in, a new password). Its
    addresses keep theirs."""
    AccessAttempt.objects.filter(username=username).delete()


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler with the two rules above."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return wait_for(request, credentials) > NO_WAIT

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The account's failures: axes locks the attempt that reaches AXES_FAILURE_LIMIT."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        return account_failures(username, request.axes_attempt_time or timezone.now())[0]

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure may also have used up the address's allowance.
        if (
            request is not None
            and not request.axes_locked_out
            and address_wait(request.axes_ip_address, request.axes_attempt_time) > NO_WAIT
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A successful log-in clears its account's failures, never its address's."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        threshold = timezone.now() - settings.LOGIN_FAILURE_MEMORY
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=threshold).delete()
        return count

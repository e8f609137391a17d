"""Reads that may lag go to a read replica (`DATABASE_REPLICA_URL`), everything else to the primary.

Only the views named in READS_MAY_LAG read the replica: the yearly report and the progress of
the units above the branches, their exports and the movement report — figures a cadre reads,
where a second or so behind does not matter. Every other page and API operation reads the
primary, so a new view reads fresh data unless someone decides otherwise (and
tests/core/test_replica.py lists the choice for every view).

Even in those views the primary answers:
- inside a transaction (what the transaction reads must be what it writes against);
- once the request has written anything (it reads its own writes);
- for REPLICA_STICKY_SECONDS after the same user, or the same browser, wrote (a cookie for the
  browser, the cache for the user: with REDIS_URL every server process knows it).
"""

import contextvars
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
COOKIE = "dv_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

READS_MAY_LAG = frozenset(
    {
        "reports:unit-report",
        "reports:unit-report-print",
        "reports:unit-report-xlsx",
        "reports:unit-report-pdf",
        "reports:unit-report-subtree",
        "reports:unit-movements",
        "reports:unit-movements-xlsx",
        "reports:unit-movement-list",
        "training:training-progress",
        "training:training-late",
        "api:unit_report",
        "api:unit_report_xlsx",
        "api:unit_report_pdf",
        "api:unit_progress",
        "api:unit_late",
    }
)

# Whether the code under way may read the replica (a READS_MAY_LAG view that has not written).
_may_lag: contextvars.ContextVar[bool] = contextvars.ContextVar("reads_may_lag", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def sticky_seconds() -> int:
    return int(getattr(settings, "REPLICA_STICKY_SECONDS", 5))


def _cache_key(user_id) -> str:
    return f"replica:wrote:{user_id}"


def wrote_recently(request) -> bool:
    """Whether this browser or this user wrote in the last REPLICA_STICKY_SECONDS."""
    if request.COOKIES.get(COOKIE):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(cache.get(_cache_key(user.pk)))
    return False


def user_known(user) -> None:
    """The API knows its user only once the token is read (api/auth.py): a user who wrote
    lately reads the primary from here on."""
    if _may_lag.get() and user.is_authenticated and cache.get(_cache_key(user.pk)):
        _may_lag.set(False)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads to the replica where the context allows, writes and
    migrations to the primary."""

    def db_for_read(self, model, **hints):
        if _may_lag.get() and configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Asked for unsaved objects too (a related object's assignment): what flips the request
        # to the primary is a write statement itself (note_writes).
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


WRITES = ("INSERT", "UPDATE", "DELETE")


def note_writes(execute, sql, params, many, context):
    """A connection's execute wrapper: once the request writes, it reads from where it wrote."""
    if _may_lag.get() and sql.lstrip()[:6].upper() in WRITES:
        _may_lag.set(False)
    return execute(sql, params, many, context)


class ReplicaMiddleware:
    """After the authentication middleware: a GET of a READS_MAY_LAG view reads the replica
    (unless the browser or the user wrote lately); a request that changes something marks its
    browser and its user as having written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _may_lag.set(False)
        try:
            if configured():
                with connections[DEFAULT_DB_ALIAS].execute_wrapper(note_writes):
                    response = self.get_response(request)
            else:
                response = self.get_response(request)
        finally:
            _may_lag.reset(token)
        if configured() and request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                COOKIE, "1", max_age=sticky_seconds(), httponly=True, samesite="Lax"
            )
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                cache.set(_cache_key(user.pk), time.time(), sticky_seconds())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            configured()
            and request.method in SAFE_METHODS
            and match is not None
            and match.view_name in READS_MAY_LAG
            and not wrote_recently(request)
        ):
            _may_lag.set(True)
        return None


def replica_lag_seconds() -> float | None:
    """How far the replica is behind the primary, in seconds (0: it has replayed all it
    received); None without a replica; -1 if it does not answer."""
    if not configured():
        return None
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) "
                "END"
            )
            return round(float(cursor.fetchone()[0] or 0), 1)
    except Exception:  # noqa: BLE001 - a replica that does not answer is what we report
        return -1.0

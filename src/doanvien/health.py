"""Health of a running server, for a load balancer and an orchestrator: `GET /healthz` (the
process answers) and `GET /readyz` (it can serve: the database answers and its migrations are
applied; with the ages of the background processes' heartbeats, the queued jobs and the roll-up
deltas waiting to be folded). JSON, no authentication, no personal data: counts and ages only."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from doanvien.core import heartbeats
from doanvien.jobs.models import Job
from doanvien.training import rollup

# A background process whose heartbeat is older than this is reported as stale.
STALE_SECONDS = 60


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


_migrated = False


def _unapplied_migrations() -> int:
    """Migrations not applied yet. Reading the graph costs tens of milliseconds: once none is
    left, this process does not look again (a deployment migrates, then restarts it)."""
    global _migrated
    if _migrated:
        return 0
    executor = MigrationExecutor(connection)
    unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrated = not unapplied
    return unapplied


def readiness() -> tuple[bool, dict]:
    """Whether the server can serve, and what it found."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        unapplied = _unapplied_migrations()
    except DatabaseError:
        return False, {"status": "unavailable", "database": "unreachable"}
    ages = heartbeats.ages()
    queued = Job.objects.filter(state=Job.State.QUEUED)
    oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
    body = {
        "status": "ok" if not unapplied else "unavailable",
        "database": "ok",
        "migrations_unapplied": unapplied,
        "replica_lag_seconds": None,  # no read replica configured
        "heartbeats": {
            name: {"age_seconds": ages.get(name), "stale": ages.get(name, 1e9) > STALE_SECONDS}
            for name in ("worker", "folder")
        },
        "jobs_queued": queued.count(),
        "oldest_queued_seconds": (
            round((timezone.now() - oldest).total_seconds(), 1) if oldest else None
        ),
        "rollup_deltas_waiting": rollup.waiting(),
    }
    return not unapplied, body


@never_cache
@require_GET
def readyz(request):
    ready, body = readiness()
    return JsonResponse(body, status=200 if ready else 503)

"""Health of a running server, for a load balancer and an orchestrator: `GET /healthz` (the
process answers) and `GET /readyz` (it can serve: the database answers and its migrations are
applied; with the ages of the background processes' heartbeats, the queued jobs and the roll-up
deltas waiting to be folded). JSON, no authentication, no personal data: counts and ages only."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import GaugeMetricFamily

from doanvien.core import heartbeats, metrics, replica
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
        "replica_lag_seconds": replica.replica_lag_seconds(),  # None: no replica
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


class _Queues:
    """What waits, read from the database at each scrape: jobs by state, the age of the oldest
    queued job, the roll-up deltas not folded yet."""

    def collect(self):
        jobs = GaugeMetricFamily("doanvien_jobs", "Background jobs by state.", labels=["state"])
        counts = dict(
            Job.objects.filter(state__in=(Job.State.QUEUED, Job.State.RUNNING))
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for state in (Job.State.QUEUED, Job.State.RUNNING):
            jobs.add_metric([state], counts.get(state, 0))
        yield jobs
        oldest = (
            Job.objects.filter(state=Job.State.QUEUED)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        yield GaugeMetricFamily(
            "doanvien_oldest_queued_job_seconds",
            "Age of the oldest job waiting for a worker (0: none waits).",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0,
        )
        yield GaugeMetricFamily(
            "doanvien_rollup_deltas_waiting",
            "Roll-up deltas written and not folded yet.",
            value=rollup.waiting(),
        )


@never_cache
@require_GET
def metrics_view(request):
    """Prometheus metrics (core/metrics.py): 404 unless METRICS_ENABLED, 403 to an address not
    in METRICS_ALLOWED_IPS."""
    if not metrics.enabled():
        raise Http404
    if request.META.get("REMOTE_ADDR") not in settings.METRICS_ALLOWED_IPS:
        return HttpResponseForbidden()
    body = metrics.exposition(lambda registry: registry.register(_Queues()))
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)

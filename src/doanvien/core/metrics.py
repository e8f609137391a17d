"""Prometheus metrics, on when settings.METRICS_ENABLED (environment `METRICS_ENABLED=1`).

What is measured: each request's latency by route, method and status class; each background
job's duration by kind and end state; the time a write spends on the roll-ups (locking and
counting its branch, appending its delta) and the time of each fold. The queue lengths (jobs
waiting, roll-up deltas waiting) are read from the database when `/metrics` is scraped
(`doanvien.health.metrics`).

Under gunicorn, several processes serve: with `PROMETHEUS_MULTIPROC_DIR` set (scripts/
serve-production does it when metrics are on), each process writes its figures to files there
and a scrape adds them up (prometheus_client's multiprocess mode).
"""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import REGISTRY

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
JOB_BUCKETS = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)

REQUEST_SECONDS = Histogram(
    "doanvien_request_duration_seconds",
    "Time to answer a request, by URL route, method and status class.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
JOB_SECONDS = Histogram(
    "doanvien_job_duration_seconds",
    "Time a background job ran, by kind and end state.",
    ["kind", "state"],
    buckets=JOB_BUCKETS,
)
ROLLUP_WRITE_SECONDS = Histogram(
    "doanvien_rollup_write_seconds",
    "Time a write spent on its branch's roll-up row (lock, count, delta).",
    buckets=LATENCY_BUCKETS,
)
ROLLUP_FOLD_SECONDS = Histogram(
    "doanvien_rollup_fold_seconds",
    "Time of one fold of the roll-up ledgers (a batch, one transaction).",
    buckets=LATENCY_BUCKETS,
)


def enabled() -> bool:
    return bool(getattr(settings, "METRICS_ENABLED", False))


def request_done(route: str, method: str, status: int, seconds: float) -> None:
    if enabled():
        REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(seconds)


def job_done(kind: str, state: str, seconds: float) -> None:
    if enabled():
        JOB_SECONDS.labels(kind, state).observe(seconds)


@contextmanager
def timed(histogram: Histogram) -> Iterator[None]:
    """Observe the time of the block in `histogram` (when metrics are on)."""
    if not enabled():
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        histogram.observe(time.perf_counter() - started)


def exposition(*extra: Callable[[CollectorRegistry], None]) -> bytes:
    """The text exposition of every metric: this process's, or all processes' in multiprocess
    mode, then those that `extra` functions register on a registry of their own (read now)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    now = CollectorRegistry()
    for register in extra:
        register(now)
    return generate_latest(registry) + generate_latest(now)

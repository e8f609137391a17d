"""Prometheus metrics at /metrics: off unless METRICS_ENABLED, only to the listed addresses, and
what they count moves when requests, jobs and roll-up writes happen."""

import re

import pytest
from django.urls import reverse

from doanvien.jobs import runner, services
from doanvien.jobs.models import Job
from doanvien.training import rollup


def value(body: str, name: str, **labels) -> float:
    """The sample `name{labels}` of the exposition (0 if absent)."""
    for line in body.splitlines():
        match = re.fullmatch(r"([a-z_:]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match[3])
    return 0.0


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_ENABLED = True
    return lambda: client.get(reverse("metrics")).content.decode()


def test_metrics_are_not_served_unless_enabled(client, db, settings):
    settings.METRICS_ENABLED = False
    assert client.get(reverse("metrics")).status_code == 404


def test_an_address_not_listed_is_refused(client, db, settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_ALLOWED_IPS = ["10.0.0.9"]
    assert client.get(reverse("metrics")).status_code == 403
    response = client.get(reverse("metrics"), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")


def test_requests_are_counted_by_route_and_status_class(client, db, scrape):
    before = value(scrape(), "doanvien_request_duration_seconds_count", route="healthz")
    client.get(reverse("healthz"))
    client.get(reverse("healthz"))
    body = scrape()
    after = value(body, "doanvien_request_duration_seconds_count", route="healthz", status="2xx")
    assert after - before == 2
    unmatched = {"route": "(unmatched)", "status": "4xx"}
    missing = value(body, "doanvien_request_duration_seconds_count", **unmatched)
    client.get("/no-such-page/")
    assert value(scrape(), "doanvien_request_duration_seconds_count", **unmatched) == missing + 1


def test_jobs_are_timed_and_the_queue_is_read_at_each_scrape(world, scrape):
    assert value(scrape(), "doanvien_jobs", state="queued") == 0
    job = services.job_start(actor=world.secretary, kind=Job.Kind.MEMBERS_EXPORT, unit=world.branch)
    body = scrape()
    assert value(body, "doanvien_jobs", state="queued") == 1
    assert value(body, "doanvien_oldest_queued_job_seconds") >= 0
    done = value(body, "doanvien_job_duration_seconds_count", kind="members_export")
    runner.run(job.pk)
    body = scrape()
    assert value(body, "doanvien_jobs", state="queued") == 0
    assert (
        value(body, "doanvien_job_duration_seconds_count", kind="members_export", state="succeeded")
        == done + 1
    )


def test_roll_up_writes_and_folds_are_timed(world, scrape):
    body = scrape()
    writes = value(body, "doanvien_rollup_write_seconds_count")
    folds = value(body, "doanvien_rollup_fold_seconds_count")
    rollup.recount([world.branch.pk], 2026)
    waiting = value(scrape(), "doanvien_rollup_deltas_waiting")
    rollup.fold()
    body = scrape()
    assert value(body, "doanvien_rollup_write_seconds_count") == writes + 1
    assert value(body, "doanvien_rollup_fold_seconds_count") == folds + 1
    assert value(body, "doanvien_rollup_deltas_waiting") <= waiting

"""/healthz and /readyz: no authentication, JSON, counts and ages only."""

from django.core.management import call_command

from doanvien.core import heartbeats
from doanvien.core.models import Heartbeat
from doanvien.health import readiness

from .factories import make_member


def test_healthz_answers_without_a_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.post("/healthz").status_code == 405


def test_readyz_says_what_the_server_can_serve(client, world):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["migrations_unapplied"] == 0
    assert body["heartbeats"] == {
        "worker": {"age_seconds": None, "stale": True},  # never started in this test
        "folder": {"age_seconds": None, "stale": True},
    }
    # The world's members left their counts for the folder.
    assert body["rollup_deltas_waiting"] > 0
    # Nothing about anyone: every value is a count, an age, a flag or a state word.
    assert set(body) == {
        "status",
        "database",
        "migrations_unapplied",
        "replica_lag_seconds",
        "heartbeats",
        "jobs_queued",
        "oldest_queued_seconds",
        "rollup_deltas_waiting",
    }


def test_heartbeats_and_the_backlog_move(world):
    heartbeats.beat("worker", every=0)
    call_command("fold_rollups", "--once")
    make_member(world.branch)
    _ready, body = readiness()
    assert body["heartbeats"]["worker"]["stale"] is False
    assert body["heartbeats"]["worker"]["age_seconds"] < 5
    assert body["rollup_deltas_waiting"] == 2  # his branch's member count and statistics
    Heartbeat.objects.filter(name="worker").update(at="2020-01-01T00:00:00Z")
    _ready, body = readiness()
    assert body["heartbeats"]["worker"]["stale"] is True

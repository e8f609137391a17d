"""The read replica, for real: a primary and a streaming replica (scripts/pg-replica), the suite
run with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the replica (`pytest -m
replica`, in .ci/run). The replica's replay is paused to make it lag on purpose: the report
then shows what the replica has, the member pages what the primary has, and whoever just wrote
reads the primary."""

import os
import time

import dj_database_url
import pytest
from django.db import connections

from doanvien.core import replica
from doanvien.units.models import Unit

from ..api.conftest import ApiClient
from ..api.test_unit_member_create import new_member

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases="__all__")]
YEAR = 2026


@pytest.fixture
def real_replica():
    url = os.environ.get("DATABASE_REPLICA_URL")
    if not url or not replica.configured():
        pytest.skip("needs a streaming replica: DATABASE_REPLICA_URL (scripts/pg-replica)")
    primary = connections["default"].settings_dict
    mirrored = connections[replica.REPLICA].settings_dict
    own = dj_database_url.parse(url)
    connections[replica.REPLICA].close()
    # The test database is created on the primary and streamed to the replica with the rest.
    connections[replica.REPLICA].settings_dict = {
        **primary,
        "HOST": own["HOST"],
        "PORT": own["PORT"],
        "NAME": primary["NAME"],
    }
    yield connections[replica.REPLICA]
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    connections[replica.REPLICA].close()
    connections[replica.REPLICA].settings_dict = mirrored


def caught_up(standby, timeout=30.0) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with standby.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError(f"the replica did not reach {lsn} within {timeout} s")


def paused(standby, timeout=30.0) -> None:
    """The replica's replay stopped (not only asked to: a busy machine may take a while)."""
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                return
            time.sleep(0.02)
    raise AssertionError(f"the replica's replay did not pause within {timeout} s")


def resumed(standby) -> None:
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


def total(client, unit) -> int:
    response = client.get(f"/api/v1/units/{unit.pk}/reports/{YEAR}")
    assert response.status_code == 200, response.content
    return response.json()["rows"][0]["total"]


def test_reports_read_the_replica_and_the_writer_reads_his_writes(world, real_replica):
    reader = ApiClient(world.base_cadre)
    writer = ApiClient(world.province_cadre)
    before = total(reader, world.base)  # opens the year on the primary
    caught_up(real_replica)
    assert total(reader, world.base) == before
    paused(real_replica)

    created = writer.post(f"/api/v1/units/{world.branch.pk}/members", new_member())
    assert created.status_code == 201, created.json()
    # The replica has not replayed the new member: the province's report does not show him…
    assert total(reader, world.base) == before
    # …the member pages read the primary…
    found = reader.get(f"/api/v1/members/{created.json()['id']}")
    assert found.status_code == 200
    # …and the one who wrote reads the primary, report included, for a few seconds.
    assert total(writer, world.base) == before + 1

    resumed(real_replica)
    caught_up(real_replica)
    assert total(reader, world.base) == before + 1


def test_a_page_s_own_write_and_a_transaction_keep_it_on_the_primary(world, real_replica):
    from django.db import transaction

    token = replica._may_lag.set(True)
    try:
        assert replica.ReplicaRouter().db_for_read(None) == replica.REPLICA
        with transaction.atomic():
            assert replica.ReplicaRouter().db_for_read(None) == "default"
        replica.ReplicaRouter().db_for_write(None)  # asked, nothing written: still the replica
        assert replica.ReplicaRouter().db_for_read(None) == replica.REPLICA
        with connections["default"].execute_wrapper(replica.note_writes):
            Unit.objects.filter(pk=world.branch.pk).update(name=world.branch.name)
        assert replica.ReplicaRouter().db_for_read(None) == "default"
    finally:
        replica._may_lag.reset(token)


def test_readiness_reports_the_replica_s_lag(client, world, real_replica):
    caught_up(real_replica)
    assert client.get("/readyz").json()["replica_lag_seconds"] == 0

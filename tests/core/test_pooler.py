"""Behind a pooler in transaction mode (DATABASE_POOLER=transaction): no prepared statements and
no server-side cursor outside a transaction, while an export still streams inside its own."""

import pytest
from django.db import connection

from doanvien.core.transactions import streaming
from doanvien.members.models import Member

pytestmark = pytest.mark.pooler


def test_the_connection_settings_suit_the_pooler_when_one_is_named(settings):
    if connection.vendor != "postgresql" or settings.DATABASE_POOLER != "transaction":
        pytest.skip("DATABASE_POOLER=transaction on PostgreSQL only")
    assert settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] is None
    assert settings.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_a_query_run_many_times_is_never_prepared_behind_the_pooler(world, settings):
    if connection.vendor != "postgresql" or settings.DATABASE_POOLER != "transaction":
        pytest.skip("DATABASE_POOLER=transaction on PostgreSQL only")
    for _ in range(12):  # psycopg would prepare it after 5
        assert Member.objects.filter(pk=world.member.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0


def open_cursors() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_streaming_reads_through_a_server_side_cursor_even_where_they_are_off(world):
    if connection.vendor != "postgresql":
        pytest.skip("server-side cursors are PostgreSQL's")
    connection.ensure_connection()
    shared = connection.settings_dict
    connection.settings_dict = {**shared, "DISABLE_SERVER_SIDE_CURSORS": True}  # as pooled
    try:
        with streaming():
            assert connection.in_atomic_block
            rows = Member.objects.order_by("pk").iterator(chunk_size=2)
            first = next(rows)
            assert open_cursors() == 1  # the rest waits on the server
            names = [first.full_name, *(m.full_name for m in rows)]
        assert not connection.in_atomic_block
        assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
        rows = Member.objects.order_by("pk").iterator(chunk_size=2)
        next(rows)
        assert open_cursors() == 0  # outside the block: read in one go, as the pooler needs
        rest = list(rows)
    finally:
        connection.settings_dict = shared
    assert len(names) == 4 and len(rest) == 3

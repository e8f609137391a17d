"""A laptop install on SQLite (settings.SQLITE_OPTIONS): WAL (readers never wait for the writer),
a transaction that takes the write lock when it begins, and a busy timeout, so that a writer
waits for the one before it instead of answering "database is locked". Each test opens its own
database file with the product's options, whatever database the suite itself runs on."""

import threading
import time

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler


def laptop_database(path):
    """A connection to the SQLite file `path`, set up as settings.py sets up the default one
    (a handler of its own: the suite's databases are left alone)."""
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": dict(settings.SQLITE_OPTIONS),
            }
        }
    )
    return handler["default"]


@pytest.fixture(autouse=True)
def _files_of_its_own(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def test_the_connection_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    connection = laptop_database(tmp_path / "doanvien.sqlite3")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000  # milliseconds
    assert connection.transaction_mode == "IMMEDIATE"
    connection.close()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the default database is not SQLite",
)
def test_the_default_database_has_these_options():
    assert settings.DATABASES["default"]["OPTIONS"] == settings.SQLITE_OPTIONS
    assert settings.SQLITE_OPTIONS["timeout"] >= 5


def test_a_writer_waits_for_the_one_before_it_instead_of_failing(tmp_path):
    path = tmp_path / "doanvien.sqlite3"
    first = laptop_database(path)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("INSERT INTO note VALUES ('first')")
    outcome = {}

    def second_writer():
        second = laptop_database(path)
        started = time.monotonic()
        try:
            with second.cursor() as cursor:
                cursor.execute("INSERT INTO note VALUES ('second')")
            outcome["error"] = None
        except Exception as e:  # noqa: BLE001 - the error is the answer
            outcome["error"] = repr(e)
        outcome["waited"] = time.monotonic() - started
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.5)  # the second writer is waiting for the lock meanwhile
    with first.cursor() as cursor:
        cursor.execute("COMMIT")
        thread.join(timeout=30)
        assert outcome["error"] is None and outcome["waited"] >= 0.3
        cursor.execute("SELECT text FROM note ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    first.close()

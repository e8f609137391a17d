"""scripts/backup and scripts/restore, for real on PostgreSQL: a backup restored into a new
database holds the same rows, gives the same report, and brings back the kept files; restoring
over a database that has tables is refused."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction

from doanvien.training import rollup

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]
REPORT = (
    "import json; from doanvien.units.models import Unit; "
    "from doanvien.reports.selectors import report; "
    "rows = report(Unit.objects.get(code='TN'), 2026); "
    "print(json.dumps([[r.unit.code, r.total, r.registered, r.counts] for r in rows]))"
)
TABLES = ("units_unit", "members_member", "members_membership", "core_auditevent")


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def restored_db():
    if connection.vendor != "postgresql":
        pytest.skip("backups are of the PostgreSQL production database")
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _url(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_new_database_with_the_same_rows_report_and_files(
    world, restored_db, tmp_path
):
    with transaction.atomic():
        rollup.recount([world.branch.pk, world.branch2.pk, world.other_branch.pk], 2026)
    jobs, media = tmp_path / "jobs", tmp_path / "files"
    (jobs / "a-job").mkdir(parents=True)
    (jobs / "a-job" / "output.xlsx").write_bytes(b"export bytes")
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "minutes.pdf").write_bytes(b"%PDF minutes")
    source = _url(connection.settings_dict["NAME"])
    env = dict(
        os.environ,
        DATABASE_URL=source,
        JOB_FILES_DIR=str(jobs),
        MEDIA_ROOT=str(media),
        PYTHON=str(ROOT / ".venv" / "bin" / "python"),
        PYTHONPATH=str(ROOT / "src"),
    )
    made = _run(["scripts/backup", str(tmp_path / "backups")], env)
    assert made.returncode == 0, made.stderr
    dump, files = made.stdout.split()
    assert dump.endswith(".dump") and files.endswith("-files.tar.gz")
    before = _run([env["PYTHON"], "manage.py", "shell", "-c", REPORT], env)
    assert before.returncode == 0, before.stderr
    shutil.rmtree(jobs)
    shutil.rmtree(media)

    back = _run(["scripts/restore", dump], dict(env, DATABASE_URL=restored_db))
    assert back.returncode == 0, back.stderr
    assert _counts(restored_db) == _counts(source)
    assert _counts(restored_db)["members_member"] == 4
    after = _run(
        [env["PYTHON"], "manage.py", "shell", "-c", REPORT], dict(env, DATABASE_URL=restored_db)
    )
    assert after.returncode == 0, after.stderr
    report = json.loads(after.stdout.strip().splitlines()[-1])
    assert report == json.loads(before.stdout.strip().splitlines()[-1])
    assert report[0][0] == "TN" and report[0][1] == 4
    assert (jobs / "a-job" / "output.xlsx").read_bytes() == b"export bytes"
    assert (media / "evidence" / "minutes.pdf").read_bytes() == b"%PDF minutes"

    again = _run(["scripts/restore", dump], dict(env, DATABASE_URL=restored_db))
    assert again.returncode == 2 and "empty database" in again.stderr
    assert _counts(restored_db) == _counts(source)

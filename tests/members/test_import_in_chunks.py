"""A member import writes a chunk of rows a transaction (settings.IMPORT_CHUNK_ROWS), so that
another writer waits for a chunk, never for the file, and stays all or nothing: a chunk that
cannot be written undoes the chunks before it through the same counts, and what a worker killed
in the middle leaves is undone when a worker starts. Other people write on connections of their
own (threads), between two chunks, while the import waits in its progress report."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import date

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from doanvien.actions.members import member_create
from doanvien.core.models import AuditEvent, ImportChunk
from doanvien.jobs import runner
from doanvien.jobs import services as job_services
from doanvien.jobs.models import Job
from doanvien.member_stats import rollup as member_stats
from doanvien.members.imports import members_import
from doanvien.members.models import Member, Membership, Movement
from doanvien.training import recompute
from doanvien.training import rollup as training_rollup
from doanvien.units import member_counts
from doanvien.units.models import Unit

from . import between_chunks
from .between_chunks import write_file

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 11, 22)
PREFIX = "0382080021"  # the file's ID numbers: PREFIX + 01, 02, …
ROWS, CHUNK = 6, 2
ON_SQLITE = connection.vendor == "sqlite"


@pytest.fixture(autouse=True)
def chunks_of_two(settings):
    settings.IMPORT_CHUNK_ROWS = CHUNK


@pytest.fixture
def run_worker():
    """The real task worker over what is queued, in this process; it starts as a worker does
    (failing the jobs of a worker that is gone), then stops."""
    return lambda: call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def counted_year():
    """A programme year opened, so that the training roll-ups count the branches."""
    training_rollup.open_year(TODAY.year)


def the_file(tmp_path, world, rows=ROWS):
    path = tmp_path / "chunks.xlsx"
    write_file(path, prefix=PREFIX, rows=rows, branch=world.branch.name)
    return path


def run(world, path, **kwargs):
    with translation.override("en"):
        return members_import(
            actor=world.base_cadre,
            unit=world.base,
            path=path,
            filename=path.name,
            confirm=True,
            today=TODAY,
            **kwargs,
        )


def of_the_file():
    return Member.objects.filter(id_number__startswith=PREFIX)


def on_its_own_connection(work):
    """Run `work()` on a thread with a database connection of its own, and wait for it: what
    it returned, or the error it met."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as e:  # noqa: BLE001 - the error is the answer
            outcome["error"] = repr(e)
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)  # not a measure: only so that a lock held for ever ends the test
    outcome["finished"] = not thread.is_alive()
    return outcome


def recounts_agree():
    """Every count kept of the members equals a count of the records: the member counts of
    every unit, the member statistics, the training roll-ups of the opened years."""
    training_rollup.fold_all()
    counted = {u.pk: u.member_count for u in member_counts.exact(Unit.objects.order_by("pk"))}
    active = Member.objects.filter(status="active")
    recounted = {
        u.pk: active.filter(unit_path__startswith=u.path).count()
        for u in Unit.objects.order_by("pk")
    }
    assert counted == recounted
    assert member_stats.differences() == []
    assert recompute.differences() == []


# --- (a) a chunk that cannot be written undoes the ones before it ----------------------------


def test_a_number_taken_between_the_check_and_a_late_chunk_leaves_nothing_written(
    world, tmp_path, counted_year
):
    """Once the first chunk is written, someone of another base union records a member with
    the ID number of the file's fifth row (a real write, on his own connection): the third
    chunk finds it taken, and the two chunks written are undone, counts and all."""
    path = the_file(tmp_path, world)
    members_before = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    spans_before = Membership.objects.count()
    events_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    seen = []

    def other_base_union_records_him():
        committed = of_the_file().count()
        member = member_create(
            actor=world.outsider,
            branch=world.other_branch,
            data={
                "full_name": "Hồ Văn Chờ 5",
                "date_of_birth": date(2008, 1, 5),
                "sex": "male",
                "id_number": f"{PREFIX}05",
                "joined_union_on": date(2025, 3, 26),
            },
        )
        return committed, member.pk

    def progress(done, total):
        if done == CHUNK and not seen:  # the first chunk is written
            seen.append(on_its_own_connection(other_base_union_records_him))

    result = run(world, path, progress=progress)

    [other] = seen
    assert other["finished"] and "error" not in other, other
    committed, his = other["value"]
    assert committed == CHUNK  # the first chunk was there for everyone, before the third failed
    assert not result.written
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (
            6,
            "Số CMND/CCCD",
            "This ID card number is already in the system; contact the Union level above.",
        )
    ]
    # Nothing of the file is left: only the other person's member is new.
    assert list(Member.objects.order_by("pk").values_list("pk", flat=True)) == [
        *members_before,
        his,
    ]
    assert Membership.objects.count() == spans_before + 1
    assert not ImportChunk.objects.exists()
    recounts_agree()
    # The audit trail: his member, and one event saying that an import was undone.
    new_events = AuditEvent.objects.filter(pk__gt=events_before or 0).order_by("pk")
    assert [(e.action, e.target_id) for e in new_events] == [
        ("member.created", his),
        ("import.undone", world.base.pk),
    ]
    assert new_events.last().actor_id == world.base_cadre.pk


def test_changes_and_moves_of_written_chunks_are_undone_too(world, tmp_path, counted_year):
    """The first chunk updates a member and moves another to the second branch; the second
    chunk cannot be written (an ID number taken meanwhile): the first one's update and move
    are undone, his spans and the movement ledger as they were, counts and all."""
    member, mover = world.member, world.member2
    Member.objects.filter(pk=member.pk).update(id_number=f"{PREFIX}91")
    Member.objects.filter(pk=mover.pk).update(id_number=f"{PREFIX}92")
    training_rollup.fold_all()
    rows = [
        # Chunk 1: a new phone for him, the other moves to branch2; chunk 2: new members.
        ["", "", "", f"{PREFIX}91", "", world.branch.name, "0912000091"],
        ["", "", "", f"{PREFIX}92", "", world.branch2.name, ""],
        [
            "Hồ Văn Chờ 3",
            date(2008, 1, 3),
            "Nam",
            f"{PREFIX}03",
            date(2025, 3, 26),
            world.branch.name,
            "",
        ],
        [
            "Hồ Văn Chờ 4",
            date(2008, 1, 4),
            "Nam",
            f"{PREFIX}04",
            date(2025, 3, 26),
            world.branch.name,
            "",
        ],
    ]
    path = tmp_path / "mixed.xlsx"
    _sheet(path, rows)
    fields = ("branch_id", "unit_path", "phone", "updated_at")
    before = {
        "members": list(Member.objects.order_by("pk").values_list("pk", *fields)),
        "spans": list(Membership.objects.order_by("pk").values_list()),
        "movements": list(Movement.objects.order_by("pk").values_list()),
    }
    events_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    seen = []

    def taken_meanwhile():
        moved = Member.objects.get(pk=mover.pk).branch_id
        member_create(
            actor=world.outsider,
            branch=world.other_branch,
            data={
                "full_name": "Hồ Văn Chờ 4",
                "date_of_birth": date(2008, 1, 4),
                "sex": "male",
                "id_number": f"{PREFIX}04",
                "joined_union_on": date(2025, 3, 26),
            },
        )
        return moved

    def progress(done, total):
        if done == CHUNK and not seen:
            seen.append(on_its_own_connection(taken_meanwhile))

    result = run(world, path, progress=progress)
    assert seen[0]["value"] == world.branch2.pk  # the move was written, for everyone to see
    assert not result.written and result.error_count == 1
    after_members = list(
        Member.objects.exclude(id_number=f"{PREFIX}04").order_by("pk").values_list("pk", *fields)
    )
    # Their values as before (updated_at aside: the undo is a write too).
    assert [m[:-1] for m in after_members] == [m[:-1] for m in before["members"]]
    his_span = Membership.objects.get(member__id_number=f"{PREFIX}04").pk
    assert (
        list(Membership.objects.exclude(pk=his_span).order_by("pk").values_list())
        == (before["spans"])
    )
    assert list(Movement.objects.order_by("pk").values_list()) == before["movements"]
    recounts_agree()
    new_events = AuditEvent.objects.filter(pk__gt=events_before or 0).order_by("pk")
    assert [e.action for e in new_events] == ["member.created", "import.undone"]


def _sheet(path, rows):
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet()
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    header = [
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Số CMND/CCCD",
        "Ngày vào Đoàn",
        "Chi đoàn",
        "Số điện thoại",
    ]
    ws.write_row(0, 0, header)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if isinstance(value, date):
                ws.write_datetime(r, c, value, dates)
            elif value:
                ws.write_string(r, c, value)
    book.close()


# --- (b) another writer goes on between two chunks -------------------------------------------


def scenario_arguments(world, path) -> dict:
    return {
        "path": str(path),
        "prefix": PREFIX,
        "actor": world.base_cadre.pk,
        "unit": world.base.pk,
        "branch": world.branch.pk,
        "other_user": world.secretary.pk,
        "today": TODAY.isoformat(),
    }


def writes_between_chunks(seen):
    """The other person's writes went through while the import waited between its first and
    second chunks: he saw the first chunk's members and no others, his member stands between
    the first chunk's and the second's, and the import then wrote the whole file."""
    other = seen["other"]
    assert other["error"] is None and other["finished_then"], other
    assert other["after"] == CHUNK and other["saw"] == CHUNK
    assert seen["written"] and seen["errors"] == []
    assert seen["written_order"] == ["import"] * CHUNK + ["other"] + ["import"] * (ROWS - CHUNK)


@pytest.mark.skipif(ON_SQLITE, reason="on SQLite: test_on_a_sqlite_file_*, on a file of its own")
def test_on_postgresql_another_writer_goes_on_between_two_chunks(world, tmp_path):
    """He adds a member to the branch the import writes to: the same branch row, counts and
    statistics rows the import locks while it writes a chunk."""
    seen = between_chunks.scenario(**scenario_arguments(world, the_file(tmp_path, world)))
    writes_between_chunks(seen)
    recounts_agree()


@pytest.mark.skipif(not ON_SQLITE, reason="copies the suite's SQLite database to a file")
def test_on_a_sqlite_file_another_writer_goes_on_between_two_chunks(world, tmp_path):
    """A laptop install: the suite's database (the world in it) copied to a file, and the
    scenario run in a process of its own on that file with the product's settings (WAL,
    transactions that take the write lock when they begin, the busy timeout): while a
    transaction holds the write lock, nobody else writes."""
    database = tmp_path / "doanvien.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)
    arguments = tmp_path / "arguments.json"
    arguments.write_text(json.dumps(scenario_arguments(world, the_file(tmp_path, world))))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DOANVIEN_VAR_DIR": str(tmp_path),
        "IMPORT_CHUNK_ROWS": str(CHUNK),
        "LOG_LEVEL": "ERROR",
        "APP_LOG_LEVEL": "ERROR",
        "REQUEST_LOG_LEVEL": "ERROR",
    }
    out = subprocess.run(
        [sys.executable, between_chunks.__file__, str(arguments)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert (seen["vendor"], seen["wal"]) == ("sqlite", "wal")
    writes_between_chunks(seen)


# --- (c) a worker killed while it writes -----------------------------------------------------


class WorkerKilled(BaseException):
    """The worker process ending, as far as the code it runs can tell: nothing after it runs."""


def gone_worker() -> str:
    """The identity of a process of this machine that has ended."""
    process = subprocess.Popen(["sleep", "60"])
    identity = runner.worker_identity(process.pid)
    process.kill()
    process.wait()
    return identity


def test_an_import_whose_worker_dies_half_way_is_undone_when_a_worker_starts(
    world, tmp_path, counted_year, run_worker
):
    path = the_file(tmp_path, world)
    with translation.override("en"):  # the job's messages are in its user's language
        job = job_services.job_start(
            actor=world.base_cadre,
            kind=Job.Kind.MEMBERS_IMPORT,
            unit=world.base,
            upload=SimpleUploadedFile("chunks.xlsx", path.read_bytes()),
        )
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.AWAITING_CONFIRMATION, job.errors
    job_services.job_confirm(actor=world.base_cadre, job=job)
    before = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    events_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    # The worker claims the job, writes two of its three chunks and is killed: its process
    # ends there, the job still running under its name.
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, worker=gone_worker())

    def killed_after_two_chunks(done, total):
        if done == 2 * CHUNK:
            raise WorkerKilled

    with pytest.raises(WorkerKilled):
        members_import(
            actor=world.base_cadre,
            unit=world.base,
            path=path,
            filename="chunks.xlsx",
            confirm=True,
            today=TODAY,
            progress=killed_after_two_chunks,
            import_id=job.pk,
        )
    assert of_the_file().count() == 2 * CHUNK  # left for everyone to see, half-written
    assert ImportChunk.objects.filter(import_id=job.pk).count() == 3  # its head and 2 chunks

    run_worker()  # a worker starts: it finds the job of a worker that is gone

    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.finished_at is not None
    assert job.message == (
        "The worker running this import stopped while it was writing (the server restarted, or "
        "the job needed more memory than the server has). What it had written has been undone: "
        "nothing of the file is left. You can try again."
    )
    assert not of_the_file().exists()
    assert list(Member.objects.order_by("pk").values_list("pk", flat=True)) == before
    assert not ImportChunk.objects.exists()
    recounts_agree()
    new_events = AuditEvent.objects.filter(pk__gt=events_before or 0)
    assert Counter(e.action for e in new_events) == {"import.undone": 1}
    # It can be tried again, and then it is written whole.
    job_services.job_retry(actor=world.base_cadre, job=job)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, (job.message, job.errors)
    assert of_the_file().count() == ROWS
    recounts_agree()


def test_a_later_run_of_the_same_import_undoes_what_the_last_one_left(
    world, tmp_path, counted_year
):
    """A job tried again before any worker restarted: its run undoes its leftovers first."""
    path = the_file(tmp_path, world)
    import_id = Job.objects.create(
        kind=Job.Kind.MEMBERS_IMPORT, unit=world.base, created_by=world.base_cadre
    ).pk

    def killed(done, total):
        if done == CHUNK:
            raise WorkerKilled

    with pytest.raises(WorkerKilled):
        run(world, path, progress=killed, import_id=import_id)
    assert of_the_file().count() == CHUNK
    result = run(world, path, import_id=import_id)
    assert result.written and result.to_create == ROWS and of_the_file().count() == ROWS
    assert not ImportChunk.objects.exists()
    recounts_agree()

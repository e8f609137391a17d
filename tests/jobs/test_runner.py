"""Jobs through the real task worker: progress, output written whole or not at all, failures
that can be tried again, stalled jobs, confirmation only for imports waiting for it."""

import os
import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from doanvien.jobs import files, runner, services
from doanvien.jobs.models import Job
from doanvien.jobs.runner import Outcome

# The real worker closes connections between tasks: these tests commit what it reads.
pytestmark = pytest.mark.django_db(transaction=True)


def writes_in_steps(job, progress):
    seen = []
    with files.writing_output(job, ".txt") as path, open(path, "w") as out:
        for i in range(1, 6):
            out.write(f"line {i}\n")
            progress(i, 5)
            seen.append(Job.objects.get(pk=job.pk).done)
    return Outcome(result={"lines": ["5 lines"], "seen": seen}, output_name="lines.txt")


def dies_halfway(job, progress):
    with files.writing_output(job, ".txt") as path:
        path.write_text("half of it")
        progress(1, 2)
        if not job.params.get("fixed"):
            raise RuntimeError("the worker went away")
    return Outcome(output_name="whole.txt")


@pytest.fixture
def handlers(monkeypatch):
    monkeypatch.setitem(runner.HANDLERS, Job.Kind.MEMBERS_EXPORT, f"{__name__}.writes_in_steps")
    monkeypatch.setitem(runner.HANDLERS, Job.Kind.REPORT_EXPORT, f"{__name__}.dies_halfway")


def start(world, kind, **params):
    return services.job_start(actor=world.secretary, kind=kind, unit=world.branch, params=params)


def test_the_worker_runs_a_job_and_keeps_its_file(world, handlers, run_worker):
    job = start(world, Job.Kind.MEMBERS_EXPORT)
    assert job.state == Job.State.QUEUED and job.params["language"]
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.percent == 100
    assert (job.done, job.total) == (5, 5)
    assert job.result["seen"][-1] == 5  # progress was written while it ran
    assert files.output_path(job).read_text().splitlines()[-1] == "line 5"
    assert job.attempts == 1 and job.finished_at is not None


def test_a_job_that_dies_halfway_leaves_no_file_and_can_be_tried_again(world, handlers, run_worker):
    job = start(world, Job.Kind.REPORT_EXPORT)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.message
    assert files.output_path(job) is None
    assert not list(files.folder(job).glob("*.part"))
    assert services.can_retry(job)

    job.params["fixed"] = True
    job.save()
    services.job_retry(actor=world.secretary, job=job)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.attempts == 2
    assert files.output_path(job).read_text() == "half of it"


def test_a_job_is_run_once_even_if_queued_twice(world, handlers, run_worker):
    job = start(world, Job.Kind.MEMBERS_EXPORT)
    runner.run_job.enqueue(str(job.pk))  # a second task for the same job
    run_worker()
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_running_job_whose_worker_died_can_be_tried_again_later(world, handlers):
    job = start(world, Job.Kind.MEMBERS_EXPORT)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, heartbeat_at=timezone.now())
    job.refresh_from_db()
    with pytest.raises(ValidationError):
        services.job_retry(actor=world.secretary, job=job)
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - services.STALE_AFTER - timedelta(seconds=1)
    )
    job.refresh_from_db()
    assert services.is_stale(job)
    assert services.job_retry(actor=world.secretary, job=job).state == Job.State.QUEUED


def gone_worker() -> str:
    """The identity of a process of this machine that has ended."""
    process = subprocess.Popen(["sleep", "60"])
    identity = runner.worker_identity(process.pid)
    process.kill()
    process.wait()
    return identity


def running(job, *, worker: str, minutes_ago: float = 0) -> Job:
    heartbeat = timezone.now() - timedelta(minutes=minutes_ago)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, worker=worker, heartbeat_at=heartbeat, attempts=1
    )
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_is_failed_when_a_worker_starts(world, handlers, run_worker):
    with translation.override("en"):
        job = running(start(world, Job.Kind.MEMBERS_EXPORT), worker=gone_worker())
    assert not services.can_retry(job)  # its heartbeat is a moment old
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.finished_at is not None
    assert job.message == (
        "The worker running this job stopped before the job finished (the server restarted, "
        "or the job needed more memory than the server has). Nothing was written; you can try "
        "again."
    )
    assert services.can_retry(job)
    services.job_retry(actor=world.secretary, job=job)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.attempts == 2


def test_a_worker_that_starts_leaves_the_jobs_of_live_workers_running(world, handlers, run_worker):
    mine = running(start(world, Job.Kind.MEMBERS_EXPORT), worker=runner.worker_identity())
    elsewhere = f"another-{socket.gethostname()}|boot|1234|5678"
    away = running(start(world, Job.Kind.MEMBERS_EXPORT), worker=elsewhere)
    silent = running(start(world, Job.Kind.MEMBERS_EXPORT), worker=elsewhere, minutes_ago=10)
    before_workers = running(start(world, Job.Kind.MEMBERS_EXPORT), worker="", minutes_ago=10)
    run_worker()
    states = [Job.objects.get(pk=j.pk).state for j in (mine, away, silent, before_workers)]
    # A worker of another machine cannot be looked at: its jobs fail once their heartbeat
    # has stopped for STALE_AFTER, like those claimed before workers were recorded.
    assert states == [Job.State.RUNNING, Job.State.RUNNING, Job.State.FAILED, Job.State.FAILED]


def test_a_process_id_given_to_another_process_is_not_the_worker(world):
    me = runner.worker_identity()
    assert runner.worker_is_gone(me) is False
    host, boot, pid, started = me.split("|")
    assert pid == str(os.getpid())
    assert runner.worker_is_gone(f"{host}|{boot}|{pid}|{int(started) - 1}") is True
    assert runner.worker_is_gone(f"{host}|another-boot|{pid}|{started}") is True
    assert runner.worker_is_gone(gone_worker()) is True
    assert runner.worker_is_gone(f"elsewhere|{boot}|{pid}|{started}") is None
    assert runner.worker_is_gone("") is None


def test_only_an_import_waiting_for_confirmation_can_be_confirmed(world, handlers):
    export = start(world, Job.Kind.MEMBERS_EXPORT)
    with pytest.raises(ValidationError):
        services.job_confirm(actor=world.secretary, job=export)
    imported = start(world, Job.Kind.MEMBERS_IMPORT)
    with pytest.raises(ValidationError):
        services.job_confirm(actor=world.secretary, job=imported)  # not checked yet
    Job.objects.filter(pk=imported.pk).update(state=Job.State.AWAITING_CONFIRMATION)
    imported.refresh_from_db()
    confirmed = services.job_confirm(actor=world.secretary, job=imported)
    assert confirmed.state == Job.State.QUEUED and confirmed.params["phase"] == "apply"

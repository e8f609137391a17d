"""Jobs through the real task worker: progress, output written whole or not at all, failures
that can be tried again, stalled jobs, confirmation only for imports waiting for it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

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

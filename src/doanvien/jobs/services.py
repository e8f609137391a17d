"""Starting, confirming and retrying jobs. The task row is written in the same transaction as
the job (the task backend is the database), so a job never exists without its task."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from doanvien.core import requestlog
from doanvien.core.spreadsheets import importing

from . import files
from .models import Job
from .runner import run_job, worker_is_gone

# A running job that has not reported for this long is taken as dead and may be retried.
STALE_AFTER = timedelta(seconds=getattr(settings, "JOB_STALE_SECONDS", 300))


def _enqueue(job: Job) -> None:
    run_job.enqueue(str(job.pk))


def job_start(*, actor, kind: str, unit, params: dict | None = None, upload=None) -> Job:
    """Queue a job. `upload` (an uploaded file) is kept in the job's folder for the handler."""
    params = {**(params or {}), "language": get_language() or "vi"}
    # The request that started it, for the worker's log lines (core/requestlog.py).
    if requestlog.request_id():
        params["request_id"] = requestlog.request_id()
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            unit=unit,
            created_by=actor,
            params=params,
            input_name=Path(upload.name).name[:255] if upload else "",
        )
        if upload is not None:
            files.save_input(job, upload, Path(upload.name).suffix.lower()[:10])
        _enqueue(job)
    return job


def is_stale(job: Job, now=None) -> bool:
    now = now or timezone.now()
    if job.state not in (Job.State.QUEUED, Job.State.RUNNING):
        return False
    last = job.heartbeat_at or job.created_at
    return now - last > STALE_AFTER


def fail_abandoned_jobs(*, now=None) -> list[Job]:
    """Fail the jobs left running by a worker that is gone: one of this machine whose process
    has ended (the worker was killed, or ran out of memory), or any whose heartbeat stopped
    STALE_AFTER ago. Run by a worker as it starts (the db_worker command), so that such a job
    shows as failed, ready to be tried again, instead of running for ever. An import such a
    worker left half-written (some of its chunks committed: core/spreadsheets/importing.py)
    is undone first, chunk by chunk, so that failing the job says truly that nothing of it is
    left; so is what any other job that is not running left behind (an import whose own undo
    failed). A job whose work committed is not running any more (runner.save_outcome)."""
    now = now or timezone.now()
    failed = []
    for job in Job.objects.filter(state=Job.State.RUNNING):
        gone = worker_is_gone(job.worker)
        if not (gone or (gone is None and is_stale(job, now))):
            continue
        undone = importing.undo_import(job.pk)
        with translation.override(job.params.get("language") or "vi"):
            if undone:
                message = _(
                    "The worker running this import stopped while it was writing (the server "
                    "restarted, or the job needed more memory than the server has). What it "
                    "had written has been undone: nothing of the file is left. You can try "
                    "again."
                )
            else:
                message = _(
                    "The worker running this job stopped before the job finished (the server "
                    "restarted, or the job needed more memory than the server has). Nothing "
                    "was written; you can try again."
                )
        # Only if nobody else has moved it on meanwhile.
        if Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, worker=job.worker).update(
            state=Job.State.FAILED, message=message, finished_at=now, heartbeat_at=now
        ):
            failed.append(job)
    # Imports run outside a job (a command, a test) are undone by their own run.
    left = Job.objects.filter(pk__in=importing.half_written()).exclude(state=Job.State.RUNNING)
    for import_id in left.order_by("created_at").values_list("pk", flat=True):
        importing.undo_import(import_id)
    return failed


def can_retry(job: Job) -> bool:
    return job.state == Job.State.FAILED or is_stale(job)


def _requeue(job: Job, **params) -> Job:
    if job.is_import:
        importing.undo_import(job.pk)  # what a run of it that died left half-written
    with transaction.atomic():
        job.params = {**job.params, **params}
        job.state = Job.State.QUEUED
        job.done = job.total = 0
        job.errors, job.result, job.message, job.output_name = [], {}, "", ""
        job.heartbeat_at = timezone.now()
        job.finished_at = None
        job.save()
        files.clear_output(job)
        _enqueue(job)
    return job


def job_retry(*, actor, job: Job) -> Job:
    """Run a failed job again, or one whose worker died (no progress for STALE_AFTER)."""
    if not can_retry(job):
        raise ValidationError(_("Only a failed or stalled job can be tried again."))
    return _requeue(job)


def job_confirm(*, actor, job: Job) -> Job:
    """The user has seen an import's preview: write it (checked again against the database as
    it is now, all or nothing)."""
    if not job.is_import:
        raise ValidationError(_("Only an import can be confirmed."))
    if job.state != Job.State.AWAITING_CONFIRMATION:
        raise ValidationError(
            _("This import cannot be confirmed now (its state is “%(state)s”).")
            % {"state": job.get_state_display()}
        )
    return _requeue(job, phase="apply")

"""Running a job: the task the worker picks up, the progress it reports, and the handler that
does the work for each kind. A handler is `handler(job, progress) -> Outcome`; it lives with the
app that owns the work and is named here."""

import logging
import time
from dataclasses import dataclass, field

from django.db.models import F
from django.tasks import task
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

HANDLERS = {
    Job.Kind.REPORT_EXPORT: "doanvien.reports.jobs.export_subtree",
    Job.Kind.MEMBERS_IMPORT: "doanvien.members.jobs.import_members",
    Job.Kind.MEMBERS_EXPORT: "doanvien.members.jobs.export_members",
    Job.Kind.REGISTRATIONS_IMPORT: "doanvien.training.jobs.import_registrations",
    Job.Kind.REGISTRATIONS_EXPORT: "doanvien.training.jobs.export_registrations",
}


@dataclass
class Outcome:
    state: str = Job.State.SUCCEEDED
    result: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    message: str = ""
    output_name: str = ""


class Progress:
    """Called by a handler as `progress(done, total)`; written at most every `every` seconds
    (and always at the end), each write also being the job's heartbeat."""

    def __init__(self, job: Job, every: float = 0.5):
        self.job, self.every, self.last = job, every, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        Job.objects.filter(pk=self.job.pk).update(
            done=done, total=total, heartbeat_at=timezone.now()
        )


def _claim(job_id) -> Job | None:
    """Mark a queued job running; None if it is not queued (run already, or taken by another
    worker)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        done=0,
        message="",
    )
    return Job.objects.select_related("unit", "created_by").get(pk=job_id) if claimed else None


def run(job_id) -> str:
    """Run one job to its end state. Whatever happens in the handler, the job ends finished: an
    unexpected error marks it failed (the handler's writes are all-or-nothing) and it can be
    tried again."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    with translation.override(job.params.get("language") or "vi"):
        try:
            outcome = import_string(HANDLERS[job.kind])(job, Progress(job))
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            outcome = Outcome(
                state=Job.State.FAILED,
                message=_(
                    "The job stopped on an unexpected error. Nothing was written; you can try "
                    "again."
                ),
            )
    Job.objects.filter(pk=job.pk).update(
        state=outcome.state,
        result=outcome.result,
        errors=outcome.errors,
        message=outcome.message,
        output_name=outcome.output_name,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    return outcome.state


@task
def run_job(job_id: str) -> str:
    return run(job_id)

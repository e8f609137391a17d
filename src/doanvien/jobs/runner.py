"""Running a job: the task the worker picks up, the progress it reports, and the handler that
does the work for each kind. A handler is `handler(job, progress) -> Outcome`; it lives with the
app that owns the work and is named here."""

import logging
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import F
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from doanvien.core import metrics, requestlog
from doanvien.notifications.models import Kind
from doanvien.notifications.services import notify

from .models import Job

logger = logging.getLogger(__name__)

HANDLERS = {
    Job.Kind.REPORT_EXPORT: "doanvien.reports.jobs.export_subtree",
    Job.Kind.MEMBERS_IMPORT: "doanvien.members.jobs.import_members",
    Job.Kind.MEMBERS_EXPORT: "doanvien.members.jobs.export_members",
    Job.Kind.REGISTRATIONS_IMPORT: "doanvien.training.jobs.import_registrations",
    Job.Kind.REGISTRATIONS_EXPORT: "doanvien.training.jobs.export_registrations",
    Job.Kind.ACTIVATION_CODES: "doanvien.member_accounts.jobs.issue_codes",
    Job.Kind.UNITS_IMPORT: "doanvien.units.jobs.import_units",
    Job.Kind.YOUTHS_IMPORT: "doanvien.youth.jobs.import_youths",
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
    (EVERY by default; and always at the end), each write also being the job's heartbeat."""

    EVERY = 0.5

    def __init__(self, job: Job, every: float | None = None):
        self.job, self.last = job, 0.0
        self.every = self.EVERY if every is None else every

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        Job.objects.filter(pk=self.job.pk).update(
            done=done, total=total, heartbeat_at=timezone.now()
        )


# --- which worker runs a job ------------------------------------------------------------------


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _started(pid: int) -> str:
    """When process `pid` started (clock ticks since boot), "" if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[19]  # field 22; the name in brackets may hold spaces


def worker_identity(pid: int | None = None) -> str:
    """This process (or process `pid` of this machine) as the worker of a job: machine, boot,
    process id and start time, so that the process id of a worker that is gone, given to
    another process since, is not taken for it."""
    pid = os.getpid() if pid is None else pid
    return "|".join((socket.gethostname(), _boot_id(), str(pid), _started(pid)))[:200]


def worker_is_gone(identity: str) -> bool | None:
    """Whether the worker process of `identity` has ended: None when this process cannot tell
    (a worker of another machine, a job claimed before workers were recorded)."""
    parts = identity.split("|")
    if len(parts) != 4:
        return None
    host, boot, pid, started = parts
    if host != socket.gethostname() or not pid.isdigit() or not started:
        return None
    if boot != _boot_id():
        return True  # the machine restarted since
    return _started(int(pid)) != started


# --- running a job ---------------------------------------------------------------------------


def _claim(job_id) -> Job | None:
    """Mark a queued job running (by this worker); None if it is not queued (run already, or
    taken by another worker)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        done=0,
        message="",
        worker=worker_identity(),
    )
    return Job.objects.select_related("unit", "created_by").get(pk=job_id) if claimed else None


def save_outcome(job: Job, outcome: Outcome) -> None:
    """Write how the job ended. A handler whose work commits (an import being written) calls
    it inside its own transaction too, so that a job whose work committed is never left
    running, whatever becomes of its worker after the commit."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=outcome.state,
        result=outcome.result,
        errors=outcome.errors,
        message=outcome.message,
        output_name=outcome.output_name,
        finished_at=now,
        heartbeat_at=now,
    )


def run(job_id) -> str:
    """Run one job to its end state. Whatever happens in the handler, the job ends finished: an
    unexpected error marks it failed (the handler's writes are all-or-nothing) and it can be
    tried again."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    # Every line logged meanwhile names the job and the request that started it.
    context = requestlog.bind(
        request_id=job.params.get("request_id"), user_id=job.created_by_id, job=str(job.pk)
    )
    started = time.perf_counter()
    try:
        with translation.override(job.params.get("language") or "vi"):
            try:
                outcome = import_string(HANDLERS[job.kind])(job, Progress(job))
            except Exception:
                logger.exception("job %s (%s) failed", job.pk, job.kind)
                outcome = Outcome(
                    state=Job.State.FAILED,
                    message=_(
                        "The job stopped on an unexpected error. Nothing was written; you can "
                        "try again."
                    ),
                )
        save_outcome(job, outcome)
        _tell_owner(job, outcome)
        seconds = time.perf_counter() - started
        metrics.job_done(job.kind, outcome.state, seconds)
        logger.info(
            "job finished",
            extra={"kind": job.kind, "state": outcome.state, "duration_ms": round(seconds * 1000)},
        )
    finally:
        requestlog.unbind(context)
    return outcome.state


def _tell_owner(job: Job, outcome: Outcome) -> None:
    """The person who started the job learns how it ended (or that it waits for him)."""
    if job.created_by_id is None:
        return
    with translation.override(job.params.get("language") or "vi"):
        title = _("%(job)s: %(state)s") % {
            "job": job.get_kind_display(),
            "state": Job.State(outcome.state).label,
        }
    notify(
        users=[job.created_by],
        kind=Kind.JOB_FINISHED,
        title=str(title),
        url=reverse("jobs:job-detail", kwargs={"job_id": job.pk}),
    )


@task
def run_job(job_id: str) -> str:
    return run(job_id)

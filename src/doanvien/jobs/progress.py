"""Progress of work done inside one long transaction (an import being written): saved on a
connection of its own, so that the job page sees the bar move before the transaction commits."""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, connections
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)

# How often (seconds) the progress of an import being written is saved, like the runner's.
WRITE_PROGRESS_EVERY = 0.5


class ProgressOnItsOwnConnection:
    """`progress(done, total)` for work done inside one long transaction: saved by a thread
    with a database connection of its own, so that the job page (another connection) sees it
    before the transaction commits, and the job's heartbeat goes on. The last value reported
    is always saved before `close()` returns."""

    def __init__(self, job, every: float):
        self.job_pk, self.every = job.pk, every
        self.pending: tuple[int, int] | None = None
        self.closing = False
        self.wake = threading.Condition()
        self.thread = threading.Thread(target=self._save_loop, name=f"job-progress-{job.pk}")
        self.thread.start()

    def __call__(self, done: int, total: int) -> None:
        with self.wake:
            self.pending = (done, total)
            self.wake.notify()

    def close(self) -> None:
        with self.wake:
            self.closing = True
            self.wake.notify()
        self.thread.join()

    def _save_loop(self) -> None:
        try:
            while True:
                with self.wake:
                    while self.pending is None and not self.closing:
                        self.wake.wait()
                    value, self.pending = self.pending, None
                    closing = self.closing
                if value is None:  # closed, and everything reported is saved
                    return
                self._save(*value)
                if not closing:  # at most one save every `every` seconds, until closed
                    with self.wake:
                        self.wake.wait_for(lambda: self.closing, timeout=self.every)
        finally:
            connections.close_all()  # this thread's connections only

    def _save(self, done: int, total: int) -> None:
        try:
            Job.objects.filter(pk=self.job_pk).update(
                done=done, total=total, heartbeat_at=timezone.now()
            )
        except Exception:  # progress is for show: it never stops the import
            logger.exception("could not save the progress of job %s", self.job_pk)


@contextmanager
def import_progress(job, progress, *, confirm: bool, message: str) -> Iterator[Callable]:
    """The progress to give an import: the runner's when checking; when writing (confirm),
    `message` is shown on the job page as the phase and the progress is saved outside the
    import's transaction, so that the bar moves while the rows are written (see
    `ProgressOnItsOwnConnection`). For every kind of import (members, registrations).

    SQLite has one writer at a time: while the import's transaction holds the database nobody
    else can write, so there the progress goes to the runner's as before and the page sees it
    when the transaction commits (the phase message and the "0 of N" reported before the
    transaction begins are seen at once)."""
    if not confirm:
        yield progress
        return
    Job.objects.filter(pk=job.pk).update(message=message, heartbeat_at=timezone.now())
    if connection.vendor == "sqlite":
        yield progress
        return
    writer = ProgressOnItsOwnConnection(job, WRITE_PROGRESS_EVERY)
    try:
        yield writer
    finally:
        writer.close()

"""Progress of an import being written (after the user confirmed): the phase on the job page."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.utils import timezone

from .models import Job


@contextmanager
def import_progress(job, progress, *, confirm: bool, message: str) -> Iterator[Callable]:
    """The progress to give an import: the runner's. When writing (confirm), `message` is shown
    on the job page as the phase first. An import reports its progress between the short
    transactions it writes its chunks in (core/spreadsheets/importing.py), so the job page
    (another connection) sees the bar move and the job's heartbeat goes on, on PostgreSQL and
    on SQLite alike. For every kind of import."""
    if confirm:
        Job.objects.filter(pk=job.pk).update(message=message, heartbeat_at=timezone.now())
    yield progress

"""The background-job worker: django-tasks-db's `db_worker`, which first fails the jobs that a
worker that is gone left running (services.fail_abandoned_jobs), and beats a heartbeat every
ten seconds from a thread of its own (core/heartbeats.py, reported by /readyz). The jobs app
comes before django_tasks_db in INSTALLED_APPS, so that this command is the one `manage.py
db_worker` runs."""

import logging

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from doanvien.actions import daily
from doanvien.core import heartbeats
from doanvien.jobs import services

logger = logging.getLogger(__name__)


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background-job worker; first fail the jobs left running by a worker that is gone."
    )

    def handle(self, *args, **options) -> None:
        for job in services.fail_abandoned_jobs():
            logger.warning("job %s (%s) left running by a worker that is gone", job.pk, job.kind)
        if not options.get("batch"):  # a worker that stays: /readyz reports its heartbeat's age
            heartbeats.beat_in_background("worker")
            daily.schedule()  # the nightly work (actions/daily.py), queued once
        super().handle(*args, **options)

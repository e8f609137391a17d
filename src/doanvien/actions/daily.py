"""The daily work, run by the background worker itself (no cron needed): reminders of the
deadlines three days ahead, and the erasure of the youth records past their retention period.
`manage.py daily` runs it by hand (or from a scheduler, in production, if the worker's own
schedule is not wanted); it does nothing twice for the same day."""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from doanvien.notifications.models import Kind, Reminder
from doanvien.notifications.services import cadres_of, notify
from doanvien.training.models import Deadline
from doanvien.youth.services import youths_erase_expired

REMIND_DAYS = 3
# The hour of the day the worker runs it (server's local time).
RUN_AT = time(2, 0)


def _once(key: str) -> bool:
    """Whether `key` was not done yet (and mark it done, in the caller's transaction)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def deadline_reminders(*, today: date) -> int:
    """Tell the people of each unit that set a deadline falling in REMIND_DAYS days (its own date,
    or its extension) that it comes: they pass it on below. How many were told."""
    due = today + timedelta(days=REMIND_DAYS)
    told = 0
    deadlines = (
        Deadline.objects.filter(Q(extended_to=due) | Q(extended_to__isnull=True, due_on=due))
        .select_related("unit")
        .order_by("pk")
    )
    for deadline in deadlines.iterator(chunk_size=500):
        with transaction.atomic():
            if not _once(f"deadline:{deadline.pk}:{due.isoformat()}"):
                continue
            told += notify(
                users=cadres_of(deadline.unit_id),
                kind=Kind.DEADLINE_SOON,
                title=_("%(deadline)s %(year)s: due on %(date)s, in %(days)s days.")
                % {
                    "deadline": deadline.get_kind_display(),
                    "year": deadline.year,
                    "date": due.strftime("%d/%m/%Y"),
                    "days": REMIND_DAYS,
                },
                url=reverse(
                    "training:training-deadlines",
                    kwargs={"unit_id": deadline.unit_id, "year": deadline.year},
                ),
            )
    return told


def daily(*, today: date | None = None) -> dict[str, int]:
    """The day's work; what it did, by part."""
    today = today or timezone.localdate()
    return {
        "deadline_reminders": deadline_reminders(today=today),
        "youths_erased": youths_erase_expired(today=today),
    }


def next_run(now: datetime | None = None) -> datetime:
    """The next RUN_AT, local time."""
    now = timezone.localtime(now)
    at = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


@task
def daily_task() -> dict[str, int]:
    """Run by the worker at RUN_AT; it puts the next day's run in the queue first."""
    schedule(force=True)
    return daily()


def schedule(*, force: bool = False) -> bool:
    """Put the next run in the queue unless one waits already (the worker calls it as it starts).
    Whether one was queued."""
    waiting = DBTaskResult.objects.filter(
        task_path=daily_task.module_path,
        status=TaskResultStatus.READY,
        run_after__gt=timezone.now(),
    )
    if waiting.exists() and not force:
        return False
    daily_task.using(run_after=next_run()).enqueue()
    return True

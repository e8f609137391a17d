"""The daily work the worker runs itself: deadline reminders three days ahead (once each), the
erasure of expired youth records, and its own next run kept in the queue."""

from datetime import date, datetime, timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doanvien.actions import daily
from doanvien.notifications.models import Kind, Notification
from doanvien.training.models import Deadline

TODAY = date(2026, 9, 27)


def test_the_people_of_the_unit_that_set_a_deadline_are_reminded_three_days_ahead(world):
    Deadline.objects.create(
        unit=world.district, year=2026, kind="registration", due_on=date(2026, 9, 30)
    )
    Deadline.objects.create(unit=world.base, year=2026, kind="evaluation", due_on=date(2026, 10, 1))
    Deadline.objects.create(
        unit=world.branch,
        year=2026,
        kind="registration",
        due_on=date(2026, 9, 20),
        extended_to=date(2026, 9, 30),
    )
    told = daily.deadline_reminders(today=TODAY)
    reminded = set(
        Notification.objects.filter(kind=Kind.DEADLINE_SOON).values_list("user", flat=True)
    )
    # The district has no one holding a role on it in this world; the branch's secretary is
    # told of its extended deadline; the base union's falls on another day.
    assert reminded == {world.secretary.pk} and told == 1
    (note,) = Notification.objects.filter(kind=Kind.DEADLINE_SOON)
    assert "30/09/2026" in note.title
    assert note.url == f"/units/{world.branch.pk}/training/2026/deadlines/"
    assert daily.deadline_reminders(today=TODAY) == 0  # never twice


def test_the_day_s_work_reports_what_it_did(world):
    assert daily.daily(today=TODAY) == {"deadline_reminders": 0, "youths_erased": 0}


def test_the_command_runs_it(world, capsys):
    call_command("daily")
    assert '"deadline_reminders"' in capsys.readouterr().out


def test_the_next_run_is_at_two_at_night_and_queued_once(db):
    local = timezone.get_current_timezone()
    evening = datetime(2026, 9, 27, 21, 0, tzinfo=local)
    assert daily.next_run(evening) == datetime(2026, 9, 28, 2, 0, tzinfo=local)
    night = datetime(2026, 9, 28, 1, 0, tzinfo=local)
    assert daily.next_run(night) == datetime(2026, 9, 28, 2, 0, tzinfo=local)
    assert daily.schedule() is True
    assert daily.schedule() is False  # one waits already
    queued = DBTaskResult.objects.filter(task_path="doanvien.actions.daily.daily_task")
    assert queued.count() == 1
    assert queued.get().run_after - timezone.now() <= timedelta(days=1)

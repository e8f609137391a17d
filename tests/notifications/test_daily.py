"""The daily work the worker runs itself: deadline reminders three days ahead (once each), the
erasure of expired youth records, and its own next run kept in the queue."""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doanvien.actions import daily
from doanvien.notifications.models import Kind, Notification, Reminder
from doanvien.training.models import BranchResult, Deadline
from tests.factories import make_user

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
    # told once of its extended deadline (the district's falls on the same day but is not the
    # one that applies to her branch); the other base union's branch is under the district's
    # deadline; the base union's evaluation falls on another day.
    assert reminded == {world.secretary.pk, world.outsider.pk} and told == 2
    mine = Notification.objects.get(kind=Kind.DEADLINE_SOON, user=world.secretary)
    assert "30/09/2026" in mine.title
    assert mine.url == f"/units/{world.branch.pk}/training/2026/"
    assert daily.deadline_reminders(today=TODAY) == 0  # never twice


def test_a_deadline_reaches_the_branches_it_applies_to_with_its_work_still_to_do(world):
    secretary2 = make_user("secretary2", role="secretary", unit=world.branch2)
    Deadline.objects.create(unit=world.base, year=2026, kind="evaluation", due_on=date(2026, 9, 30))
    # Branch 2 has sent its results up: nothing left to do before the deadline.
    BranchResult.objects.create(
        branch=world.branch2,
        unit_path=world.branch2.path,
        year=2026,
        state=BranchResult.State.SUBMITTED,
    )
    # The base union's people (who set it) and the secretary of the branch that has not.
    assert daily.deadline_reminders(today=TODAY) == 2
    assert not Notification.objects.filter(user=secretary2).exists()
    note = Notification.objects.get(user=world.secretary)
    assert note.url == f"/units/{world.branch.pk}/training/2026/assessment/"
    # The other base union's branch is not under the deadline.
    assert not Notification.objects.filter(user=world.outsider).exists()


def test_the_recognising_unit_is_reminded_while_results_wait_for_it(world):
    Deadline.objects.create(
        unit=world.district, year=2026, kind="recognition", due_on=date(2026, 9, 30)
    )
    assert daily.deadline_reminders(today=TODAY) == 0  # nothing waits for the base union
    BranchResult.objects.create(
        branch=world.branch, unit_path=world.branch.path, year=2026, state="submitted"
    )
    assert daily.deadline_reminders(today=TODAY) == 1
    (note,) = Notification.objects.filter(kind=Kind.DEADLINE_SOON)
    assert note.user_id == world.base_cadre.pk
    assert note.url == f"/units/{world.base.pk}/training/2026/progress/"


@pytest.mark.shipped_deadlines
def test_the_shipped_default_deadlines_remind_every_branch_they_apply_to(world):
    # Shipped: registration by 15/11 of the year before (the schools by 15/5), new members'
    # registration by 15/11 of the year itself.
    today = date(2025, 11, 15) - timedelta(days=daily.REMIND_DAYS)
    assert daily.deadline_reminders(today=today) == 3
    branch = world.other_branch.pk  # residential: under the general defaults
    urls = set(Notification.objects.filter(user=world.outsider).values_list("url", flat=True))
    assert urls == {f"/units/{branch}/training/2026/", f"/units/{branch}/training/2025/"}
    # The school branches' registration falls on another day; their new members' does not.
    mine = Notification.objects.filter(user=world.secretary).values_list("url", flat=True)
    assert list(mine) == [f"/units/{world.branch.pk}/training/2025/"]
    assert daily.deadline_reminders(today=today) == 0


def test_the_day_s_work_reports_what_it_did(world):
    assert daily.daily(today=TODAY) == {
        "deadline_reminders": 0,
        "years_closed": 0,
        "returns_reset": 0,
        "youths_erased": 0,
        "reminder_keys_forgotten": 0,
    }


def test_reminder_keys_are_forgotten_after_sixty_days(world):
    old = Reminder.objects.create(key="due:registration:2026:2026-07-01:1")
    Reminder.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=61))
    recent = Reminder.objects.create(key="due:registration:2026:2026-09-30:1")
    assert daily.reminders_forget(today=timezone.localdate()) == 1
    assert list(Reminder.objects.values_list("pk", flat=True)) == [recent.pk]


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

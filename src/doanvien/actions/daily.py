"""The daily work, run by the background worker itself (no cron needed): reminders of the
deadlines three days ahead (to the unit that set one and to the units under it with its work
still to do), the close of the programme years that have ended (training/services/closing.py),
the statistics returns' status reset days (returns.services.campaigns_reset), and the erasure
of the youth records past their retention period.
`manage.py daily` runs it by hand (or from a scheduler, in production, if the worker's own
schedule is not wanted); it does nothing twice for the same day."""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Length, Substr
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from doanvien.notifications.models import Kind, Reminder
from doanvien.notifications.services import cadres_of, committee_of, notify
from doanvien.returns.services import campaigns_reset
from doanvien.training.models import BranchResult, Deadline, DefaultDeadline, YearStats
from doanvien.training.selectors import deadlines_applying
from doanvien.training.services.closing import years_close
from doanvien.units.models import Unit
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


def _told_setter(deadline: Deadline, due: date) -> int:
    """The people of the unit that set the deadline: they pass it on below (a branch that set
    its own is told as the units under a deadline are, where its work is still to do)."""
    if deadline.unit.is_branch or not _once(_key(deadline, due, deadline.unit_id)):
        return 0
    return notify(
        users=cadres_of(deadline.unit_id),
        kind=Kind.DEADLINE_SOON,
        title=_title(deadline, due),
        url=reverse(
            "training:training-deadlines",
            kwargs={"unit_id": deadline.unit_id, "year": deadline.year},
        ),
    )


def _key(deadline: Deadline, due: date, unit_id: int) -> str:
    """A unit is told once of a kind's deadline of a year falling on a day, whichever unit set
    it (its own deadline and one above falling on the same day are one reminder)."""
    return f"due:{deadline.kind}:{deadline.year}:{due.isoformat()}:{unit_id}"


def _title(deadline: Deadline, due: date) -> str:
    return _("%(deadline)s %(year)s: due on %(date)s, in %(days)s days.") % {
        "deadline": deadline.get_kind_display(),
        "year": deadline.year,
        "date": due.strftime("%d/%m/%Y"),
        "days": REMIND_DAYS,
    }


def _same(applying: Deadline | None, deadline: Deadline) -> bool:
    """Whether the deadline that applies to a unit is this one (a shipped default has no row)."""
    if applying is None:
        return False
    if deadline.pk is not None:
        return applying.pk == deadline.pk
    return applying.pk is None and applying.sector == deadline.sector


def _pending(kind: str, units: list[Unit], year: int) -> dict[int, str]:
    """Of these units, those with the deadline's work still to do, unit id → the page where it
    is done: members not registered (the roll-ups' row of the branch, or no row yet), results
    not sent up, results sent up to the unit and not recognised."""
    ids = [u.pk for u in units]
    if kind == Deadline.Kind.EVALUATION:
        done = set(
            BranchResult.objects.filter(
                branch_id__in=ids,
                year=year,
                state__in=[BranchResult.State.SUBMITTED, BranchResult.State.RECOGNISED],
            ).values_list("branch_id", flat=True)
        )
        return {
            pk: reverse("training:branch-assessment", args=[pk, year])
            for pk in ids
            if pk not in done
        }
    if kind == Deadline.Kind.RECOGNITION:
        by_path = {u.path: u.pk for u in units}
        parents = (
            BranchResult.objects.filter(year=year, state=BranchResult.State.SUBMITTED)
            .annotate(parent=Substr("unit_path", 1, Length("unit_path") - Unit.steplen))
            .filter(parent__in=list(by_path))
            .values_list("parent", flat=True)
            .distinct()
        )
        return {
            by_path[path]: reverse("training:training-progress", args=[by_path[path], year])
            for path in parents
        }
    counted = dict(
        YearStats.objects.filter(unit_id__in=ids, year=year).values_list(
            "unit_id", F("members") - F("registered")
        )
    )
    return {
        pk: reverse("training:branch-training", args=[pk, year])
        for pk in ids
        if counted.get(pk, 1) > 0
    }


def _told_below(deadline: Deadline, due: date, under: str) -> int:
    """The committees of the units under `under` (a path; "" for the whole tree) to which this
    deadline applies (no nearer one of theirs) and that have its work still to do: the
    branches for registration and evaluation, the units recognising their branches' results for
    recognition. Each unit once per kind, year and day, whichever deadline it came from."""
    recognising = deadline.kind == Deadline.Kind.RECOGNITION
    units = Unit.objects.filter(path__startswith=under, is_active=True).order_by("path")
    units = (
        units.exclude(kind=Unit.Kind.BRANCH) if recognising else units.filter(kind=Unit.Kind.BRANCH)
    )
    if deadline.sector:
        units = units.filter(sector=deadline.sector)
    told = 0
    chunk: list[Unit] = []
    for unit in units.only("pk", "path", "depth", "sector", "kind").iterator(chunk_size=500):
        chunk.append(unit)
        if len(chunk) == 500:
            told += _tell_chunk(deadline, due, chunk)
            chunk = []
    if chunk:
        told += _tell_chunk(deadline, due, chunk)
    return told


def _tell_chunk(deadline: Deadline, due: date, units: list[Unit]) -> int:
    applying = deadlines_applying(
        [(u, u.sector) for u in units], deadline.year, kinds=[deadline.kind]
    )
    concerned = [
        u
        for u, found in zip(units, applying, strict=True)
        if _same(found.get(deadline.kind), deadline)
    ]
    told = 0
    for pk, url in _pending(deadline.kind, concerned, deadline.year).items():
        with transaction.atomic():
            if not _once(_key(deadline, due, pk)):
                continue
            told += notify(
                users=committee_of(pk)
                if deadline.kind != Deadline.Kind.RECOGNITION
                else cadres_of(pk),
                kind=Kind.DEADLINE_SOON,
                title=_title(deadline, due),
                url=url,
            )
    return told


def _defaults_due(due: date) -> list[Deadline]:
    """The shipped default deadlines falling on `due` in a programme year around it."""
    found = []
    for default in DefaultDeadline.objects.all():
        for year in (due.year - 1, due.year, due.year + 1):
            deadline = default.for_year(year)
            if deadline.due_on == due:
                found.append(deadline)
    return found


def deadline_reminders(*, today: date) -> int:
    """Tell of each deadline falling in REMIND_DAYS days (its own date, or its extension) the
    people of the unit that set it, and the committees of the units under it that it applies to
    and that have its work still to do (the shipped defaults apply to the whole tree). How many
    people were told."""
    due = today + timedelta(days=REMIND_DAYS)
    told = 0
    deadlines = (
        Deadline.objects.filter(Q(extended_to=due) | Q(extended_to__isnull=True, due_on=due))
        .select_related("unit")
        .order_by("pk")
    )
    for deadline in deadlines.iterator(chunk_size=500):
        with transaction.atomic():
            told += _told_setter(deadline, due)
        told += _told_below(deadline, due, deadline.unit.path)
    for deadline in _defaults_due(due):
        told += _told_below(deadline, due, "")
    return told


# A reminder's key is kept this long (a deadline is never reminded of again after its day).
KEEP_KEYS_DAYS = 60


def reminders_forget(*, today: date) -> int:
    """Delete the keys of reminders sent more than KEEP_KEYS_DAYS ago. How many."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=KEEP_KEYS_DAYS), time()))
    deleted, _kinds = Reminder.objects.filter(sent_at__lt=since).delete()
    return deleted


def daily(*, today: date | None = None) -> dict[str, int]:
    """The day's work; what it did, by part."""
    today = today or timezone.localdate()
    return {
        "deadline_reminders": deadline_reminders(today=today),
        "years_closed": years_close(today=today),
        "returns_reset": campaigns_reset(today=today),
        "youths_erased": youths_erase_expired(today=today),
        "reminder_keys_forgotten": reminders_forget(today=today),
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

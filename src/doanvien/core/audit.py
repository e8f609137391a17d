"""The audit trail: every service that changes a unit, a member or a role writes an event here."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Subquery
from django.utils import timezone

from . import import_tags
from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, in a form that can be stored as JSON."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _units():
    return apps.get_model("units", "Unit").objects


def unit_id_at(unit_path: str):
    """The id of the unit at `unit_path`, as a subquery written into the event's INSERT (no
    round trip of its own); None for an event that belongs to no unit."""
    if not unit_path:
        return None
    return Subquery(_units().filter(path=unit_path).values("pk")[:1])


def record(
    *,
    actor,
    action: str,
    target: models.Model,
    unit_path: str = "",
    summary: str = "",
    changes: dict | None = None,
) -> None:
    """Write one event. It belongs to the unit at `unit_path` (kept by id: a later move of
    the unit rewrites nothing here; the path is kept as it was, as history)."""
    AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        unit_id=unit_id_at(unit_path),
        unit_path=unit_path,
        summary=summary[:300],
        changes=changes or {},
        import_id=import_tags.current(),
    )


def subtree_units(unit_path: str):
    """The ids of the units in the subtree at `unit_path` as it stands now."""
    return _units().filter(path__startswith=unit_path).values("pk")


def unit_events(unit_id: int, actions, limit: int = 30) -> list[AuditEvent]:
    """The latest events of these kinds recorded on this unit itself."""
    return list(
        AuditEvent.objects.filter(unit_id=unit_id, action__in=list(actions))
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def history(target: models.Model):
    return AuditEvent.objects.filter(
        target_type=target._meta.model_name, target_id=target.pk
    ).select_related("actor")


# --- searching the trail ----------------------------------------------------------------------

# Events that read a full ID number: listed apart from the changes.
ID_NUMBER_READS = (
    "member.id_number_viewed",
    "member.id_number_searched",
    "members.id_number_searched",
    "members.exported",
)


ID_MARGIN = timedelta(days=1)


def _id_near(*, newest: bool, **at) -> int | None:
    """The id of the first (or last) event in a time range, by the index on the time."""
    order = "-at" if newest else "at"
    return AuditEvent.objects.filter(**at).order_by(order).values_list("id", flat=True).first()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search(
    *,
    unit_path: str,
    actor: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    id_number_reads: bool | None = None,
    target_type: str = "",
    target_id: int | None = None,
):
    """The events of the subtree at `unit_path`, newest first (by id, the order they were
    written): by the actor's user name, an action or a family of them ("unit." for every unit
    event), the object (its type, e.g. "member", and id), a period (dates, `until` included),
    and only (True) or without (False) the reads of full ID numbers. Read only: the trail is
    never changed by the application."""
    events = AuditEvent.objects.filter(unit__in=subtree_units(unit_path))
    if actor:
        # The person's id first (one value the index on (actor, id) can take), not a join.
        users = apps.get_model(settings.AUTH_USER_MODEL).objects
        person = users.filter(username=actor.strip().lower()).values("pk")[:1]
        events = events.filter(actor_id=Subquery(person))
    if action:
        action = action.strip()
        events = (
            events.filter(action__startswith=action)
            if action.endswith(".")
            else events.filter(action=action)
        )
    if target_type:
        events = events.filter(target_type=target_type.strip().lower())
    if target_id is not None:
        events = events.filter(target_id=target_id)
    # Days of the site's time zone, as ranges of the stored times; and, since the ids grow with
    # the times, as a range of ids too (found by the index on the time), so that the page is
    # read backwards by id from the period's end rather than sorted out of the whole period.
    # The id range is a day wider than the period on each side (an event whose id and time
    # disagree by less than that is still found); the times decide.
    if since:
        start = _start_of(since)
        events = events.filter(at__gte=start)
        first = _id_near(at__gte=start - ID_MARGIN, newest=False)
        if first is not None:
            events = events.filter(id__gte=first)
    if until:
        end = _start_of(until + timedelta(days=1))
        events = events.filter(at__lt=end)
        last = _id_near(at__lt=end + ID_MARGIN, newest=True)
        if last is not None:
            events = events.filter(id__lte=last)
    if id_number_reads is True:
        events = events.filter(action__in=ID_NUMBER_READS)
    elif id_number_reads is False:
        events = events.exclude(action__in=ID_NUMBER_READS)
    return events.select_related("actor").order_by("-id")

"""The audit trail: every service that changes a unit, a member or a role writes an event here."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from . import import_tags
from .models import AuditEvent, AuditPersonal

# Where an event's summary names the person it is about (shown from his record, never stored).
PERSON = "{person}"
# The models whose rows are persons, by model name → (person type, app label, model name);
# an event about a row holding one of them (its `member` or `youth`) is about that person.
PERSON_MODELS = {
    "member": ("member", "members", "Member"),
    "youth": ("youth", "youth", "Youth"),
    "admissionrequest": ("admission", "members", "AdmissionRequest"),
}
PERSON_FIELDS = ("member", "youth")


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


def person_of(target: models.Model) -> tuple[str, int, str] | None:
    """The person an event about `target` is about: (type, id, name), or None."""
    found = PERSON_MODELS.get(target._meta.model_name)
    if found:
        return found[0], target.pk, getattr(target, "full_name", "") or ""
    for field in PERSON_FIELDS:
        person_id = getattr(target, f"{field}_id", None)
        if person_id:
            person = getattr(target, field)
            return PERSON_MODELS[field][0], person_id, getattr(person, "full_name", "") or ""
    return None


def impersonal(summary: str, name: str) -> str:
    """The summary with the person's name written as PERSON."""
    return summary.replace(name, PERSON) if name and len(name) > 1 else summary


def fields_only(changes: dict) -> dict:
    """The fields a change touched, without their values (kept in AuditPersonal)."""
    return dict.fromkeys(changes)


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
    the unit rewrites nothing here; the path is kept as it was, as history). An event about a
    person (person_of) stores no personal data: his name in the summary becomes PERSON and
    the values changed go to AuditPersonal."""
    person = person_of(target)
    changes = changes or {}
    if person:
        summary = impersonal(summary, person[2])
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        unit_id=unit_id_at(unit_path),
        unit_path=unit_path,
        summary=summary[:300],
        changes=fields_only(changes) if person else changes,
        person_type=person[0] if person else "",
        person_id=person[1] if person else None,
        import_id=import_tags.current(),
    )
    if person and changes:
        AuditPersonal.objects.create(
            event=event, person_type=person[0], person_id=person[1], changes=changes
        )


def personal_rows(events: list[AuditEvent], changes: list[dict]) -> list[AuditPersonal]:
    """The AuditPersonal rows of events written in bulk (with their ids), one per event about
    a person that changed something."""
    return [
        AuditPersonal(event_id=e.pk, person_type=e.person_type, person_id=e.person_id, changes=c)
        for e, c in zip(events, changes, strict=True)
        if e.person_type and c
    ]


def forget_person(person_type: str, person_id: int) -> int:
    """An erasure: delete the values of the person's record the trail kept (AuditPersonal).
    The events stay as they were written; they show him as erased. How many rows."""
    deleted, _by_model = AuditPersonal.objects.filter(
        person_type=person_type, person_id=person_id
    ).delete()
    return deleted


def shown(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The events, each with `text` (the summary, the person's name as his record has it now,
    or "erased") and `details` (the changes with their values where kept): a page's worth, read
    with one query per kind of person and one for the values."""
    events = list(events)
    about = [e for e in events if e.person_type]
    values = dict(
        AuditPersonal.objects.filter(event_id__in=[e.pk for e in about]).values_list(
            "event_id", "changes"
        )
    )
    names: dict[tuple[str, int], str] = {}
    by_type: dict[str, set[int]] = {}
    for e in about:
        by_type.setdefault(e.person_type, set()).add(e.person_id)
    labels = {kind: (app, model) for kind, app, model in PERSON_MODELS.values()}
    for kind, ids in by_type.items():
        app, model = labels[kind]
        for pk, name in (
            apps.get_model(app, model).objects.filter(pk__in=ids).values_list("pk", "full_name")
        ):
            names[(kind, pk)] = name
    erased = str(_("(erased)"))
    for e in events:
        name = names.get((e.person_type, e.person_id)) or erased
        e.text = e.summary.replace(PERSON, name) if e.person_type else e.summary
        e.details = values.get(e.pk, e.changes) if e.person_type else e.changes
    return events


def subtree_units(unit_path: str):
    """The ids of the units in the subtree at `unit_path` as it stands now."""
    return _units().filter(path__startswith=unit_path).values("pk")


def unit_events(unit_id: int, actions, limit: int = 30) -> list[AuditEvent]:
    """The latest events of these kinds recorded on this unit itself (`shown`)."""
    return shown(
        AuditEvent.objects.filter(unit_id=unit_id, action__in=list(actions))
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def history(target: models.Model):
    return AuditEvent.objects.filter(
        target_type=target._meta.model_name, target_id=target.pk
    ).select_related("actor")


def history_shown(target: models.Model, limit: int = 50) -> list[AuditEvent]:
    """The object's latest events as a page shows them (`shown`)."""
    return shown(history(target)[:limit])


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

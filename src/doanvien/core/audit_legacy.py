"""Events written before the trail kept personal data apart (core migration 0005) named the
person in their summary and held his values in `changes`. This rewrites them the way
`audit.record` writes today: the name becomes PERSON, the values move to AuditPersonal, the
event names its person. Run once by migration 0007 (and by `manage.py audit_impersonal`, which
does nothing more once it has run); it reads the events a batch at a time by id.

It takes the model registry it is given (a migration's historical one, or the live one), so it
uses no model method."""

from collections import defaultdict

from .audit import PERSON_FIELDS, PERSON_MODELS, impersonal

BATCH = 2000


def _models_by_name(apps):
    """model name → (person kind or "", the model, the field naming the person or "").
    A model name two apps share is kept only where one of them names a person."""
    found = defaultdict(list)
    for model in apps.get_models():
        name = model._meta.model_name
        if name in PERSON_MODELS:
            found[name].append((PERSON_MODELS[name][0], model, ""))
            continue
        for field in PERSON_FIELDS:
            try:
                model._meta.get_field(field)
            except Exception:  # noqa: BLE001 - FieldDoesNotExist, the model names nobody
                continue
            found[name].append((PERSON_MODELS[field][0], model, field))
            break
    return {name: entries[0] for name, entries in found.items() if len(entries) == 1}


def _persons(apps, models, events) -> dict[int, tuple[str, int]]:
    """event id → (person kind, person id), for the events whose person can be found."""
    by_type = defaultdict(list)
    for event in events:
        if event.target_type in models:
            by_type[event.target_type].append(event)
    persons = {}
    for target_type, group in by_type.items():
        kind, model, field = models[target_type]
        if not field:
            for event in group:
                persons[event.pk] = (kind, event.target_id)
            continue
        holder = dict(
            model.objects.filter(pk__in={e.target_id for e in group})
            .exclude(**{f"{field}_id": None})
            .values_list("pk", f"{field}_id")
        )
        for event in group:
            if event.target_id in holder:
                persons[event.pk] = (kind, holder[event.target_id])
    return persons


def _names(apps, persons) -> dict[tuple[str, int], str]:
    wanted = defaultdict(set)
    for kind, pk in persons.values():
        wanted[kind].add(pk)
    labels = {kind: (app, model) for kind, app, model in PERSON_MODELS.values()}
    names = {}
    for kind, ids in wanted.items():
        model = apps.get_model(*labels[kind])
        for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "full_name"):
            names[(kind, pk)] = name
    return names


def _rewritten(summary: str, changes: dict, name: str) -> str:
    """The summary without the person's name as his record has it now, nor as the event
    changed it (a renaming event holds the old and the new name)."""
    summary = impersonal(summary, name)
    for value in (changes or {}).get("full_name") or []:
        if isinstance(value, str):
            summary = impersonal(summary, value)
    return summary


def make_impersonal(apps, *, batch: int = BATCH) -> dict[str, int]:
    """Rewrite the events that name no person but are about one. Returns the counts:
    `rewritten`, `values_moved` (events whose values went to AuditPersonal), `gone` (the
    person's record no longer exists: his values are dropped, and his name is taken out of the
    summary only where the event's own values name him)."""
    event_model = apps.get_model("core", "AuditEvent")
    personal_model = apps.get_model("core", "AuditPersonal")
    models = _models_by_name(apps)
    counts = {"rewritten": 0, "values_moved": 0, "gone": 0}
    last = 0
    while True:
        events = list(
            event_model.objects.filter(pk__gt=last, person_type="")
            .order_by("pk")
            .only("pk", "target_type", "target_id", "summary", "changes")[:batch]
        )
        if not events:
            return counts
        last = events[-1].pk
        persons = _persons(apps, models, events)
        names = _names(apps, persons)
        changed, kept = [], []
        for event in events:
            person = persons.get(event.pk)
            if not person:
                continue
            kind, person_id = person
            name = names.get(person)
            values = event.changes or {}
            event.summary = _rewritten(event.summary, values, name or "")[:300]
            if name is None:
                counts["gone"] += 1
            elif values:
                kept.append(
                    personal_model(
                        event_id=event.pk, person_type=kind, person_id=person_id, changes=values
                    )
                )
            event.changes = dict.fromkeys(values)
            event.person_type, event.person_id = kind, person_id
            changed.append(event)
        event_model.objects.bulk_update(
            changed, ["summary", "changes", "person_type", "person_id"], batch_size=500
        )
        personal_model.objects.bulk_create(kept, batch_size=500, ignore_conflicts=True)
        counts["rewritten"] += len(changed)
        counts["values_moved"] += len(kept)

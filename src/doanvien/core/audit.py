"""The audit trail: every service that changes a unit, a member or a role writes an event here."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import models

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


def record(
    *,
    actor,
    action: str,
    target: models.Model,
    unit_path: str = "",
    summary: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        unit_path=unit_path,
        summary=summary[:300],
        changes=changes or {},
    )


def unit_events(unit_path: str, actions, limit: int = 30) -> list[AuditEvent]:
    """The latest events of these kinds recorded on the unit with this path itself."""
    return list(
        AuditEvent.objects.filter(unit_path=unit_path, action__in=list(actions)).select_related(
            "actor"
        )[:limit]
    )


def history(target: models.Model):
    return AuditEvent.objects.filter(
        target_type=target._meta.model_name, target_id=target.pk
    ).select_related("actor")

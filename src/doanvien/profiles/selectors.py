"""Reads of change requests for pages and the API (the caller has checked the scope)."""

from django.db.models import QuerySet

from doanvien.members.models import Member
from doanvien.units.models import Unit

from .models import ChangeRequest

# The queue's order: oldest first (a keyset: created_at, then pk).
QUEUE_ORDER = ("created_at", "pk")


def requests_under(unit: Unit, state: str | None = ChangeRequest.State.OPEN) -> QuerySet:
    """The requests of the members of the unit's subtree (open ones by default)."""
    rows = ChangeRequest.objects.filter(member__unit_path__startswith=unit.path)
    if state:
        rows = rows.filter(state=state)
    return rows.select_related("member__branch", "created_by").order_by(*QUEUE_ORDER)


def latest_request_of(member: Member) -> ChangeRequest | None:
    """His open request, else the last one decided (what his page shows him)."""
    return (
        ChangeRequest.objects.filter(member=member)
        .select_related("decided_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def open_requests_of(member: Member) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(member=member, state=ChangeRequest.State.OPEN)


def open_request_of(member: Member) -> ChangeRequest | None:
    return open_requests_of(member).first()

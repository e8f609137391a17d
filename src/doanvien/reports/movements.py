"""Member movements of a unit over a period (admissions, transfers in and out, removals,
matured out, reinstatements), for the unit and each unit under it, counted from the movement
ledger. A transfer between two branches of the same unit is not a transfer in or out of it."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from doanvien.members.models import Movement
from doanvien.units.models import Unit

KINDS = [k for k, _label in Movement.Kind.choices]
TRANSFERS = (Movement.Kind.TRANSFER_IN, Movement.Kind.TRANSFER_OUT)
GAINS = (Movement.Kind.ADMITTED, Movement.Kind.TRANSFER_IN, Movement.Kind.REINSTATED)


@dataclass
class MovementRow:
    unit: Unit
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(kind, self.counts.get(kind, 0)) for kind in KINDS]

    @property
    def net(self) -> int:
        return sum(n if kind in GAINS else -n for kind, n in self.counts.items())


def events(unit: Unit, start: date, end: date, kind: str | None = None) -> QuerySet[Movement]:
    """The ledger entries inside the unit over the period (transfers across its border only)."""
    rows = Movement.objects.filter(unit_path__startswith=unit.path, on__range=(start, end))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.exclude(kind__in=TRANSFERS, other_path__startswith=unit.path)


def movement_report(unit: Unit, start: date, end: date) -> list[MovementRow]:
    """The unit itself first, then each unit directly under it (by name)."""
    own = MovementRow(unit=unit)
    for row in events(unit, start, end).order_by().values("kind").annotate(n=Count("id")):
        own.counts[row["kind"]] = row["n"]
    children = list(unit.children().order_by("name"))
    if not children:
        return [own]
    length = len(unit.path) + Unit.steplen
    by_path = {c.path: MovementRow(unit=c) for c in children}
    grouped = (
        Movement.objects.filter(
            unit_path__startswith=unit.path, on__range=(start, end), unit_path__gt=unit.path
        )
        .annotate(prefix=Substr("unit_path", 1, length), other=Substr("other_path", 1, length))
        # A transfer between two branches of the same child is not a movement of that child.
        .filter(~Q(kind__in=TRANSFERS) | ~Q(other=F("prefix")))
        .order_by()
        .values("prefix", "kind")
        .annotate(n=Count("id"))
    )
    for row in grouped:
        if row["prefix"] in by_path:
            by_path[row["prefix"]].counts[row["kind"]] = row["n"]
    return [own] + [by_path[c.path] for c in children]

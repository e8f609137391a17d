"""The member statistics of a unit on a day, by one or two dimensions, with its children
(`statistics`).

Today's figures come from the roll-ups (rollup.py) when they hold the breakdown asked for: one
dimension, alone or with sex (the rows are kept by sex), the age band derived from the birth
year, the sector being the branch's. Any other breakdown (two dimensions neither of which is
sex) and every past day are counted from the records with an indexed query (the subtree is a
prefix of the path); a branch's own figures are counted from its members (its index).

A past day counts the members whose membership span covered it (members.Membership: from
`started_on`, until the day before `ended_on`), in the branches where they were then, placed in
the tree as it is now; Party membership counts from the day he joined the Party; the other
values (sex, birth year, ethnicity, religion, education, political theory, position) and the
branch's sector are the ones recorded now: the records keep no history of them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from doanvien.members.models import Member, Membership, Position, Sex, Status
from doanvien.units.models import Sector, Unit

from . import rollup
from .models import AgeBand

DIMENSIONS = {
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "ethnicity": _("Ethnicity"),
    "religion": _("Religion"),
    "education": _("General education"),
    "political_theory": _("Political theory"),
    "party_member": _("Party member"),
    "sector": _("Sector"),
    "position": _("Position"),
}
MAX_DIMENSIONS = 2


class BadQuery(ValueError):
    """A breakdown that cannot be given (an unknown dimension, a day in the future); `field`
    names the parameter at fault."""

    def __init__(self, message, field: str):
        super().__init__(message)
        self.field = field


def parse_by(text: str) -> list[str]:
    names = [n.strip() for n in (text or "sex").split(",") if n.strip()]
    if not names:
        names = ["sex"]
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        raise BadQuery(
            _("Unknown dimension: %(names)s. Choose from: %(all)s.")
            % {"names": ", ".join(unknown), "all": ", ".join(DIMENSIONS)},
            "by",
        )
    if len(set(names)) != len(names) or len(names) > MAX_DIMENSIONS:
        raise BadQuery(_("Choose one or two different dimensions."), "by")
    return names


def parse_on(text: str, today: date) -> date:
    if not text:
        return today
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadQuery(_("Enter the day as YYYY-MM-DD."), "on") from None
    if day > today:
        raise BadQuery(_("The day cannot be in the future."), "on")
    return day


# --- Age bands --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    lowest: int
    highest: int | None


def age_bands() -> list[Band]:
    return [
        Band(
            f"{b.lowest}-{b.highest if b.highest is not None else ''}", b.label, b.lowest, b.highest
        )
        for b in AgeBand.objects.all()
    ]


def band_of(birth_year: int, year: int, bands: list[Band]) -> str:
    """The band of the age reached in `year`; "" when no band holds it."""
    age = year - birth_year
    for b in bands:
        if age >= b.lowest and (b.highest is None or age <= b.highest):
            return b.key
    return ""


# --- The table --------------------------------------------------------------------------------


@dataclass
class Table:
    unit: Unit
    by: list[str]
    on: date
    children: list[Unit]
    # unit id → {(value of each dimension in `by`): count}
    counts: dict[int, dict[tuple[str, ...], int]] = field(default_factory=dict)
    method: str = "rollup"  # or "query"
    bands: list[Band] = field(default_factory=list)

    def combinations(self) -> list[tuple[str, ...]]:
        """Every combination of values found, in order."""
        found = {k for counts in self.counts.values() for k in counts}
        return sorted(
            found,
            key=lambda k: tuple(_order(d, v, self.bands) for d, v in zip(self.by, k, strict=True)),
        )

    def total(self, unit_id: int) -> int:
        return sum(self.counts.get(unit_id, {}).values())

    def label(self, dimension: str, value: str) -> str:
        return value_label(dimension, value, self.bands)

    def rows(self) -> list[dict]:
        """The API's rows: the unit's, then each child's, a row a combination of values."""
        out = []
        for unit in [self.unit, *self.children]:
            for key, n in sorted(self.counts.get(unit.pk, {}).items(), key=lambda kv: kv[0]):
                out.append({"unit": unit.pk, **dict(zip(self.by, key, strict=True)), "count": n})
        return out


def _order(dimension: str, value: str, bands: list[Band]):
    if dimension == "age_band":
        keys = [b.key for b in bands]
        return (keys.index(value) if value in keys else len(keys), value)
    if dimension == "sex":
        return (Sex.values.index(value) if value in Sex.values else 9, value)
    if dimension == "position":
        return (Position.values.index(value) if value in Position.values else 9, value)
    return (value == "", value)


def value_label(dimension: str, value: str, bands: list[Band]) -> str:
    if dimension == "sex":
        return str(dict(Sex.choices).get(value, value))
    if dimension == "position":
        return str(dict(Position.choices).get(value, value))
    if dimension == "sector":
        return str(dict(Sector.choices).get(value, value)) if value else str(_("Not set"))
    if dimension == "party_member":
        return str(_("Party member")) if value == "yes" else str(_("Not a Party member"))
    if dimension == "age_band":
        for b in bands:
            if b.key == value:
                return b.label
        return str(_("Outside the bands"))
    return value or str(_("Not recorded"))


def statistics(unit: Unit, by: list[str], on: date, today: date) -> Table:
    """The unit's figures and each active child's, by the dimensions `by`, on the day `on`."""
    children = (
        [] if unit.is_branch else list(unit.children().filter(is_active=True).order_by("path"))
    )
    table = Table(unit=unit, by=by, on=on, children=children, bands=age_bands())
    rest = [d for d in by if d != "sex"]
    if on == today and len(rest) <= 1:
        _from_rollups(table, rest[0] if rest else None)
    else:
        table.method = "query"
        _counted(table, today)
    return table


def _project(table: Table, dimension: str, value: str, sex: str) -> tuple[str, ...]:
    key = []
    for d in table.by:
        if d == "sex":
            key.append(sex)
        elif d == "age_band":
            key.append(band_of(int(value), table.on.year, table.bands))
        else:
            key.append(value)
    return tuple(key)


def _from_rollups(table: Table, dimension: str | None) -> None:
    rolled_dim = {None: "position", "age_band": "birth_year"}.get(dimension, dimension)
    unions = [u for u in [table.unit, *table.children] if not u.is_branch]
    branches = [u for u in [table.unit, *table.children] if u.is_branch]
    by_path = {u.path: u for u in [table.unit, *table.children]}
    for path, counts in rollup.rolled(unions, rolled_dim).items():
        target = table.counts.setdefault(by_path[path].pk, defaultdict(int))
        for (value, sex), n in counts.items():
            target[_project(table, rolled_dim, value, sex)] += n
    if branches:
        members = Member.objects.filter(unit_path__in=[b.path for b in branches])
        for (path, value, sex), n in rollup.counted_directly(members, rolled_dim).items():
            target = table.counts.setdefault(by_path[path].pk, defaultdict(int))
            target[_project(table, rolled_dim, value, sex)] += n
    _clean(table)


def _counted(table: Table, today: date) -> None:
    """Counted from the records: today's members, or the spans covering a past day."""
    unit, on = table.unit, table.on
    cut = len(unit.path) + (0 if unit.is_branch else Unit.steplen)
    dims = ["birth_year" if d == "age_band" else d for d in table.by]
    if on == today:
        base = Member.objects.filter(unit_path__startswith=unit.path, status=Status.ACTIVE)
        exprs = {f"v{i}": rollup.member_expression(d) for i, d in enumerate(dims)}
        owner = Substr("unit_path", 1, cut)
    else:
        base = memberships_on(unit.path, on)
        exprs = {
            f"v{i}": rollup.member_expression(d, on=on, through="member__")
            for i, d in enumerate(dims)
        }
        owner = Substr("branch__path", 1, cut)
    rows = base.annotate(owner=owner, **exprs).values("owner", *exprs).annotate(n=Count("id"))
    found = []
    for r in rows.order_by():
        key = []
        for i, d in enumerate(table.by):
            value = rollup.text(str(r[f"v{i}"] if r[f"v{i}"] is not None else ""))
            if d == "age_band":
                value = band_of(int(value), on.year, table.bands)
            key.append(value)
        found.append((r["owner"], tuple(key), r["n"]))
    _add_by_owner(table, found)


def memberships_on(path: str, on: date) -> QuerySet[Membership]:
    """The membership spans covering the day `on` (from `started_on`, until the day before
    `ended_on`) in the branches of the subtree at `path` as it is now: one a member who was
    one that day. Other apps count a past day with it (the statistics returns)."""
    return Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        branch__path__startswith=path,
        started_on__lte=on,
    )


def _add_by_owner(table: Table, rows) -> None:
    """Rows of (a child's path, or the branch's own, values, count): each child's counts, and
    the unit's as their sum."""
    by_path = {u.path: u for u in table.children}
    own = table.counts.setdefault(table.unit.pk, defaultdict(int))
    for owner, key, n in rows:
        if not n:
            continue
        own[key] += n
        child = by_path.get(owner)
        if child is not None:
            table.counts.setdefault(child.pk, defaultdict(int))[key] += n
    _clean(table)


def _clean(table: Table) -> None:
    table.counts = {
        pk: {k: n for k, n in counts.items() if n} for pk, counts in table.counts.items()
    }

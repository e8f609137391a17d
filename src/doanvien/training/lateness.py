"""Which branches are late, anywhere in a subtree, and for what: read by the database in one
statement, whatever the size of the subtree (the deadlines are few; each branch's is the nearest
ancestor's, as selectors.deadline_for resolves it).

A branch is late for
- **registration** when the registration deadline has passed and some of its members of the year
  have not registered (counting.py: submitted or approved);
- **evaluation** when the evaluation deadline has passed and it has not submitted its results;
- **recognition** when the recognition deadline has passed and its results are not recognised
  (the unit above it has to act).
A branch whose results are recognised is finished: late for nothing, as is a branch with no
member in the year (nothing to register, assess or recognise). A deadline counts with its
extension, if any; "days late" are counted from that date.

The list (late_rows) reads the branches; the counts (late_counts, late_under) read the roll-up
rows, which keep each branch's state as it bears on lateness (models.PENDING, by sector): a few
rows, whatever the size of the subtree."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    CharField,
    DateField,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone

from doanvien.units.models import Unit

from . import rollup
from .models import (
    PENDING,
    PENDING_SECTORS,
    PENDING_STATES,
    BranchResult,
    Deadline,
    YearStats,
    pending_field,
)
from .selectors import default_deadlines

KINDS = (Deadline.Kind.REGISTRATION, Deadline.Kind.EVALUATION, Deadline.Kind.RECOGNITION)
RESULTS = BranchResult.State


@dataclass
class LateItem:
    unit_id: int
    name: str
    code: str
    path: str
    kind: str
    due_on: date
    days_late: int

    @property
    def kind_label(self) -> str:
        return Deadline.Kind(self.kind).label


def _due(kind: str, year: int, shipped: dict) -> Coalesce:
    """The date the branch (the outer row) must have done `kind` by: the nearest unit's
    deadline, else the shipped default for its sector (or for every sector)."""
    by_sector = {sector: d.effective_date for (k, sector), d in shipped.items() if k == kind}
    default = Case(
        *(
            When(sector=sector, then=Value(due, output_field=DateField()))
            for sector, due in by_sector.items()
            if sector
        ),
        default=Value(by_sector.get(""), output_field=DateField()),
        output_field=DateField(),
    )
    nearest = (
        Deadline.objects.filter(
            year=year,
            kind=kind,
            sector__in=[OuterRef("sector"), ""],
            unit__path=Substr(OuterRef("path"), 1, Length("unit__path")),
        )
        .order_by("-unit__depth", F("sector").desc())
        .annotate(effective=Coalesce("extended_to", "due_on"))
        .values("effective")[:1]
    )
    return Coalesce(Subquery(nearest, output_field=DateField()), default)


def _branches(unit: Unit | None, year: int) -> QuerySet[Unit]:
    """The active branches of the subtree (None: the whole tree), not finished, with what
    lateness depends on."""
    stats = YearStats.objects.filter(unit=OuterRef("pk"), year=year)
    result = BranchResult.objects.filter(branch=OuterRef("pk"), year=year)
    shipped = default_deadlines(year)
    return (
        Unit.objects.filter(
            path__startswith=unit.path if unit else "", kind=Unit.Kind.BRANCH, is_active=True
        )
        .annotate(
            **{f"due_{kind}": _due(kind, year, shipped) for kind in KINDS},
            year_members=Coalesce(
                Subquery(stats.values("members")[:1], output_field=IntegerField()), 0
            ),
            year_registered=Coalesce(
                Subquery(stats.values("registered")[:1], output_field=IntegerField()), 0
            ),
            result_state=Coalesce(
                Subquery(result.values("state")[:1], output_field=CharField()),
                Value(RESULTS.OPEN),
            ),
        )
        .exclude(result_state=RESULTS.RECOGNISED)
        .filter(year_members__gt=0)
    )


def _late_for(kind: str, today: date) -> Q:
    passed = Q(**{f"due_{kind}__lt": today})
    if kind == Deadline.Kind.REGISTRATION:
        return passed & Q(year_registered__lt=F("year_members"))
    if kind == Deadline.Kind.EVALUATION:
        return passed & Q(result_state=RESULTS.OPEN)
    return passed


# The keys of each order of the list (core.pagination.keyset_page): the most days late first
# (the earliest date due), or by name; the unit's id last, so that every row has its own place.
LATE_ORDERS = {
    "late": ("due_on", "name", "late_for", "pk"),
    "name": ("name", "due_on", "late_for", "pk"),
}


class LateRows:
    """The late (branch, kind) rows as keyset_page reads them: one part of a UNION ALL per kind.
    A filter (a page's cursor) goes into every part, so that each part reads only the rows
    after the cursor; ordering makes the UNION. A union itself takes no filter."""

    def __init__(self, parts: list[QuerySet]):
        self.parts = parts

    def filter(self, *args, **kwargs) -> "LateRows":
        return LateRows([part.filter(*args, **kwargs) for part in self.parts])

    def select_related(self, *_fields) -> "LateRows":  # values() rows: nothing to join
        return self

    def order_by(self, *keys) -> QuerySet:
        first, *others = self.parts
        return (first.union(*others, all=True) if others else first).order_by(*keys)


def late_rows(unit: Unit, year: int, *, kind: str = "", today: date | None = None) -> LateRows:
    """One row per late (branch, kind) in the subtree, optionally of one kind: dicts of pk, name,
    code, path, late_for and due_on, in no order (LATE_ORDERS gives the keys of a page)."""
    today = today or timezone.localdate()
    rollup.ensure_year(year)  # the members of the year are on the roll-up rows
    branches = _branches(unit, year)
    return LateRows(
        [
            branches.filter(_late_for(k, today))
            .annotate(late_for=Value(k, output_field=CharField()), due_on=F(f"due_{k}"))
            .values("pk", "name", "code", "path", "late_for", "due_on")
            for k in KINDS
            if not kind or k == kind
        ]
    )


def late_items(
    unit: Unit, year: int, *, kind: str = "", order: str = "late", today: date | None = None
) -> QuerySet:
    """late_rows, the most days late first (`order="late"`) or by name (`order="name"`): a
    values() queryset to slice."""
    return late_rows(unit, year, kind=kind, today=today).order_by(*LATE_ORDERS[order])


def late_everywhere(year: int, sectors: Q, today: date) -> QuerySet:
    """One row per late (branch, kind) in the whole tree among the branches `sectors` selects
    (a Q on the unit), as late_items gives them, unordered: what a year's close freezes."""
    rollup.ensure_year(year)
    branches = _branches(None, year).filter(sectors)
    parts = [
        branches.filter(_late_for(k, today))
        .annotate(late_for=Value(k, output_field=CharField()), due_on=F(f"due_{k}"))
        .values("pk", "path", "late_for", "due_on")
        .order_by()
        for k in KINDS
    ]
    return parts[0].union(*parts[1:], all=True)


def as_items(rows, today: date | None = None) -> list[LateItem]:
    today = today or timezone.localdate()
    return [
        LateItem(
            unit_id=r["pk"],
            name=r["name"],
            code=r["code"],
            path=r["path"],
            kind=r["late_for"],
            due_on=r["due_on"],
            days_late=(today - r["due_on"]).days,
        )
        for r in rows
    ]


def late_under(unit: Unit, year: int, today: date | None = None) -> dict[str, int]:
    """For each unit directly under `unit` (by path), how many branches under it (itself, for a
    branch) are late for anything, from the roll-up rows (late_counts); units with none are
    left out."""
    counts = late_counts(unit, year, today, by_child=True)
    return {path: c["any"] for path, c in counts.items() if c["any"]}


def late_in(unit: Unit, year: int, today: date | None = None) -> dict[str, int]:
    """How many branches of the subtree are late for each kind, and for anything ("any")."""
    return late_counts(unit, year, today)[unit.path]


# The PENDING states a branch may be late in, for each kind of deadline.
LATE_STATES = {
    Deadline.Kind.REGISTRATION: ("open_short", "sent_short"),
    Deadline.Kind.EVALUATION: ("open_short", "open_full"),
    Deadline.Kind.RECOGNITION: PENDING_STATES,
}


def late_counts(
    unit: Unit, year: int, today: date | None = None, *, by_child: bool = False
) -> dict[str, dict[str, int]]:
    """How many branches of the subtree are late, for each kind and for anything ("any"), by
    path: the unit's own, or (`by_child`) each child's (the unit's, for a branch). What the
    ordered list counts, read from a few roll-up rows.

    The subtree is cut into regions where every branch of a sector has the same deadlines: the
    unit, its children if asked, and every unit under it that set a deadline of the year. A
    region's counters are its unit's row less the rows of the regions just under it; each
    sector's pending branches there are late for a kind once its deadline has passed."""
    today = today or timezone.localdate()
    rollup.ensure_year(year)
    deadlines = [
        (path, kind, sector, extended or due)
        for path, kind, sector, due, extended in _deadlines_around(unit, year).values_list(
            "unit__path", "kind", "sector", "due_on", "extended_to"
        )
    ]
    shipped = {key: d.effective_date for key, d in default_deadlines(year).items()}
    nodes = {unit.path} | {p for p, *_ in deadlines if p.startswith(unit.path)}
    if by_child:
        nodes |= set(unit.children().values_list("path", flat=True))
    rows = rollup.rows_at(nodes, year)
    width = len(unit.path) + Unit.steplen
    totals = {}
    regions = _regions(nodes, rows)
    for node in sorted(nodes):
        group = node[:width] if by_child else unit.path
        total = totals.setdefault(group, dict.fromkeys((*KINDS, "any"), 0))
        region = regions[node]
        for sector in PENDING_SECTORS:
            pending = {state: region[pending_field(state, sector)] for state in PENDING_STATES}
            if not any(pending.values()):
                continue
            late_states = set()
            for kind in KINDS:
                due = _due_at(node, sector, kind, deadlines, shipped)
                if due is not None and due < today:
                    total[kind] += sum(pending[state] for state in LATE_STATES[kind])
                    late_states.update(LATE_STATES[kind])
            total["any"] += sum(pending[state] for state in late_states)
    if not by_child:
        return totals
    return {path: c for path, c in totals.items() if path != unit.path or unit.is_branch}


def _deadlines_around(unit: Unit, year: int) -> QuerySet[Deadline]:
    """The year's deadlines (of KINDS) set on the unit, above it or under it: all that can
    apply to a branch of its subtree."""
    return Deadline.objects.filter(year=year, kind__in=KINDS).filter(
        Q(unit__path__in=unit.ancestor_paths()) | Q(unit__path__startswith=unit.path)
    )


def _regions(nodes: set[str], rows: dict) -> dict[str, dict[str, int]]:
    """Each node's PENDING counters: its row's less those of the nodes just under it (each node
    is taken from the row of the nearest node above it, found by walking up its path)."""
    regions = {
        n: {name: getattr(rows[n], name) if n in rows else 0 for name in PENDING} for n in nodes
    }
    for node in nodes:
        above = node[: -Unit.steplen]
        while above and above not in nodes:
            above = above[: -Unit.steplen]
        if above and node in rows:
            for name in PENDING:
                regions[above][name] -= getattr(rows[node], name)
    return regions


def _due_at(path: str, sector: str, kind: str, deadlines: list, shipped: dict) -> date | None:
    """The date a branch of `sector` at or under `path` must have done `kind` by, where no unit
    under `path` set one: the nearest unit's deadline (for the sector before one for every
    sector), else the shipped default (as _due reads it per branch)."""
    best = None
    for at, k, s, due in deadlines:
        if k == kind and s in (sector, "") and path.startswith(at):
            key = (len(at), s != "")
            if best is None or key > best[0]:
                best = (key, due)
    if best is not None:
        return best[1]
    return shipped.get((kind, sector)) or shipped.get((kind, ""))


def earliest_due(unit: Unit, year: int) -> date | None:
    """The earliest date by which a branch under the unit had anything of the year to do: the
    shipped defaults and the deadlines set on the unit, above it or under it (a few rows, read
    without the branches). Before it no branch of the subtree can be late; after it some may be,
    which the late list (late_rows) tells exactly."""
    dates = [d.effective_date for (kind, _s), d in default_deadlines(year).items() if kind in KINDS]
    first = _deadlines_around(unit, year).aggregate(first=Min(Coalesce("extended_to", "due_on")))[
        "first"
    ]
    dates += [first] if first else []
    return min(dates, default=None)

"""The named sources a computed cell reads (a cell's spec: {"source": name, "params": {...}}).

Each source counts for a unit's whole subtree and answers every cell that names it in one go:
`compute` groups the cells (of every form of a return: selectors.computed_values) by source
and calls each source once with the list of their parameters, so a return costs one statement a
source (a conditional aggregate over an indexed subtree filter, or a read of an existing
roll-up), never a table loaded into Python.

"As of": a return's figures are those of the campaign's last day (`ends_on`: 30/6, 30/11).
Each source says how far it can give them (`basis_of`):
- `as_of`: the members. Once the day is past they are counted from the membership spans that
  covered it (member_stats.selectors.memberships_on, the member statistics' past-day query:
  the members of the subtree that day, in the tree as it is now, with their other details as
  recorded; Party membership from the day he joined); on the day itself, from the records.
- `period`: the movements, counted over the campaign's span once it has ended.
- `submission`: everything else (roll-ups of the year, units, cadres, dues), and the members
  and movements before the day has come: counted as the data stand when the return is counted
  (frozen when it is submitted). The pages and files label these figures "at the time of
  submission".

Sources and their parameters (all optional unless said):
- `member_count`: active members of the subtree: from the units' roll-up (units/member_counts),
  or the spans covering the last day once it is past.
- `members`: active members of the subtree, counted in one statement with a filter per cell:
  `sex` ("male"/"female"), `party` (true: has joined the Party), `federation` (true),
  `age` ([min, max], full years on the campaign's last day; either may be null),
  `in` / `not_in` ({field: [values]}, fields of MEMBER_FIELDS); as of the last day once it is
  past (the spans covering it).
- `movements`: entries of the member movement ledger in the campaign's span: `kinds` (required),
  `sex`. A transfer between two branches of the subtree is neither in nor out of it.
- `classification`: the training programme's roll-up for the campaign's year: `counter`
  (excellent, good, complete, incomplete, not_classified, members, assessed, ...).
- `evaluations`: the evaluations' roll-up for the year: `counter` (branches_strong,
  bases_proactive, branches_registered, ...).
- `units`: active units strictly below: `kind` ("branch"/"union"), `level` (a level code),
  `sector`.
- `cadres`: posts in office on committees in office in the subtree: `posts` (list of post
  kinds), `age` ([min, max]), `theory_not_in` (political theory levels not counted),
  `trained` (true: has attended a Union training course).
- `party_introductions`: the year's Party introductions: `counter` (proposed, introduced,
  admitted).
- `referrals`: the "1+1" roll-up for the year: `counter` (youths_referred, admitted, ...).
- `dues`: dues collected by the subtree in the months of the campaign's span (đồng).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from doanvien.committees.models import Committee, Post
from doanvien.dues import ledger as dues_ledger
from doanvien.evaluations import introductions
from doanvien.evaluations import rollup as evaluation_rollup
from doanvien.member_stats.selectors import memberships_on
from doanvien.members.models import Member, Movement, Status
from doanvien.training import rollup as training_rollup
from doanvien.units import member_counts
from doanvien.units.models import Unit
from doanvien.youth import rollup as youth_rollup

MEMBER_FIELDS = frozenset(
    {
        "ethnicity",
        "religion",
        "education_level",
        "professional_qualification",
        "political_theory_level",
        "category",
        "position",
        "audience",
    }
)
TRANSFERS = frozenset({Movement.Kind.TRANSFER_IN, Movement.Kind.TRANSFER_OUT})


# How far a computed figure is "as of" the campaign's last day (module docstring).
AS_OF, PERIOD, SUBMISSION = "as_of", "period", "submission"


@dataclass(frozen=True)
class Context:
    unit: Unit
    year: int
    starts_on: date
    ends_on: date
    # The day the return is counted. None: the records as they stand, whatever the day.
    today: date | None = None

    @property
    def dated(self) -> bool:
        """The last day is past: the members are counted from the spans that covered it."""
        return self.today is not None and self.ends_on < self.today

    @property
    def ended(self) -> bool:
        """The campaign's span has ended (on its last day or later)."""
        return self.today is not None and self.ends_on <= self.today


Source = Callable[[Context, list[dict]], list[int]]
SOURCES: dict[str, Source] = {}
BASES: dict[str, Callable[[Context], str]] = {}


def _members_basis(ctx: Context) -> str:
    return AS_OF if ctx.ended else SUBMISSION


def _period_basis(ctx: Context) -> str:
    return PERIOD if ctx.ended else SUBMISSION


def source(name: str, basis: Callable[[Context], str] = lambda ctx: SUBMISSION):
    def register(func: Source) -> Source:
        SOURCES[name] = func
        BASES[name] = basis
        return func

    return register


def basis_of(ctx: Context, spec: dict) -> str:
    """How far the cell's figure is as of the campaign's last day: AS_OF, PERIOD or
    SUBMISSION (module docstring)."""
    return BASES[spec["source"]](ctx)


class BadSpec(ValueError):
    """A cell's spec names no known source or gives parameters the source does not take."""


def compute(ctx: Context, specs: list[dict]) -> list[int]:
    """The values of the cells `specs` (in their order), one call a source."""
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, spec in enumerate(specs):
        if spec.get("source") not in SOURCES:
            raise BadSpec(f"unknown source {spec.get('source')!r}")
        by_source[spec["source"]].append(i)
    values = [0] * len(specs)
    for name, positions in by_source.items():
        found = SOURCES[name](ctx, [specs[i].get("params") or {} for i in positions])
        for i, value in zip(positions, found, strict=True):
            values[i] = int(value or 0)
    return values


def born_between(on: date, age: list | None, field: str) -> Q:
    """Age in full years on `on` between age[0] and age[1] (inclusive), on a date-of-birth
    field: at least `lo` years means born on or before `on` less `lo` years; at most `hi` years
    means born after `on` less `hi + 1` years."""
    q = Q()
    if not age:
        return q
    lo, hi = (list(age) + [None, None])[:2]
    if lo is not None:
        q &= Q(**{f"{field}__lte": _years_before(on, int(lo))})
    if hi is not None:
        q &= Q(**{f"{field}__gt": _years_before(on, int(hi) + 1)})
    return q


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def member_q(ctx: Context, params: dict, prefix: str = "") -> Q:
    known = {"sex", "party", "federation", "age", "in", "not_in"}
    if set(params) - known:
        raise BadSpec(f"members: unknown parameters {sorted(set(params) - known)}")
    q = Q()
    if params.get("sex"):
        q &= Q(**{f"{prefix}sex": params["sex"]})
    if params.get("party"):
        q &= Q(**{f"{prefix}joined_party_on__isnull": False})
        if ctx.dated:  # a Party member that day
            q &= Q(**{f"{prefix}joined_party_on__lte": ctx.ends_on})
    if params.get("federation"):
        q &= Q(**{f"{prefix}federation_member": True})
    q &= born_between(ctx.ends_on, params.get("age"), f"{prefix}date_of_birth")
    for key, negate in (("in", False), ("not_in", True)):
        for field, values in (params.get(key) or {}).items():
            if field not in MEMBER_FIELDS:
                raise BadSpec(f"members: field {field!r} is not counted")
            part = Q(**{f"{prefix}{field}__in": list(values)})
            q &= ~part if negate else part
    return q


def _counts(queryset, filters: list[Q]) -> list[int]:
    if not filters:
        return []
    found = queryset.order_by().aggregate(
        **{f"c{i}": Count("pk", filter=q) if q else Count("pk") for i, q in enumerate(filters)}
    )
    return [found[f"c{i}"] for i in range(len(filters))]


@source("member_count", basis=_members_basis)
def _member_count(ctx: Context, params: list[dict]) -> list[int]:
    if ctx.dated:
        total = memberships_on(ctx.unit.path, ctx.ends_on).count()
    else:
        total = member_counts.now(ctx.unit)
    return [total for _p in params]


@source("members", basis=_members_basis)
def _members(ctx: Context, params: list[dict]) -> list[int]:
    if ctx.dated:
        spans = memberships_on(ctx.unit.path, ctx.ends_on)
        return _counts(spans, [member_q(ctx, p, prefix="member__") for p in params])
    rows = Member.objects.filter(status=Status.ACTIVE, unit_path__startswith=ctx.unit.path)
    return _counts(rows, [member_q(ctx, p) for p in params])


@source("movements", basis=_period_basis)
def _movements(ctx: Context, params: list[dict]) -> list[int]:
    path = ctx.unit.path
    rows = Movement.objects.filter(
        unit_path__startswith=path, on__gte=ctx.starts_on, on__lte=ctx.ends_on
    )
    filters = []
    for p in params:
        kinds = list(p.get("kinds") or [])
        if not kinds:
            raise BadSpec("movements: `kinds` is required")
        q = Q(kind__in=kinds)
        if TRANSFERS & set(kinds):
            q &= ~(Q(kind__in=list(TRANSFERS)) & Q(other_path__startswith=path))
        if p.get("sex"):
            q &= Q(member__sex=p["sex"])
        filters.append(q)
    return _counts(rows, filters)


def _counter(figures: dict[str, int], params: list[dict], name: str) -> list[int]:
    values = []
    for p in params:
        if p.get("counter") not in figures:
            raise BadSpec(f"{name}: unknown counter {p.get('counter')!r}")
        values.append(figures[p["counter"]])
    return values


@source("classification")
def _classification(ctx: Context, params: list[dict]) -> list[int]:
    return _counter(training_rollup.figures(ctx.unit, ctx.year), params, "classification")


@source("evaluations")
def _evaluations(ctx: Context, params: list[dict]) -> list[int]:
    return _counter(evaluation_rollup.figures_of(ctx.unit, ctx.year), params, "evaluations")


@source("party_introductions")
def _introductions(ctx: Context, params: list[dict]) -> list[int]:
    return _counter(introductions.yearly_counts(ctx.unit, ctx.year), params, "party_introductions")


@source("referrals")
def _referrals(ctx: Context, params: list[dict]) -> list[int]:
    figures = youth_rollup.figures_of([ctx.unit], ctx.year)[ctx.unit.pk]
    return _counter(figures, params, "referrals")


@source("dues")
def _dues(ctx: Context, params: list[dict]) -> list[int]:
    months = dues_ledger.read(ctx.unit, ctx.year).get(ctx.unit.path, {})
    first = ctx.starts_on.month if ctx.starts_on.year == ctx.year else 1
    last = ctx.ends_on.month if ctx.ends_on.year == ctx.year else 12
    total = sum(amount for month, amount in months.items() if first <= month <= last)
    return [total for _p in params]


@source("units")
def _units(ctx: Context, params: list[dict]) -> list[int]:
    rows = Unit.objects.filter(
        path__startswith=ctx.unit.path, depth__gt=ctx.unit.depth, is_active=True
    )
    filters = []
    for p in params:
        q = Q()
        if p.get("kind"):
            q &= Q(kind=p["kind"])
        if p.get("level"):
            q &= Q(level__code=p["level"])
        if p.get("sector"):
            q &= Q(sector=p["sector"])
        filters.append(q)
    return _counts(rows, filters)


@source("cadres")
def _cadres(ctx: Context, params: list[dict]) -> list[int]:
    rows = Post.objects.filter(
        ended_on=None,
        committee__state=Committee.State.APPROVED,
        committee__unit_path__startswith=ctx.unit.path,
    )
    filters = []
    for p in params:
        q = Q()
        if p.get("posts"):
            q &= Q(post__in=list(p["posts"]))
        q &= born_between(ctx.ends_on, p.get("age"), "cadre__date_of_birth")
        if p.get("theory_not_in"):
            q &= ~Q(cadre__political_theory_level__in=list(p["theory_not_in"]))
        if p.get("trained"):
            q &= Q(cadre__courses__isnull=False)
        filters.append(q)
    if any(p.get("trained") for p in params):
        # A cadre with several courses is one post: count distinct posts.
        found = rows.order_by().aggregate(
            **{f"c{i}": Count("pk", filter=q, distinct=True) for i, q in enumerate(filters)}
        )
        return [found[f"c{i}"] for i in range(len(filters))]
    return _counts(rows, filters)

"""Reads for the evaluation pages and the API."""

from datetime import date

from django.db.models import Q

from doanvien.units.models import Unit

from .models import (
    DefaultEvaluationDeadline,
    Evaluation,
    EvaluationDeadline,
    IntroductionState,
    MemberRating,
    PartyIntroduction,
    Scheme,
    SchemeCode,
    SchemeItem,
    UnitKind,
)


def scheme_for(unit: Unit, code: str, year: int) -> Scheme | None:
    """The scheme of the nearest ancestor (or the unit itself) that published one for the year;
    otherwise the product's default."""
    published = (
        Scheme.objects.filter(code=code, unit__path__in=unit.ancestor_paths(), year=year)
        .order_by("-unit__depth")
        .first()
    )
    return published or Scheme.objects.filter(code=code, unit=None, year=None).first()


def schemes_for(unit: Unit, year: int) -> list[Scheme]:
    return [s for code in SchemeCode.values if (s := scheme_for(unit, code, year))]


def unit_kind_of(unit: Unit) -> str:
    if unit.is_branch:
        return UnitKind.BRANCH
    return UnitKind.BASE if unit.level.code == "base" else UnitKind.ABOVE


def items_for(scheme: Scheme, unit: Unit | str) -> list[SchemeItem]:
    """The scheme's items a unit is scored on: those of its sector and kind, and those for
    everyone. Given a sector alone (a scheme's page for a sector), every kind's items."""
    sector = unit if isinstance(unit, str) else unit.sector
    items = SchemeItem.objects.filter(group__scheme=scheme).filter(Q(sector="") | Q(sector=sector))
    if not isinstance(unit, str):
        items = items.filter(Q(unit_kind="") | Q(unit_kind=unit_kind_of(unit)))
    return list(items.select_related("group").order_by("group__order", "group_id", "order", "id"))


def grouped(items: list[SchemeItem]) -> list[tuple]:
    """(group, [items]) in order."""
    groups: list[tuple] = []
    for item in items:
        if not groups or groups[-1][0].pk != item.group_id:
            groups.append((item.group, []))
        groups[-1][1].append(item)
    return groups


def evaluation_of(unit: Unit, code: str, year: int) -> Evaluation | None:
    return (
        Evaluation.objects.filter(unit=unit, scheme_code=code, year=year)
        .select_related("scheme")
        .first()
    )


def deadline_for(*, unit: Unit, year: int, scheme: str, kind: str) -> EvaluationDeadline | None:
    """The deadline that applies: set by the nearest ancestor (one for the unit's sector wins
    over one for every sector at the same unit); without any, the shipped default."""
    set_at = {
        (d.unit.path, d.sector): d
        for d in EvaluationDeadline.objects.filter(
            year=year, scheme=scheme, kind=kind, unit__path__in=unit.ancestor_paths()
        ).select_related("unit")
    }
    for path in reversed(unit.ancestor_paths()):
        found = set_at.get((path, unit.sector)) or set_at.get((path, ""))
        if found:
            return found
    defaults = {
        d.sector: d for d in DefaultEvaluationDeadline.objects.filter(scheme=scheme, kind=kind)
    }
    shipped = defaults.get(unit.sector) or defaults.get("")
    if shipped is None:
        return None
    try:
        due = date(year + shipped.year_offset, shipped.month, shipped.day)
    except ValueError:
        return None
    return EvaluationDeadline(year=year, scheme=scheme, kind=kind, due_on=due, allow_late=True)


def branches_not_strong(base: Unit, year: int, *, limit: int | None = None) -> list[Unit]:
    """The active branches under the unit whose strong-branch evaluation of the year is not
    recognised (seed 001 II, item 3: 100 % of the branches strong), by path."""
    strong = Evaluation.objects.filter(
        year=year,
        scheme_code=SchemeCode.STRONG_BRANCH,
        state=Evaluation.State.RECOGNISED,
        unit_path__startswith=base.path,
    ).values("unit_id")
    missing = (
        Unit.objects.filter(path__startswith=base.path, kind=Unit.Kind.BRANCH, is_active=True)
        .exclude(pk__in=strong)
        .order_by("path")
    )
    return list(missing[:limit] if limit else missing)


def unit_evaluations(unit: Unit, year: int) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(unit=unit, year=year)
        .select_related("scheme")
        .order_by("scheme_code")
    )


def children_evaluations(unit: Unit, year: int) -> list[tuple[Unit, list[Evaluation]]]:
    """Each unit directly under this one with its evaluations of the year."""
    children = list(unit.children().order_by("path"))
    found: dict[int, list[Evaluation]] = {}
    for e in Evaluation.objects.filter(unit__in=children, year=year).order_by("scheme_code"):
        found.setdefault(e.unit_id, []).append(e)
    return [(child, found.get(child.pk, [])) for child in children]


QUEUE_LIMIT = 200


def recognised_here(unit: Unit) -> Q:
    """The evaluations this unit recognises (access.recogniser_of, as one filter, whatever
    their number): a unit directly below it whose scheme names no recognising level, its own
    level or a level none of the units above it has; a unit deeper down whose scheme names its
    level with no unit of that level between them."""
    own = unit.level.code
    above = set(
        Unit.objects.filter(path__in=unit.ancestor_paths()[:-1]).values_list(
            "level__code", flat=True
        )
    ) - {own}
    # The units directly below by their paths (the evaluations' copies, under the partial
    # index of those submitted), not by a join to every unit of the subtree for its depth.
    children = list(unit.children().values_list("path", flat=True))
    direct = Q(unit_path__in=children) & ~Q(scheme__recogniser_level__in=above)
    # The schemes naming its level, by id (a small table): none, as for the centre's, leaves
    # the direct children alone, read by their paths.
    deeper = Q(
        scheme_id__in=list(Scheme.objects.filter(recogniser_level=own).values_list("pk", flat=True))
    )
    # Units of its level below it (none in a tree whose levels follow its depths): each one
    # recognises, instead, what is below it.
    # By the level's id (its index: a few dozen provinces in the country) rather than a join
    # on its code, which read the whole subtree.
    for path in Unit.objects.filter(
        path__startswith=unit.path, depth__gt=unit.depth, level_id=unit.level_id
    ).values_list("path", flat=True):
        deeper &= ~(Q(unit_path__startswith=path) & ~Q(unit_path=path))
    return Q(unit_path__startswith=unit.path) & ~Q(unit=unit) & (direct | deeper)


def waiting(unit: Unit):
    """The submitted evaluations, of any year, that this unit recognises."""
    return Evaluation.objects.filter(recognised_here(unit), state=Evaluation.State.SUBMITTED)


def queue(unit: Unit, year: int) -> list[Evaluation]:
    """The evaluations submitted in the unit's subtree that this unit recognises (at most
    QUEUE_LIMIT, oldest submission first)."""
    return list(
        waiting(unit)
        .filter(year=year)
        .select_related("unit", "unit__level", "scheme")
        .order_by("submitted_at", "pk")[:QUEUE_LIMIT]
    )


# --- Party introductions ------------------------------------------------------------------------

# The order of the lists (pages and API), oldest proposal first, paged by keyset on it.
INTRODUCTION_ORDER = ("id",)

_STATE_Q = {
    IntroductionState.PROPOSED: Q(introduced_on__isnull=True),
    IntroductionState.INTRODUCED: Q(introduced_on__isnull=False, course_on__isnull=True),
    IntroductionState.COURSE: Q(course_on__isnull=False, probationary_on__isnull=True),
    IntroductionState.PROBATIONARY: Q(probationary_on__isnull=False, official_on__isnull=True),
    IntroductionState.OFFICIAL: Q(official_on__isnull=False),
}


def introduction_state_q(state: str) -> Q:
    """The introductions whose last step recorded is `state` (PartyIntroduction.state: the
    steps are recorded in order, so each has exactly one)."""
    return _STATE_Q[IntroductionState(state)]


def introductions_under(unit: Unit, *, year: int | None = None, state: str = ""):
    """The Party introductions proposed by the branches of the unit's subtree (the unit's own
    when it is a branch), of a year and in a state when given."""
    rows = PartyIntroduction.objects.filter(unit_path__startswith=unit.path)
    if year is not None:
        rows = rows.filter(year=year)
    if state:
        rows = rows.filter(introduction_state_q(state))
    return rows.select_related("member", "branch")


# --- Members' ratings waiting for a decision ----------------------------------------------------

# Oldest proposal first (the index rating_proposed_order), paged by keyset on it.
WAITING_ORDER = ("proposed_at", "id")


def ratings_waiting(unit: Unit, year: int):
    """The ratings proposed in the unit's subtree, below it, waiting for a decision."""
    return (
        MemberRating.objects.filter(
            year=year, state=MemberRating.State.PROPOSED, unit_path__startswith=unit.path
        )
        .exclude(unit_path=unit.path)
        .select_related("member", "branch", "previous_branch")
    )

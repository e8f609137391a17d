"""Reads for the training programme: which framework, criteria and deadlines apply where, and
the registrations of a subtree that a user may list."""

from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from doanvien.accounts.access import scope_of, subtree_q
from doanvien.units.models import Unit

from .models import (
    BranchResult,
    Criterion,
    Deadline,
    DefaultDeadline,
    Framework,
    Registration,
    RegistrationItem,
    ResultLevel,
    YearStats,
)
from .rules import assessment_opens_on, programme_year_of

LEVEL_NAMES = tuple(ResultLevel.values)


def framework_for(unit: Unit, year: int) -> Framework | None:
    """The framework of the nearest ancestor (or the unit itself) that published one for the
    year; otherwise the product's default for the phase of that year."""
    published = (
        Framework.objects.filter(unit__path__in=unit.ancestor_paths(), year=year)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )
    if published:
        return published
    return Framework.objects.filter(
        unit__isnull=True, phase__first_year__lte=year, phase__last_year__gte=year
    ).first()


def criteria_for(
    *, framework: Framework, branch: Unit, year: int, sector: str, audience: str | None = None
) -> QuerySet:
    """The criteria a member of this branch may pick: the framework's, plus the custom criteria
    of every ancestor for the year; sector-specific ones only for that sector. With `audience`
    (a member's group, members.models.Audience), only the criteria offered to that group: those
    marked for no group or for his; without it, those of every group (what the branch lists)."""
    own = Q(framework=framework)
    custom = Q(framework__isnull=True, unit__path__in=branch.ancestor_paths(), year=year)
    criteria = Criterion.objects.filter(own | custom).filter(Q(sector="") | Q(sector=sector))
    if audience is not None:
        criteria = criteria.filter(Q(audience="") | Q(audience=audience))
    return (
        criteria.filter(area_code__in=framework.areas.values("code"))
        # The framework's own first, then custom ones from the top of the tree down (the same
        # on every database: NULL depth sorts first).
        .order_by("area_code", F("unit__depth").asc(nulls_first=True), "order", "id")
    )


def deadline_for(*, unit: Unit, year: int, kind: str, sector: str) -> Deadline | None:
    """The deadline that applies: set by the nearest ancestor; one for the sector wins over one
    for every sector at the same unit; without any, the shipped default."""
    return deadlines_applying([(unit, sector)], year, kinds=[kind])[0].get(kind)


def deadlines_applying(
    units: list[tuple[Unit, str]], year: int, *, kinds=None
) -> list[dict[str, Deadline]]:
    """For each (unit, sector), the deadline of each kind that applies (as deadline_for says),
    kind → Deadline: two queries whatever the number of units."""
    kinds = list(kinds or Deadline.Kind.values)
    paths = {p for unit, _sector in units for p in unit.ancestor_paths()}
    set_at = {
        (d.unit.path, d.kind, d.sector): d
        for d in Deadline.objects.filter(
            year=year, kind__in=kinds, unit__path__in=paths
        ).select_related("unit")
    }
    shipped = default_deadlines(year)
    found = []
    for unit, sector in units:
        nearest = list(reversed(unit.ancestor_paths()))
        applying = {}
        for kind in kinds:
            chosen = (
                next(
                    (
                        set_at.get((p, kind, sector)) or set_at.get((p, kind, ""))
                        for p in nearest
                        if (p, kind, sector) in set_at or (p, kind, "") in set_at
                    ),
                    None,
                )
                or shipped.get((kind, sector))
                or shipped.get((kind, ""))
            )
            if chosen:
                applying[kind] = chosen
        found.append(applying)
    return found


def default_deadlines(year: int) -> dict[tuple[str, str], Deadline]:
    """(kind, sector) → the year's default deadline (DefaultDeadline), where no unit set one."""
    return {(d.kind, d.sector): d.for_year(year) for d in DefaultDeadline.objects.all()}


def days_left(deadline: Deadline | None, today: date | None = None) -> int | None:
    if deadline is None:
        return None
    return (deadline.effective_date - (today or timezone.localdate())).days


def registration_of(member, year: int) -> Registration | None:
    return (
        Registration.objects.filter(member=member, year=year)
        .select_related("framework", "branch")
        .first()
    )


# The order of the list of a subtree's registrations, and the keys of its pages
# (core.pagination.keyset_page): by branch (its path), by the member's name (his sort key), by
# record. The index registration_year_path gives the first key; the few registrations of one
# branch are sorted by name as they come.
REGISTRATION_LIST_ORDER = ("unit_path", "member_sort_key", "pk")


def _subtree_end(path: str) -> str | None:
    """The least path after every path of the subtree at `path` (the path plus one, as a number
    in the tree's alphabet), None when there is none. Bounds the subtree as a range (`path <= p
    < end`), which an index answers in any collation, where a LIKE prefix needs the C collation
    or a pattern operator class (which does not give the list's order)."""
    alphabet = Unit.alphabet
    chars = list(path)
    for i in range(len(chars) - 1, -1, -1):  # add one to the path, read as a number
        position = alphabet.index(chars[i])
        if position + 1 < len(alphabet):
            chars[i] = alphabet[position + 1]
            return "".join(chars)
        chars[i] = alphabet[0]
    return None


def registrations_in(*, user, unit: Unit, year: int, state: str = "") -> QuerySet[Registration]:
    """The year's registrations run by the branches of `unit`'s subtree (optionally in one
    state), of the members `user` may see, in the order of the tree then of the members' names,
    read by the registration's copy of its branch's path (a range an index answers, whatever
    the size of the subtree). The caller has checked that `user` sees `unit`
    (accounts.access.get_unit_for); a member who has moved out of the user's scope since (his
    old branch keeps a registration whose results it had already submitted) is left out, as on
    the member pages."""
    registrations = Registration.objects.filter(
        year=year, unit_path__gte=unit.path, unit_path__startswith=unit.path
    )
    end = _subtree_end(unit.path)
    if end is not None:
        registrations = registrations.filter(unit_path__lt=end)
    if state:
        registrations = registrations.filter(state=state)
    scope = scope_of(user)
    if not scope.is_superuser:
        registrations = registrations.filter(subtree_q("member__unit_path", scope.root_paths))
    return registrations.order_by("unit_path", "member__sort_key", "member_id")


def registrations_listed(*, user, unit: Unit, year: int, state: str = "") -> QuerySet[Registration]:
    """registrations_in with their member and branch, in REGISTRATION_LIST_ORDER (annotated
    with `member_sort_key`): the paged list of the registrations of a unit above the branches."""
    return (
        registrations_in(user=user, unit=unit, year=year, state=state)
        .select_related("member", "branch")
        .annotate(member_sort_key=F("member__sort_key"))
        .order_by(*REGISTRATION_LIST_ORDER)
    )


def waiting_for_review(*, user, branch: Unit, year: int) -> list[Registration]:
    """The branch's registrations of the year submitted and waiting for `user`'s review, in
    the order of the members' names: the review page's queue (one at a time, previous and
    next). The reviewer's own registration is not his to review and is left out. The caller
    has checked that `user` is on the branch's committee (access.is_branch_committee)."""
    registrations = Registration.objects.filter(
        branch=branch, year=year, state=Registration.State.SUBMITTED
    )
    own = scope_of(user).member_id
    if own:
        registrations = registrations.exclude(member_id=own)
    return list(registrations.select_related("member").order_by("member__sort_key", "member_id"))


def chosen_by_area(registration: Registration) -> list[tuple]:
    """The registration's criteria, area by area of its framework: [(area, items)] (the
    member's page and the review page; one read of the items)."""
    items = list(registration.items.select_related("criterion__unit"))
    areas = list(registration.framework.areas.all())
    return [(a, [i for i in items if i.criterion.area_code == a.code]) for a in areas]


LOCKING = [BranchResult.State.SUBMITTED, BranchResult.State.RECOGNISED]


def results_locked(branch: Unit, year: int) -> BranchResult | None:
    """The branch's results for the year when they are submitted or recognised (else None):
    registrations and assessments of that year no longer change (until a recorded return or
    reopening)."""
    return BranchResult.objects.filter(branch=branch, year=year, state__in=LOCKING).first()


def assessment_opens(registration: Registration) -> date | None:
    """The first day the registration may be assessed (by the branch or by the member): the
    framework's number of months before the evaluation deadline that applies to the branch.
    None when no evaluation deadline applies: nothing to count back from, so the window is
    open (the assessment is then only as late as the year's own rules allow)."""
    branch = registration.branch
    deadline = deadline_for(
        unit=branch, year=registration.year, kind=Deadline.Kind.EVALUATION, sector=branch.sector
    )
    if deadline is None:
        return None
    return assessment_opens_on(
        evaluation_due=deadline.due_on,
        months=registration.framework.assessment_opens_months_before,
    )


def year_closed(unit: Unit, year: int) -> bool:
    """True when a branch of the unit's subtree has recognised results for the year: what those
    results were assessed with must not change any more."""
    return BranchResult.objects.filter(
        unit_path__startswith=unit.path, year=year, state=BranchResult.State.RECOGNISED
    ).exists()


def own_framework(unit: Unit, year: int) -> Framework | None:
    return Framework.objects.filter(unit=unit, year=year).first()


def criterion_owner(criterion: Criterion) -> tuple[Unit | None, int | None]:
    """The unit and year a criterion belongs to (its framework's, or its own when custom)."""
    if criterion.framework_id:
        framework = criterion.framework
        return framework.unit, framework.year
    return criterion.unit, criterion.year


def criterion_usage(criterion: Criterion) -> int:
    return RegistrationItem.objects.filter(criterion=criterion).count()


# --- For the pages of the units above the branches ---------------------------------------------


def level_counts(branch_ids, year: int) -> dict[int, dict[str, int]]:
    """Per branch, how many of its members of the year reached each level, as its roll-up row
    counts them (counting.py): the figures the report shows."""
    rows = YearStats.objects.filter(unit_id__in=list(branch_ids), year=year).values(
        "unit_id", *LEVEL_NAMES
    )
    return {row.pop("unit_id"): row for row in rows}


# What a page needs to say who reopened a result, read with it (no query per result).
REOPENER = ("reopened_by", "reopened_by_unit")


def recognised_results(unit: Unit, year: int) -> QuerySet[BranchResult]:
    """The results recognised in the unit's subtree for the year, latest first."""
    return (
        BranchResult.objects.filter(
            unit_path__startswith=unit.path, year=year, state=BranchResult.State.RECOGNISED
        )
        .select_related("branch", *REOPENER)
        .order_by("-recognised_at", "-id")
    )


def reopened_results(unit: Unit, year: int) -> QuerySet[BranchResult]:
    """The results of the unit's subtree for the year that a higher unit reopened and that are
    being assessed again (not submitted yet), latest reopening first."""
    return (
        BranchResult.objects.filter(
            unit_path__startswith=unit.path,
            year=year,
            state=BranchResult.State.OPEN,
            reopened_at__isnull=False,
        )
        .select_related("branch", *REOPENER)
        .order_by("-reopened_at", "-id")
    )


def branch_result(branch: Unit, year: int) -> BranchResult | None:
    """The branch's results for the year with who wrote their comment and who reopened them."""
    return (
        BranchResult.objects.filter(branch=branch, year=year)
        .select_related("comment_by_unit", *REOPENER)
        .first()
    )


def own_criteria(unit: Unit, year: int) -> QuerySet[Criterion]:
    """Criteria this unit may change for the year: its framework's and its custom ones."""
    return Criterion.objects.select_related("framework", "unit").filter(
        Q(framework__unit=unit, framework__year=year)
        | Q(framework__isnull=True, unit=unit, year=year)
    )


def criteria_applying(
    unit: Unit, year: int, framework: Framework, audience: str | None = None
) -> QuerySet[Criterion]:
    """What applies in the unit: for a branch exactly what its members may pick; above, every
    criterion of the framework and of the ancestors' custom ones, whatever the sector. With
    `audience`, only what is offered to the members of that group (criteria_for)."""
    if unit.is_branch:
        return criteria_for(
            framework=framework, branch=unit, year=year, sector=unit.sector, audience=audience
        )
    criteria = Criterion.objects.filter(
        Q(framework=framework)
        | Q(framework__isnull=True, unit__path__in=unit.ancestor_paths(), year=year)
    )
    if audience is not None:
        criteria = criteria.filter(Q(audience="") | Q(audience=audience))
    return criteria.filter(area_code__in=framework.areas.values("code")).order_by(
        "area_code", "unit__depth", "order", "id"
    )


def criteria_offered(member, *, framework: Framework, branch: Unit, year: int) -> QuerySet:
    """The criteria the member may pick in the branch that runs his registration: those of
    his branch's sector and of his group (members.models.Audience)."""
    return criteria_for(
        framework=framework,
        branch=branch,
        year=year,
        sector=branch.sector,
        audience=member.audience,
    )


def criteria_usage(criterion_ids) -> dict[int, int]:
    """How many registrations chose each of these criteria."""
    return dict(
        RegistrationItem.objects.filter(criterion_id__in=criterion_ids)
        .order_by()
        .values("criterion_id")
        .annotate(n=Count("id"))
        .values_list("criterion_id", "n")
    )


def earlier_framework(unit: Unit, year: int) -> Framework | None:
    """The unit's own framework of the latest year before this one (to publish it again)."""
    return Framework.objects.filter(unit=unit, year__lt=year).order_by("-year").first()


def deadlines_along(unit: Unit, year: int) -> list[Deadline]:
    """The year's deadlines set by the unit and its ancestors, by kind, sector, nearest first."""
    kinds = list(Deadline.Kind.values)
    return sorted(
        Deadline.objects.filter(unit__path__in=unit.ancestor_paths(), year=year).select_related(
            "unit"
        ),
        key=lambda d: (kinds.index(d.kind), d.sector, -d.unit.depth),
    )


def deadlines_listed(unit: Unit, year: int) -> list[Deadline]:
    """What a unit's deadlines list shows: deadlines_along(), then the shipped defaults
    (`default` set), each with `replaced_by`: the nearer unit whose deadline of the same kind,
    for the same sector or for every sector, applies instead (deadline_for); any unit's
    replaces a default."""
    set_here = deadlines_along(unit, year)
    shipped = sorted(default_deadlines(year).values(), key=lambda d: (d.kind, d.sector))
    for d in set_here:
        d.default = False
    for d in shipped:
        d.default = True
    listed = set_here + shipped
    for d in listed:
        d.replaced_by = next(
            (
                e.unit
                for e in set_here
                if e.kind == d.kind
                and e.sector in (d.sector, "")
                and (d.default or e.unit.depth > d.unit.depth)
            ),
            None,
        )
    return listed


def year_with_work(unit: Unit, today: date | None = None) -> int:
    """The programme year a unit's pages open on: the earliest year whose work still waits at
    the unit (a branch: registrations to review, results returned to it; a unit above: results
    of the branches directly under it waiting for its recognition), else the year running now.
    Two indexed reads; an ended year's recognitions stay in sight until they are done."""
    current = programme_year_of(today or timezone.localdate(), unit.sector)
    if unit.is_branch:
        waiting = Registration.objects.filter(
            branch=unit, year__lt=current, state=Registration.State.SUBMITTED
        )
        returned = BranchResult.objects.filter(
            branch=unit, year__lt=current, state=BranchResult.State.OPEN, comment_action="return"
        )
        years = [
            y
            for y in (
                waiting.order_by("year").values_list("year", flat=True).first(),
                returned.order_by("year").values_list("year", flat=True).first(),
            )
            if y is not None
        ]
    else:
        first = (
            BranchResult.objects.filter(
                branch__path__startswith=unit.path,
                branch__depth=unit.depth + 1,
                state=BranchResult.State.SUBMITTED,
                year__lt=current,
            )
            .order_by("year")
            .values_list("year", flat=True)
            .first()
        )
        years = [first] if first is not None else []
    return min([current, *years])


def member_year_with_work(member, today: date | None = None) -> int:
    """The year a member's own page opens on: an earlier year whose registration is still his
    to finish (a draft, or returned for changes), else the year running now."""
    current = programme_year_of(today or timezone.localdate(), member.branch.sector)
    earlier = (
        Registration.objects.filter(
            member=member,
            year__lt=current,
            state__in=[Registration.State.DRAFT, Registration.State.RETURNED],
        )
        .order_by("year")
        .values_list("year", flat=True)
        .first()
    )
    return current if earlier is None else earlier

"""Who is counted for a programme year, and how: the one definition every page, report, export,
the API and the roll-ups are to use (docs/domain.md, "Counting a programme year").

- **Members of year Y** of a branch: the members whose membership span in that branch covers
  the year's reference date (a span covers the days from `started_on` up to the day before
  `ended_on`). Spans are dated, so a past year does not change when people join or leave today;
  a member admitted after the reference date, or who left before it, is not in year Y. A member
  who moved is counted in the branch he belonged to on that date.
- **The reference date** is data: by default the evaluation deadline that applies to the branch
  for the year (seed 000 IV.3: "đến thời điểm đánh giá"), or the last day of the calendar year
  where the framework says so (seed 002 II.3: "kết nạp trong 6 tháng cuối năm"); without an
  evaluation deadline, the last day of the programme year.
- **Not classified**: members of year Y with less than the framework's eligibility months
  (default 6) of membership at the reference date, counted from their admission
  (`joined_union_on`), so a member transferred in keeps his time (union-rules §3–4), whether or
  not he registered or was assessed.
- **Classified** = members of year Y − not classified. The levels and their shares are over the
  classified; a classified member who did not register, or was not assessed, is incomplete.
- **Registered**: members of year Y whose registration for the year was submitted or approved
  (`REGISTERED_STATES`), wherever the registration is kept now. A draft or a registration
  returned for changes is not registered.
- The level of an assessed, classified member is the band of his total under his framework.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from doanvien.members.models import Member, Membership
from doanvien.units.models import Unit

from .models import Deadline, Framework, Registration, ResultLevel
from .rules import add_months, programme_year_span
from .selectors import deadlines_applying

EVALUATION = Deadline.Kind.EVALUATION
REGISTERED_STATES = (Registration.State.SUBMITTED, Registration.State.APPROVED)
LEVELS = (ResultLevel.EXCELLENT, ResultLevel.GOOD, ResultLevel.COMPLETE, ResultLevel.INCOMPLETE)
# The counters of a branch and year, in the order the report shows them.
FIGURES = ("members", "not_classified", "registered", "waiting", "assessed", *LEVELS)


@dataclass(frozen=True)
class Basis:
    """What counting a branch's year depends on: its reference date and eligibility months."""

    as_of: date
    months: int

    @property
    def joined_by(self) -> date:
        """The last admission date with the full eligibility months at the reference date."""
        return last_classified_admission(self.as_of, self.months)


def last_classified_admission(as_of: date, months: int) -> date:
    """The latest day d with add_months(d, months) <= as_of (rules.is_eligible)."""
    day = add_months(as_of, -months) if months else as_of
    while add_months(day + timedelta(days=1), months) <= as_of:
        day += timedelta(days=1)
    while add_months(day, months) > as_of:
        day -= timedelta(days=1)
    return day


def bases(branches: list[Unit], year: int) -> dict[int, Basis]:
    """The basis of each branch for the year (branch id → Basis), in four queries whatever the
    number of branches: the frameworks and evaluation deadlines set on their ancestors, resolved
    as framework_for and deadline_for do (the nearest ancestor wins; at one unit, a deadline for
    the branch's sector wins over one for every sector; without any, the shipped default)."""
    paths = {path for branch in branches for path in branch.ancestor_paths()}
    published = {
        f.unit.path: f
        for f in Framework.objects.filter(year=year, unit__path__in=paths).select_related("unit")
    }
    default = Framework.objects.filter(
        unit__isnull=True, phase__first_year__lte=year, phase__last_year__gte=year
    ).first()
    evaluations = deadlines_applying([(b, b.sector) for b in branches], year, kinds=[EVALUATION])
    found = {}
    for branch, applying in zip(branches, evaluations, strict=True):
        nearest = list(reversed(branch.ancestor_paths()))
        framework = next((published[p] for p in nearest if p in published), default)
        months = framework.eligibility_months if framework is not None else 6
        if framework is not None and framework.reference == Framework.Reference.YEAR_END:
            as_of = date(year, 12, 31)
        elif EVALUATION in applying:
            as_of = applying[EVALUATION].due_on
        else:
            as_of = programme_year_span(year, branch.sector)[1]
        found[branch.pk] = Basis(as_of=as_of, months=months)
    return found


def reference_date(branch: Unit, year: int) -> date:
    return basis(branch, year).as_of


def basis(branch: Unit, year: int) -> Basis:
    return bases([branch], year)[branch.pk]


def spans_on(day: date) -> Q:
    """Membership spans that cover the day."""
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def members_of_year(branch: Unit, year: int, on: Basis | None = None) -> QuerySet[Member]:
    on = on or basis(branch, year)
    spans = Membership.objects.filter(spans_on(on.as_of), branch=branch, member=OuterRef("pk"))
    return Member.objects.filter(Exists(spans))


def is_classified(member: Member, on: Basis) -> bool:
    return member.joined_union_on <= on.joined_by


def count_branches(branches: list[Unit], year: int) -> dict[int, dict[str, int]]:
    """The year's figures (FIGURES) of each branch, counted from the spans and registrations:
    one grouped query per distinct basis (branches share their reference date and months)."""
    by_basis: dict[Basis, list[int]] = {}
    for pk, on in bases(branches, year).items():
        by_basis.setdefault(on, []).append(pk)
    found: dict[int, dict[str, int]] = {b.pk: dict.fromkeys(FIGURES, 0) for b in branches}
    for on, ids in by_basis.items():
        for branch_id, figures in _count(ids, year, on).items():
            found[branch_id] = figures
    return found


def _count(branch_ids: list[int], year: int, on: Basis) -> dict[int, dict[str, int]]:
    spans = Membership.objects.filter(spans_on(on.as_of), branch_id__in=branch_ids)
    found: dict[int, dict[str, int]] = {pk: dict.fromkeys(FIGURES, 0) for pk in branch_ids}
    new = Q(member__joined_union_on__gt=on.joined_by)
    for row in (
        spans.values("branch_id")
        .annotate(
            members=Count("member_id", distinct=True),
            not_classified=Count("member_id", distinct=True, filter=new),
        )
        .order_by()
    ):
        found[row["branch_id"]].update(members=row["members"], not_classified=row["not_classified"])
    assessed = Q(assessed_at__isnull=False, total__isnull=False)
    classified = assessed & ~new
    for row in (
        Registration.objects.filter(year=year, member__memberships__in=spans)
        .values("member__memberships__branch_id")
        .annotate(
            registered=Count("id", filter=Q(state__in=REGISTERED_STATES)),
            waiting=Count("id", filter=Q(state=Registration.State.SUBMITTED)),
            assessed=Count("id", filter=assessed),
            excellent=Count("id", filter=classified & Q(total__gte=F("framework__band_excellent"))),
            good=Count(
                "id",
                filter=classified
                & Q(total__gte=F("framework__band_good"))
                & Q(total__lt=F("framework__band_excellent")),
            ),
            complete=Count(
                "id",
                filter=classified
                & Q(total__gte=F("framework__band_complete"))
                & Q(total__lt=F("framework__band_good")),
            ),
        )
        .order_by()
    ):
        figures = found[row.pop("member__memberships__branch_id")]
        figures.update(row)
    for figures in found.values():
        classified_members = figures["members"] - figures["not_classified"]
        banded = figures["excellent"] + figures["good"] + figures["complete"]
        figures[ResultLevel.INCOMPLETE] = classified_members - banded
    return found

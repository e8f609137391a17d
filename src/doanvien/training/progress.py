"""Where the programme stands: per branch (who has not done what), per child unit (rates), and
the signs of box-ticking that the base union and above should look at."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.units.models import Unit

from . import counting, rollup
from .lateness import late_under
from .models import BranchResult, Deadline, Registration
from .selectors import REOPENER, days_left, deadlines_applying

State = Registration.State


@dataclass
class DeadlineInfo:
    kind: str
    label: str
    date: date
    days_left: int
    allow_late: bool

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


@dataclass
class BranchProgress:
    branch: Unit
    year: int
    members: int
    not_registered: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    waiting_review: list = field(default_factory=list)
    returned: list = field(default_factory=list)
    not_assessed: list = field(default_factory=list)
    result_state: str = BranchResult.State.OPEN
    deadlines: list[DeadlineInfo] = field(default_factory=list)
    # The branch's figures for the year, as every screen shows them (rollup.figures).
    figures: dict = field(default_factory=dict)

    @property
    def registered(self) -> int:
        return self.figures.get("registered", 0)


def _infos(applying: dict[str, Deadline], today: date) -> list[DeadlineInfo]:
    return [
        DeadlineInfo(kind, label, d.effective_date, days_left(d, today), d.allow_late)
        for kind, label in Deadline.Kind.choices
        if (d := applying.get(kind))
    ]


def deadlines_for(unit: Unit, year: int, sector: str, today: date | None = None):
    return _infos(deadlines_applying([(unit, sector)], year)[0], today or timezone.localdate())


def branch_progress(branch: Unit, year: int, today: date | None = None) -> BranchProgress:
    # The members of the year (counting.py): today's members for a year still to be evaluated.
    members = counting.members_of_year(branch, year).order_by("sort_key")
    registrations = {
        r.member_id: r for r in Registration.objects.filter(member__in=members, year=year)
    }
    result = BranchResult.objects.filter(branch=branch, year=year).first()
    figures = rollup.figures(branch, year)
    progress = BranchProgress(
        branch=branch,
        year=year,
        members=figures["members"],
        result_state=result.state if result else BranchResult.State.OPEN,
        deadlines=deadlines_for(branch, year, branch.sector, today),
        figures=figures,
    )
    for member in members:
        r = registrations.get(member.pk)
        if r is None or r.state == State.MISSED:  # missed: never sent before the year closed
            progress.not_registered.append(member)
        elif r.state == State.DRAFT:
            progress.drafts.append((member, r))
        elif r.state == State.SUBMITTED:
            progress.waiting_review.append((member, r))
        elif r.state == State.RETURNED:
            progress.returned.append((member, r))
        elif r.assessed_at is None:
            progress.not_assessed.append((member, r))
    return progress


@dataclass
class UnitProgress:
    unit: Unit
    members: int
    registered: int = 0
    waiting_review: int = 0
    assessed: int = 0
    branches: int = 0
    branches_recognised: int = 0
    # How many branches under the unit (the branch itself) are late for a deadline (lateness.py).
    late_units: int = 0
    # The deadlines that apply to the unit (its own or inherited), with the days left.
    deadlines: list[DeadlineInfo] = field(default_factory=list)

    def rate(self, part: int) -> float:
        return round(100 * part / self.members, 1) if self.members else 0.0

    @property
    def late(self) -> bool:
        return self.late_units > 0

    @property
    def registration_rate(self) -> float:
        return self.rate(self.registered)

    @property
    def assessment_rate(self) -> float:
        return self.rate(self.assessed)


def children_progress(unit: Unit, year: int, today: date | None = None) -> list[UnitProgress]:
    """The programme's progress in each unit directly under `unit`, read from the roll-up rows
    of the children (kept exact by the services; no registration is read), plus one grouped
    count of the active branches under each child."""
    today = today or timezone.localdate()
    children = list(unit.children().filter(is_active=True).order_by("name"))
    rollup.ensure_year(year)
    rows = {c.pk: UnitProgress(unit=c, members=0) for c in children}
    for s in rollup.rows_under(unit.path, unit.depth + 1, year):
        if s.unit_id in rows:
            p = rows[s.unit_id]
            p.members, p.registered, p.waiting_review = s.members, s.registered, s.waiting
            p.assessed, p.branches_recognised = s.assessed, s.recognised
    length = len(unit.path) + Unit.steplen
    by_path = {p.unit.path: p for p in rows.values()}
    branches = (
        Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.BRANCH, is_active=True)
        .annotate(prefix=Substr("path", 1, length))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
    )
    for row in branches:
        if row["prefix"] in by_path:
            by_path[row["prefix"]].branches = row["n"]
    late = late_under(unit, year, today)
    applying = deadlines_applying([(c, c.sector) for c in children], year)
    for child, deadlines in zip(children, applying, strict=True):
        p = rows[child.pk]
        p.deadlines = _infos(deadlines, today)
        p.late_units = late.get(child.path, 0)
    return [rows[c.pk] for c in children]


def pending_recognitions(unit: Unit, year: int):
    """Branch results submitted and waiting for recognition in the unit's subtree."""
    return (
        BranchResult.objects.filter(
            unit_path__startswith=unit.path, year=year, state=BranchResult.State.SUBMITTED
        )
        .select_related("branch", *REOPENER)
        .order_by("submitted_at")
    )


# Box-ticking signs (seed 000 asks that the assessment not be a formality).
SAME_PLAN_SHARE = 0.5
MIN_MEMBERS_FOR_FLAGS = 3


def box_ticking_flags_for(branches, year: int) -> dict[int, list[str]]:
    """The box-ticking signs of many branches at once, in four grouped queries whatever their
    number: branch id → the signs (empty when none)."""
    ids = [b.pk for b in branches]
    flags: dict[int, list[str]] = {pk: [] for pk in ids}
    if not ids:
        return flags
    registrations = Registration.objects.filter(branch_id__in=ids, year=year)
    registered = dict(
        registrations.exclude(state__in=(State.DRAFT, State.MISSED))
        .order_by()
        .values_list("branch_id")
        .annotate(n=Count("id"))
    )
    same_plans = (
        registrations.exclude(state__in=(State.DRAFT, State.MISSED))
        .exclude(items__plan="")
        .order_by()
        # The same words for the same criterion: copied, not thought through.
        .values("branch_id", "items__criterion", "items__plan")
        .annotate(n=Count("id", distinct=True))
        .filter(n__gte=MIN_MEMBERS_FOR_FLAGS)
    )
    top: dict[int, dict] = {}
    for row in same_plans:
        best = top.get(row["branch_id"])
        if row["items__plan"] and (best is None or row["n"] > best["n"]):
            top[row["branch_id"]] = row
    for branch_id, row in sorted(top.items()):
        total = registered.get(branch_id, 0)
        if total >= MIN_MEMBERS_FOR_FLAGS and row["n"] >= SAME_PLAN_SHARE * total:
            flags[branch_id].append(
                _("%(n)s of %(total)s members wrote the same plan for a criterion: “%(plan)s”.")
                % {"n": row["n"], "total": total, "plan": row["items__plan"][:80].rstrip(". ")}
            )
    assessed = (
        registrations.filter(assessed_at__isnull=False)
        .order_by()
        .values("branch_id")
        .annotate(
            n=Count("id"),
            totals=Count("total", distinct=True),
            lowest=Min("total"),
            commented=Count("id", filter=~Q(branch_comment="")),
        )
    )
    for row in assessed:
        if row["n"] < MIN_MEMBERS_FOR_FLAGS:
            continue
        if row["totals"] == 1:
            flags[row["branch_id"]].append(
                _("Every assessed member has the same total (%(total)s).")
                % {"total": Decimal(row["lowest"]).quantize(Decimal("0.1"))}
            )
        if row["commented"] == 0:
            flags[row["branch_id"]].append(
                _("%(n)s assessments were entered without a single comment.") % {"n": row["n"]}
            )
    return flags


def box_ticking_flags(branch: Unit, year: int) -> list[str]:
    return box_ticking_flags_for([branch], year)[branch.pk]

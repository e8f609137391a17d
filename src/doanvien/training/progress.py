"""Where the programme stands: per branch (who has not done what), per child unit (rates), and
the signs of box-ticking that the base union and above should look at."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.members.models import Member, Status
from doanvien.units.models import Unit

from .models import BranchResult, Deadline, Registration
from .selectors import days_left, deadline_for

State = Registration.State


@dataclass
class DeadlineInfo:
    kind: str
    label: str
    date: date
    days_left: int
    allow_late: bool


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
    assessed: int = 0
    result_state: str = BranchResult.State.OPEN
    deadlines: list[DeadlineInfo] = field(default_factory=list)

    @property
    def registered(self) -> int:
        return self.members - len(self.not_registered) - len(self.drafts)


def deadlines_for(unit: Unit, year: int, sector: str, today: date | None = None):
    today = today or timezone.localdate()
    found = []
    for kind, label in Deadline.Kind.choices:
        d = deadline_for(unit=unit, year=year, kind=kind, sector=sector)
        if d:
            found.append(
                DeadlineInfo(kind, label, d.effective_date, days_left(d, today), d.allow_late)
            )
    return found


def branch_progress(branch: Unit, year: int, today: date | None = None) -> BranchProgress:
    members = Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("sort_key")
    registrations = {r.member_id: r for r in Registration.objects.filter(branch=branch, year=year)}
    result = BranchResult.objects.filter(branch=branch, year=year).first()
    progress = BranchProgress(
        branch=branch,
        year=year,
        members=members.count(),
        result_state=result.state if result else BranchResult.State.OPEN,
        deadlines=deadlines_for(branch, year, branch.sector, today),
    )
    for member in members:
        r = registrations.get(member.pk)
        if r is None:
            progress.not_registered.append(member)
        elif r.state == State.DRAFT:
            progress.drafts.append((member, r))
        elif r.state == State.SUBMITTED:
            progress.waiting_review.append((member, r))
        elif r.state == State.RETURNED:
            progress.returned.append((member, r))
        elif r.assessed_at is None:
            progress.not_assessed.append((member, r))
        else:
            progress.assessed += 1
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
    late: bool = False

    def rate(self, part: int) -> float:
        return round(100 * part / self.members, 1) if self.members else 0.0

    @property
    def registration_rate(self) -> float:
        return self.rate(self.registered)

    @property
    def assessment_rate(self) -> float:
        return self.rate(self.assessed)


def children_progress(unit: Unit, year: int, today: date | None = None) -> list[UnitProgress]:
    """The programme's progress in each unit directly under `unit` (grouped queries on the path
    prefix: one for registrations, one for branch results, one for branches)."""
    today = today or timezone.localdate()
    children = list(unit.children().filter(is_active=True).order_by("name"))
    length = len(unit.path) + Unit.steplen
    rows = {c.path: UnitProgress(unit=c, members=c.member_count) for c in children}
    by_prefix = (
        Registration.objects.filter(
            unit_path__startswith=unit.path, year=year, member__status=Status.ACTIVE
        )
        .annotate(prefix=Substr("unit_path", 1, length))
        .order_by()
        .values("prefix")
        .annotate(
            registered=Count("id", filter=Q(state__in=[State.SUBMITTED, State.APPROVED])),
            waiting=Count("id", filter=Q(state=State.SUBMITTED)),
            assessed=Count("id", filter=Q(assessed_at__isnull=False)),
        )
    )
    for row in by_prefix:
        if row["prefix"] in rows:
            p = rows[row["prefix"]]
            p.registered, p.waiting_review, p.assessed = (
                row["registered"],
                row["waiting"],
                row["assessed"],
            )
    branches = (
        Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.BRANCH, is_active=True)
        .annotate(prefix=Substr("path", 1, length))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
    )
    for row in branches:
        if row["prefix"] in rows:
            rows[row["prefix"]].branches = row["n"]
    recognised = (
        BranchResult.objects.filter(
            unit_path__startswith=unit.path, year=year, state=BranchResult.State.RECOGNISED
        )
        .annotate(prefix=Substr("unit_path", 1, length))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
    )
    for row in recognised:
        if row["prefix"] in rows:
            rows[row["prefix"]].branches_recognised = row["n"]
    for p in rows.values():
        for kind, done in (
            (Deadline.Kind.REGISTRATION, p.registered),
            (Deadline.Kind.EVALUATION, p.assessed),
        ):
            d = deadline_for(unit=p.unit, year=year, kind=kind, sector=p.unit.sector)
            if d and today > d.effective_date and done < p.members:
                p.late = True
    return [rows[c.path] for c in children]


def pending_recognitions(unit: Unit, year: int):
    """Branch results submitted and waiting for recognition in the unit's subtree."""
    return (
        BranchResult.objects.filter(
            unit_path__startswith=unit.path, year=year, state=BranchResult.State.SUBMITTED
        )
        .select_related("branch")
        .order_by("submitted_at")
    )


# Box-ticking signs (seed 000 asks that the assessment not be a formality).
SAME_PLAN_SHARE = 0.5
MIN_MEMBERS_FOR_FLAGS = 3


def box_ticking_flags(branch: Unit, year: int) -> list[str]:
    registrations = Registration.objects.filter(branch=branch, year=year)
    flags = []
    registered = registrations.exclude(state=State.DRAFT).count()
    if registered >= MIN_MEMBERS_FOR_FLAGS:
        top = (
            registrations.exclude(state=State.DRAFT)
            .order_by()
            # The same words for the same criterion: copied, not thought through.
            .values("items__criterion", "items__plan")
            .annotate(n=Count("id", distinct=True))
            .order_by("-n")
            .first()
        )
        if (
            top
            and top["items__plan"]
            and top["n"] >= max(MIN_MEMBERS_FOR_FLAGS, SAME_PLAN_SHARE * registered)
        ):
            flags.append(
                _("%(n)s of %(total)s members wrote the same plan for a criterion: “%(plan)s”.")
                % {"n": top["n"], "total": registered, "plan": top["items__plan"][:80].rstrip(". ")}
            )
    assessed = registrations.filter(assessed_at__isnull=False)
    count = assessed.count()
    if count >= MIN_MEMBERS_FOR_FLAGS:
        if assessed.values("total").distinct().count() == 1:
            flags.append(
                _("Every assessed member has the same total (%(total)s).")
                % {"total": assessed.first().total}
            )
        if not assessed.exclude(branch_comment="").exists():
            flags.append(
                _("%(n)s assessments were entered without a single comment.") % {"n": count}
            )
    return flags

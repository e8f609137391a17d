"""Reads of the "1+1" programme for the pages and the API (scoped by the caller: the user sees
the unit)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from doanvien.core.text import fold
from doanvien.members.models import Member, Status
from doanvien.training import rollup as training_rollup
from doanvien.training.rules import programme_year_span
from doanvien.units import member_counts
from doanvien.units.models import Unit

from . import rollup
from .models import COUNTERS, Referral, Youth
from .services import settings_for


def youth_search(unit: Unit, q: str = "") -> QuerySet[Youth]:
    """The youths of the unit's subtree not erased, by name; `q` ignores diacritics and case
    (core/text.py: "nguyen van" finds "Nguyễn Văn")."""
    youths = Youth.objects.filter(unit_path__startswith=unit.path, erased_at=None)
    term = fold(q or "")
    if term:
        youths = youths.filter(name_folded__contains=term)
    return youths.select_related("group", "unit").order_by("name_folded", "pk")


def branch_referrals(branch: Unit) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(unit_path__startswith=branch.path)
        .select_related("youth", "member", "branch")
        .order_by("-introduced_on", "-pk")
    )


def member_referrals(member: Member) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(member=member)
        .select_related("youth", "branch")
        .order_by("-introduced_on", "-pk")
    )


@dataclass
class PlanRow:
    member: Member
    referrals: int


def branch_plan(branch: Unit, year: int) -> tuple[int, list[PlanRow]]:
    """The branch plan (seed 003 Bước 2): each active member's target of referrals for the year
    (data, default 1) and the members still short of it, fewest first."""
    target = settings_for(branch).target_per_member
    first, last = date(year, 1, 1), date(year, 12, 31)
    members = (
        Member.objects.filter(branch=branch, status=Status.ACTIVE)
        .annotate(
            n=Count(
                "referrals",
                filter=Q(referrals__introduced_on__range=(first, last)),
            )
        )
        .filter(n__lt=target)
        .order_by("n", "sort_key", "pk")
    )
    return target, [PlanRow(m, m.n) for m in members[:500]]


@dataclass
class ReportRow:
    unit: Unit
    members: int
    figures: dict[str, int]
    # Reporting units under this row's unit (or itself) late with the year's report.
    late: int = 0

    @property
    def share(self) -> str:
        """Members who introduced someone, as a share of the members (two decimals)."""
        if not self.members:
            return "0.00"
        return f"{100 * self.figures['members_referring'] / self.members:.2f}"

    @property
    def gathering_rate(self) -> str:
        """The youth-gathering rate (members + Federation members) / youths surveyed, over the
        branches that surveyed only (their members counted by the surveys, not every member of
        the unit), in percent with two decimals; "" where nobody was surveyed."""
        f = self.figures
        surveyed = f["youths_surveyed"]
        if not surveyed:
            return ""
        return f"{100 * (f['members_surveyed'] + f['federation_surveyed']) / surveyed:.2f}"

    def as_dict(self) -> dict:
        return {
            "unit": self.unit.name,
            "unit_id": self.unit.pk,
            "members": self.members,
            **self.figures,
            "members_referring_share": self.share,
            "gathering_rate": self.gathering_rate,
        }


def report_rows(unit: Unit, year: int) -> list[ReportRow]:
    """The "1+1" report (seed 003 Bước 4, §4.2): the unit's row then each child's, read from
    the roll-ups (youth/rollup.py for the programme's figures; the training roll-ups' members
    of the year, or the members now where the year has no training rows)."""
    units = [unit, *unit.children().order_by("name", "pk")]
    figures = rollup.figures_of(units, year)
    members = _members_of(unit, units, year)
    return [ReportRow(u, members.get(u.pk, 0), figures[u.pk]) for u in units]


def _members_of(unit: Unit, units: list[Unit], year: int) -> dict[int, int]:
    if training_rollup.is_open(year):
        found = {}
        own = training_rollup.unit_rows(unit, [year]).get(year)
        if own is not None:
            found[unit.pk] = own.members
        for row in training_rollup.rows_under(unit.path, unit.depth + 1, year):
            found[row.unit_id] = row.members
        return found
    return {
        u.pk: u.member_count
        for u in member_counts.exact(Unit.objects.filter(pk__in=[u.pk for u in units]))
    }


def empty_figures() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


@dataclass
class ReferralSummary:
    """A member's referrals introduced in a programme year, by how far each went: for the
    programme's criterion "Thực hiện chủ trương 1+1" on his training page."""

    year: int
    first: date
    last: date
    introduced: int = 0
    taking_part: int = 0
    joined_federation: int = 0
    proposed: int = 0
    admitted: int = 0
    dropped: int = 0

    @property
    def calendar_year(self) -> bool:
        return (self.first.month, self.first.day) == (1, 1)


def referral_summary(member: Member, year: int, *, branch: Unit | None = None) -> ReferralSummary:
    """One grouped query over the member's referrals introduced in programme year `year` of the
    branch his registration belongs to (`branch`, by default his own): the calendar year, or
    for a school the school year (training.rules.programme_year_span: from June to May by
    default, the month being data)."""
    first, last = programme_year_span(year, (branch or member.branch).sector)
    summary = ReferralSummary(year=year, first=first, last=last)
    rows = (
        Referral.objects.filter(member=member, introduced_on__range=(first, last))
        .values("state")
        .annotate(n=Count("id"), federation=Count("federation_on"))
        .order_by()
    )
    for row in rows:
        summary.introduced += row["n"]
        summary.joined_federation += row["federation"]
        if row["state"] != Referral.State.INTRODUCED:
            setattr(summary, row["state"], getattr(summary, row["state"]) + row["n"])
    return summary

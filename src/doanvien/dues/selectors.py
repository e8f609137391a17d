"""Reads for the dues pages and the API: the ledger of a unit and its children (from the
ledger rows plus the waiting deltas, dues/ledger.py: never a scan of payments above a branch),
and a branch's members with the months they paid and owe."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, Sum
from django.utils import timezone

from doanvien.members.models import Member, Membership, Status
from doanvien.units.models import Unit

from . import ledger, rules
from .models import Exemption, PaidMonth, Remittance

FIGURES = ("collected", "kept", "due_up", "sent", "confirmed", "outstanding")


@dataclass
class Figures:
    collected: int = 0
    kept: int = 0
    due_up: int = 0
    sent: int = 0
    confirmed: int = 0
    outstanding: int = 0

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in FIGURES}


@dataclass
class Ledger:
    unit: Unit
    year: int
    remits: bool
    total: Figures
    periods: list[tuple[str, Figures]]
    received: int = 0  # remittances from the units below, confirmed
    children: list[tuple[Unit, Figures]] = field(default_factory=list)


def _figures(
    months: dict[int, int], remits: bool, sent: dict, confirmed: dict, period_months=None
) -> Figures:
    f = Figures()
    wanted = period_months or range(1, 13)
    for m in wanted:
        collected = months.get(m, 0)
        kept, due = rules.split(collected) if remits else (collected, 0)
        f.collected += collected
        f.kept += kept
        f.due_up += due
    return f


def _remitted(unit_ids: list[int], year: int) -> dict[int, dict[str, dict[str, int]]]:
    """unit → period label → {"sent", "confirmed"}: what the units sent up in the year."""
    found: dict[int, dict[str, dict[str, int]]] = {}
    rows = (
        Remittance.objects.filter(from_unit_id__in=unit_ids, year=year)
        .exclude(state=Remittance.State.REJECTED)
        .values("from_unit_id", "period", "state")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        sums = found.setdefault(row["from_unit_id"], {}).setdefault(
            row["period"], {"sent": 0, "confirmed": 0}
        )
        sums["sent"] += row["total"]
        if row["state"] == Remittance.State.CONFIRMED:
            sums["confirmed"] += row["total"]
    return found


def _finish(f: Figures, remitted: dict[str, dict[str, int]], labels=None) -> Figures:
    for label, sums in remitted.items():
        if labels is None or label in labels:
            f.sent += sums["sent"]
            f.confirmed += sums["confirmed"]
    f.outstanding = f.due_up - f.confirmed
    return f


def ledger_of(unit: Unit, year: int, *, children: bool = True) -> Ledger:
    """The unit's ledger for the year: totals, each period of its schedule, and each child's
    totals; outstanding = due up − confirmed by the unit above."""
    months = ledger.read(unit, year, children=children)
    kids = list(unit.children().order_by("path")) if children else []
    remitted = _remitted([unit.pk, *[k.pk for k in kids]], year)
    remits = rules.remits_to_parent(unit.depth, unit.sector)
    own = months.get(unit.path, {})
    total = _finish(_figures(own, remits, {}, {}), remitted.get(unit.pk, {}))
    periods = []
    for period in rules.periods_of(rules.schedule_of(unit.level.code), year):
        f = _figures(own, remits, {}, {}, period.months)
        periods.append((period.label, _finish(f, remitted.get(unit.pk, {}), {period.label})))
    rows = []
    for kid in kids:
        kid_remits = rules.remits_to_parent(kid.depth, kid.sector)
        f = _figures(months.get(kid.path, {}), kid_remits, {}, {})
        rows.append((kid, _finish(f, remitted.get(kid.pk, {}))))
    received = (
        Remittance.objects.filter(
            to_unit=unit, year=year, state=Remittance.State.CONFIRMED
        ).aggregate(n=Sum("amount"))["n"]
        or 0
    )
    return Ledger(unit, year, remits, total, periods, received, rows)


def months_due(year: int, today: date | None = None) -> list[date]:
    """The months of the year that are due by today (all of a past year, none of a future)."""
    today = today or timezone.localdate()
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    return [date(year, m, 1) for m in range(1, last + 1)]


@dataclass
class MemberMonths:
    member: Member
    paid: list[date]
    exempt: list[date]
    owed: list[date]


def branch_members(branch: Unit, year: int, today: date | None = None) -> list[MemberMonths]:
    """The branch's active members, each with the months of the year he paid, was exempted and
    still owes (months due while he was in this branch, neither paid nor exempted)."""
    members = list(
        Member.objects.filter(branch=branch, status=Status.ACTIVE)
        .select_related("branch")
        .order_by("name_folded", "pk")
    )
    ids = [m.pk for m in members]
    first, last = date(year, 1, 1), date(year, 12, 31)
    paid: dict[int, set[date]] = {}
    for member_id, month in PaidMonth.objects.filter(
        member_id__in=ids, valid=True, month__range=(first, last)
    ).values_list("member_id", "month"):
        paid.setdefault(member_id, set()).add(month)
    exempt: dict[int, set[date]] = {}
    for e in Exemption.objects.filter(member_id__in=ids, first_month__lte=last):
        for k in range(e.months):
            month = rules.add_months(e.first_month, k)
            if month.year == year:
                exempt.setdefault(e.member_id, set()).add(month)
    spans: dict[int, list[tuple[date, date | None]]] = {}
    for member_id, start, end in Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first),
        member_id__in=ids,
        branch=branch,
        started_on__lte=last,
    ).values_list("member_id", "started_on", "ended_on"):
        spans.setdefault(member_id, []).append((start, end))
    due = months_due(year, today)
    found = []
    for m in members:
        in_branch = [
            month
            for month in due
            if any(
                s < rules.add_months(month, 1) and (e is None or e >= month)
                for s, e in spans.get(m.pk, [])
            )
        ]
        p, x = paid.get(m.pk, set()), exempt.get(m.pk, set())
        owed = [month for month in in_branch if month not in p and month not in x]
        found.append(MemberMonths(m, sorted(p), sorted(x), owed))
    return found

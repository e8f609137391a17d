"""A small national data set (a few hundred members) on the suite's database: its shape, its
counts and that everything derived from it (member counts, tree, roll-ups) is exact; its year of
meetings and dues, and that the meetings' and dues' services carry on from it."""

from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.utils import timezone

from doanvien.core.text import fold, given_name_key
from doanvien.demo.national import generate as generate_set
from doanvien.dues import ledger, recompute, services
from doanvien.dues import rules as dues_rules
from doanvien.dues.models import Exemption, LedgerRow, PaidMonth, Payment, Profile, ReceiptBook
from doanvien.dues.selectors import branch_members, months_due
from doanvien.meetings import rollup as meeting_rollup
from doanvien.meetings import rules as meeting_rules
from doanvien.meetings import services as meeting_services
from doanvien.meetings.models import Attendance, CadenceRule, Meeting, MeetingStats, Theme
from doanvien.members.models import Member, Membership
from doanvien.reports.selectors import report
from doanvien.training.models import (
    BranchResult,
    Criterion,
    Registration,
    RegistrationItem,
    YearStats,
)
from doanvien.training.recompute import differences
from doanvien.training.rules import Bands, classify, is_eligible, round_total
from doanvien.training.selectors import deadline_for
from doanvien.units.models import Unit

YEAR = 2026
MEMBERS = 600
PROVINCES = 3


def generate(**options):
    out = StringIO()
    call_command(
        "generate_national",
        members=MEMBERS,
        provinces=PROVINCES,
        year=YEAR,
        seed=7,
        stdout=out,
        **options,
    )
    return out.getvalue()


@pytest.fixture
def national(db):
    return generate()


def test_it_builds_a_small_national_set_whose_derived_figures_are_exact(national):
    """One generation, every check: shape, tree, people, registrations, roll-ups."""
    assert "600 members" in national and "rows/s" in national
    check_tree_shape()
    check_tree_is_consistent()
    check_members()
    check_registrations()
    check_levels_are_spread()
    check_roll_ups()
    today = timezone.localdate()
    check_meetings(today)
    check_attendance()
    check_meeting_roll_ups(today)
    check_payments(today)
    check_members_owing(today)
    check_dues_ledger()
    check_the_services_carry_on(today)


def check_tree_shape():
    root = Unit.objects.get(depth=1)
    assert root.level.code == "central"
    provinces = Unit.objects.filter(depth=2)
    assert provinces.filter(code__startswith="T0").count() == PROVINCES
    assert provinces.exclude(code__startswith="T0").count() == 3  # directly under the centre
    assert set(provinces.values_list("level__code", flat=True)) == {"province"}
    bases = Unit.objects.filter(level__code="base")
    # Base unions straight under a province, under a district-level unit, and the branches of
    # a base union with an intermediate level (faculty or plant unions).
    assert bases.filter(depth=3, kind="union").exists()
    assert bases.filter(depth=4, kind="union", numchild__gt=0).exists()
    intermediate = Unit.objects.filter(name__startswith="Liên chi đoàn")
    assert intermediate.exists()
    assert Unit.objects.filter(kind="branch", path__startswith=intermediate.first().path).exists()
    assert bases.filter(kind="branch").exists()  # branches at base level
    branch_depths = set(Unit.objects.filter(kind="branch").values_list("depth", flat=True))
    assert len(branch_depths) >= 3
    sectors = set(Unit.objects.filter(kind="branch").values_list("sector", flat=True))
    assert {"school", "residential", "workers", "public_admin", "armed_forces"} <= sectors
    # Invented Vietnamese names with diacritics; unique codes.
    assert all(u.name != u.name_folded for u in Unit.objects.all()[:50])
    assert all(u.name_folded == fold(u.name) for u in Unit.objects.all())
    assert not Unit.objects.values("code").annotate(n=Count("id")).filter(n__gt=1).exists()
    # No empty unit: every branch has members and every union has units under it.
    assert not Unit.objects.filter(member_count=0).exists()
    assert not Unit.objects.filter(kind="union", numchild=0).exists()


def check_tree_is_consistent():
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    units = list(Unit.objects.all())
    children = Counter(u.path[: -Unit.steplen] for u in units if u.depth > 1)
    active = Counter(Member.objects.filter(status="active").values_list("unit_path", flat=True))
    for unit in units:
        assert unit.depth * Unit.steplen == len(unit.path)
        assert unit.numchild == children[unit.path], unit.code
        expected = sum(n for path, n in active.items() if path.startswith(unit.path))
        assert unit.member_count == expected, unit.code
    assert Unit.objects.get(depth=1).member_count == MEMBERS


def check_members():
    members = list(Member.objects.select_related("branch"))
    assert len(members) == MEMBERS
    assert len({m.member_code for m in members}) == MEMBERS
    assert len({m.id_number for m in members}) == MEMBERS
    assert Member.objects.filter(status="active").count() == MEMBERS
    evaluation = date(YEAR, 10, 15)
    for m in members:
        assert m.branch.kind == "branch" and m.unit_path == m.branch.path
        assert m.name_folded == fold(m.full_name) and m.sort_key == given_name_key(m.full_name)
        assert len(m.id_number) == 12 and m.id_number.isdigit()
        assert int(m.id_number[:3]) > 100  # invented province codes: no real card has them
        age = evaluation.year - m.date_of_birth.year
        assert 16 <= age <= 36
        joined_age = (m.joined_union_on - m.date_of_birth).days / 365.25
        assert 16 <= joined_age <= 31
        assert m.joined_union_on <= evaluation
        assert m.sex in ("male", "female")
    assert sum(m.full_name != m.name_folded for m in members) > MEMBERS * 0.9
    spans = Membership.objects.values_list("member_id", "branch_id", "started_on")
    assert {(m.pk, m.branch_id, m.joined_union_on) for m in members} == set(spans)
    positions = Counter(m.position for m in members)
    assert positions["secretary"] == Unit.objects.filter(kind="branch").count()
    # Committee members are Union cadres; pupils, students and teachers are in their groups.
    assert all((m.audience == "cadre") == (m.position != "member") for m in members)
    assert {"general", "student", "teacher", "cadre"} <= {m.audience for m in members}


def check_registrations():
    registrations = list(Registration.objects.select_related("member", "branch", "framework"))
    assert len(registrations) == MEMBERS
    assert {r.member_id for r in registrations} == set(Member.objects.values_list("pk", flat=True))
    items = RegistrationItem.objects.values_list("registration_id", "criterion_id")
    chosen: dict[int, set[int]] = {}
    for registration_id, criterion_id in items:
        chosen.setdefault(registration_id, set()).add(criterion_id)
    criteria = {c.pk: c for c in Criterion.objects.all()}
    root = Unit.objects.get(depth=1)
    deadlines = {
        sector: deadline_for(unit=root, year=YEAR, kind="evaluation", sector=sector).due_on
        for sector in {r.branch.sector for r in registrations}
    }
    for r in registrations:
        framework = r.framework
        mine = [criteria[pk] for pk in chosen[r.pk]]
        assert len(mine) >= max(10, framework.min_criteria)
        assert {c.area_code for c in mine} == {a.code for a in framework.area_list}
        assert all(c.sector in ("", r.branch.sector) for c in mine)
        assert all(c.audience in ("", r.member.audience) for c in mine)
        mandatory = {
            c.pk for c in criteria.values() if c.mandatory and c.sector in ("", r.branch.sector)
        }
        assert mandatory <= chosen[r.pk]
        assert r.state == "approved" and r.year == YEAR
        assert r.unit_path == r.branch.path and r.branch_id == r.member.branch_id
        assert r.submitted_at and r.approved_at and r.assessed_at
        assert r.submitted_at < r.approved_at < r.assessed_at
        points = [Decimal(v) for v in r.branch_points.values()]
        assert all(0 <= p <= 20 for p in points)
        assert r.total == round_total(sum(points, Decimal(0)))
        eligible = is_eligible(
            joined_union_on=r.member.joined_union_on,
            evaluated_on=deadlines[r.branch.sector],
            months=framework.eligibility_months,
        )
        assert r.level == classify(total=r.total, bands=Bands.of(framework), eligible=eligible)
    assert BranchResult.objects.count() == Unit.objects.filter(kind="branch").count()


def check_levels_are_spread():
    levels = Counter(Registration.objects.values_list("level", flat=True))
    assert set(levels) == {"excellent", "good", "complete", "incomplete", "not_classified"}
    share = {level: n / MEMBERS for level, n in levels.items()}
    assert 0.3 < share["good"] < 0.6
    assert 0.05 < share["excellent"] < 0.3
    assert 0.15 < share["complete"] < 0.45
    assert share["incomplete"] < 0.15 and share["not_classified"] < 0.15


def check_roll_ups():
    assert differences() == []
    assert YearStats.objects.filter(year=YEAR).count() == Unit.objects.count()
    root = Unit.objects.get(depth=1)
    rows = report(root, YEAR)
    assert rows[0].total == MEMBERS and rows[0].registered == MEMBERS
    levels = Counter(Registration.objects.values_list("level", flat=True))
    assert rows[0].not_classified == levels["not_classified"]
    assert {k: v["count"] for k, v in rows[0].levels.items()} == {
        k: levels[k] for k in ("excellent", "good", "complete", "incomplete")
    }
    assert sum(r.total for r in rows[1:]) == MEMBERS
    assert sum(v["share"] for v in rows[0].levels.values()) == Decimal("100.00")


# --- The year of meetings and dues ---------------------------------------------------------------


def members_by_id() -> dict[int, Member]:
    return {m.pk: m for m in Member.objects.select_related("branch")}


def check_meetings(today: date):
    """Every branch meets once a month up to this month, a few months skipped."""
    branches = {u.pk: u for u in Unit.objects.filter(kind="branch")}
    months = meeting_rules.months_to_check(YEAR, today)
    assert months  # the data set's year has begun
    held = Counter()
    for meeting in Meeting.objects.all():
        branch = branches[meeting.unit_id]  # only branches meet
        assert meeting.unit_path == branch.path
        assert meeting.kind == "regular" and meeting.attendance_taken and not meeting.cancelled
        assert meeting.date.year == YEAR and meeting.date <= today
        assert meeting.date.month in months
        assert meeting.theme_text
        held[(branch.pk, meeting.date.month)] += 1
    assert set(held.values()) == {1}  # the default cadence: one a month
    possible = len(branches) * len(months)
    assert 0.9 * possible <= len(held) < possible  # a few branch-months without a meeting
    assert {branch for branch, _month in held} == set(branches)


def check_attendance():
    """A row for each member on the roll at the meeting's date: mostly present."""
    members = members_by_id()
    listed: dict[int, set[int]] = {}
    presences = Counter()
    for meeting_id, member_id, presence in Attendance.objects.values_list(
        "meeting_id", "member_id", "presence"
    ):
        listed.setdefault(meeting_id, set()).add(member_id)
        presences[presence] += 1
    by_branch: dict[int, list[Member]] = {}
    for m in members.values():
        by_branch.setdefault(m.branch_id, []).append(m)
    late = 0
    for meeting in Meeting.objects.all():
        roll = {m.pk for m in by_branch[meeting.unit_id] if m.joined_union_on <= meeting.date}
        assert listed.get(meeting.pk, set()) == roll
        late += len(by_branch[meeting.unit_id]) - len(roll)
    assert late > 0  # members admitted during the year are on the roll only from then on
    total = sum(presences.values())
    assert presences["present"] > 0.75 * total
    assert 0 < presences["absent"] < 0.1 * total and 0 < presences["excused"] < 0.15 * total


def check_meeting_roll_ups(today: date):
    assert meeting_rollup.differences() == []
    assert meeting_rollup.fix() == 0  # the counted figures and each unit's own figures
    root = Unit.objects.get(depth=1)
    figures = meeting_rollup.figures_of([root], YEAR)[root.pk]
    summary = meeting_rollup.summary(figures, YEAR, today)
    branches = Unit.objects.filter(kind="branch").count()
    assert summary["branches"] == branches
    assert summary["meetings"] == Meeting.objects.count()
    assert figures["expected"] == Attendance.objects.count()
    assert figures["present"] == Attendance.objects.filter(presence="present").count()
    months = len(meeting_rules.months_to_check(YEAR, today))
    assert summary["months_without"] == branches * months - summary["meetings"] > 0
    assert MeetingStats.objects.filter(year=0).count() == Unit.objects.count()


def check_payments(today: date):
    """Each payment as dues.services.payment_record makes it: the rate of the member's
    category × the months, monthly or (with the profile's leave) a quarter at once, the
    receipts numbered in the order received in each branch and year."""
    members = members_by_id()
    quarterly = set(Profile.objects.filter(pays_quarterly=True).values_list("member_id", flat=True))
    categories = {pk: services.category_of(m) for pk, m in members.items()}
    months_of: dict[int, list[date]] = {}
    for payment_id, month in PaidMonth.objects.filter(valid=True).values_list("payment", "month"):
        months_of.setdefault(payment_id, []).append(month)
    due = set(months_due(YEAR, today))
    receipts: dict[int, list[tuple]] = {}
    spans = Counter()
    rates = {}
    for p in Payment.objects.select_related("unit").order_by("id"):
        member = members[p.member_id]
        months = sorted(months_of[p.pk])
        assert p.state == "valid" and p.unit_id == member.branch_id and p.unit_path == p.unit.path
        assert dues_rules.months_fault(months, pays_quarterly=p.member_id in quarterly) is None
        assert set(months) <= due
        assert months[0] >= member.joined_union_on.replace(day=1)
        assert p.category == categories[p.member_id]
        if (p.category, months[0]) not in rates:
            rates[(p.category, months[0])] = services.rate_on(p.category, months[0])
        assert p.amount == rates[(p.category, months[0])].monthly_amount * len(months)
        assert member.joined_union_on <= p.received_on <= today
        assert p.year == p.received_on.year == YEAR
        assert p.receipt_no == f"{p.unit.code}/{YEAR}/{p.receipt_seq:05d}"
        receipts.setdefault(p.unit_id, []).append((p.receipt_seq, p.received_on))
        spans[len(months)] += 1
    assert {1, 3} <= set(spans)  # month by month, and a quarter at once
    assert set(categories.values()) >= {"no_salary", "salaried"}
    books = dict(ReceiptBook.objects.filter(year=YEAR).values_list("unit_id", "last_no"))
    assert books.keys() == receipts.keys()
    for branch_id, given in receipts.items():
        given.sort()
        assert [seq for seq, _day in given] == list(range(1, len(given) + 1))
        assert [day for _seq, day in given] == sorted(day for _seq, day in given)
        assert books[branch_id] == len(given)


def check_members_owing(today: date):
    """Every member paid each month due since he joined, but a few who owe their last
    months."""
    owing = 0
    for branch in Unit.objects.filter(kind="branch"):
        for row in branch_members(branch, YEAR, today):
            if row.owed:
                owing += 1
                since = row.member.joined_union_on.replace(day=1)
                due = [m for m in months_due(YEAR, today) if m >= since and m not in row.paid]
                assert row.owed == due  # the last months, none in between
                assert len(row.owed) <= 3
    assert 0 < owing < 0.15 * MEMBERS


def check_dues_ledger():
    assert recompute.check(YEAR) == []
    branches = LedgerRow.objects.filter(year=YEAR, unit__kind="branch")
    paid = Payment.objects.aggregate(n=Sum("amount"))["n"]
    assert branches.aggregate(n=Sum("collected"))["n"] == paid > 0
    root = Unit.objects.get(depth=1)
    provinces = ledger.read(root, YEAR, children=True)
    assert sum(provinces[root.path].values()) > 0
    assert not LedgerRow.objects.filter(unit__sector="overseas", depth=1).exists()


def check_the_services_carry_on(today: date):
    """A payment recorded by the service takes its branch's next receipt number; a meeting
    recorded and its attendance taken keep the meeting roll-ups exact; the ledgers stay
    exact before and after folding."""
    on = min(today, date(YEAR, 12, 31))
    owing = next(
        row
        for branch in Unit.objects.filter(kind="branch").order_by("path")
        for row in branch_members(branch, YEAR, today)
        if row.owed
    )
    member, month = owing.member, owing.owed[0]
    branch = member.branch
    last = ReceiptBook.objects.get(unit=branch, year=YEAR).last_no
    rate = services.rate_on(services.category_of(member), month).monthly_amount
    payment = services.payment_record(
        actor=None,
        branch=branch,
        member=member,
        months=[dues_rules.month_label(month)],
        amount=rate,
        received_on=on,
    )
    assert payment.receipt_no == f"{branch.code}/{YEAR}/{last + 1:05d}"
    assert ReceiptBook.objects.get(unit=branch, year=YEAR).last_no == last + 1
    meeting = meeting_services.meeting_create(
        actor=None, unit=branch, data={"date": on, "kind": "themed"}
    )
    roll = meeting_services.attendance_set(
        actor=None,
        meeting=meeting,
        present=[m.pk for m in Member.objects.filter(branch=branch)],
        excused=[],
    )
    assert roll["absent"] == 0
    assert recompute.check(YEAR) == [] and meeting_rollup.differences() == []
    ledger.fold_all()
    meeting_rollup.fold_all()
    assert recompute.check(YEAR) == [] and meeting_rollup.differences() == []


def test_it_refuses_a_database_with_members_unless_reset(national):
    first = list(Member.objects.order_by("pk").values_list("full_name", "id_number")[:20])
    with pytest.raises(CommandError, match="--reset"):
        generate()
    assert Member.objects.count() == MEMBERS
    output = generate(reset=True)
    assert "Deleting" in output
    assert Member.objects.count() == MEMBERS
    assert Unit.objects.filter(depth=1).count() == 1
    # The same seed gives the same people.
    assert list(Member.objects.order_by("pk").values_list("full_name", "id_number")[:20]) == first
    assert differences() == []


def test_meetings_and_dues_run_up_to_the_current_month(national):
    """Generated again (the first set deleted, with what was recorded on it by hand) as if it
    were 20 May of the year: the meetings and payments stop there, and every roll-up is
    exact."""
    meetings = Meeting.objects.count()
    branch = Unit.objects.filter(kind="branch").first()
    province = Unit.objects.get(code="T01")
    member = Member.objects.filter(branch=branch).first()
    Theme.objects.create(unit=province, unit_path=province.path, year=YEAR, month=3, title="x")
    CadenceRule.objects.create(unit=province, per_month=2)
    Exemption.objects.create(
        member=member, unit=province, first_month=date(YEAR, 1, 1), months=2, reason="x"
    )
    today = date(YEAR, 5, 20)
    lines = []
    generate_set(
        members=MEMBERS,
        provinces=PROVINCES,
        year=YEAR,
        seed=7,
        reset=True,
        today=today,
        log=lines.append,
    )
    assert any("Deleting" in line for line in lines)
    assert not Theme.objects.exists() and not Exemption.objects.exists()
    assert list(CadenceRule.objects.values_list("unit", "per_month")) == [(None, 1)]
    assert 0 < Meeting.objects.count() < meetings / 2
    days = Meeting.objects.values_list("date", flat=True)
    assert {d.month for d in days} == {1, 2, 3, 4, 5} and max(days) <= today
    assert max(Payment.objects.values_list("received_on", flat=True)) <= today
    assert max(PaidMonth.objects.values_list("month", flat=True)) == date(YEAR, 5, 1)
    assert not Attendance.objects.filter(meeting__date__gt=today).exists()
    assert meeting_rollup.differences() == [] and meeting_rollup.fix() == 0
    assert recompute.check(YEAR) == []
    assert differences() == []


def test_it_needs_enough_members_for_the_provinces(db):
    with pytest.raises(CommandError, match="too few"):
        call_command("generate_national", members=50, provinces=30, stdout=StringIO())
    assert not Unit.objects.exists()

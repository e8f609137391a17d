"""The ledger reconciles at every level over random histories: payments, cancellations,
exemptions, members moving between branches mid-year, units moving in the tree (a unit abroad
moved under the root stops remitting) and merging, a unit under the root becoming or ceasing
to be "overseas" without a move, folds at random moments. Read at any
moment (rows plus the deltas waiting), every unit collects the sum of its children's thirds,
keeps the rest and owes a third; all the money paid is kept somewhere; the recount finds no
difference; the root receives exactly what its units remit."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from doanvien.actions.members import member_move
from doanvien.actions.units import unit_merge, unit_move, unit_update
from doanvien.dues import ledger, recompute, rules, services
from doanvien.dues.models import LedgerDelta, LedgerRow, Payment, Remittance
from doanvien.dues.selectors import ledger_of
from doanvien.units.models import Unit
from tests.factories import make_member, make_unit

from .conftest import YEAR


def build():
    root = make_unit(level="central", name="Trung ương Thử")
    home = make_unit(root, level="province")
    abroad = make_unit(root, level="province")
    Unit.objects.filter(pk=abroad.pk).update(sector="overseas")
    abroad.refresh_from_db()
    bases = [make_unit(home, level="base"), make_unit(home, level="base", sector="workers")]
    overseas_base = make_unit(abroad, level="base", sector="overseas")
    branches = [
        make_unit(bases[0]),
        make_unit(bases[0]),
        make_unit(bases[1], sector="workers"),
        make_unit(overseas_base, sector="overseas"),
    ]
    members = [make_member(b) for b in branches for _ in range(2)]
    units = [root, home, abroad, *bases, overseas_base, *branches]
    return root, units, branches, members


op = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 7), st.integers(1, 12), st.integers(0, 3)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("exempt"), st.integers(0, 7), st.integers(1, 12), st.integers(1, 6)),
    st.tuples(st.just("move"), st.integers(0, 7), st.integers(0, 3)),
    st.tuples(st.just("fold")),
    st.tuples(st.just("unit_move"), st.integers(3, 9), st.integers(0, 5)),
    st.tuples(st.just("merge"), st.integers(3, 9), st.integers(3, 9)),
    st.tuples(st.just("sector"), st.integers(1, 2)),
)


def months_of(unit):
    found = ledger.read(unit, YEAR).get(unit.path, {})
    return [found.get(m, 0) for m in range(1, 13)]


def check_reconciles(root, units):
    units = [Unit.objects.get(pk=u.pk) for u in units]
    collected = {u.pk: months_of(u) for u in units}
    for u in units:
        kids = [k for k in units if k.path.startswith(u.path) and k.depth == u.depth + 1]
        if u.is_branch:
            continue
        for m in range(12):
            owed = sum(
                collected[k.pk][m] // 3 for k in kids if rules.remits_to_parent(k.depth, k.sector)
            )
            assert collected[u.pk][m] == owed, (u.path, m + 1)
    for m in range(12):
        paid = sum(
            p.amount
            for p in Payment.objects.filter(state="valid", unit__path__startswith=root.path)
            if p.received_on.month == m + 1
        )
        kept = 0
        for u in units:
            value = collected[u.pk][m]
            kept += rules.split(value)[0] if rules.remits_to_parent(u.depth, u.sector) else value
        assert kept == paid, m + 1
    for u in units:
        f = ledger_of(u, YEAR, children=False).total
        assert f.collected == f.kept + f.due_up


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(op, min_size=1, max_size=16))
# Folded money moves with its subtree: a base to the unit abroad, a unit abroad under the root
# (it stops remitting), a branch to the other province, a base merged into another.
@example(steps=[("pay", 0, 2, 0), ("fold",), ("unit_move", 3, 2), ("pay", 1, 2, 0)])
@example(steps=[("pay", 6, 3, 0), ("fold",), ("pay", 7, 3, 0), ("unit_move", 5, 0), ("fold",)])
@example(steps=[("pay", 4, 1, 1), ("fold",), ("unit_move", 8, 2), ("fold",)])
@example(steps=[("pay", 2, 5, 0), ("pay", 4, 5, 0), ("fold",), ("merge", 3, 4)])
# A unit moved under the root remits to it like a province.
@example(steps=[("cancel", 0), ("unit_move", 3, 0), ("pay", 0, 1, 0)])
# The home province becomes "overseas" with money folded and waiting, then pays again; the unit
# abroad comes home.
@example(steps=[("pay", 0, 2, 0), ("fold",), ("pay", 1, 2, 0), ("sector", 1), ("pay", 2, 2, 0)])
@example(steps=[("pay", 6, 4, 2), ("fold",), ("sector", 2), ("pay", 7, 4, 0), ("fold",)])
def test_the_ledger_reconciles_at_every_level(rates, steps):
    root, units, branches, members = build()
    for step in steps:
        kind = step[0]
        try:
            if kind == "pay":
                _kind, i, month, extra = step
                member = members[i]
                member.refresh_from_db()
                rate = services.rate_on(services.category_of(member), date(YEAR, month, 1))
                amount = rate.monthly_amount + (extra * 1000 if rate.may_pay_more else 0)
                services.payment_record(
                    actor=None,
                    branch=member.branch,
                    member=member,
                    months=[f"{YEAR}-{month:02d}"],
                    amount=amount,
                    received_on=date(YEAR, month, 5),
                )
            elif kind == "cancel":
                valid = list(Payment.objects.filter(state="valid").order_by("pk"))
                if valid:
                    payment = valid[step[1] % len(valid)]
                    services.payment_cancel(actor=None, payment=payment, reason="Ghi nhầm")
            elif kind == "exempt":
                _kind, i, month, n = step
                member = members[i]
                member.refresh_from_db()
                services.exemption_grant(
                    actor=None,
                    unit=Unit.objects.get(path=member.branch.path[:-4]),
                    member=member,
                    first_month=f"{YEAR}-{month:02d}",
                    months=n,
                    reason="Khó khăn",
                )
            elif kind == "move":
                _kind, i, b = step
                member = members[i]
                member.refresh_from_db()
                if member.branch_id != branches[b].pk:
                    member_move(
                        actor=None,
                        member=member,
                        branch=branches[b],
                        on=date.today(),
                        reason="Chuyển sinh hoạt",
                    )
            elif kind == "unit_move":  # a base or a branch, under any union
                _kind, i, j = step
                unit, parent = Unit.objects.get(pk=units[i].pk), Unit.objects.get(pk=units[j].pk)
                unit_move(actor=None, unit=unit, new_parent=parent)
            elif kind == "sector":  # a unit under the root to or from "overseas", in place
                unit = Unit.objects.get(pk=units[step[1]].pk)
                unit_update(
                    actor=None,
                    unit=unit,
                    name=unit.name,
                    code=unit.code,
                    sector="" if unit.sector == "overseas" else "overseas",
                    level=unit.level,
                )
            elif kind == "merge":
                _kind, i, j = step
                source, target = Unit.objects.get(pk=units[i].pk), Unit.objects.get(pk=units[j].pk)
                if source.is_active:
                    unit_merge(actor=None, source=source, target=target)
            else:
                ledger.fold_all()
        except ValidationError:
            pass  # a refused step (a month already paid, a move the rules refuse) changes nothing
    units = [Unit.objects.get(pk=u.pk) for u in units]
    check_reconciles(root, units)
    assert recompute.check(YEAR) == []
    ledger.fold_all()
    assert recompute.check(YEAR) == []
    assert not LedgerDelta.objects.exists()
    check_reconciles(root, units)
    stored = {
        (r.unit_path, r.month): r.collected
        for r in LedgerRow.objects.filter(unit_path__startswith=root.path, year=YEAR)
    }
    for u in units:
        for m, value in enumerate(months_of(u), start=1):
            assert stored.get((u.path, m), 0) == value
    # Each unit under the root at home (the provinces, and any unit a step moved there) remits
    # its year's third and the root confirms it: the root's receipts are the sum of the
    # remittances.
    for top in [u for u in units if u.depth == root.depth + 1]:
        if not rules.remits_to_parent(top.depth, top.sector):
            continue
        months = months_of(top)
        for period in rules.periods_of(rules.schedule_of(top.level.code), YEAR):
            due = sum(rules.split(months[m - 1])[1] for m in period.months)
            if due:
                sent = services.remittance_send(
                    actor=None, unit=top, period=period.label, amount=due
                )
                services.remittance_decide(actor=None, remittance=sent, action="confirm")
    received = sum(
        Remittance.objects.filter(to_unit=root, state="confirmed").values_list("amount", flat=True)
    )
    assert ledger_of(root, YEAR).total.collected == received
    assert ledger_of(root, YEAR).received == received


def test_the_recount_finds_and_mends_a_damaged_row(world):
    services.payment_record(
        actor=None,
        branch=world.branch,
        member=world.member,
        months=["2026-02"],
        amount=2000,
        received_on=date(YEAR, 2, 3),
    )
    ledger.fold_all()
    LedgerRow.objects.filter(unit=world.base, month=2).update(collected=5)
    LedgerRow.objects.filter(unit=world.branch, month=2).update(collected=7)
    found = recompute.check(YEAR)
    assert len(found) == 2 and any(world.base.path in line for line in found)
    recompute.check(YEAR, fix=True)
    assert recompute.check(YEAR) == []
    assert LedgerRow.objects.get(unit=world.base, month=2).collected == 666
    assert LedgerRow.objects.get(unit=world.branch, month=2).collected == 2000
    call_command("recompute_dues", str(YEAR))  # exits 0: no difference


def test_the_folder_of_the_roll_ups_folds_the_dues_ledger_too(world):
    from doanvien.training import rollup

    services.payment_record(
        actor=None,
        branch=world.branch,
        member=world.member,
        months=["2026-02"],
        amount=2000,
        received_on=date(YEAR, 2, 3),
    )
    assert rollup.waiting() >= 1
    rollup.fold()
    assert not LedgerDelta.objects.exists()
    assert LedgerRow.objects.get(unit=world.district, month=2).collected == 222

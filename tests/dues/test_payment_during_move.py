"""A payment committing while a move of its branch's subtree runs (PostgreSQL, two sessions):
whichever starts first, the payment's record, its branch's ledger row and the delta waiting to
be folded carry the branch's path as the move leaves it, so the ledger reconciles and the
money is counted under the new ancestors only. Without the payment holding its branch against
the move, a payment begun first was missed by the move's rewrite of the paths, and one begun
after the move with the branch read before it wrote the old path."""

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from doanvien.actions.units import unit_move
from doanvien.dues import ledger, recompute, services
from doanvien.dues.models import LedgerDelta, LedgerRow, Payment
from doanvien.members.models import Member
from doanvien.units.models import Unit

from ..factories import make_unit
from .conftest import YEAR

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and concurrent sessions: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def _in_thread(target):
    out: dict = {}

    def run():
        try:
            out["result"] = target()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            out["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    out["thread"] = thread
    return out


def _pay(branch, member):
    return services.payment_record(
        actor=None,
        branch=branch,
        member=member,
        months=[f"{YEAR}-02"],
        amount=2000,
        received_on=date(YEAR, 2, 3),
    )


def _move(world, district2):
    return unit_move(
        actor=None,
        unit=Unit.objects.get(pk=world.base.pk),
        new_parent=Unit.objects.get(pk=district2.pk),
    )


def _holding(work, holding, release):
    def run():
        with transaction.atomic():
            result = work()
            holding.set()
            release.wait(30)
        return result

    return run


def _check(world, district2):
    branch = Unit.objects.get(pk=world.branch.pk)
    assert branch.path.startswith(Unit.objects.get(pk=district2.pk).path)
    assert Payment.objects.get().unit_path == branch.path
    paths = dict(Unit.objects.values_list("pk", "path"))
    for row in LedgerRow.objects.all():
        assert row.unit_path == paths[row.unit_id], (row.unit_path, paths[row.unit_id])
    assert set(LedgerDelta.objects.values_list("unit_path", flat=True)) <= set(paths.values())
    assert recompute.check(YEAR) == []
    ledger.fold_all()
    assert recompute.check(YEAR) == []
    feb = {u: ledger.read(u, YEAR).get(u.path, {}).get(2, 0) for u in Unit.objects.all()}
    by_pk = {u.pk: v for u, v in feb.items()}
    assert by_pk[world.branch.pk] == 2000 and by_pk[world.base.pk] == 666
    assert by_pk[district2.pk] == 222 and by_pk[world.district.pk] == 0
    assert by_pk[world.province.pk] == 74


@pytest.mark.parametrize("first", ["payment", "move"])
def test_a_payment_during_a_move_of_its_subtree_lands_under_the_new_ancestors(world, first):
    district2 = make_unit(world.province, name="Huyện đoàn Mới", level="district")
    # Both read before either starts: the payment's branch and member as a page would hold them.
    branch, member = Unit.objects.get(pk=world.branch.pk), Member.objects.get(pk=world.member.pk)
    work = {"payment": lambda: _pay(branch, member), "move": lambda: _move(world, district2)}
    later = "move" if first == "payment" else "payment"
    holding, release = threading.Event(), threading.Event()
    a = _in_thread(_holding(work[first], holding, release))
    assert holding.wait(60), a.get("error")
    b = _in_thread(work[later])
    b["thread"].join(5)  # the second waits for the first (or, unheld, runs to its end)
    release.set()
    a["thread"].join(60)
    b["thread"].join(60)
    assert "error" not in a and "error" not in b, (a.get("error"), b.get("error"))
    _check(world, district2)

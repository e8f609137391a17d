"""Payments, receipts, cancellations, exemptions and categories, through the services and the
API (POST /api/v1/units/{id}/dues/payments)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from doanvien.core.models import AuditEvent
from doanvien.dues import ledger, services
from doanvien.dues.models import Category, PaidMonth, Payment, Rate
from doanvien.dues.selectors import branch_members, ledger_of
from tests.factories import make_member, make_unit

from .conftest import YEAR

ON = date(YEAR, 3, 10)


def pay(world, member=None, months=("2026-03",), amount=2000, on=ON, branch=None):
    return services.payment_record(
        actor=world.secretary,
        branch=branch or world.branch,
        member=member or world.member,
        months=list(months),
        amount=amount,
        received_on=on,
    )


def test_a_payment_gets_the_next_receipt_number_of_its_branch(world):
    first = pay(world)
    second = pay(world, member=world.member2)
    elsewhere = pay(world, member=world.member_in_branch2, branch=world.branch2)
    assert (first.receipt_seq, second.receipt_seq, elsewhere.receipt_seq) == (1, 2, 1)
    assert first.receipt_no == f"{world.branch.code}/2026/00001"
    assert list(PaidMonth.objects.filter(payment=first).values_list("month", flat=True)) == [
        date(2026, 3, 1)
    ]
    assert AuditEvent.objects.filter(action="dues.payment", target_id=first.pk).exists()


def test_an_amount_off_the_rate_is_refused_naming_the_rule_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as caught:
        pay(world, amount=5000)
    assert caught.value.error_dict["amount"][0].code == "rate_times_months"
    message = caught.value.message_dict["amount"][0]
    assert "2.000 đ" in message and "×" in message
    assert not Payment.objects.exists() and not PaidMonth.objects.exists()


def test_the_category_follows_the_occupation_or_is_set_by_hand(world):
    worker = make_member(world.branch, occupation="Công nhân may")
    assert services.category_of(worker) == Category.SALARIED
    assert services.category_of(world.member) == Category.NO_SALARY  # a school branch
    pay(world, member=worker, amount=5000)
    services.profile_set(actor=None, member=world.member, category="salaried", pays_quarterly=True)
    assert pay(world, months=["2026-01", "2026-02"], amount=10000).amount == 10000


def test_a_new_rate_applies_from_its_date(world):
    Rate.objects.create(category="no_salary", effective_from=date(2026, 2, 1), monthly_amount=3000)
    assert pay(world, months=["2026-01"], amount=2000).amount == 2000
    with pytest.raises(ValidationError):
        pay(world, months=["2026-02"], amount=2000)
    assert pay(world, months=["2026-02"], amount=3000).amount == 3000


def test_an_overseas_member_pays_at_least_the_rate_and_the_surplus_is_collected(world):
    root = world.province
    abroad = make_unit(root, level="district", name="Đoàn ở nước ngoài")
    base = make_unit(abroad, level="base", sector="overseas")
    branch = make_unit(base, sector="overseas")
    member = make_member(branch)
    services.payment_record(
        actor=None, branch=branch, member=member, months=["2026-03"], amount=50000, received_on=ON
    )
    with pytest.raises(ValidationError) as caught:
        services.payment_record(
            actor=None, branch=branch, member=member, months=["2026-04"], amount=4000
        )
    assert caught.value.error_dict["amount"][0].code == "at_least_rate"
    assert ledger_of(branch, YEAR).total.collected == 50000


def test_several_months_at_once_need_the_committees_agreement(world):
    with pytest.raises(ValidationError) as caught:
        pay(world, months=["2026-01", "2026-02", "2026-03"], amount=6000)
    assert caught.value.error_dict["months"][0].code == "monthly_only"
    services.profile_set(actor=None, member=world.member, category="", pays_quarterly=True)
    assert pay(world, months=["2026-01", "2026-02", "2026-03"], amount=6000)


def test_a_month_is_paid_once_until_its_payment_is_cancelled(world):
    payment = pay(world)
    with pytest.raises(ValidationError):
        pay(world)
    with pytest.raises(ValidationError):
        services.payment_cancel(actor=None, payment=payment, reason="  ")
    services.payment_cancel(actor=world.secretary, payment=payment, reason="Ghi nhầm người")
    payment.refresh_from_db()
    assert payment.state == Payment.State.CANCELLED and payment.cancel_reason == "Ghi nhầm người"
    assert Payment.objects.filter(pk=payment.pk).exists()  # never deleted
    again = pay(world)
    assert again.receipt_seq == 2  # the cancelled receipt's number stays used
    with pytest.raises(ValidationError) as caught:
        services.payment_cancel(actor=None, payment=payment, reason="again")
    assert caught.value.code == "illegal_transition"


def test_the_branch_ledger_and_its_members_months(world):
    pay(world, months=["2026-01"], amount=2000, on=date(2026, 1, 5))
    pay(world, months=["2026-02"], amount=2000, on=date(2026, 3, 5))
    cancelled = pay(world, member=world.member2, months=["2026-03"], on=date(2026, 3, 6))
    services.payment_cancel(actor=None, payment=cancelled, reason="Trả lại")
    services.exemption_grant(
        actor=None,
        unit=world.base,
        member=world.member2,
        first_month="2026-01",
        months=2,
        reason="Gia đình khó khăn",
    )
    found = ledger_of(world.branch, YEAR)
    assert found.total.collected == 4000
    # Per month: January 2,000 (666 up), March 2,000 (666 up).
    assert found.total.due_up == 666 + 666 and found.total.kept == 4000 - 1332
    assert found.periods[0][1].collected == 2000 and found.periods[2][1].collected == 2000
    rows = {m.member.pk: m for m in branch_members(world.branch, YEAR, today=date(2026, 4, 20))}
    mine, theirs = rows[world.member.pk], rows[world.member2.pk]
    assert [d.month for d in mine.paid] == [1, 2]
    assert [d.month for d in mine.owed] == [3, 4]
    assert [d.month for d in theirs.exempt] == [1, 2]
    assert [d.month for d in theirs.owed] == [3, 4]


def test_an_exemption_lasts_at_most_six_months_and_needs_a_reason(world):
    with pytest.raises(ValidationError) as caught:
        services.exemption_grant(
            actor=None,
            unit=world.base,
            member=world.member,
            first_month="2026-1",
            months=7,
            reason="",
        )
    assert set(caught.value.message_dict) == {"first_month", "months", "reason"}
    with pytest.raises(ValidationError):
        services.exemption_grant(
            actor=None,
            unit=world.branch,
            member=world.member,
            first_month="2026-01",
            months=1,
            reason="x",
        )


def test_a_payment_writes_only_its_branch_row_and_a_delta(world):
    pay(world, amount=2000)
    rows = {r.unit_path: r.collected for r in ledger.LedgerRow.objects.all()}
    assert rows == {world.branch.path: 2000}
    assert ledger_of(world.base, YEAR).total.collected == 666  # the tail read
    ledger.fold_all()
    assert ledger.LedgerRow.objects.get(unit=world.base, month=3).collected == 666
    assert (
        ledger.LedgerRow.objects.get(unit=world.province, month=3).collected == 74
    )  # 666 → 222 → 74


# --- The API ---------------------------------------------------------------------------------

URL = "/api/v1/units/{}/dues/payments"


def test_the_api_records_a_payment_with_its_receipt(world, api_client):
    client = api_client(world.secretary)
    response = client.post(
        URL.format(world.branch.pk),
        {"member": world.member.pk, "months": ["2026-03"], "amount": 2000},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["receipt_no"].endswith("/00001") and Payment.objects.get(pk=body["id"])


def test_the_api_names_the_rule_a_wrong_amount_breaks(world, api_client):
    client = api_client(world.secretary)
    with translation.override("en"):
        response = client.post(
            URL.format(world.branch.pk),
            {"member": world.member.pk, "months": ["2026-03"], "amount": 3000},
            headers={"Accept-Language": "en"},
        )
    assert response.status_code == 400
    assert "rate × months" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "amount"
    vi = client.post(
        URL.format(world.branch.pk),
        {"member": world.member.pk, "months": ["2026-03"], "amount": 3000},
    )
    assert "mức đoàn phí × số tháng" in vi.json()["detail"]
    assert not Payment.objects.exists()


def test_the_api_refuses_a_member_of_another_branch_and_outsiders(world, api_client):
    client = api_client(world.secretary)
    response = client.post(
        URL.format(world.branch.pk),
        {"member": world.member_in_branch2.pk, "months": ["2026-03"], "amount": 2000},
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "member"
    outsider = api_client(world.outsider).post(
        URL.format(world.branch.pk),
        {"member": world.member.pk, "months": ["2026-03"], "amount": 2000},
    )
    assert outsider.status_code == 404


def test_the_api_cancels_with_a_reason(world, api_client):
    payment = pay(world)
    client = api_client(world.secretary)
    url = f"/api/v1/dues/payments/{payment.pk}/cancel"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Nhầm tháng"}).json()["state"] == "cancelled"
    assert client.post(url, {"reason": "Nhầm tháng"}).status_code == 409


def test_the_base_union_exempts_through_the_api_and_the_branch_may_not(world, api_client):
    url = f"/api/v1/members/{world.member.pk}/dues/exemptions"
    data = {"first_month": "2026-05", "months": 3, "reason": "Ốm dài ngày"}
    assert api_client(world.secretary).post(url, data).status_code == 403
    assert api_client(world.base_cadre).post(url, data).status_code == 201
    assert api_client(world.base_cadre).post(url, {**data, "months": 7}).status_code == 400

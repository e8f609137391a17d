"""Remittances to the level above (sent, then confirmed or marked not received) and the ledger
of a unit per period: collected, kept, due up, sent, confirmed, outstanding."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.actions.units import unit_move
from doanvien.dues import services
from doanvien.dues.models import Remittance
from doanvien.dues.selectors import ledger_of
from doanvien.dues.workflow import REMITTANCE
from doanvien.units.models import Unit
from tests.factories import make_member, make_unit

from .conftest import YEAR


def collect(world, amount_months=1, on=date(YEAR, 1, 10), member=None):
    return services.payment_record(
        actor=None,
        branch=world.branch,
        member=member or world.member,
        months=[f"{on:%Y-%m}"],
        amount=2000 * amount_months,
        received_on=on,
    )


def test_a_branch_remits_monthly_and_its_base_union_confirms(world, api_client):
    collect(world)
    collect(world, member=world.member2)  # January: 4,000 collected, 1,333 due up
    secretary, cadre = api_client(world.secretary), api_client(world.base_cadre)
    url = f"/api/v1/units/{world.branch.pk}/dues/remittances"
    wrong = secretary.post(url, {"period": "2026-Q1", "amount": 1333})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "period"
    sent = secretary.post(url, {"period": "2026-01", "amount": 1333})
    assert sent.status_code == 201, sent.content
    remittance_id = sent.json()["id"]
    ledger = api_client(world.secretary).get(f"/api/v1/units/{world.branch.pk}/dues/{YEAR}")
    body = ledger.json()
    assert (body["collected"], body["kept"], body["due_up"]) == (4000, 2667, 1333)
    assert (body["sent"], body["confirmed"], body["outstanding"]) == (1333, 0, 1333)
    assert body["periods"][0] == {
        "period": "2026-01",
        "collected": 4000,
        "kept": 2667,
        "due_up": 1333,
        "sent": 1333,
        "confirmed": 0,
        "outstanding": 1333,
    }
    confirm = f"/api/v1/dues/remittances/{remittance_id}/confirm"
    assert secretary.post(confirm).status_code == 403  # the branch does not confirm its own
    assert cadre.post(confirm).json()["state"] == "confirmed"
    assert cadre.post(confirm).status_code == 409
    body = api_client(world.secretary).get(f"/api/v1/units/{world.branch.pk}/dues/{YEAR}").json()
    assert (body["confirmed"], body["outstanding"]) == (1333, 0)
    base = api_client(world.base_cadre).get(f"/api/v1/units/{world.base.pk}/dues/{YEAR}").json()
    assert base["collected"] == 1333 and base["received"] == 1333
    assert base["periods"][0]["period"] == "2026-Q1"
    child = next(c for c in base["children"] if c["unit"] == world.branch.pk)
    assert child["due_up"] == 1333 and child["confirmed"] == 1333


def test_a_base_union_remits_by_quarter_and_a_province_by_year(world):
    with pytest.raises(ValidationError) as caught:
        services.remittance_send(actor=None, unit=world.base, period="2026-01", amount=10)
    assert caught.value.error_dict["period"][0].code == "schedule"
    assert services.remittance_send(actor=None, unit=world.base, period="2026-Q1", amount=10)
    assert services.remittance_send(actor=None, unit=world.district, period="2026-Q4", amount=5)
    with pytest.raises(ValidationError):
        # The province here is the root: it remits to nobody.
        services.remittance_send(actor=None, unit=world.province, period="2026", amount=5)


def test_units_abroad_under_the_root_keep_everything(world):
    abroad = make_unit(world.province, level="district", sector="overseas")
    abroad.sector = "overseas"
    abroad.save(update_fields=["sector"])
    base = make_unit(abroad, level="base", sector="overseas")
    branch = make_unit(base, sector="overseas")
    services.payment_record(
        actor=None,
        branch=branch,
        member=make_member(branch),
        months=["2026-02"],
        amount=9000,
        received_on=date(YEAR, 2, 1),
    )
    top = ledger_of(abroad, YEAR)
    assert (top.total.collected, top.total.kept, top.total.due_up) == (1000, 1000, 0)
    assert ledger_of(world.province, YEAR).total.collected == 0
    with pytest.raises(ValidationError):
        services.remittance_send(actor=None, unit=abroad, period="2026-Q1", amount=1)


actions = st.lists(st.sampled_from(["confirm", "reject"]), max_size=4)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions)
def test_a_remittance_moves_only_as_its_table_says(world, steps):
    remittance = services.remittance_send(
        actor=None, unit=world.branch, period="2026-03", amount=100
    )
    state = remittance.state
    for action in steps:
        allowed = REMITTANCE.get((state, action))
        if allowed is None:
            with pytest.raises(ValidationError) as caught:
                services.remittance_decide(actor=None, remittance=remittance, action=action)
            assert caught.value.code == "illegal_transition"
        else:
            services.remittance_decide(actor=None, remittance=remittance, action=action)
            state = allowed
        assert Remittance.objects.get(pk=remittance.pk).state == state


def test_removal_candidates_are_members_three_months_unpaid_not_exempt_nor_away(world, api_client):
    from doanvien.dues import removal

    for month in ("2026-01", "2026-02"):
        services.payment_record(
            actor=None,
            branch=world.branch,
            member=world.member,
            months=[month],
            amount=2000,
            received_on=date(YEAR, 1, 5),
        )
    services.exemption_grant(
        actor=None,
        unit=world.base,
        member=world.member2,
        first_month="2026-01",
        months=6,
        reason="Khó khăn",
    )
    found = removal.removal_candidates(world.branch, YEAR, today=date(YEAR, 4, 30))
    # member: March and April unpaid (2 < 3); member2: exempted Jan–Jun.
    assert found == []
    found = removal.removal_candidates(world.branch, YEAR, today=date(YEAR, 5, 31))
    assert [(c.member.pk, c.months_unpaid, c.months_absent) for c in found] == [
        (world.member.pk, 3, 0)
    ]
    body = (
        api_client(world.secretary)
        .get(f"/api/v1/units/{world.branch.pk}/removal-candidates/{YEAR}")
        .json()
    )
    assert {i["member"] for i in body["items"]} >= {world.member.pk}


def test_a_remittance_goes_above_the_unit_as_it_stands_not_as_the_caller_read_it(world):
    """The sender's path and the unit above are read under the sender's hold: a move that
    committed after a page read the unit sends the money to the new unit above."""
    read_before = Unit.objects.get(pk=world.base.pk)
    district2 = make_unit(world.province, name="Huyện đoàn Mới", level="district")
    unit_move(actor=None, unit=Unit.objects.get(pk=world.base.pk), new_parent=district2)
    sent = services.remittance_send(actor=None, unit=read_before, period="2026-Q1", amount=10)
    assert sent.to_unit_id == district2.pk
    assert sent.from_path == Unit.objects.get(pk=world.base.pk).path


def test_an_exemption_checks_where_the_member_is_not_where_the_caller_read_him(world):
    """A member read under the base union, then transferred elsewhere before the grant: the
    union above his old branch may no longer exempt him; the union above his new one may."""
    from doanvien.members.models import Member

    read_before = Member.objects.select_related("branch").get(pk=world.member.pk)
    base2 = make_unit(world.district, level="base")
    Member.objects.filter(pk=world.member.pk).update(branch=make_unit(base2, level="branch"))
    grant = {"actor": None, "first_month": "2026-03", "months": 2, "reason": "Gia đình khó khăn"}
    with pytest.raises(ValidationError) as caught:
        services.exemption_grant(unit=world.base, member=read_before, **grant)
    assert "member" in caught.value.error_dict
    granted = services.exemption_grant(unit=base2, member=read_before, **grant)
    assert granted.member_id == world.member.pk

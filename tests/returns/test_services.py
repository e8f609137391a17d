"""Returns: typed cells, the frozen snapshot, the state machine's refusals, aggregation of the
children's accepted returns with overrides and reasons, deadlines, totals checks."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doanvien.members.models import Member, Membership
from doanvien.returns import services, workflow
from doanvien.returns.campaigns import campaign_for
from doanvien.returns.models import LatePolicy, Return
from doanvien.returns.selectors import children_status, live_forms, return_forms, return_of

from ..factories import make_member, make_unit

YEAR = 2026


def cell(forms, number, row, col):
    form = next(f for f in forms if f["number"] == number)
    return next(c for c in form["cells"] if c["row"] == row and c["col"] == col)


def forms_now(unit, campaign):
    return return_forms(unit, campaign, return_of(unit, campaign))


@pytest.fixture
def campaign(world):
    return campaign_for(world.base, YEAR, "h1")


def in_time():
    return timezone.make_aware(datetime(YEAR, 6, 1, 9, 0))


def test_the_default_campaigns_ship_as_data_with_nine_forms(world):
    h1, year = campaign_for(world.district, YEAR, "h1"), campaign_for(world.district, YEAR, "year")
    assert (h1.due_on, year.due_on) == (date(YEAR, 6, 30), date(YEAR, 11, 30))
    assert [f.number for f in h1.forms.order_by("number")] == list(range(1, 10))
    assert campaign_for(world.district, YEAR, "q3") is None
    forms = forms_now(world.district, h1)
    assert {c["source"] for c in forms[0]["cells"]} == {"computed"}
    assert {c["source"] for c in forms[5]["cells"]} == {"typed"}
    assert "tạm thời" in forms[5]["note"]


def test_the_computed_member_cells_count_the_subtree(world, campaign):
    forms = forms_now(world.base, campaign)
    assert cell(forms, 1, "members", "total")["value"] == 3  # member, member2, member_in_branch2
    assert cell(forms, 1, "members", "female")["value"] == 1
    assert cell(forms, 4, "branches", "total")["value"] == 2


def test_a_live_return_reads_the_members_once_for_all_its_forms(world, campaign):
    """Forms 1 and 2 both count the subtree's members: one statement answers both, from the
    records on the campaign's last day, from the membership spans covering it once it is past
    (and one more for the total, which the roll-up answers on the day itself)."""
    for today, table, reads in (
        (campaign.ends_on, Member._meta.db_table, 1),
        (date(YEAR, 12, 1), Membership._meta.db_table, 2),
    ):
        with CaptureQueriesContext(connection) as ctx:
            forms = live_forms(world.base, campaign, None, today=today)
        member_reads = [q for q in ctx.captured_queries if f'FROM "{table}"' in q["sql"]]
        assert len(member_reads) == reads, today
        party = cell(forms, 1, "party", "total")["value"]
        assert cell(forms, 2, "party", "count")["value"] == party


def test_a_submitted_return_is_frozen(world, campaign):
    services.typed_save(
        actor=world.base_cadre,
        unit=world.base,
        campaign=campaign,
        number=6,
        cells=[
            {"row": "union_work", "col": "trained", "value": 4},
            {"row": "total", "col": "trained", "value": "4"},
        ],
    )
    services.return_submit(
        actor=world.base_cadre, unit=world.base, campaign=campaign, now=in_time()
    )
    before = forms_now(world.base, campaign)
    make_member(world.branch, sex="female")
    Member.objects.filter(pk=world.member.pk).update(sex="female")
    after = forms_now(world.base, campaign)
    assert after == before
    assert cell(after, 1, "members", "total")["value"] == 3
    assert cell(after, 6, "total", "trained")["value"] == 4
    with pytest.raises(ValidationError) as refused:
        services.typed_save(
            actor=world.base_cadre,
            unit=world.base,
            campaign=campaign,
            number=6,
            cells=[{"row": "total", "col": "trained", "value": 5}],
        )
    assert refused.value.code == "illegal_transition"


def test_bad_figures_get_the_cells_message_and_nothing_is_saved(world, campaign):
    with pytest.raises(ValidationError) as refused:
        services.typed_save(
            actor=world.base_cadre,
            unit=world.base,
            campaign=campaign,
            number=6,
            cells=[
                {"row": "total", "col": "trained", "value": 3},
                {"row": "union_work", "col": "trained", "value": -1},
                {"row": "university", "col": "trained", "value": "ba"},
            ],
        )
    errors = refused.value.message_dict
    assert set(errors) == {"union_work:trained", "university:trained"}
    assert return_of(world.base, campaign) is None
    with pytest.raises(ValidationError) as computed:
        services.typed_save(
            actor=world.base_cadre,
            unit=world.base,
            campaign=campaign,
            number=1,
            cells=[{"row": "members", "col": "total", "value": 3}],
        )
    assert computed.value.error_dict["members:total"][0].code == "computed_cell"


def test_a_return_that_does_not_add_up_is_flagged_before_submitting(world, campaign):
    services.typed_save(
        actor=world.base_cadre,
        unit=world.base,
        campaign=campaign,
        number=7,
        cells=[
            {"row": "doan", "col": "classes", "value": 2},
            {"row": "total", "col": "classes", "value": 3},
        ],
    )
    with pytest.raises(ValidationError) as refused:
        services.return_submit(
            actor=world.base_cadre, unit=world.base, campaign=campaign, now=in_time()
        )
    assert refused.value.error_list[0].code == "does_not_add_up"
    assert "7" in refused.value.messages[0]
    assert return_of(world.base, campaign).state == "draft"


def test_late_returns_are_marked_or_refused_by_the_campaign(world, campaign):
    after = timezone.make_aware(datetime(YEAR, 7, 2, 9, 0))
    ret = services.return_submit(
        actor=world.base_cadre, unit=world.base, campaign=campaign, now=after
    )
    assert ret.late and ret.state == "submitted"
    other = campaign_for(world.other_base, YEAR, "h1")
    other.late_policy = LatePolicy.REFUSE
    other.save()
    with pytest.raises(ValidationError) as refused:
        services.return_submit(actor=None, unit=world.other_base, campaign=other, now=after)
    assert refused.value.code == "deadline"


def test_the_state_machine(world, campaign):
    assert workflow.allowed(None, "save") and not workflow.allowed(None, "accept")
    with pytest.raises(ValidationError):
        services.return_accept(actor=world.province_cadre, unit=world.base, campaign=campaign)
    services.return_submit(actor=None, unit=world.base, campaign=campaign, now=in_time())
    with pytest.raises(ValidationError):
        services.return_submit(actor=None, unit=world.base, campaign=campaign, now=in_time())
    with pytest.raises(ValidationError):
        services.return_send_back(actor=None, unit=world.base, campaign=campaign, comment=" ")
    ret = services.return_send_back(
        actor=None, unit=world.base, campaign=campaign, comment="Sai số"
    )
    assert (ret.state, ret.comment) == ("returned", "Sai số")
    services.typed_save(
        actor=None,
        unit=world.base,
        campaign=campaign,
        number=6,
        cells=[
            {"row": "total", "col": "female", "value": 1},
            {"row": "union_work", "col": "female", "value": 1},
        ],
    )
    assert return_of(world.base, campaign).state == "returned"
    services.return_submit(actor=None, unit=world.base, campaign=campaign, now=in_time())
    assert (
        services.return_accept(actor=None, unit=world.base, campaign=campaign).state == "accepted"
    )
    assert (
        services.return_send_back(
            actor=None, unit=world.base, campaign=campaign, comment="Mở lại"
        ).state
        == "returned"
    )


def test_the_unit_above_sums_its_childrens_accepted_returns(world, campaign):
    extra = make_unit(world.district, level="base", name="Đoàn phường Bình Minh")
    for unit, value in ((world.base, 4), (world.other_base, 3), (extra, 10)):
        services.typed_save(
            actor=None,
            unit=unit,
            campaign=campaign,
            number=6,
            cells=[
                {"row": "union_work", "col": "trained", "value": value},
                {"row": "total", "col": "trained", "value": value},
            ],
        )
        services.return_submit(actor=None, unit=unit, campaign=campaign, now=in_time())
    services.return_accept(actor=None, unit=world.base, campaign=campaign)
    services.return_accept(actor=None, unit=world.other_base, campaign=campaign)
    # The third is submitted, not accepted: not in the sum.
    forms = forms_now(world.district, campaign)
    assert cell(forms, 6, "total", "trained")["value"] == 7
    assert cell(forms, 6, "total", "trained")["sum"] == 7
    states = {s.unit.pk: (s.state, s.late) for s in children_status(world.district, campaign)}
    assert states == {
        world.base.pk: ("accepted", False),
        world.other_base.pk: ("accepted", False),
        extra.pk: ("submitted", False),
    }
    # An override needs a reason.
    with pytest.raises(ValidationError) as refused:
        services.typed_save(
            actor=None,
            unit=world.district,
            campaign=campaign,
            number=6,
            cells=[{"row": "total", "col": "trained", "value": 17}],
        )
    assert refused.value.error_dict["total:trained"][0].code == "reason_required"
    services.typed_save(
        actor=None,
        unit=world.district,
        campaign=campaign,
        number=6,
        cells=[
            {"row": "total", "col": "trained", "value": 17, "reason": "Gồm báo cáo nộp muộn"},
            {"row": "union_work", "col": "trained", "value": 17, "reason": "Gồm báo cáo nộp muộn"},
        ],
    )
    found = cell(forms_now(world.district, campaign), 6, "total", "trained")
    assert (found["value"], found["sum"], found["overridden"], found["reason"]) == (
        17,
        7,
        True,
        "Gồm báo cáo nộp muộn",
    )
    ret = services.return_submit(actor=None, unit=world.district, campaign=campaign, now=in_time())
    assert cell(ret.snapshot["forms"], 6, "total", "trained")["value"] == 17
    assert Return.objects.filter(state="accepted").count() == 2

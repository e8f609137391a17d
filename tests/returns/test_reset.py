"""The status reset days of the default periods (union-rules §9: every unit "not reported"
again on 31/12 and 31/10): the period opened that day, a return submitted before it back to
draft with its typed cells, each campaign once, a missed day caught up before the deadline,
a unit's own campaign never reset; the daily job runs it."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from doanvien.actions import daily
from doanvien.core.models import AuditEvent
from doanvien.returns import services, workflow
from doanvien.returns.campaigns import campaign_for, reset_day, resets_on
from doanvien.returns.models import Campaign, PeriodDefault, Return
from doanvien.returns.selectors import children_status

from ..factories import make_user

YEAR = 2026


@pytest.fixture
def district_cadre(world):
    return make_user("district", role="cadre", unit=world.district)


def at(day: date, hour: int = 9):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def fill_and_submit(world, campaign, when):
    services.typed_save(
        actor=world.base_cadre,
        unit=world.base,
        campaign=campaign,
        number=6,
        cells=[
            {"row": "union_work", "col": "trained", "value": 4},
            {"row": "total", "col": "trained", "value": 4},
        ],
    )
    return services.return_submit(
        actor=world.base_cadre, unit=world.base, campaign=campaign, now=when
    )


def test_the_shipped_periods_reset_on_31_12_and_31_10(world):
    h1, year = PeriodDefault.objects.get(code="h1"), PeriodDefault.objects.get(code="year")
    assert reset_day(h1, date(2027, 6, 30)) == date(2026, 12, 31)
    assert reset_day(year, date(YEAR, 11, 30)) == date(YEAR, 10, 31)
    assert campaign_for(world.base, 2027, "h1").opens_on == date(2026, 12, 31)
    assert campaign_for(world.base, YEAR, "year").opens_on == date(YEAR, 10, 31)
    # 31/12 opens next year's half year; 31/10 this year's year; other days nothing.
    assert resets_on(h1, date(YEAR, 12, 31)) == [2027]
    assert resets_on(year, date(YEAR, 10, 31)) == [YEAR]
    assert resets_on(h1, date(YEAR, 10, 31)) == [] and resets_on(year, date(YEAR, 12, 31)) == []


def test_a_period_without_a_reset_day_has_none(world):
    PeriodDefault.objects.filter(code="year").update(resets_month=None, resets_day=None)
    assert campaign_for(world.base, YEAR, "year").opens_on is None
    assert services.campaigns_reset(today=date(YEAR, 10, 31)) == 0


def test_the_reset_day_opens_the_coming_half_year(world):
    assert not Campaign.objects.filter(year=2027, period="h1").exists()
    services.campaigns_reset(today=date(YEAR, 12, 30))
    assert not Campaign.objects.filter(year=2027, period="h1").exists()
    services.campaigns_reset(today=date(YEAR, 12, 31))
    campaign = Campaign.objects.get(year=2027, period="h1")
    assert campaign.opens_on == date(YEAR, 12, 31) and campaign.reset_at is not None
    assert [f.number for f in campaign.forms.order_by("number")] == list(range(1, 10))
    # Every unit under the district reads "not started".
    assert {row.state for row in children_status(world.district, campaign)} == {"not_started"}


def test_a_return_submitted_before_the_reset_day_goes_back_to_draft(world):
    campaign = campaign_for(world.base, YEAR, "year")
    early = fill_and_submit(world, campaign, at(date(YEAR, 10, 15)))
    assert early.state == "submitted" and early.snapshot
    assert services.campaigns_reset(today=date(YEAR, 10, 30)) == 0
    assert services.campaigns_reset(today=date(YEAR, 10, 31)) == 1
    ret = Return.objects.get(pk=early.pk)
    assert ret.state == "draft"
    assert ret.snapshot is None and ret.submitted_at is None and not ret.late
    assert ret.typed["6"] == {"union_work:trained": 4, "total:trained": 4}
    event = AuditEvent.objects.get(action="return.reset")
    assert event.unit_path == world.base.path and "31/10/2026" in event.summary
    # Once: the next days do nothing, even for a return submitted early meanwhile.
    assert services.campaigns_reset(today=date(YEAR, 10, 31)) == 0
    assert services.campaigns_reset(today=date(YEAR, 11, 1)) == 0
    # Submitted again in the period, it stays submitted.
    again = services.return_submit(
        actor=world.base_cadre, unit=world.base, campaign=campaign, now=at(date(YEAR, 11, 2))
    )
    assert again.state == "submitted"


def test_an_accepted_return_submitted_early_is_reset_and_one_in_time_is_not(world, district_cadre):
    campaign = campaign_for(world.base, YEAR, "year")
    fill_and_submit(world, campaign, at(date(YEAR, 9, 1)))
    services.return_accept(actor=district_cadre, unit=world.base, campaign=campaign)
    in_time = services.return_submit(
        actor=None, unit=world.other_base, campaign=campaign, now=at(date(YEAR, 10, 31), 8)
    )
    assert services.campaigns_reset(today=date(YEAR, 10, 31)) == 1
    assert Return.objects.get(unit=world.base, campaign=campaign).state == "draft"
    assert Return.objects.get(pk=in_time.pk).state == "submitted"


def test_a_missed_reset_day_is_caught_up_before_the_deadline_only(world):
    campaign = campaign_for(world.base, YEAR, "year")
    fill_and_submit(world, campaign, at(date(YEAR, 10, 1)))
    assert services.campaigns_reset(today=date(YEAR, 12, 1)) == 0  # the deadline has passed
    assert Return.objects.get(unit=world.base, campaign=campaign).state == "submitted"
    assert services.campaigns_reset(today=date(YEAR, 11, 3)) == 1
    assert Return.objects.get(unit=world.base, campaign=campaign).state == "draft"


def test_a_unit_s_own_campaign_is_never_reset(world, district_cadre):
    campaign = services.campaign_create(
        actor=district_cadre,
        unit=world.district,
        data={
            "title": "Khảo sát nhanh",
            "starts_on": f"{YEAR}-01-01",
            "ends_on": f"{YEAR}-10-31",
            "due_on": f"{YEAR}-11-15",
            "forms": [4],
        },
    )
    assert campaign.opens_on is None
    services.return_submit(
        actor=None, unit=world.base, campaign=campaign, now=at(date(YEAR, 10, 1))
    )
    services.campaigns_reset(today=date(YEAR, 10, 31))
    assert Return.objects.get(unit=world.base, campaign=campaign).state == "submitted"


def test_the_reset_is_a_move_of_the_workflow(world):
    assert workflow.next_state("submitted", "reset") == "draft"
    assert workflow.next_state("accepted", "reset") == "draft"
    for state in (None, "draft", "returned"):
        with pytest.raises(ValidationError):
            workflow.next_state(state, "reset")


def test_the_daily_job_resets_the_returns(world):
    campaign = campaign_for(world.base, YEAR, "year")
    fill_and_submit(world, campaign, at(date(YEAR, 10, 20)))
    assert daily.daily(today=date(YEAR, 10, 31))["returns_reset"] == 1
    assert daily.daily(today=date(YEAR, 10, 31))["returns_reset"] == 0


def test_the_return_page_tells_when_reporting_opens(client, world):
    today = timezone.localdate()
    client.force_login(world.base_cadre)
    coming = client.get(f"/units/{world.base.pk}/returns/{today.year + 1}/year/")
    assert coming.status_code == 200
    note = f"{date(today.year + 1, 10, 31):%d/%m/%Y}"
    assert 'id="reset-note"' in coming.text and note in coming.text
    opened = client.get(f"/units/{world.base.pk}/returns/{today.year}/h1/")
    assert opened.status_code == 200 and 'id="reset-note"' not in opened.text

"""A unit's own campaign: a district asks the unions under it for a return on its own dates
(shared forms and a survey of typed cells), seen only in its subtree, closed when done; its
page and API, validated, audited, scoped."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doanvien.accounts.services import api_token_issue
from doanvien.core.models import AuditEvent
from doanvien.returns import services
from doanvien.returns.campaigns import campaign_for, campaigns_for
from doanvien.returns.models import Campaign, FormDefinition
from doanvien.returns.selectors import children_status, return_forms, return_of

from ..factories import make_unit, make_user

YEAR = 2026
SURVEY = {
    "title": "Khảo sát thanh niên công nhân",
    "starts_on": f"{YEAR}-07-01",
    "ends_on": f"{YEAR}-08-31",
    "due_on": f"{YEAR}-09-15",
    "forms": ["4"],
    "survey_rows": "Thanh niên trong khu công nghiệp\nĐã tham gia sinh hoạt Đoàn",
    "survey_columns": "Tổng số\nNữ",
}


@pytest.fixture
def district_cadre(world):
    return make_user("district", role="cadre", unit=world.district)


def create(world, actor, **data):
    return services.campaign_create(actor=actor, unit=world.district, data={**SURVEY, **data})


def in_time():
    return timezone.make_aware(datetime(YEAR, 9, 1, 9, 0))


def test_a_district_asks_its_unions_for_a_survey(world, district_cadre):
    campaign = create(world, district_cadre)
    assert (campaign.year, campaign.period) == (YEAR, f"u{world.district.pk}-1")
    assert campaign.owner_path == world.district.path and campaign.due_on == date(YEAR, 9, 15)
    forms = {f.number: f for f in campaign.forms.all()}
    assert sorted(forms) == [4, 10]
    survey = forms[10]
    assert survey.owner == world.district and survey.title == SURVEY["title"]
    assert [r["label"] for r in survey.rows] == [
        "Thanh niên trong khu công nghiệp",
        "Đã tham gia sinh hoạt Đoàn",
    ]
    assert len(survey.cells) == 4
    assert all(spec == {"typed": True} for spec in survey.cells.values())
    event = AuditEvent.objects.get(action="return_campaign.created")
    assert event.actor == district_cadre and event.changes["forms"] == [None, [4, 10]]
    # A second one of the year has its own code.
    assert create(world, district_cadre, title="Lần 2").period == f"u{world.district.pk}-2"


def test_only_the_subtree_reports_in_it(world, district_cadre):
    campaign = create(world, district_cadre)
    other = make_unit(world.province, name="Huyện đoàn Bình Minh", code="TN-BM", level="district")
    assert campaign_for(world.base, YEAR, campaign.period) == campaign
    assert campaign_for(other, YEAR, campaign.period) is None
    assert campaign in campaigns_for(world.base, YEAR)
    assert campaign not in campaigns_for(other, YEAR)
    assert campaign not in campaigns_for(world.province, YEAR)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"title": ""}, "title", "Hãy nhập tên đợt báo cáo."),
        ({"ends_on": f"{YEAR}-06-01"}, "ends_on", "Số liệu không thể kết thúc trước khi bắt đầu."),
        (
            {"due_on": f"{YEAR}-08-01"},
            "due_on",
            "Hạn gửi không thể trước ngày cuối của kỳ số liệu.",
        ),
        (
            {"starts_on": "31-02"},
            "starts_on",
            "Nhập ngày theo dạng dd/mm/yyyy hoặc YYYY-MM-DD.",
        ),
        ({"forms": ["12"]}, "forms", "Không có biểu 12."),
        (
            {"survey_columns": ""},
            "survey_columns",
            "Hãy ghi các cột của phiếu khảo sát, mỗi cột một dòng.",
        ),
        (
            {"forms": [], "survey_rows": "", "survey_columns": ""},
            "forms",
            "Hãy chọn ít nhất một biểu, hoặc ghi các dòng và cột của một phiếu khảo sát.",
        ),
        ({"late_policy": "maybe"}, "late_policy", "Hãy chọn “mark” hoặc “refuse”."),
    ],
)
def test_bad_campaigns_are_refused_in_vietnamese(world, district_cadre, data, field, message):
    with pytest.raises(ValidationError) as e:
        create(world, district_cadre, **data)
    assert e.value.message_dict[field] == [message]
    assert not Campaign.objects.filter(owner=world.district).exists()
    assert not FormDefinition.objects.filter(owner=world.district).exists()


def test_a_unit_with_no_union_under_it_asks_nobody(world):
    with pytest.raises(ValidationError) as e:
        services.campaign_create(actor=None, unit=world.base, data=SURVEY)
    assert e.value.code == "no_unions"


def test_a_closed_campaign_takes_no_more_figures(world, district_cadre):
    campaign = create(world, district_cadre)
    base_campaign = campaign_for(world.base, YEAR, campaign.period)
    services.typed_save(
        actor=None,
        unit=world.base,
        campaign=base_campaign,
        number=10,
        cells=[{"row": "r1", "col": "c1", "value": 40}, {"row": "r1", "col": "c2", "value": 15}],
    )
    services.return_submit(actor=None, unit=world.base, campaign=base_campaign, now=in_time())
    status = {s.unit.pk: s.state for s in children_status(world.district, campaign)}
    assert status == {world.base.pk: "submitted", world.other_base.pk: "not_started"}
    services.campaign_close(actor=district_cadre, campaign=campaign)
    for move in (
        lambda: services.typed_save(
            actor=None,
            unit=world.other_base,
            campaign=campaign,
            number=10,
            cells=[{"row": "r1", "col": "c1", "value": 1}],
        ),
        lambda: services.return_submit(
            actor=None, unit=world.other_base, campaign=campaign, now=in_time()
        ),
        lambda: services.return_send_back(
            actor=None, unit=world.base, campaign=campaign, comment="Sai"
        ),
        lambda: services.campaign_close(actor=district_cadre, campaign=campaign),
    ):
        with pytest.raises(ValidationError) as e:
            move()
        assert e.value.code == "campaign_closed"
    # What was submitted is still read.
    ret = return_of(world.base, campaign)
    survey = next(f for f in return_forms(world.base, campaign, ret) if f["number"] == 10)
    assert [c["value"] for c in survey["cells"]][:2] == [40, 15]
    assert AuditEvent.objects.filter(action="return_campaign.closed").count() == 1
    # The accepting unit may still accept what was submitted in time.
    services.return_accept(actor=district_cadre, unit=world.base, campaign=campaign)


def test_a_default_campaign_is_not_closed(world, district_cadre):
    with pytest.raises(ValidationError) as e:
        services.campaign_close(actor=None, campaign=campaign_for(world.district, YEAR, "h1"))
    assert e.value.code == "default_campaign"


# --- The page ---------------------------------------------------------------------------------


def test_the_districts_page_adds_lists_and_closes_its_campaigns(client, world, district_cadre):
    client.force_login(district_cadre)
    url = reverse("returns:own-campaigns", args=[world.district.pk])
    assert "campaign-form" in client.get(url).content.decode()
    bad = client.post(url, {**SURVEY, "due_on": f"{YEAR}-08-01", "forms": ["4"]})
    html = bad.content.decode()
    assert bad.status_code == 400 and "Hạn gửi không thể trước ngày cuối của kỳ số liệu." in html
    made = client.post(url, SURVEY)
    assert made.status_code == 302
    campaign = Campaign.objects.get(owner=world.district)
    page = client.get(url).content.decode()
    assert SURVEY["title"] in page and 'data-reported="0/2"' in page
    close = reverse("returns:own-campaign-close", args=[world.district.pk, campaign.pk])
    assert client.post(close).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).is_closed
    assert f'id="close-{campaign.pk}"' not in client.get(url).content.decode()
    # The base union's return page says it is closed and offers nothing to type.
    base_cadre_page = reverse("returns:return-detail", args=[world.base.pk, YEAR, campaign.period])
    client.force_login(world.base_cadre)
    page = client.get(base_cadre_page).content.decode()
    assert 'id="campaign-closed"' in page and "<input name=" not in page


def test_the_page_is_for_the_units_own_cadres(client, world, district_cadre):
    campaign = create(world, district_cadre)
    url = reverse("returns:own-campaigns", args=[world.district.pk])
    close = reverse("returns:own-campaign-close", args=[world.district.pk, campaign.pk])
    # The province sees the district's campaigns but neither adds nor closes them.
    client.force_login(world.province_cadre)
    assert client.get(url).status_code == 200
    assert "campaign-form" not in client.get(url).content.decode()
    assert client.post(url, SURVEY).status_code == 403
    assert client.post(close).status_code == 403
    # The base union and everyone outside do not see the district.
    for who in (world.base_cadre, world.secretary, world.outsider, world.member_user):
        client.force_login(who)
        assert client.get(url).status_code == 404
        assert client.post(close).status_code == 404
    # Another unit's campaign through this unit's URL: 404.
    client.force_login(world.province_cadre)
    other = reverse("returns:own-campaign-close", args=[world.province.pk, campaign.pk])
    assert client.post(other).status_code == 404
    assert not Campaign.objects.get(pk=campaign.pk).is_closed
    assert Campaign.objects.filter(owner__isnull=False).count() == 1


# --- The API ----------------------------------------------------------------------------------


def api_headers(user):
    return {"Authorization": f"Bearer {api_token_issue(user=user)}"}


def test_the_api_adds_lists_and_closes_campaigns(client, world, district_cadre):
    url = f"/api/v1/units/{world.district.pk}/return-campaigns"
    mine = api_headers(district_cadre)
    body = {
        **SURVEY,
        "forms": [4],
        "survey_rows": ["Thanh niên", "Nữ thanh niên"],
        "survey_columns": ["Tổng số"],
    }
    refused = client.post(
        url, {**body, "due_on": "2026-08-01"}, content_type="application/json", headers=mine
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "due_on", "message": "Hạn gửi không thể trước ngày cuối của kỳ số liệu."}
    ]
    made = client.post(url, body, content_type="application/json", headers=mine)
    assert made.status_code == 201, made.content
    out = made.json()
    assert out["forms"] == [4, 10] and out["children"] == 2 and out["reported"] == 0
    assert out["period"] == f"u{world.district.pk}-1" and out["closed_at"] is None
    listed = client.get(url, {"year": YEAR}, headers=mine).json()
    assert [c["id"] for c in listed["items"]] == [out["id"]]
    assert client.get(url, {"year": YEAR - 1}, headers=mine).json()["items"] == []
    province = api_headers(world.province_cadre)
    assert client.get(url, headers=province).status_code == 200
    assert (
        client.post(url, body, content_type="application/json", headers=province).status_code == 403
    )
    for who in (world.base_cadre, world.outsider):
        assert client.get(url, headers=api_headers(who)).status_code == 404
    # The base union reports in it through the returns' paths, by its code.
    base_return = f"/api/v1/units/{world.base.pk}/returns/{YEAR}/{out['period']}"
    base = api_headers(world.base_cadre)
    read = client.get(base_return, headers=base).json()
    assert [f["number"] for f in read["forms"]] == [4, 10]
    close = f"{url}/{out['id']}/close"
    closed = client.post(close, headers=mine)
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert client.post(close, headers=mine).status_code == 409
    saved = client.put(
        f"{base_return}/forms/10",
        {"cells": [{"row": "r1", "col": "c1", "value": 3}]},
        content_type="application/json",
        headers=base,
    )
    assert saved.status_code == 409
    assert client.post(f"{base_return}/submit", headers=base).status_code == 409

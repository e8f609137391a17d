"""A campaign is changed (page and API) by its unit's committee or the cadres above: title,
description, dates; its activities must still start within its dates (named when they would
not); refusals in Vietnamese; audited; out of scope 404."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.activities import services
from doanvien.activities.models import Campaign
from doanvien.core.models import AuditEvent

from ..api.conftest import ApiClient
from .test_campaigns import _activity, campaign  # noqa: F401  (the base union's March campaign)


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_a_change_keeps_the_activities_within_the_dates(world, campaign):  # noqa: F811
    _activity(world, world.branch, campaign, day=20)
    changed = services.campaign_update(
        actor=world.base_cadre,
        campaign=campaign,
        data={"title": "Tháng Thanh niên 2026 (mở rộng)", "ends_on": "15/04/2026"},
    )
    changed.refresh_from_db()
    assert changed.title == "Tháng Thanh niên 2026 (mở rộng)"
    assert str(changed.ends_on) == "2026-04-15" and str(changed.starts_on) == "2026-03-01"
    event = AuditEvent.objects.get(action="campaign.updated")
    assert event.changes["ends_on"] == ["2026-03-31", "2026-04-15"]
    assert "starts_on" not in event.changes
    with pytest.raises(ValidationError) as refused:
        services.campaign_update(
            actor=world.base_cadre, campaign=campaign, data={"starts_on": "2026-03-21"}
        )
    assert "Hoạt động ngày 20 (20/03/2026)" in refused.value.message_dict["starts_on"][0]
    assert Campaign.objects.get().starts_on.isoformat() == "2026-03-01"
    # A cancelled activity does not hold the dates.
    services.activity_cancel(actor=None, activity=campaign.activities.get())
    services.campaign_update(actor=None, campaign=campaign, data={"starts_on": "2026-03-21"})
    assert Campaign.objects.get().starts_on.isoformat() == "2026-03-21"


def test_the_edit_page(client, world, campaign):  # noqa: F811
    _activity(world, world.base, campaign, day=10)
    url = reverse("activities:campaign-edit", args=[campaign.pk])
    client.force_login(world.base_cadre)
    page = client.get(url)
    assert page.status_code == 200 and campaign.title in page.content.decode()
    detail = client.get(reverse("activities:campaign-detail", args=[campaign.pk]))
    assert url in detail.content.decode()
    refused = client.post(url, {"title": "", "starts_on": "2026-03-15", "ends_on": "2026-03-01"})
    assert refused.status_code == 200
    form = refused.context["form"]
    assert "Vui lòng nhập trường này." in form.errors["title"][0]
    kept = client.post(
        url,
        {"title": "Tháng 3", "starts_on": "2026-03-15", "ends_on": "2026-03-31"},
    )
    assert kept.status_code == 200
    assert "Hoạt động ngày 10" in " ".join(kept.context["form"].errors["starts_on"])
    done = client.post(
        url, {"title": "Tháng 3", "starts_on": "2026-03-01", "ends_on": "2026-04-30"}
    )
    assert done.status_code == 302
    assert Campaign.objects.get().title == "Tháng 3"
    # The branch's secretary sees the campaign run above her, but does not change it.
    client.force_login(world.secretary)
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "X"}).status_code == 404
    assert Campaign.objects.get().title == "Tháng 3"


def test_the_campaign_patch_api(world, campaign):  # noqa: F811
    _activity(world, world.base, campaign, day=10)
    cadre = ApiClient(world.base_cadre)
    path = f"/api/v1/campaigns/{campaign.pk}"
    changed = cadre.patch(
        path,
        {"description": "Ra quân, dọn vệ sinh", "ends_on": "2026-04-10"},
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["description"] == "Ra quân, dọn vệ sinh" and body["ends_on"] == "2026-04-10"
    assert body["title"] == campaign.title and body["totals"]["activities"] == 1
    bad = cadre.patch(
        path,
        {"starts_on": "31/02/2026", "title": ""},
    )
    assert bad.status_code == 400
    found = errors(bad)
    assert found["title"] == "Vui lòng nhập trường này."
    assert "không phải là ngày" in found["starts_on"]
    late = cadre.patch(
        path,
        {"starts_on": "2026-03-11"},
    )
    assert late.status_code == 400 and "Hoạt động ngày 10" in errors(late)["starts_on"]
    for user, status in ((world.secretary, 403), (world.outsider, 404), (world.member_user, 404)):
        client = ApiClient(user)
        answer = client.patch(path, {"title": "X"})
        assert answer.status_code == status, user
    assert Campaign.objects.get().title == campaign.title

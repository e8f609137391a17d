"""Campaigns: a unit launches one for its subtree; it and the units under it publish activities
inside it (within its dates); the campaign lists them with their totals; lower units see the
campaigns offered to them; the sibling base union sees nothing."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from doanvien.activities import services
from doanvien.activities.models import Activity, Campaign

from ..api.conftest import ApiClient

YEAR = 2026


def _at(month, day, hour=8):
    return timezone.make_aware(datetime(YEAR, month, day, hour))


@pytest.fixture
def campaign(world):
    return services.campaign_create(
        actor=world.base_cadre,
        unit=world.base,
        data={
            "title": "Tháng Thanh niên 2026",
            "starts_on": "01/03/2026",
            "ends_on": "2026-03-31",
            "description": "Các hoạt động tình nguyện trong tháng 3.",
        },
    )


def _activity(world, unit, campaign, day=10, **extra):
    return services.activity_publish(
        actor=None,
        unit=unit,
        data={
            "title": f"Hoạt động ngày {day}",
            "kind": "volunteering",
            "starts_at": _at(3, day),
            "ends_at": _at(3, day, 11),
            "campaign": campaign.pk,
            **extra,
        },
    )


def test_activities_join_a_campaign_of_their_unit_or_above_within_its_dates(world, campaign):
    assert (campaign.year, campaign.starts_on, campaign.ends_on) == (
        YEAR,
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    held = _activity(world, world.base, campaign)
    below = _activity(world, world.branch, campaign, day=20)
    assert list(campaign.activities.order_by("pk")) == [held, below]
    with pytest.raises(ValidationError) as outside:
        _activity(world, world.other_branch, campaign)  # the sibling base union's branch
    assert "campaign" in outside.value.message_dict
    with pytest.raises(ValidationError) as late:
        services.activity_publish(
            actor=None,
            unit=world.branch,
            data={
                "title": "Muộn",
                "kind": "skills",
                "starts_at": _at(4, 2),
                "ends_at": _at(4, 2, 10),
                "campaign": campaign.pk,
            },
        )
    assert "31/03/2026" in " ".join(late.value.message_dict["campaign"])
    with pytest.raises(ValidationError) as bad:
        services.campaign_create(
            actor=None,
            unit=world.base,
            data={"title": "", "starts_on": "31/03/2026", "ends_on": "01/03/2026"},
        )
    assert {"title", "ends_on"} <= set(bad.value.message_dict)


def test_the_campaign_page_lists_its_activities_with_their_totals(client, world, campaign):
    first = _activity(world, world.base, campaign)
    second = _activity(world, world.branch, campaign, day=20)
    services.activity_checkin(
        actor=None, activity=first, member_ids=[world.member.pk, world.member_in_branch2.pk]
    )
    services.activity_checkin(actor=None, activity=second, member_ids=[world.member.pk])
    cancelled = _activity(world, world.base, campaign, day=25)
    services.activity_checkin(actor=None, activity=cancelled, member_ids=[world.member2.pk])
    services.activity_cancel(actor=None, activity=cancelled)
    client.force_login(world.base_cadre)
    page = client.get(reverse("activities:campaign-detail", args=[campaign.pk]))
    totals = page.context["totals"]
    assert (totals.activities, totals.participations, totals.participants) == (2, 3, 2)
    html = page.content.decode()
    assert first.title in html and second.title in html
    assert [u.pk for u in page.context["publish_in"]] == [world.base.pk]
    # The branch secretary sees the campaign (run above her) and may publish her branch's
    # activities in it; the sibling base union's secretary does not see it.
    client.force_login(world.secretary)
    page = client.get(reverse("activities:campaign-detail", args=[campaign.pk]))
    assert page.status_code == 200
    assert [u.pk for u in page.context["publish_in"]] == [world.branch.pk]
    campaigns_url = reverse("activities:unit-campaigns", args=[world.branch.pk])
    listed = client.get(campaigns_url, {"year": YEAR})
    assert [c.pk for c in listed.context["campaigns"]] == [campaign.pk]
    form = client.get(
        reverse("activities:unit-activities", args=[world.branch.pk]), {"campaign": campaign.pk}
    ).context["form"]
    assert str(campaign.pk) in [str(k) for k, _v in form.fields["campaign"].choices]
    client.force_login(world.outsider)
    assert client.get(reverse("activities:campaign-detail", args=[campaign.pk])).status_code == 404
    client.force_login(world.member_user)
    assert client.get(reverse("activities:campaign-detail", args=[campaign.pk])).status_code == 404


def test_the_unit_page_launches_a_campaign(client, world):
    client.force_login(world.secretary)
    url = reverse("activities:unit-campaigns", args=[world.branch.pk])
    answer = client.post(
        url, {"title": "Mùa hè xanh", "starts_on": "2026-06-01", "ends_on": "2026-08-31"}
    )
    campaign = Campaign.objects.get()
    assert answer.status_code == 302 and campaign.unit == world.branch
    client.force_login(world.outsider)
    assert client.post(url, {"title": "X"}).status_code == 404
    assert Campaign.objects.count() == 1
    client.force_login(world.member_user)
    assert client.get(url).status_code == 404


def test_the_campaign_api(world, campaign):
    cadre = ApiClient(world.base_cadre)
    answer = cadre.post(
        f"/api/v1/units/{world.base.pk}/campaigns",
        {"title": "Ngày hội Thanh niên", "starts_on": "2026-05-01", "ends_on": "2026-05-31"},
    )
    assert answer.status_code == 201
    bad = cadre.post(f"/api/v1/units/{world.base.pk}/campaigns", {"title": "", "starts_on": "x"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} >= {"title", "starts_on", "ends_on"}
    secretary = ApiClient(world.secretary)
    listed = secretary.get(f"/api/v1/units/{world.branch.pk}/campaigns", {"year": YEAR}).json()
    assert [(c["title"], c["held"]) for c in listed["items"]] == [
        ("Ngày hội Thanh niên", False),
        ("Tháng Thanh niên 2026", False),
    ]
    published = secretary.post(
        f"/api/v1/units/{world.branch.pk}/activities",
        {
            "title": "Dọn rác bãi biển",
            "kind": "volunteering",
            "starts_at": "2026-03-15T07:00:00",
            "ends_at": "2026-03-15T10:00:00",
            "campaign": campaign.pk,
        },
    )
    assert published.status_code == 201, published.content
    activity = Activity.objects.get(pk=published.json()["id"])
    assert activity.campaign == campaign
    shown = secretary.get(f"/api/v1/activities/{activity.pk}").json()
    assert shown["campaign"] == {"id": campaign.pk, "title": campaign.title}
    secretary.post(f"/api/v1/activities/{activity.pk}/checkins", {"members": [world.member.pk]})
    detail = cadre.get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert detail["totals"] == {
        "activities": 1,
        "signed_up": 0,
        "participations": 1,
        "participants": 1,
    }
    items = cadre.get(f"/api/v1/campaigns/{campaign.pk}/activities").json()
    assert [a["id"] for a in items["items"]] == [activity.pk] and items["totals"]["activities"] == 1
    filtered = cadre.get(f"/api/v1/units/{world.branch.pk}/activities", {"campaign": campaign.pk})
    assert [a["id"] for a in filtered.json()["items"]] == [activity.pk]
    outsider = ApiClient(world.outsider)
    assert outsider.get(f"/api/v1/campaigns/{campaign.pk}").status_code == 404
    assert outsider.get(f"/api/v1/campaigns/{campaign.pk}/activities").status_code == 404
    assert outsider.get(f"/api/v1/units/{world.base.pk}/campaigns").status_code == 404
    refused = outsider.post(
        f"/api/v1/units/{world.other_branch.pk}/activities",
        {
            "title": "Mượn chiến dịch",
            "kind": "volunteering",
            "starts_at": "2026-03-15T07:00:00",
            "ends_at": "2026-03-15T10:00:00",
            "campaign": campaign.pk,
        },
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "campaign"
    # A branch secretary launches nothing for the base union above her.
    assert (
        secretary.post(
            f"/api/v1/units/{world.base.pk}/campaigns",
            {"title": "X", "starts_on": "2026-05-01", "ends_on": "2026-05-02"},
        ).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_the_campaign_names_typed_before_become_campaigns(world):
    """The migration to campaign records: one campaign per unit and name typed on its
    activities, spanning their dates; an activity without a name stays outside any."""
    executor = MigrationExecutor(connection)
    before = [("activities", "0002_default_kinds")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    kind = old.get_model("activities", "ActivityKind").objects.get(code="skills")
    made = old.get_model("activities", "Activity").objects

    def typed(unit, name, day):
        return made.create(
            unit_id=unit.pk,
            unit_path=unit.path,
            title=f"Buổi {day}",
            kind=kind,
            campaign=name,
            starts_at=_at(3, day),
            ends_at=_at(3, day, 11),
            year=YEAR,
        ).pk

    name = "Tháng Thanh niên"
    first, last = typed(world.base, name, 3), typed(world.base, name, 20)
    branch_own, none = typed(world.branch, name, 5), typed(world.branch, "", 6)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    base_campaign = Campaign.objects.get(unit=world.base)
    assert (base_campaign.title, base_campaign.starts_on, base_campaign.ends_on) == (
        name,
        date(YEAR, 3, 3),
        date(YEAR, 3, 20),
    )
    assert base_campaign.unit_path == world.base.path and base_campaign.year == YEAR
    assert sorted(base_campaign.activities.values_list("pk", flat=True)) == [first, last]
    branch_campaign = Campaign.objects.get(unit=world.branch)
    assert list(branch_campaign.activities.values_list("pk", flat=True)) == [branch_own]
    assert Activity.objects.get(pk=none).campaign is None

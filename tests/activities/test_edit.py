"""Changing an activity: its unit's committee changes title, kind, areas, dates, place, audience
and capacity (the page and PATCH); once members signed up or took part it keeps its year, a
capacity not below the sign-ups and their units invited; the figures per kind and content area
follow a change and equal a recount; cancelling twice is refused."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doanvien.activities import rollup, services
from doanvien.activities.models import Activity, ActivityStatsDelta
from doanvien.core.models import AuditEvent
from doanvien.training.rules import programme_year_of

from ..api.conftest import ApiClient
from ..factories import make_user
from .test_rollup import nonzero, recount

SOON = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
    hour=8, minute=0, second=0, microsecond=0
)
# The world's base union and branches are schools: their activities count in the programme year.
YEAR = programme_year_of(SOON.date(), "school", start_month=6)  # the default calendar


def _publish(world, unit=None, **extra):
    return services.activity_publish(
        actor=world.base_cadre,
        unit=unit or world.base,
        data={
            "title": "Ra quân Chủ nhật xanh",
            "kind": "volunteering",
            "areas": ["1", "3"],
            "starts_at": SOON,
            "ends_at": SOON + timedelta(hours=3),
            **extra,
        },
    )


def _units(world):
    return [
        world.province,
        world.district,
        world.base,
        world.branch,
        world.branch2,
        world.other_base,
        world.other_branch,
    ]


def _exact(world, year):
    units = _units(world)
    read = rollup.figures_of(units, year)
    for unit in units:
        assert nonzero(read[unit.pk]) == recount(unit, year), unit.name


def test_a_change_of_kind_areas_and_dates_keeps_the_figures_exact(world):
    activity = _publish(world)
    services.activity_checkin(
        actor=None,
        activity=activity,
        member_ids=[world.member.pk, world.member2.pk, world.member_in_branch2.pk],
    )
    rollup.fold_all()  # some differences folded, the change's below left in the ledger
    services.activity_update(
        actor=world.base_cadre,
        activity=activity,
        data={
            "kind": "youth_work",
            "areas": ["2"],
            "value": 3_000_000,
            "starts_at": SOON + timedelta(hours=2),
            "ends_at": SOON + timedelta(hours=6),
            "title": "Công trình thanh niên: sửa đường",
            "place": "Ấp 3",
        },
    )
    assert ActivityStatsDelta.objects.exists()
    _exact(world, YEAR)
    figures = rollup.figures_of([world.base], YEAR)[world.base.pk]
    assert figures["area:2"]["participations"] == 3 and figures["area:2"]["activities"] == 1
    assert "area:1" not in nonzero(figures) and "kind:volunteering" not in nonzero(figures)
    assert figures["kind:youth_work"]["participants"] == 3
    assert figures[""]["works"] == 1 and figures[""]["works_value"] == 3_000_000
    rollup.fold_all()
    _exact(world, YEAR)
    assert rollup.differences() == []
    event = AuditEvent.objects.filter(action="activity.updated").get()
    assert set(event.changes) >= {"kind", "areas", "title", "place", "value"}


def test_once_members_took_part_the_year_stays(world):
    activity = _publish(world)
    services.activity_checkin(actor=None, activity=activity, member_ids=[world.member.pk])
    before = rollup.figures_of([world.province], YEAR)[world.province.pk]
    later = SOON.replace(year=SOON.year + 1)
    with pytest.raises(ValidationError) as refused:
        services.activity_update(
            actor=None,
            activity=activity,
            data={"starts_at": later, "ends_at": later + timedelta(hours=2)},
        )
    assert str(YEAR) in " ".join(refused.value.message_dict["starts_at"])
    activity.refresh_from_db()
    assert activity.year == YEAR
    assert rollup.figures_of([world.province], YEAR)[world.province.pk] == before
    _exact(world, YEAR)
    _exact(world, YEAR + 1)


def test_without_anyone_recorded_the_year_moves_with_its_figures(world):
    activity = _publish(world)
    later = SOON.replace(year=SOON.year + 1)
    services.activity_update(
        actor=None, activity=activity, data={"starts_at": later, "ends_at": later}
    )
    assert Activity.objects.get(pk=activity.pk).year == YEAR + 1
    _exact(world, YEAR)
    _exact(world, YEAR + 1)
    assert rollup.figures_of([world.base], YEAR + 1)[world.base.pk][""]["activities"] == 1


def test_the_capacity_cannot_go_below_the_sign_ups(world):
    activity = _publish(world, capacity=5)
    member2_user = make_user("m2", member=world.member2)
    for member, user in ((world.member, world.member_user), (world.member2, member2_user)):
        services.activity_signup(actor=user, activity=activity, member=member)
    with pytest.raises(ValidationError) as refused:
        services.activity_update(actor=None, activity=activity, data={"capacity": 1})
    assert "2" in " ".join(refused.value.message_dict["capacity"])
    services.activity_update(actor=None, activity=activity, data={"capacity": 2})
    assert Activity.objects.get(pk=activity.pk).capacity == 2


def test_the_audience_keeps_the_units_of_those_recorded(world):
    activity = _publish(world)
    services.activity_checkin(
        actor=None, activity=activity, member_ids=[world.member_in_branch2.pk]
    )
    with pytest.raises(ValidationError) as refused:
        services.activity_update(
            actor=None, activity=activity, data={"audience": "chosen", "units": [world.branch.pk]}
        )
    assert world.member_in_branch2.full_name in " ".join(refused.value.message_dict["audience"])
    services.activity_update(
        actor=None,
        activity=activity,
        data={"audience": "chosen", "units": [world.branch.pk, world.branch2.pk]},
    )
    assert sorted(Activity.objects.get(pk=activity.pk).invites.values_list("unit", flat=True)) == (
        sorted([world.branch.pk, world.branch2.pk])
    )


def test_cancelling_twice_is_refused(world):
    activity = _publish(world)
    services.activity_cancel(actor=None, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_cancel(actor=None, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_update(actor=None, activity=activity, data={"title": "Khác"})


# --- The API ------------------------------------------------------------------------------------


def test_patch_answers_400_naming_the_field_and_409_once_cancelled(world):
    activity = _publish(world, capacity=3)
    services.activity_signup(actor=world.member_user, activity=activity, member=world.member)
    cadre = ApiClient(world.base_cadre)
    url = f"/api/v1/activities/{activity.pk}"
    later = SOON.replace(year=SOON.year + 1)
    answer = cadre.patch(url, {"starts_at": later.isoformat(), "ends_at": later.isoformat()})
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == ["starts_at"]
    answer = cadre.patch(url, {"capacity": 0})
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "capacity"
    answer = cadre.patch(url, {"title": "Ra quân", "place": "Công viên", "areas": ["4"]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["areas"] == ["4"] and answer.json()["place"] == "Công viên"
    # The branch secretary sees it (offered to her branch) but does not organise it; the
    # outsider does not see it.
    assert ApiClient(world.secretary).patch(url, {"title": "X"}).status_code == 403
    assert ApiClient(world.outsider).patch(url, {"title": "X"}).status_code == 404
    cancel = f"/api/v1/activities/{activity.pk}/cancel"
    assert ApiClient(world.secretary).post(cancel).status_code == 403
    first = cadre.post(cancel)
    assert first.status_code == 200 and first.json()["cancelled"] is True
    assert cadre.post(cancel).status_code == 409
    assert cadre.patch(url, {"title": "Lại"}).status_code == 409


# --- The page -----------------------------------------------------------------------------------


def test_the_edit_page_changes_the_activity_for_its_committee_only(client, world):
    activity = _publish(world)
    url = reverse("activities:activity-edit", args=[activity.pk])
    client.force_login(world.secretary)
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.base_cadre)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == "Ra quân Chủ nhật xanh"
    data = {
        "title": "Ra quân Chủ nhật xanh lần 2",
        "kind": "culture_sport",
        "areas": ["4"],
        "starts_at": SOON.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (SOON + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Nhà văn hóa",
        "audience": "subtree",
        "capacity": "40",
    }
    answer = client.post(url, data)
    assert answer.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.kind.code, activity.capacity) == (
        "Ra quân Chủ nhật xanh lần 2",
        "culture_sport",
        40,
    )
    assert list(activity.areas.values_list("code", flat=True)) == ["4"]
    services.activity_checkin(actor=None, activity=activity, member_ids=[world.member.pk])
    later = SOON.replace(year=SOON.year + 1)
    refused = client.post(
        url,
        {
            **data,
            "starts_at": later.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert refused.status_code == 200 and refused.context["form"].errors["starts_at"]
    assert Activity.objects.get(pk=activity.pk).year == YEAR


def test_past_activities_change_as_well(world):
    """An activity held already (the figures of a past year) can still be corrected."""
    start = timezone.make_aware(datetime(YEAR - 1, 3, 26, 8))
    activity = services.activity_publish(
        actor=None,
        unit=world.branch,
        data={"title": "Hội trại", "kind": "skills", "starts_at": start, "ends_at": start},
    )
    services.activity_checkin(actor=None, activity=activity, member_ids=[world.member.pk])
    services.activity_update(actor=None, activity=activity, data={"areas": ["5"]})
    _exact(world, YEAR - 1)

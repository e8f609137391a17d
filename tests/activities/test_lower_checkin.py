"""The committee of a unit an activity is offered to checks in and records the members of its
own subtree there (a card, a list, member codes, a file), never those of other branches (a
clear refusal, nothing recorded); the organiser keeps recording everyone invited."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doanvien.activities import rollup, services
from doanvien.activities.access import checkin_paths
from doanvien.activities.models import Participation
from doanvien.members.card_tokens import card_token

from ..api.conftest import ApiClient
from ..factories import make_user

SOON = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)


@pytest.fixture
def activity(world):
    """The base union's activity for its whole subtree (both its branches)."""
    return services.activity_publish(
        actor=world.base_cadre,
        unit=world.base,
        data={
            "title": "Ngày hội đọc sách",
            "kind": "culture_sport",
            "starts_at": SOON,
            "ends_at": SOON + timedelta(hours=3),
        },
    )


def attended():
    return sorted(
        Participation.objects.filter(attended_at__isnull=False).values_list("member", flat=True)
    )


def test_who_checks_in_whom(world, activity):
    assert checkin_paths(world.base_cadre, activity) is None  # the organiser: everyone
    assert checkin_paths(world.province_cadre, activity) is None  # a cadre above it
    assert checkin_paths(world.secretary, activity) == [world.branch.path]
    assert checkin_paths(world.outsider, activity) == []  # not offered to his branch
    assert checkin_paths(world.member_user, activity) == []
    deputy = make_user("deputy2", role="deputy", unit=world.branch2)
    assert checkin_paths(deputy, activity) == [world.branch2.path]


def test_a_branch_secretary_checks_in_her_own_members_only(world, activity):
    url = f"/api/v1/activities/{activity.pk}/checkins"
    secretary = ApiClient(world.secretary)
    answer = secretary.post(url, {"members": [world.member.pk, world.member_in_branch2.pk]})
    assert answer.status_code == 400
    message = " ".join(e["message"] for e in answer.json()["errors"])
    assert world.member_in_branch2.full_name in message and world.branch.name in message
    assert attended() == []
    answer = secretary.post(url, {"members": [world.member.pk, world.member2.pk]})
    assert answer.status_code == 200 and answer.json()["checked_in"] == 2
    card = secretary.post(url, {"card_token": card_token(world.member_in_branch2), "scan_id": "s1"})
    assert card.status_code == 400
    assert world.member_in_branch2.full_name in card.json()["errors"][0]["message"]
    # The organiser records the other branch's member.
    organiser = ApiClient(world.base_cadre)
    assert organiser.post(url, {"members": [world.member_in_branch2.pk]}).json()["checked_in"] == 1
    assert attended() == sorted([world.member.pk, world.member2.pk, world.member_in_branch2.pk])
    rollup.fold_all()
    assert rollup.differences() == []
    # The outsider does not see the activity; the member checks nobody in.
    assert ApiClient(world.outsider).post(url, {"members": [world.member.pk]}).status_code == 404
    assert ApiClient(world.member_user).post(url, {"members": [world.member.pk]}).status_code == 403


def test_her_lists_are_all_or_nothing_with_the_other_branch_named(world, activity):
    codes = [world.member.member_code, world.member_in_branch2.member_code]
    with pytest.raises(ValidationError) as refused:
        services.participations_record(
            actor=world.secretary,
            activity=activity,
            codes=codes,
            within=checkin_paths(world.secretary, activity),
        )
    assert "Row 2" in " ".join(refused.value.messages) or "Dòng 2" in " ".join(
        refused.value.messages
    )
    assert world.member_in_branch2.full_name in " ".join(refused.value.messages)
    assert attended() == []


def test_the_page_lets_her_check_in_and_shows_her_branch_only(client, world, activity):
    services.activity_signup(actor=world.member_user, activity=activity, member=world.member)
    branch2_user = make_user("chau", member=world.member_in_branch2)
    services.activity_signup(actor=branch2_user, activity=activity, member=world.member_in_branch2)
    client.force_login(world.secretary)
    page = client.get(reverse("activities:activity-detail", args=[activity.pk]))
    html = page.content.decode()
    assert 'id="scan"' in html and 'id="checkin-scope"' in html
    assert world.member.full_name in html and world.member_in_branch2.full_name not in html
    assert "activity-cancel" not in html and 'id="edit-activity"' not in html
    url = reverse("activities:activity-checkin", args=[activity.pk])
    json = {"Accept": "application/json"}
    other = client.post(
        url, {"card": card_token(world.member_in_branch2), "scan_id": "p-1"}, headers=json
    )
    assert other.status_code == 400 and other.json()["errors"]["card_token"]
    mine = client.post(url, {"card": card_token(world.member), "scan_id": "p-2"}, headers=json)
    assert mine.json()["checked_in"] == 1
    client.post(url, {"codes": world.member_in_branch2.member_code})
    assert attended() == [world.member.pk]
    # She may not cancel it.
    assert client.post(reverse("activities:activity-cancel", args=[activity.pk])).status_code == 403
    client.force_login(world.outsider)
    assert client.post(url, {"members": [world.outsider_member.pk]}).status_code == 404

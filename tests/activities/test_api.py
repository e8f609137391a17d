"""The activities API: a unit publishes, lower units see what is offered to them, a member signs
up for himself, the organiser checks in by list or by card (a replayed scan counts once), the
figures per unit and year; out of scope → 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doanvien.activities import services
from doanvien.activities.models import Activity, CheckinScan, Participation
from doanvien.members.card_tokens import card_token
from doanvien.training.rules import programme_year_of

from ..api.conftest import ApiClient

NOW = timezone.now()
# The world's base union and branches are schools: their activities count in the programme year.
YEAR = programme_year_of(
    timezone.localtime(NOW + timedelta(days=1)).date(), "school", start_month=6
)  # the default calendar (read at import, before the database)


def body(**extra):
    starts = timezone.localtime(NOW + timedelta(days=1)).replace(microsecond=0)
    return {
        "title": "Ra quân Chủ nhật xanh",
        "kind": "volunteering",
        "areas": ["1", "3"],
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "place": "Sân trường",
        "audience": "subtree",
        **extra,
    }


@pytest.fixture
def base_cadre(world):
    return ApiClient(world.base_cadre)


@pytest.fixture
def published(world, base_cadre):
    answer = base_cadre.post(f"/api/v1/units/{world.base.pk}/activities", body())
    assert answer.status_code == 201, answer.content
    return Activity.objects.get(pk=answer.json()["id"])


def test_a_unit_publishes_and_its_branches_see_it_offered(world, base_cadre, published):
    assert published.unit == world.base and published.year == YEAR
    assert sorted(published.areas.values_list("code", flat=True)) == ["1", "3"]
    secretary = ApiClient(world.secretary)
    listed = secretary.get(f"/api/v1/units/{world.branch.pk}/activities", {"year": YEAR}).json()
    assert [(a["id"], a["held"]) for a in listed["items"]] == [(published.pk, False)]
    held = base_cadre.get(f"/api/v1/units/{world.base.pk}/activities").json()
    assert held["items"][0]["held"] is True
    # The sibling base union's branch is not offered it, and its secretary cannot see it.
    outsider = ApiClient(world.outsider)
    assert outsider.get(f"/api/v1/units/{world.other_branch.pk}/activities").json()["items"] == []
    assert outsider.get(f"/api/v1/activities/{published.pk}").status_code == 404


def test_bad_input_answers_400_with_each_field(world, base_cadre):
    answer = base_cadre.post(
        f"/api/v1/units/{world.base.pk}/activities",
        body(title="", kind="nope", areas=["9"], ends_at="01/01/2000"),
    )
    assert answer.status_code == 400
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"title", "kind", "ends_at"} <= fields
    assert not Activity.objects.exists()


def test_a_branch_secretary_publishes_for_her_branch_only(world):
    secretary = ApiClient(world.secretary)
    assert secretary.post(f"/api/v1/units/{world.branch.pk}/activities", body()).status_code == 201
    # The base union above her and the sibling branch are out of her scope.
    assert secretary.post(f"/api/v1/units/{world.base.pk}/activities", body()).status_code == 404
    assert secretary.post(f"/api/v1/units/{world.branch2.pk}/activities", body()).status_code == 404


def test_chosen_units_only_see_it(world, base_cadre):
    answer = base_cadre.post(
        f"/api/v1/units/{world.base.pk}/activities",
        body(audience="chosen", units=[world.branch2.pk]),
    )
    assert answer.status_code == 201
    sec = ApiClient(world.secretary)
    assert sec.get(f"/api/v1/units/{world.branch.pk}/activities").json()["items"] == []
    member = ApiClient(world.member_user)
    assert member.post(f"/api/v1/activities/{answer.json()['id']}/signup").status_code == 404


def test_a_member_signs_up_for_himself_and_sees_his_own(world, published):
    member = ApiClient(world.member_user)
    answer = member.post(f"/api/v1/activities/{published.pk}/signup")
    assert answer.status_code == 200 and answer.json()["signed_up"] is True
    assert member.post(f"/api/v1/activities/{published.pk}/signup").status_code == 200
    assert Participation.objects.filter(activity=published).count() == 1
    mine = member.get("/api/v1/me/activities").json()
    assert [a["id"] for a in mine["offered"]] == [published.pk]
    assert [p["activity"]["id"] for p in mine["mine"]] == [published.pk]
    # He cannot check anybody in, nor list a unit's activities.
    checkin = member.post(f"/api/v1/activities/{published.pk}/checkins", {"members": [1]})
    assert checkin.status_code == 403
    assert member.get(f"/api/v1/units/{world.branch.pk}/activities").status_code == 404


def test_a_full_activity_refuses_with_409(world, base_cadre):
    answer = base_cadre.post(f"/api/v1/units/{world.base.pk}/activities", body(capacity=1))
    pk = answer.json()["id"]
    assert ApiClient(world.member_user).post(f"/api/v1/activities/{pk}/signup").status_code == 200
    from ..factories import make_user

    other = ApiClient(make_user("m2", member=world.member2))
    refused = other.post(f"/api/v1/activities/{pk}/signup")
    assert refused.status_code == 409 and refused.json()["detail"]


def test_checkins_by_list_count_once(world, base_cadre, published):
    url = f"/api/v1/activities/{published.pk}/checkins"
    ids = [world.member.pk, world.member2.pk]
    assert base_cadre.post(url, {"members": ids}).json()["checked_in"] == 2
    assert base_cadre.post(url, {"members": ids}).json()["checked_in"] == 0
    stats = base_cadre.get(f"/api/v1/units/{world.base.pk}/activity-stats/{YEAR}").json()
    assert stats["rows"][0] == {
        "unit": world.base.name,
        "unit_id": world.base.pk,
        "activities": 1,
        "participations": 2,
        "participants": 2,
        "works": 0,
        "works_value": 0,
    }
    by_unit = {r["unit_id"]: r for r in stats["rows"][1:]}
    assert by_unit[world.branch.pk]["participations"] == 2
    assert by_unit[world.branch2.pk]["participations"] == 0
    assert [a["area"] for a in stats["figures"]["by_area"]] == ["1", "3"]
    assert stats["figures"]["by_kind"][0]["kind"] == "volunteering"


def test_a_list_with_one_member_outside_the_audience_records_nobody(world, base_cadre, published):
    url = f"/api/v1/activities/{published.pk}/checkins"
    answer = base_cadre.post(url, {"members": [world.member.pk, world.outsider_member.pk]})
    assert answer.status_code == 400
    assert world.outsider_member.full_name in str(answer.json()["errors"])
    assert not Participation.objects.exists()


def test_a_scan_replayed_by_an_offline_phone_counts_once(world, base_cadre, published):
    url = f"/api/v1/activities/{published.pk}/checkins"
    token = card_token(world.member)
    first = base_cadre.post(url, {"card_token": token, "scan_id": "phone-1-0001"})
    assert first.status_code == 200
    assert first.json()["checked_in"] == 1 and first.json()["member"] == world.member.pk
    again = base_cadre.post(url, {"card_token": token, "scan_id": "phone-1-0001"})
    assert again.json()["checked_in"] == 0
    # The card's whole address (what a QR reader gives) works as well; a second scan of the
    # same card is not counted again.
    address = f"https://doanvien.example/members/verify/{token}"
    other = base_cadre.post(url, {"card_token": address, "scan_id": "phone-1-0002"})
    assert other.json()["checked_in"] == 0 and other.json()["already"] is True
    assert CheckinScan.objects.count() == 2
    stats = base_cadre.get(f"/api/v1/units/{world.base.pk}/activity-stats/{YEAR}").json()
    assert stats["rows"][0]["participations"] == 1


def test_a_forged_card_is_refused(world, base_cadre, published):
    url = f"/api/v1/activities/{published.pk}/checkins"
    answer = base_cadre.post(url, {"card_token": card_token(world.member) + "x"})
    assert answer.status_code == 400
    assert not Participation.objects.exists()


def test_the_stats_are_out_of_the_outsiders_scope(world):
    outsider = ApiClient(world.outsider)
    assert outsider.get(f"/api/v1/units/{world.base.pk}/activity-stats/{YEAR}").status_code == 404


def test_the_list_pages_by_keyset(world, base_cadre, settings):
    settings.PAGE_SIZE = 2
    for i in range(5):
        base_cadre.post(f"/api/v1/units/{world.base.pk}/activities", body(title=f"Buổi {i}"))
    url = f"/api/v1/units/{world.branch.pk}/activities"
    seen, cursor = [], ""
    while True:
        page = ApiClient(world.secretary).get(url, {"cursor": cursor} if cursor else {}).json()
        seen += [a["id"] for a in page["items"]]
        assert page["count"] == 5
        if not page["next"]:
            break
        cursor = page["next"]
    assert sorted(seen) == sorted(Activity.objects.values_list("pk", flat=True))
    assert len(seen) == 5


def test_a_change_of_date_moves_the_figures_to_the_other_year(world, base_cadre, published):
    """Before anyone is recorded, a new date moves the activity to its year; its participations
    are then counted there (once someone is, the year stays: tests/activities/test_edit.py)."""
    answer = base_cadre.patch(
        f"/api/v1/activities/{published.pk}",
        {"starts_at": "2024-05-01T08:00:00", "ends_at": "2024-05-01T10:00:00", "kind": "skills"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["year"] == 2024 and answer.json()["title"] == published.title
    url = f"/api/v1/activities/{published.pk}/checkins"
    base_cadre.post(url, {"members": [world.member.pk]})
    stats = f"/api/v1/units/{world.base.pk}/activity-stats"
    assert base_cadre.get(f"{stats}/{YEAR}").json()["rows"][0]["activities"] == 0
    before = base_cadre.get(f"{stats}/2024").json()
    assert before["rows"][0]["participations"] == 1
    assert [k["kind"] for k in before["figures"]["by_kind"]] == ["skills"]
    secretary = ApiClient(world.secretary)
    refused = secretary.patch(f"/api/v1/activities/{published.pk}", {"title": "Khác"})
    assert refused.status_code == 403


def test_the_lists_read_the_areas_in_one_query_whatever_their_length(world, base_cadre):
    """The areas (and campaign) of the activities listed are read once for the page, not once
    an activity: the unit's list and a member's own list take as many queries for six
    activities as for two."""
    member = ApiClient(world.member_user)
    secretary = ApiClient(world.secretary)
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=None,
        unit=world.base,
        data={"title": "Tháng hè", "starts_on": today, "ends_on": today + timedelta(days=30)},
    )

    def queries_of_lists() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as unit_list:
            assert secretary.get(f"/api/v1/units/{world.branch.pk}/activities").status_code == 200
        with CaptureQueriesContext(connection) as own_list:
            assert member.get("/api/v1/me/activities").status_code == 200
        return len(unit_list), len(own_list)

    def publish_and_sign_up(n: int) -> None:
        for i in range(n):
            answer = base_cadre.post(
                f"/api/v1/units/{world.base.pk}/activities",
                body(title=f"Buổi {i}", campaign=campaign.pk),
            )
            assert (
                member.post(f"/api/v1/activities/{answer.json()['id']}/signup").status_code == 200
            )

    publish_and_sign_up(2)
    queries_of_lists()  # a token's use is written at most every five minutes: once here
    few = queries_of_lists()
    publish_and_sign_up(4)
    assert queries_of_lists() == few

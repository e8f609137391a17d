"""PUT .../registrations/{year}/self-assessment: the member scores himself."""

from doanvien.training.models import Registration

from ..conftest import fields
from .conftest import AREAS, bring_to, registration_url, snapshot


def test_the_member_assesses_himself(api_client, world):
    bring_to(world, "approved")

    response = api_client(world.member_user).put(
        registration_url(world.member, "self-assessment"),
        {"areas": {**AREAS, "2": "17,5"}, "comment": "Đã cố gắng"},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["areas"] == {"1": 18.0, "2": 17.5, "3": 17.0, "4": 19.0, "5": 18.0}
    assert body["comment"] == "Đã cố gắng" and body["at"]
    registration = Registration.objects.get()
    assert registration.self_points["2"] == "17.5"
    assert registration.total is None  # the branch's score is the one that counts


def test_the_registration_shows_it(api_client, world):
    bring_to(world, "approved")
    client = api_client(world.member_user)
    client.put(registration_url(world.member, "self-assessment"), {"areas": AREAS})

    body = client.get(registration_url(world.member)).json()

    assert body["self_assessment"]["areas"]["1"] == 18.0
    assert body["assessment"] is None


def test_bad_points_are_named_per_area(api_client, world):
    bring_to(world, "approved")
    before = snapshot()

    response = api_client(world.member_user).put(
        registration_url(world.member, "self-assessment"),
        {"areas": {"1": 21, "2": "abc", "3": 17, "4": 19, "9": 1}},
    )

    assert response.status_code == 400
    assert set(fields(response)) == {"areas.1", "areas.2", "areas.5", "areas.9"}
    assert snapshot() == before


def test_before_approval_it_gets_409(api_client, world):
    bring_to(world, "submitted")
    before = snapshot()

    response = api_client(world.member_user).put(
        registration_url(world.member, "self-assessment"), {"areas": AREAS}
    )

    assert response.status_code == 409
    assert snapshot() == before


def test_without_a_registration_it_gets_404(api_client, world):
    response = api_client(world.member_user).put(
        registration_url(world.member, "self-assessment"), {"areas": AREAS}
    )

    assert response.status_code == 404


def test_the_secretary_cannot_self_assess_for_a_member(api_client, world):
    bring_to(world, "approved")
    before = snapshot()

    response = api_client(world.secretary).put(
        registration_url(world.member, "self-assessment"), {"areas": AREAS}
    )

    assert response.status_code == 403
    assert snapshot() == before


def test_another_member_gets_404(api_client, world, personas):
    bring_to(world, "approved")

    response = api_client(personas["member2_user"]).put(
        registration_url(world.member, "self-assessment"), {"areas": AREAS}
    )

    assert response.status_code == 404
    assert Registration.objects.get().self_assessed_at is None


def test_points_with_two_decimals_are_refused_per_area(api_client, world):
    bring_to(world, "approved")
    before = snapshot()

    response = api_client(world.member_user).put(
        registration_url(world.member, "self-assessment"),
        {"areas": {**AREAS, "2": "17,25", "5": 0.05}},
    )

    assert response.status_code == 400
    assert set(fields(response)) == {"areas.2", "areas.5"}
    assert snapshot() == before

"""GET /api/v1/members/{id}/registrations/{year}: a member's registration."""

from .conftest import AREAS, YEAR, bring_to, complete_items, registration_url


def test_it_answers_404_before_the_member_registers(api_client, world):
    response = api_client(world.member_user).get(registration_url(world.member))

    assert response.status_code == 404


def test_the_member_sees_his_registration_with_its_items(api_client, world):
    registration = bring_to(world, "draft")
    items = complete_items(world.member)

    response = api_client(world.member_user).get(registration_url(world.member))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == registration.pk and body["year"] == YEAR
    assert body["state"] == "draft"
    assert body["entered_by_secretary"] is False and body["submitted_late"] is False
    assert body["review_comment"] == ""
    assert body["self_assessment"] is None and body["assessment"] is None
    assert body["result_state"] == "open"
    assert [i["criterion"] for i in body["items"]] == [i["criterion"] for i in items]
    first = body["items"][0]
    assert set(first) == {"criterion", "area", "text", "plan", "target_date"}
    assert first["plan"] == items[0]["plan"] and first["target_date"] == items[0]["target_date"]


def test_it_shows_both_assessments_once_made(api_client, world):
    bring_to(world, "results_submitted")

    body = api_client(world.secretary).get(registration_url(world.member)).json()

    assert body["state"] == "approved" and body["result_state"] == "submitted"
    assert body["self_assessment"] is None
    assessment = body["assessment"]
    assert assessment["total"] == 90.0 and assessment["level"] == "excellent"
    assert assessment["areas"] == {code: float(p) for code, p in AREAS.items()}
    assert assessment["at"]


def test_a_cadre_above_sees_it(api_client, world):
    bring_to(world, "draft")

    response = api_client(world.province_cadre).get(registration_url(world.member))

    assert response.status_code == 200


def test_another_member_gets_404(api_client, world, personas):
    bring_to(world, "draft")

    response = api_client(personas["member2_user"]).get(registration_url(world.member))

    assert response.status_code == 404


def test_the_outsider_gets_404(api_client, world):
    bring_to(world, "draft")

    response = api_client(world.outsider).get(registration_url(world.member))

    assert response.status_code == 404
    assert world.member.full_name not in response.content.decode()

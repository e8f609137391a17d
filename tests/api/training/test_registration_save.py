"""PUT /api/v1/members/{id}/registrations/{year}: save the items of a registration."""

from doanvien.core.models import AuditEvent
from doanvien.training import workflow
from doanvien.training.models import Criterion, Registration

from ..conftest import fields
from .conftest import YEAR, bring_to, complete_items, refusal, registration_url, snapshot


def test_the_member_saves_his_registration(api_client, world):
    items = complete_items(world.member)

    response = api_client(world.member_user).put(registration_url(world.member), {"items": items})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "draft" and body["entered_by_secretary"] is False
    assert len(body["items"]) == len(items)
    registration = Registration.objects.get(member=world.member, year=YEAR)
    assert registration.items.count() == len(items)
    event = AuditEvent.objects.get(action="registration.saved")
    assert event.actor == world.member_user


def test_the_secretary_saves_on_his_behalf_and_it_is_marked(api_client, world):
    response = api_client(world.secretary).put(
        registration_url(world.member), {"items": complete_items(world.member)}
    )

    assert response.status_code == 200
    assert response.json()["entered_by_secretary"] is True


def test_saving_again_replaces_the_items(api_client, world):
    client = api_client(world.member_user)
    items = complete_items(world.member)
    client.put(registration_url(world.member), {"items": items})

    response = client.put(registration_url(world.member), {"items": items[:3]})

    assert [i["criterion"] for i in response.json()["items"]] == [i["criterion"] for i in items[:3]]


def test_dates_may_be_typed_either_way(api_client, world):
    items = complete_items(world.member)[:2]
    items[0]["target_date"] = "15/03/2026"
    items[1]["target_date"] = "2026-03-16"

    body = api_client(world.member_user).put(registration_url(world.member), {"items": items})

    assert [i["target_date"] for i in body.json()["items"]] == ["2026-03-15", "2026-03-16"]


def test_errors_are_named_per_item_and_nothing_is_saved(api_client, world):
    items = complete_items(world.member)
    items[0]["target_date"] = "2030-01-01"
    items[1]["target_date"] = "31/02/2026"
    items[2]["criterion"] = 999999

    response = api_client(world.member_user).put(registration_url(world.member), {"items": items})

    assert response.status_code == 400
    assert set(fields(response)) == {
        "items[0].target_date",
        "items[1].target_date",
        "items[2].criterion",
    }
    assert not Registration.objects.exists()


def test_a_criterion_of_another_sector_is_refused(api_client, world, framework):
    workers = Criterion.objects.get(framework=framework, sector="workers")
    items = [{"criterion": workers.pk, "plan": "x", "target_date": "2026-01-01"}]

    response = api_client(world.member_user).put(registration_url(world.member), {"items": items})

    assert response.status_code == 400
    assert fields(response) == ["items[0].criterion"]


def test_the_messages_follow_the_clients_language(api_client, world):
    items = complete_items(world.member)[:1]
    items[0]["target_date"] = "hôm qua"

    response = api_client(world.member_user).put(
        registration_url(world.member), {"items": items}, headers={"Accept-Language": "en"}
    )

    assert response.json()["errors"] == [
        {"field": "items[0].target_date", "message": "Enter the target date as dd/mm/yyyy."}
    ]


def test_without_items_it_answers_422(api_client, world):
    response = api_client(world.member_user).put(registration_url(world.member), {})

    assert response.status_code == 422
    assert fields(response) == ["items"]
    assert not Registration.objects.exists()


def test_an_unknown_field_gets_422(api_client, world):
    items = complete_items(world.member)[:1]
    items[0]["colour"] = "red"

    response = api_client(world.member_user).put(registration_url(world.member), {"items": items})

    assert response.status_code == 422
    assert fields(response) == ["items.0.colour"]


def test_a_submitted_registration_cannot_be_changed(api_client, world):
    registration = bring_to(world, "submitted")
    before = snapshot()

    response = api_client(world.member_user).put(
        registration_url(world.member), {"items": complete_items(world.member)[:2]}
    )

    assert response.status_code == 409
    expected = refusal(workflow.REGISTRATION, registration, "save")
    assert response.json() == {"detail": expected, "errors": []}
    assert snapshot() == before


def test_the_base_cadre_gets_403(api_client, world):
    response = api_client(world.base_cadre).put(
        registration_url(world.member), {"items": complete_items(world.member)}
    )

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_another_member_gets_404(api_client, world):
    response = api_client(world.member_user).put(
        registration_url(world.member2), {"items": complete_items(world.member2)}
    )

    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_the_outsider_gets_404(api_client, world):
    response = api_client(world.outsider).put(
        registration_url(world.member), {"items": complete_items(world.member)}
    )

    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_a_draft_keeps_items_without_a_target_date_until_it_is_submitted(api_client, world):
    items = complete_items(world.member)
    items[1]["target_date"] = ""
    del items[3]["target_date"]
    client = api_client(world.member_user)

    response = client.put(registration_url(world.member), {"items": items})

    assert response.status_code == 200
    saved = response.json()["items"]
    assert len(saved) == len(items) and saved[1]["target_date"] is None
    response = client.post(registration_url(world.member) + "/submit", {})
    assert response.status_code == 400
    assert fields(response) == ["items[1].target_date", "items[3].target_date"]
    assert Registration.objects.get().state == "draft"


def test_a_draft_may_leave_plans_for_later(api_client, world):
    items = complete_items(world.member)
    items[0]["plan"] = ""

    response = api_client(world.member_user).put(registration_url(world.member), {"items": items})

    assert response.status_code == 200
    assert response.json()["items"][0]["plan"] == ""

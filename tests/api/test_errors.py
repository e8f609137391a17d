"""The error shape and its language, common to every endpoint."""

from django.utils import translation
from django.utils.translation import gettext

from .conftest import fields


def in_vietnamese(msgid):
    with translation.override("vi"):
        return gettext(msgid)


def test_errors_are_in_vietnamese_by_default(api_client, world):
    response = api_client(world.secretary).get(f"/api/v1/members/{world.outsider_member.pk}")

    assert response.status_code == 404
    assert response["Content-Language"] == "vi"
    assert response.json() == {"detail": in_vietnamese("Not found."), "errors": []}


def test_errors_follow_accept_language(api_client, world):
    response = api_client(world.secretary).get(
        f"/api/v1/members/{world.outsider_member.pk}", headers={"Accept-Language": "en"}
    )

    assert response["Content-Language"] == "en"
    assert response.json() == {"detail": "Not found.", "errors": []}


def test_field_errors_follow_accept_language(api_client, world):
    client = api_client(world.secretary)
    url = f"/api/v1/units/{world.branch.pk}/members?page=0"

    english = client.get(url, headers={"Accept-Language": "en"}).json()
    vietnamese = client.get(url).json()

    assert english == {
        "detail": "Invalid data.",
        "errors": [{"field": "page", "message": "Enter a number greater than or equal to 1."}],
    }
    assert vietnamese["detail"] == in_vietnamese("Invalid data.")
    assert vietnamese["errors"][0]["field"] == "page"


def test_the_record_rules_speak_the_clients_language(api_client, world):
    response = api_client(world.secretary).patch(
        f"/api/v1/members/{world.member.pk}", {"phone": "12"}, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "phone",
            "message": "The phone number has 10 or 11 digits and starts with 0 (e.g. 0912345678).",
        }
    ]


def test_a_body_that_is_not_json_gets_400(api_client, world):
    client = api_client(world.secretary)
    response = client.client.patch(
        f"/api/v1/members/{world.member.pk}",
        "{not json",
        content_type="application/json",
        headers=client.headers,
    )

    assert response.status_code == 400
    assert fields(response) == []


def test_a_body_that_is_not_an_object_gets_422(api_client, world):
    response = api_client(world.secretary).patch(f"/api/v1/members/{world.member.pk}", [1, 2])

    assert response.status_code == 422
    assert fields(response) == ["__all__"]


def test_each_field_is_named_once(api_client, world):
    response = api_client(world.secretary).patch(
        f"/api/v1/members/{world.member.pk}",
        {"honorary": "perhaps", "phone": 912345678, "nickname": "An"},
    )

    assert response.status_code == 422
    assert sorted(fields(response)) == ["honorary", "nickname", "phone"]


def test_a_fault_of_the_server_answers_the_documented_json_error(api_client, world, monkeypatch):
    def broken(user):
        raise RuntimeError("a bug")

    monkeypatch.setattr("doanvien.api.me.visible_root_units", broken)
    client = api_client(world.secretary)
    client.raise_request_exception = False
    response = client.get("/api/v1/me")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": in_vietnamese(
            "Something went wrong on the server. The error is recorded; try again later."
        ),
        "errors": [],
    }


def test_a_json_body_beyond_the_memory_limit_is_413_not_a_server_error(api_client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000  # below the size middleware's limit
    body = '{"phone": "' + "1" * 20_000 + '"}'

    response = api_client(world.secretary).patch(
        f"/api/v1/members/{world.member.pk}", body, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large.", "errors": []}
    world.member.refresh_from_db()
    assert world.member.phone != "1" * 20_000


def test_a_multipart_body_without_boundary_is_400_not_a_server_error(api_client, db):
    # A failed sign-in reads the form fields to record the attempt: the body cannot be read.
    response = api_client().client.post(
        "/api/v1/auth/token",
        '{"username": "nobody", "password": "wrong"}',
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The request body cannot be read.", "errors": []}

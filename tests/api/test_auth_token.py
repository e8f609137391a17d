from django.conf import settings
from django.test import Client

from doanvien.accounts.services import api_token_user
from doanvien.accounts.sessions import Session

from .conftest import fields

URL = "/api/v1/auth/token"
PASSWORD = "secret-pass-123"  # tests/factories.make_user's


def post(client, username, password, **headers):
    return client.post(
        URL,
        {"username": username, "password": password},
        content_type="application/json",
        headers=headers,
    )


def test_it_returns_a_token(client, world):
    response = post(client, "secretary", PASSWORD)

    assert response.status_code == 200
    token = response.json()["token"]
    assert api_token_user(token) == world.secretary


def test_the_token_opens_the_api(client, world):
    token = post(client, "secretary", PASSWORD).json()["token"]

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json()["user"]["username"] == "secretary"


def test_it_needs_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)

    assert post(client, "secretary", PASSWORD).status_code == 200


def test_a_wrong_password_gets_401(client, world):
    response = post(client, "secretary", "wrong")

    assert response.status_code == 401
    assert response.json()["detail"]
    assert response.json()["errors"] == []


def test_an_unknown_user_gets_401(client, world):
    assert post(client, "nobody", PASSWORD).status_code == 401


def test_an_inactive_user_gets_401(client, world):
    world.secretary.is_active = False
    world.secretary.save()

    assert post(client, "secretary", PASSWORD).status_code == 401


def test_missing_fields_get_422_naming_them(client, world):
    response = client.post(URL, {"username": "secretary"}, content_type="application/json")

    assert response.status_code == 422
    assert fields(response) == ["password"]


def test_it_locks_out_after_repeated_failures(client, world):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [post(client, "secretary", "wrong").status_code for _ in range(limit)]

    assert statuses[: limit - 1] == [401] * (limit - 1)
    assert statuses[-1] in (403, 429)
    response = post(client, "secretary", PASSWORD)
    assert response.status_code in (403, 429)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"] and body["errors"] == []
    assert "token" not in body


def test_the_lockout_says_when_to_retry(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post(client, "secretary", "wrong")

    response = post(client, "secretary", PASSWORD)

    assert int(response["Retry-After"]) > 0


def test_a_lockout_does_not_lock_other_users(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post(client, "secretary", "wrong")

    assert post(client, "base", PASSWORD).status_code == 200


def test_a_success_resets_the_failure_count(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post(client, "secretary", "wrong")
    assert post(client, "secretary", PASSWORD).status_code == 200

    assert post(client, "secretary", "wrong").status_code == 401


# --- Log-out, one's sign-ins, log out everywhere -------------------------------------------------


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_deleting_the_token_logs_it_out(client, world):
    token = post(client, "secretary", PASSWORD).json()["token"]
    other = post(client, "secretary", PASSWORD).json()["token"]

    response = client.delete(URL, headers=bearer(token))

    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200


def test_one_lists_ones_tokens_and_browser_sessions(client, world):
    token = post(client, "secretary", PASSWORD).json()["token"]
    post(client, "secretary", PASSWORD)
    post(client, "base", PASSWORD)
    browser = Client(headers={"User-Agent": "Firefox/140.0"})
    browser.post("/login/", {"username": "secretary", "password": PASSWORD})

    body = client.get("/api/v1/auth/sessions", headers=bearer(token)).json()

    assert len(body["tokens"]) == 2
    assert [t["current"] for t in body["tokens"]].count(True) == 1
    [session] = body["sessions"]
    assert session["user_agent"] == "Firefox/140.0"
    assert browser.session.session_key not in str(body)


def test_log_out_everywhere_revokes_every_token_and_ends_every_session(client, world):
    token = post(client, "secretary", PASSWORD).json()["token"]
    other = post(client, "secretary", PASSWORD).json()["token"]
    browser = Client()
    browser.post("/login/", {"username": "secretary", "password": PASSWORD})
    someone_else = post(client, "base", PASSWORD).json()["token"]

    assert client.delete("/api/v1/auth/sessions", headers=bearer(token)).status_code == 204

    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401
    assert browser.get("/account/").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(someone_else)).status_code == 200


def test_a_token_sign_in_makes_no_browser_session(client, world):
    post(client, "secretary", PASSWORD)

    assert not Session.objects.filter(user__isnull=False).exists()


def test_a_lockout_says_how_long_to_wait_in_vietnamese(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post(client, "secretary", "wrong")

    response = post(client, "secretary", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Quên mật khẩu" in response.json()["detail"]

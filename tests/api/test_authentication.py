"""Every endpoint but the token one needs `Authorization: Bearer <token>`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from doanvien.accounts.models import ApiToken
from doanvien.accounts.services import api_token_issue


def paths(world):
    return [
        ("get", "/api/v1/me"),
        ("get", f"/api/v1/units/{world.branch.pk}"),
        ("get", f"/api/v1/units/{world.branch.pk}/members"),
        ("post", f"/api/v1/units/{world.branch.pk}/members"),
        ("get", f"/api/v1/members/{world.member.pk}"),
        ("patch", f"/api/v1/members/{world.member.pk}"),
    ]


def call(client, method, path, **headers):
    if method == "get":
        return client.get(path, headers=headers)
    return getattr(client, method)(path, {}, content_type="application/json", headers=headers)


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"] and body["errors"] == []
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_missing_bearer_gets_401_everywhere(client, world):
    for method, path in paths(world):
        assert_401(call(client, method, path))


def test_an_invalid_bearer_gets_401_everywhere(client, world):
    for method, path in paths(world):
        assert_401(call(client, method, path, Authorization="Bearer not-a-token"))


@pytest.mark.parametrize("header", ["Token {}", "Basic {}", "{}", "Bearer", "Bearer "])
def test_other_authorization_forms_get_401(client, world, header):
    token = api_token_issue(user=world.secretary)

    assert_401(client.get("/api/v1/me", headers={"Authorization": header.format(token)}))


def test_an_expired_token_gets_401(client, world):
    token = api_token_issue(user=world.secretary)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert_401(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}))


def test_the_token_of_an_inactive_user_gets_401(client, world):
    token = api_token_issue(user=world.secretary)
    world.secretary.is_active = False
    world.secretary.save()

    assert_401(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}))


def test_a_browser_session_is_not_enough(client, world):
    client.force_login(world.secretary)

    assert_401(client.get("/api/v1/me"))


def test_the_bearer_decides_who_the_user_is(client, world):
    client.force_login(world.province_cadre)
    token = api_token_issue(user=world.secretary)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.json()["user"]["username"] == "secretary"


def test_a_bearer_call_needs_no_csrf_token_even_with_a_session(api_client, world):
    client = api_client(world.secretary, enforce_csrf_checks=True)
    client.client.force_login(world.secretary)

    response = client.patch(f"/api/v1/members/{world.member.pk}", {"occupation": "Học sinh"})

    assert response.status_code == 200

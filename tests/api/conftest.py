import pytest
from django.test import Client

from doanvien.accounts.services import api_token_issue


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow, and every `world` creates six users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class ApiClient:
    """A test client that speaks JSON and sends a bearer token."""

    def __init__(self, user=None, **defaults):
        self.client = Client(**defaults)
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {api_token_issue(user=user)}"

    def get(self, path, data=None, **extra):
        return self.client.get(path, data, headers={**self.headers, **extra.pop("headers", {})})

    def post(self, path, data=None, **extra):
        return self.client.post(
            path,
            data,
            content_type="application/json",
            headers={**self.headers, **extra.pop("headers", {})},
            **extra,
        )

    def patch(self, path, data=None, **extra):
        return self.client.patch(
            path,
            data,
            content_type="application/json",
            headers={**self.headers, **extra.pop("headers", {})},
            **extra,
        )

    def put(self, path, data=None, **extra):
        return self.client.put(
            path,
            data,
            content_type="application/json",
            headers={**self.headers, **extra.pop("headers", {})},
            **extra,
        )

    def delete(self, path, **extra):
        return self.client.delete(path, headers={**self.headers, **extra.pop("headers", {})})


@pytest.fixture
def api_client():
    """api_client(user) → a client signed in as `user` (anonymous without one)."""
    return ApiClient


def fields(response) -> list[str]:
    """The field names of an error answer, after checking its shape."""
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert all(set(e) == {"field", "message"} and e["message"] for e in body["errors"])
    return [e["field"] for e in body["errors"]]

import importlib
import warnings

import pytest
from django.test import Client

from doanvien.accounts.services import api_token_issue


def _project_urls_import() -> bool:
    try:
        importlib.import_module("doanvien.urls")
    except Exception as e:  # the web side is written alongside and may be half done
        warnings.warn(f"doanvien.urls does not import ({e!r}); testing the API alone", stacklevel=1)
        return False
    return True


PROJECT_URLS = _project_urls_import()


@pytest.fixture(autouse=True)
def _api_urls(settings):
    if not PROJECT_URLS:
        settings.ROOT_URLCONF = "tests.api.urls"


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


@pytest.fixture(autouse=True)
def _members_admitted_at_a_valid_age(monkeypatch):
    """tests/factories.member_data's defaults (born 15/03/2004, admitted 26/03/2019) make a
    member admitted at 15, which the record's rules refuse (16 to 35), so `world` cannot be
    built. Until the factory is fixed, admit the default member at 16."""
    from datetime import date

    from doanvien.members.validation import ADMISSION_AGE_MIN, age_on

    from .. import factories

    original = factories.member_data
    sample = original()
    if age_on(sample["date_of_birth"], sample["joined_union_on"]) >= ADMISSION_AGE_MIN:
        return

    def member_data(**overrides):
        data = original(**overrides)
        if "joined_union_on" not in overrides:
            born = data["date_of_birth"]
            data["joined_union_on"] = max(
                data["joined_union_on"], date(born.year + ADMISSION_AGE_MIN + 1, 1, 1)
            )
        return data

    monkeypatch.setattr(factories, "member_data", member_data)

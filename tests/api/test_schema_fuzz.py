"""The API keeps its own OpenAPI document: schemathesis sends every operation generated
requests (valid and invalid) as a province cadre, a branch secretary and a member, and checks
each answer: never a server error, a documented status code, a documented content type and a
body matching its schema. The cadre once with the generated identifiers (mostly unknown: 404s
and 422s) and once with those of rows that exist, so the views themselves run; the secretary
and the member with those that exist (their own branch, their own record).

Slow (a few minutes): marked `fuzz`, it runs on PostgreSQL (`make test-postgres`, hence once in
CI); on SQLite only when asked for with `-m fuzz`."""

from datetime import date

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from doanvien.accounts.services import api_token_issue
from doanvien.api.api import api
from doanvien.training.rules import programme_year_of

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@pytest.fixture
def token(world, settings):
    """token(persona) → a bearer token of that user of `world`."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # Django's own test client does the same: the WSGI handler would close the test's database
    # connection (its transaction with it) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield lambda persona: api_token_issue(user=getattr(world, persona))
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def existing_ids(world) -> dict[str, object]:
    """A path parameter's name → the identifier of a row of `world` (what the name can mean)."""
    return {
        "unit_id": world.branch.pk,
        "member_id": world.member.pk,
        "year": programme_year_of(date.today(), world.branch.sector),
    }


# A province cadre, a branch secretary and a member (whose scope is one branch, and himself),
# with existing identifiers (generated ones mostly meet 404s, which every persona meets too).
@pytest.mark.parametrize(
    "persona, known_ids",
    [
        ("province_cadre", True),
        ("secretary", True),
        ("member_user", True),
    ],
    ids=["cadre-existing-ids", "secretary", "member"],
)
@schema.parametrize()
@settings(
    max_examples=4,  # for each of 3 personas × every operation (348 cases): minutes in CI
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented(case, token, world, persona, known_ids):
    if known_ids and case.path_parameters:
        ids = existing_ids(world)
        for name in case.path_parameters:
            if name in ids:
                case.path_parameters[name] = ids[name]
    case.call_and_validate(headers={"Authorization": f"Bearer {token(persona)}"}, checks=CHECKS)

"""Who may do what in the training programme, endpoint by endpoint, as one table.

Each row brings world.member's registration (and his branch's results) to the stage where the
action is allowed, so a 403 or 404 below means the person, never the state. Outside the user's
scope the answer is 404, as for an id that does not exist; inside it, 403 for someone who may
see but not act. A refused request changes nothing."""

import pytest

from doanvien.training.models import Registration

from .conftest import (
    AREAS,
    YEAR,
    bring_to,
    complete_items,
    framework_url,
    registration_url,
    results_url,
    snapshot,
)

PERSONAS = [
    "member_user",
    "member2_user",
    "secretary",
    "base_cadre",
    "district_cadre",
    "province_cadre",
    "other_base_cadre",
    "outsider",
]


def criterion_activities_url(world) -> str:
    """The activities linked to a criterion of world.member's registration (activities API)."""
    registration = Registration.objects.get(member=world.member, year=YEAR)
    criterion = registration.items.order_by("pk").first().criterion_id
    return registration_url(world.member, f"criteria/{criterion}/activities")


# name: (method, url, body, stage), then the answer for each persona in PERSONAS' order.
# fmt: off
MATRIX = {
    "list the framework": (
        ("get", lambda w: framework_url(w.member), None, "draft"),
        [200, 404, 200, 200, 200, 200, 404, 404],
    ),
    "see the registration": (
        ("get", lambda w: registration_url(w.member), None, "draft"),
        [200, 404, 200, 200, 200, 200, 404, 404],
    ),
    "save the registration": (
        ("put", lambda w: registration_url(w.member),
         lambda w: {"items": complete_items(w.member)}, "draft"),
        [200, 404, 200, 403, 403, 403, 404, 404],
    ),
    "note on the registration": (
        ("post", lambda w: registration_url(w.member, "notes"),
         lambda w: {"text": "Tích cực tham gia"}, "draft"),
        [201, 404, 201, 403, 403, 403, 404, 404],
    ),
    "submit the registration": (
        ("post", lambda w: registration_url(w.member, "submit"), None, "draft"),
        [200, 404, 200, 403, 403, 403, 404, 404],
    ),
    "approve the registration": (
        ("post", lambda w: registration_url(w.member, "approve"), None, "submitted"),
        [403, 404, 200, 403, 403, 403, 404, 404],
    ),
    "return the registration": (
        ("post", lambda w: registration_url(w.member, "return"),
         lambda w: {"comment": "Sửa lại"}, "submitted"),
        [403, 404, 200, 403, 403, 403, 404, 404],
    ),
    "self-assess": (
        ("put", lambda w: registration_url(w.member, "self-assessment"),
         lambda w: {"areas": AREAS}, "approved"),
        [200, 404, 403, 403, 403, 403, 404, 404],
    ),
    "assess": (
        ("put", lambda w: registration_url(w.member, "assessment"),
         lambda w: {"areas": AREAS}, "approved"),
        [403, 404, 200, 403, 403, 403, 404, 404],
    ),
    "submit the branch results": (
        ("post", lambda w: results_url(w.branch, "submit"), None, "assessed"),
        [404, 404, 200, 403, 403, 403, 404, 404],
    ),
    "recognise the branch results": (
        ("post", lambda w: results_url(w.branch, "recognise"), None, "results_submitted"),
        [404, 404, 403, 200, 200, 200, 404, 404],
    ),
    "return the branch results": (
        ("post", lambda w: results_url(w.branch, "return"),
         lambda w: {"comment": "Xem lại"}, "results_submitted"),
        [404, 404, 403, 200, 200, 200, 404, 404],
    ),
    "reopen the branch results": (
        ("post", lambda w: results_url(w.branch, "reopen"),
         lambda w: {"reason": "Khiếu nại"}, "recognised"),
        [404, 404, 403, 403, 200, 200, 404, 404],
    ),
    # The activities linked to a criterion: read by whoever sees the member, set by himself or
    # his branch's committee.
    "see a criterion's activities": (
        ("get", criterion_activities_url, None, "approved"),
        [200, 404, 200, 200, 200, 200, 404, 404],
    ),
    "link a criterion to activities": (
        ("put", criterion_activities_url, lambda w: {"activities": []}, "approved"),
        [200, 404, 200, 403, 403, 403, 404, 404],
    ),
    # Anyone who sees the branch's figures; the job is queued (202).
    "export the registrations": (
        ("post", lambda w: f"/api/v1/units/{w.branch.pk}/registrations/{YEAR}/export", None,
         "assessed"),
        [404, 404, 202, 202, 202, 202, 404, 404],
    ),
    # The same people list them, a page at a time.
    "list the registrations": (
        ("get", lambda w: f"/api/v1/units/{w.branch.pk}/registrations/{YEAR}", None, "assessed"),
        [404, 404, 200, 200, 200, 200, 404, 404],
    ),
}
# fmt: on

CASES = [
    pytest.param(action, persona, status, id=f"{persona} {action}: {status}")
    for action, (_request, answers) in MATRIX.items()
    for persona, status in zip(PERSONAS, answers, strict=True)
]


@pytest.mark.parametrize("action,persona,status", CASES)
def test_each_person_gets_what_the_table_says(api_client, world, personas, action, persona, status):
    (method, url, body, stage), _answers = MATRIX[action]
    bring_to(world, stage)
    before = snapshot()
    client = api_client(personas[persona])

    data = body(world) if body else ({} if method != "get" else None)
    response = getattr(client, method)(url(world), data)

    assert response.status_code == status, response.json()
    if status not in (200, 201, 202):
        assert snapshot() == before
        assert response.json()["errors"] == []
    if status == 404:
        assert world.member.full_name not in response.content.decode()


def test_the_table_covers_every_training_operation():
    from doanvien.api.api import api

    paths = api.get_openapi_schema()["paths"]
    # A unit's configuration (framework, criteria, deadlines: /units/{id}/training/…) has its
    # own who-may table in test_configuration.py; this one is the programme's work.
    operations = {
        (method, path)
        for path, item in paths.items()
        for method in item
        if ("/training/" in path or "/registrations/" in path or "/results/" in path)
        and not path.startswith("/api/v1/units/{unit_id}/training/")
    }
    assert len(operations) == len(MATRIX)

"""Searching members by full ID number: only for roles that may see full numbers (a masked number
is never confirmed by a search), recorded like a reveal, and limited per user, on the list page,
in its export and in the API. Every person and number is invented."""

import pytest
from django.urls import reverse

from doanvien.accounts.services import api_token_issue, role_grant
from doanvien.core.models import AuditEvent
from doanvien.jobs import runner
from doanvien.jobs.models import Job

from ..factories import make_user


def found(client, unit, term) -> list[str]:
    response = client.get(reverse("members:member-list", args=[unit.pk]), {"q": term})
    assert response.status_code == 200
    return [m.full_name for m in response.context["page"].object_list]


def api_found(user, client, unit, term):
    token = api_token_issue(user=user)
    return client.get(
        f"/api/v1/units/{unit.pk}/members",
        {"q": term},
        headers={"Authorization": f"Bearer {token}"},
    )


def searches():
    return list(
        AuditEvent.objects.filter(action__endswith="id_number_searched").values_list(
            "action", "actor__username", "target_id"
        )
    )


@pytest.mark.parametrize("role, unit", [("viewer", "base"), ("committee", "branch")])
def test_roles_that_see_masked_numbers_find_nobody_by_one(client, world, role, unit):
    """Digit by digit or whole, a number they see masked is never confirmed; the phone is."""
    user = make_user(role, role=role, unit=getattr(world, unit))
    client.force_login(user)
    member = world.member
    assert found(client, world.branch, member.id_number) == []
    assert found(client, world.branch, member.phone) == [member.full_name]
    response = api_found(user, client, world.branch, member.id_number)
    assert response.status_code == 200 and response.json()["count"] == 0
    assert searches() == []


def test_a_number_is_found_only_where_the_user_sees_full_numbers(client, world):
    """A viewer of the base union who is also secretary of 12A1 finds by number in 12A1 only."""
    user = make_user("both", role="viewer", unit=world.base)
    role_grant(actor=None, user=user, unit=world.branch, role="secretary")
    client.force_login(user)
    assert found(client, world.base, world.member.id_number) == [world.member.full_name]
    assert found(client, world.base, world.member_in_branch2.id_number) == []


def test_a_search_by_number_is_recorded_like_a_reveal(client, world):
    client.force_login(world.secretary)
    assert found(client, world.branch, world.member.id_number) == [world.member.full_name]
    assert found(client, world.branch, "079299999999") == []
    assert sorted(searches()) == sorted(
        [
            ("members.id_number_searched", "secretary", world.branch.pk),
            ("member.id_number_searched", "secretary", world.member.pk),
            ("members.id_number_searched", "secretary", world.branch.pk),
        ]
    )
    on_unit = AuditEvent.objects.filter(action="members.id_number_searched").order_by("pk")
    assert [e.summary for e in on_unit] == ["•" * 9 + world.member.id_number[-3:], "•" * 9 + "999"]
    assert on_unit[0].changes == {"found": [None, [world.member.member_code]]}
    assert world.member.id_number not in str(list(on_unit.values()))
    # A name search is no ID search: nothing recorded.
    found(client, world.branch, "Nguyễn")
    assert len(searches()) == 3


def test_searches_by_number_are_limited_per_user(client, world, settings):
    settings.ID_SEARCH_LIMIT = 2
    client.force_login(world.secretary)
    for _ in range(2):
        assert found(client, world.branch, world.member.id_number) == [world.member.full_name]
    response = client.get(
        reverse("members:member-list", args=[world.branch.pk]), {"q": world.member.id_number}
    )
    assert list(response.context["page"].object_list) == []
    assert "tìm theo số CCCD/CMND quá nhiều lần" in response.content.decode()
    assert len(searches()) == 4  # the refused search is not one
    assert found(client, world.branch, world.member.phone) == [world.member.full_name]
    api = api_found(world.secretary, client, world.branch, world.member.id_number)
    assert api.status_code == 429 and int(api["Retry-After"]) > 0
    assert [e["field"] for e in api.json()["errors"]] == ["q"]
    # Another user has his own count.
    client.force_login(world.base_cadre)
    assert found(client, world.branch, world.member.id_number) == [world.member.full_name]


@pytest.mark.django_db(transaction=True)
def test_an_export_finds_by_number_as_the_list_does(client, world):
    def export(user):
        client.force_login(user)
        client.post(
            reverse("members:member-export", args=[world.branch.pk]),
            {"q": world.member.id_number, "status": "active", "column_set": "national"},
        )
        job = Job.objects.filter(created_by=user).latest("created_at")
        runner.run(job.pk)
        job.refresh_from_db()
        return job

    viewer = make_user("viewer", role="viewer", unit=world.base)
    assert export(viewer).result["rows"] == 0
    assert export(world.secretary).result["rows"] == 1
    assert ("members.id_number_searched", "secretary", world.branch.pk) in searches()

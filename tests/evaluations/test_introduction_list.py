"""The Party introductions of a unit's subtree as a list: the page, a page at a time (keyset)
with the year and state filters, and `GET /api/v1/units/{id}/party-introductions`, paged like
the other lists; scoped to the subtree (404 outside it). The state is the last step recorded:
each introduction is in exactly one."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.accounts.services import api_token_issue
from doanvien.evaluations import introductions
from doanvien.evaluations.models import IntroductionState, PartyIntroduction
from doanvien.evaluations.selectors import introduction_state_q, introductions_under
from tests.factories import make_member

from .conftest import YEAR

STEPS = {
    "introduction_no": "04-NQ/ĐTN",
    "introduced_on": date(YEAR, 4, 1),
    "course_on": date(YEAR, 5, 1),
    "probationary_on": date(YEAR, 9, 1),
    "official_on": date(YEAR + 1, 9, 1),
}


def propose(member, year=YEAR, upto=0):
    """Proposed by the member's branch, then the first `upto` later steps recorded (`year`'s
    dates are those of YEAR: only used without steps)."""
    introduction = introductions.introduction_propose(
        actor=None,
        member=member,
        year=year,
        branch_resolution_no="01-NQ/CĐ",
        branch_resolution_date=date(year, 3, 1),
        votes_for=9,
        present=10,
        override_reason="Tiêu biểu trong phong trào",
    )
    if upto:
        steps = dict(list(STEPS.items())[: upto + 1])
        introductions.introduction_update(actor=None, introduction=introduction, data=steps)
    return introduction


@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(st.integers(0, 4))
def test_each_introduction_is_in_exactly_one_state(world, upto):
    PartyIntroduction.objects.all().delete()
    introduction = propose(world.member, upto=upto)
    introduction.refresh_from_db()
    found = [
        s
        for s in IntroductionState.values
        if PartyIntroduction.objects.filter(introduction_state_q(s), pk=introduction.pk).exists()
    ]
    assert found == [introduction.state] == [IntroductionState.values[upto]]


def page(unit, year=YEAR):
    return reverse("evaluations:introductions", args=[unit.pk, year])


def test_the_page_is_paged_and_filtered(client, world, settings):
    settings.PAGE_SIZE = 3
    members = [make_member(world.branch, full_name=f"Kiều Văn Tài {n}") for n in range(5)]
    for n, member in enumerate(members):
        propose(member, upto=1 if n % 2 else 0)  # 2 introduced, 3 proposed
    propose(world.member_in_branch2)
    propose(world.member, year=YEAR - 1)
    client.force_login(world.base_cadre)
    first = client.get(page(world.base))
    html = first.content.decode()
    assert 'id="introductions-count">6 ' in html
    assert html.count('<li id="introduction-') == 3
    assert 'rel="next"' in html
    cursor = first.context["page"].next_cursor
    second = client.get(page(world.base), {"cursor": cursor}).content.decode()
    assert second.count('<li id="introduction-') == 3
    assert world.member_in_branch2.full_name in second
    assert world.member.full_name not in html + second  # another year
    introduced = client.get(page(world.base), {"state": "introduced"}).content.decode()
    assert introduced.count('<li id="introduction-') == 2
    assert members[1].full_name in introduced and members[0].full_name not in introduced
    # The year in the filter goes to that year's page, keeping the state.
    moved = client.get(page(world.base), {"year": YEAR - 1, "state": "proposed"})
    assert moved.status_code == 302
    assert moved["Location"] == page(world.base, YEAR - 1) + "?state=proposed"
    last_year = client.get(moved["Location"]).content.decode()
    assert world.member.full_name in last_year
    # A branch's page: its own only.
    client.force_login(world.secretary)
    own = client.get(page(world.branch)).content.decode()
    assert world.member_in_branch2.full_name not in own
    assert client.get(page(world.branch), {"cursor": "not-ours"}).status_code == 404
    client.force_login(world.outsider)
    assert client.get(page(world.base)).status_code == 404


def api(user):
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


@pytest.fixture
def listed(world):
    for n in range(4):
        propose(make_member(world.branch, full_name=f"Quan Thị Nhã {n}"), upto=n)
    propose(world.member_in_branch2)
    propose(world.outsider_member)  # another base union
    propose(world.member, year=YEAR - 1)
    return world


def test_the_api_lists_a_subtree_by_year_and_state(listed, settings):
    settings.PAGE_SIZE = 2
    world = listed
    path = f"/api/v1/units/{world.base.pk}/party-introductions"
    cadre = api(world.base_cadre)
    first = cadre.get(path, {"year": YEAR})
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == 5 and len(body["items"]) == 2 and body["next"]
    seen = [i["id"] for i in body["items"]]
    while body["next"]:
        body = cadre.get(path, {"year": YEAR, "cursor": body["next"]}).json()
        seen += [i["id"] for i in body["items"]]
    expected = introductions_under(world.base, year=YEAR).order_by("id")
    assert seen == [i.pk for i in expected]
    assert PartyIntroduction.objects.get(member=world.outsider_member).pk not in seen
    every_year = cadre.get(path).json()
    assert every_year["count"] == 6
    admitted = cadre.get(path, {"state": "probationary"}).json()
    assert [i["state"] for i in admitted["items"]] == ["probationary"]
    item = admitted["items"][0]
    assert item["branch"]["id"] == world.branch.pk and item["state_label"]
    assert item["member_name"].startswith("Quan Thị Nhã")
    assert cadre.get(path, {"state": "elected"}).status_code == 422
    assert cadre.get(path, {"year": 1899}).status_code == 422
    assert cadre.get(path, {"cursor": "not-ours"}).status_code == 422


def test_the_api_list_is_scoped(listed):
    world = listed
    branch_path = f"/api/v1/units/{world.branch.pk}/party-introductions"
    own = api(world.secretary).get(branch_path, {"year": YEAR}).json()
    assert own["count"] == 4
    assert {i["branch"]["id"] for i in own["items"]} == {world.branch.pk}
    for user in (world.outsider, world.member_user):
        answer = api(user).get(branch_path)
        assert answer.status_code == 404
        assert world.member.full_name not in answer.content.decode()
    base_path = f"/api/v1/units/{world.base.pk}/party-introductions"
    assert api(world.secretary).get(base_path).status_code == 404

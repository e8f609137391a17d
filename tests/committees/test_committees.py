"""Committees: the approval state machine, the term and size rules, posts held by members of
any unit and by non-members, dated changes, the roles that follow posts, cadre indicators, the
API and the pages."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from doanvien.accounts.models import RoleGrant
from doanvien.accounts.services import api_token_issue
from doanvien.committees import rules, selectors, services, workflow
from doanvien.committees.models import CadreRecord, Committee
from doanvien.members.models import Member

from ..factories import make_member, make_unit, make_user

START = date(2025, 9, 1)


def _create(unit, posts, **kw):
    return services.committee_create(
        actor=None, unit=unit, members=Member.objects.all(), term_start=START, posts=posts, **kw
    )


# --- The state machine ------------------------------------------------------------------------


class TestStateMachine(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(st.lists(st.sampled_from(["approve", "reject", "resubmit", "end"]), max_size=6))
    def test_every_move_follows_the_table_or_changes_nothing(self, actions):
        base = make_unit(make_unit(level="district"), level="base", sector="residential")
        committee = _create(base, [{"full_name": "Võ Thị Hạnh", "post": "secretary"}])
        assert committee.state == "submitted"
        for action in actions:
            before = Committee.objects.get(pk=committee.pk).state
            allowed = workflow.MOVES.get((before, action))
            try:
                if action == "approve":
                    services.committee_approve(actor=None, committee=committee)
                elif action == "reject":
                    services.committee_reject(actor=None, committee=committee, reason="Thiếu")
                elif action == "resubmit":
                    services.committee_resubmit(actor=None, committee=committee)
                else:
                    c = Committee.objects.get(pk=committee.pk)
                    c.state = workflow.next_state(c, "end")
                    c.save()
            except ValidationError as e:
                assert allowed is None and e.code == "illegal_transition"
                assert Committee.objects.get(pk=committee.pk).state == before
            else:
                assert Committee.objects.get(pk=committee.pk).state == allowed


def test_a_branch_committee_is_in_office_and_a_base_one_waits(world):
    c = _create(world.branch, [{"member": world.member.pk, "post": "secretary"}])
    assert c.state == "approved"
    b = _create(world.base, [{"member": world.member2.pk, "post": "secretary"}])
    assert b.state == "submitted"
    with pytest.raises(ValidationError) as e:  # one in the queue at a time
        _create(world.base, [{"member": world.member2.pk, "post": "secretary"}])
    assert e.value.code == "illegal_transition"
    with pytest.raises(ValidationError) as e:
        services.committee_reject(actor=None, committee=b, reason="  ")
    assert "reason" in e.value.message_dict
    services.committee_reject(actor=None, committee=b, reason="Thiếu biên bản bầu cử")
    b.refresh_from_db()
    assert b.state == "rejected" and b.decision_note == "Thiếu biên bản bầu cử"


def test_a_new_committee_in_office_ends_the_one_before(world):
    old = _create(world.branch, [{"member": world.member.pk, "post": "secretary"}])
    new = services.committee_create(
        actor=None,
        unit=world.branch,
        members=Member.objects.all(),
        term_start=date(2026, 9, 1),
        posts=[{"member": world.member2.pk, "post": "secretary"}],
    )
    old.refresh_from_db()
    assert old.state == "ended" and old.ended_on == date(2026, 9, 1)
    assert old.posts.get().ended_on == date(2026, 9, 1)
    assert new.posts.get().ended_on is None


# --- Terms, sizes, posts -----------------------------------------------------------------------


def test_terms_default_by_kind_of_unit(world):
    school = _create(world.base, [{"full_name": "A", "post": "secretary"}])
    assert school.term_end == date(2026, 8, 31)  # a school base union: 1 year
    commune = _create(world.other_base, [{"full_name": "B", "post": "secretary"}])
    assert commune.term_end == date(2030, 8, 31)  # a commune base union: 5 years
    assert rules.default_term_end(date(2024, 1, 31), 1) == date(2024, 2, 28)
    given_end = _create(
        world.branch2, [{"full_name": "C", "post": "secretary"}], term_end="31/12/2026"
    )
    assert given_end.term_end == date(2026, 12, 31)
    with pytest.raises(ValidationError):
        _create(world.branch, [{"full_name": "D", "post": "secretary"}], term_end="2025-01-01")


def test_post_rules(world):
    people = [{"full_name": f"Người {i}", "post": "member"} for i in range(4)]
    with pytest.raises(ValidationError) as e:  # a branch of ≤ 50 members: at most 3
        _create(world.branch, people)
    assert "posts" in e.value.message_dict
    for bad in (
        [{"full_name": "A", "post": "standing"}],  # no standing committee in a branch
        [{"full_name": "A", "post": "secretary"}, {"full_name": "B", "post": "secretary"}],
        [
            {"member": world.member.pk, "post": "secretary"},
            {"member": world.member.pk, "post": "deputy"},
        ],
        [{"member": 999999, "post": "secretary"}],
        [{"post": "secretary"}],
        [{"full_name": "A", "post": "president"}],
        [],
    ):
        with pytest.raises(ValidationError):
            _create(world.branch, bad)
    assert not Committee.objects.exists()


def test_a_person_holds_posts_in_several_units(world):
    _create(world.branch, [{"member": world.member.pk, "post": "secretary"}])
    b = _create(
        world.base,
        [
            {"member": world.member.pk, "post": "standing"},
            {"full_name": "Đặng Văn Lâm", "date_of_birth": "1988-02-01", "post": "secretary"},
        ],
    )
    record = CadreRecord.objects.get(member=world.member)
    assert record.posts.count() == 2
    assert b.posts.get(post="secretary").cadre.member is None


def test_changes_mid_term_are_dated(world):
    c = _create(world.branch, [{"member": world.member.pk, "post": "secretary"}])
    post = services.post_add(
        actor=None,
        committee=c,
        members=Member.objects.all(),
        item={"member": world.member2.pk, "post": "deputy"},
        started_on="2026-01-15",
    )
    assert post.started_on == date(2026, 1, 15)
    with pytest.raises(ValidationError):  # outside the term
        services.post_add(
            actor=None,
            committee=c,
            members=Member.objects.all(),
            item={"full_name": "X", "post": "member"},
            started_on="2030-01-01",
        )
    with pytest.raises(ValidationError):
        services.post_end(actor=None, post=post, ended_on="2026-03-01", reason="")
    services.post_end(actor=None, post=post, ended_on="2026-03-01", reason="Chuyển công tác")
    post.refresh_from_db()
    assert post.ended_on == date(2026, 3, 1) and post.end_reason == "Chuyển công tác"
    with pytest.raises(ValidationError):
        services.post_end(actor=None, post=post, ended_on="2026-03-02", reason="Lần nữa")


# --- Roles follow posts -------------------------------------------------------------------------


def test_roles_follow_posts(world):
    holder = make_user("holder", member=world.member2)
    c = _create(world.branch, [{"member": world.member2.pk, "post": "secretary"}])
    offers = services.role_offers(c)
    assert [(p.cadre.member_id, r) for p, r in offers] == [(world.member2.pk, "secretary")]
    post = offers[0][0]
    services.post_role_grant(actor=None, post=post)
    assert RoleGrant.objects.filter(user=holder, unit=world.branch, role="secretary").exists()
    assert services.role_offers(c) == []
    # A second committee where he is secretary again: the old post ends, the grant stays.
    c2 = services.committee_create(
        actor=None,
        unit=world.branch,
        members=Member.objects.all(),
        term_start=date(2026, 9, 1),
        posts=[{"member": world.member2.pk, "post": "secretary"}],
    )
    assert RoleGrant.objects.filter(user=holder, unit=world.branch, role="secretary").exists()
    new_post = c2.posts.get()
    assert new_post.granted_role == "secretary"
    # Ending the post that gives it ends the grant.
    services.post_end(actor=None, post=new_post, ended_on="2026-10-01", reason="Thôi giữ chức")
    assert not RoleGrant.objects.filter(user=holder, unit=world.branch, role="secretary").exists()


def test_a_role_is_granted_only_for_a_post_in_office(world):
    make_user("holder", member=world.member2)
    b = _create(world.base, [{"member": world.member2.pk, "post": "secretary"}])
    assert services.role_offers(b) == []  # waiting for approval
    with pytest.raises(ValidationError):
        services.post_role_grant(actor=None, post=b.posts.get())
    b = services.committee_approve(actor=None, committee=b)
    assert [r for _p, r in services.role_offers(b)] == ["cadre"]


# --- Indicators ---------------------------------------------------------------------------------


def test_cadre_indicators(world):
    today = date(2026, 6, 1)
    young = make_member(world.branch, date_of_birth=date(2000, 1, 1), education_level="Đại học")
    c = _create(
        world.branch,
        [
            {"member": young.pk, "post": "secretary"},
            {
                "full_name": "Lê Văn Cao",
                "date_of_birth": "1990-06-02",
                "post": "deputy",
                "political_theory_level": "Trung cấp",
            },
        ],
    )
    services.course_add(
        actor=None,
        cadre=c.posts.get(post="deputy").cadre,
        name="Bồi dưỡng bí thư chi đoàn",
        level="district",
        started_on="2026-03-01",
    )
    out = selectors.cadre_indicators(world.district, today)
    row = out[world.branch.level.name]
    assert row["total"] == 2
    assert row["age"] == {"up_to_30": 1, "31_35": 1}
    assert row["education"]["Đại học"] == 1
    assert row["theory"]["Trung cấp"] == 1
    assert row["trained"] == {True: 1, False: 1}
    assert selectors.cadre_indicators(world.other_base, today) == {}


# --- API and pages ------------------------------------------------------------------------------


def _h(user):
    return {"Authorization": f"Bearer {api_token_issue(user=user)}"}


def test_the_api_queue(client, world):
    district_cadre = make_user("dcadre", role="cadre", unit=world.district)
    r = client.post(
        f"/api/v1/units/{world.base.pk}/committees",
        {"term_start": "2025-09-01", "posts": [{"member": world.member.pk, "post": "secretary"}]},
        content_type="application/json",
        headers=_h(world.base_cadre),
    )
    assert r.status_code == 201 and r.json()["state"] == "submitted"
    cid = r.json()["id"]
    # The base union's own cadre does not approve its committee; the district's does.
    assert (
        client.post(
            f"/api/v1/committees/{cid}/approve",
            {},
            content_type="application/json",
            headers=_h(world.base_cadre),
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/committees/{cid}/approve",
            {},
            content_type="application/json",
            headers=_h(world.secretary),
        ).status_code
        == 404
    )
    r = client.post(
        f"/api/v1/committees/{cid}/reject",
        {},
        content_type="application/json",
        headers=_h(district_cadre),
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    r = client.post(
        f"/api/v1/committees/{cid}/approve",
        {},
        content_type="application/json",
        headers=_h(district_cadre),
    )
    assert r.status_code == 200 and r.json()["state"] == "approved"
    r = client.post(
        f"/api/v1/committees/{cid}/reject",
        {"reason": "Muộn"},
        content_type="application/json",
        headers=_h(district_cadre),
    )
    assert r.status_code == 409
    r = client.post(
        f"/api/v1/units/{world.branch.pk}/committees",
        {
            "term_start": "2025-09-01",
            "posts": [{"member": world.outsider_member.pk, "post": "secretary"}],
        },
        content_type="application/json",
        headers=_h(world.secretary),
    )
    assert r.status_code == 400  # a member she does not see


def test_the_pages(client, world):
    district_cadre = make_user("dcadre", role="cadre", unit=world.district)
    b = _create(world.base, [{"member": world.member.pk, "post": "secretary"}])
    client.force_login(district_cadre)
    page = client.get(reverse("committees:unit-committees", args=[world.district.pk]))
    assert 'id="queue"' in page.content.decode()
    client.post(reverse("committees:committee-decide", args=[b.pk, "reject"]), {"reason": "Thiếu"})
    b.refresh_from_db()
    assert b.state == "rejected"
    client.force_login(world.base_cadre)
    client.post(reverse("committees:committee-decide", args=[b.pk, "resubmit"]))
    assert (
        client.post(reverse("committees:committee-decide", args=[b.pk, "approve"])).status_code
        == 403
    )
    client.force_login(world.secretary)
    r = client.post(
        reverse("committees:committee-create", args=[world.branch.pk]),
        {"term_start": "2025-09-01", "secretary": world.member2.member_code},
    )
    c = Committee.objects.get(unit=world.branch)
    assert r.status_code == 302 and c.posts.get().cadre.member == world.member2
    detail = client.get(reverse("committees:committee-detail", args=[c.pk])).content.decode()
    assert world.member2.full_name in detail


def test_the_committee_page_grants_a_post_s_role_as_the_api_does(client, world):
    """The page and the API share the rule (access.can_grant_post_role): a cadre above grants
    the deputy's role; a post without an account is refused with the reason, not a 403."""
    holder = make_user("pho-bi-thu-web", member=world.member2)
    committee = _create(
        world.branch,
        [
            {"member": world.member2.pk, "post": "deputy"},
            {"full_name": "Trịnh Văn Khoa", "sex": "male", "post": "member"},
        ],
    )
    deputy = committee.posts.get(post="deputy")
    no_account = committee.posts.get(post="member")
    client.force_login(world.outsider)
    assert client.post(reverse("committees:post-grant", args=[deputy.pk])).status_code == 404
    client.force_login(world.base_cadre)
    response = client.post(reverse("committees:post-grant", args=[no_account.pk]), follow=True)
    assert response.status_code == 200
    assert "chưa có tài khoản để cấp quyền" in response.content.decode()
    response = client.post(reverse("committees:post-grant", args=[deputy.pk]))
    assert response.status_code == 302
    assert RoleGrant.objects.filter(user=holder, unit=world.branch, role="deputy").exists()


def test_the_committee_page_gives_each_post_row_s_forms_ids_of_their_own(client, world):
    """Every post row carries its forms (hand over, end, course): one page, no id twice, so
    each label names its own field."""
    committee = _create(
        world.branch,
        [
            {"member": world.member.pk, "post": "secretary"},
            {"member": world.member2.pk, "post": "deputy"},
        ],
    )
    client.force_login(world.base_cadre)
    page = client.get(reverse("committees:committee-detail", args=[committee.pk]))
    ids = re.findall(r'\bid="([^"]+)"', page.content.decode())
    assert len(ids) > 6
    assert [i for i in set(ids) if ids.count(i) > 1] == []

"""Changes mid-term, dated: a branch's are made at once; a base union's or above go to the unit
above (the same queue as its committees), the posts and the roles they give change on approval
only; a rejection needs a reason; a decided change, an ended post or a second change of a post
waiting cannot move (409 in the API)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.accounts.models import RoleGrant
from doanvien.accounts.services import api_token_issue
from doanvien.committees import services
from doanvien.committees.models import Committee, Post, PostChange
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member

from ..factories import make_user


def _in_office(world, unit=None):
    unit = unit or world.base
    committee = services.committee_create(
        actor=None,
        unit=unit,
        members=Member.objects.all(),
        term_start=date(2025, 9, 1),
        posts=[
            {"member": world.member.pk, "post": "secretary"},
            {"member": world.member2.pk, "post": "deputy"},
        ],
    )
    if committee.state == Committee.State.SUBMITTED:
        committee = services.committee_approve(actor=None, committee=committee)
    return committee


def _post(committee, kind):
    return committee.posts.get(post=kind, ended_on=None)


def test_a_base_union_change_waits_and_roles_follow_on_approval_only(world):
    holder = make_user("holder", member=world.member2)
    committee = _in_office(world)
    deputy = _post(committee, "deputy")
    services.post_role_grant(actor=None, post=deputy)
    assert RoleGrant.objects.filter(user=holder, unit=world.base, role="cadre").exists()
    change = services.post_end(
        actor=None, post=deputy, ended_on="2026-02-01", reason="Chuyển công tác"
    )
    assert isinstance(change, PostChange) and change.state == "submitted"
    deputy.refresh_from_db()
    assert deputy.ended_on is None  # nothing changes before the unit above decides
    assert RoleGrant.objects.filter(user=holder, unit=world.base, role="cadre").exists()
    district = make_user("dcadre", role="cadre", unit=world.district)
    services.change_approve(actor=district, change=change)
    deputy.refresh_from_db()
    assert deputy.ended_on == date(2026, 2, 1)
    assert not RoleGrant.objects.filter(user=holder, unit=world.base, role="cadre").exists()
    assert AuditEvent.objects.filter(action="committee.change_approve").exists()
    with pytest.raises(ValidationError) as e:
        services.change_reject(actor=district, change=change, reason="Muộn")
    assert e.value.code == "illegal_transition"


def test_a_rejected_change_changes_nothing_and_needs_a_reason(world):
    committee = _in_office(world)
    change = services.change_propose(
        actor=None,
        committee=committee,
        kind="add",
        members=Member.objects.all(),
        item={"full_name": "Bùi Văn Sơn", "post": "standing"},
        on="2026-03-01",
    )
    with pytest.raises(ValidationError):
        services.change_reject(actor=None, change=change, reason=" ")
    services.change_reject(actor=None, change=change, reason="Chưa đủ hồ sơ")
    change.refresh_from_db()
    assert change.state == "rejected" and change.decision_note == "Chưa đủ hồ sơ"
    assert not committee.posts.filter(cadre__full_name="Bùi Văn Sơn").exists()
    with pytest.raises(ValidationError) as e:
        services.change_approve(actor=None, change=change)
    assert e.value.code == "illegal_transition"


def test_a_replacement_hands_the_post_on_approval(world):
    committee = _in_office(world)
    secretary = _post(committee, "secretary")
    change = services.change_propose(
        actor=None,
        committee=committee,
        kind="replace",
        post=secretary,
        members=Member.objects.all(),
        item={"member": world.member_in_branch2.pk},
        on="2026-04-01",
        reason="Bầu bổ sung",
    )
    with pytest.raises(ValidationError) as e:  # a second change of the same post waits
        services.change_propose(
            actor=None, committee=committee, kind="end", post=secretary, on="2026-04-02", reason="X"
        )
    assert e.value.code == "illegal_transition"
    services.change_approve(actor=None, change=change)
    secretary.refresh_from_db()
    assert secretary.ended_on == date(2026, 4, 1)
    new = _post(committee, "secretary")
    assert new.cadre.member == world.member_in_branch2 and new.started_on == date(2026, 4, 1)


def test_a_branch_change_is_made_at_once(world):
    committee = _in_office(world, world.branch)
    post = services.post_add(
        actor=None,
        committee=committee,
        members=Member.objects.all(),
        item={"member": world.member_in_branch2.pk, "post": "member"},
        started_on="2026-01-15",
    )
    assert isinstance(post, Post) and post.started_on == date(2026, 1, 15)
    assert PostChange.objects.get(committee=committee).state == "approved"


def test_the_api_proposes_and_the_unit_above_decides(client, world):
    committee = _in_office(world)
    deputy = _post(committee, "deputy")
    base_h = {"Authorization": f"Bearer {api_token_issue(user=world.base_cadre)}"}
    district = make_user("dcadre", role="cadre", unit=world.district)
    district_h = {"Authorization": f"Bearer {api_token_issue(user=district)}"}
    url = f"/api/v1/committees/{committee.pk}/changes"
    body = {"kind": "end", "post": deputy.pk, "on": "2026-05-01", "reason": "Nghỉ việc"}
    r = client.post(url, body, content_type="application/json", headers=base_h)
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "submitted"
    cid = r.json()["id"]
    again = client.post(url, body, content_type="application/json", headers=base_h)
    assert again.status_code == 409
    approve = f"/api/v1/committee-changes/{cid}/approve"
    assert (
        client.post(approve, {}, content_type="application/json", headers=base_h).status_code == 403
    )
    r = client.post(approve, {}, content_type="application/json", headers=district_h)
    assert r.status_code == 200 and r.json()["state"] == "approved"
    r = client.post(approve, {}, content_type="application/json", headers=district_h)
    assert r.status_code == 409
    r = client.post(url, body, content_type="application/json", headers=base_h)
    assert r.status_code == 409  # the post has ended


def test_the_queue_page_and_the_decision(client, world):
    committee = _in_office(world)
    change = services.post_end(
        actor=None, post=_post(committee, "deputy"), ended_on="2026-02-01", reason="Chuyển đi"
    )
    district = make_user("dcadre", role="cadre", unit=world.district)
    client.force_login(district)
    page = client.get(reverse("committees:unit-committees", args=[world.district.pk]))
    assert 'id="change-queue"' in page.content.decode()
    client.post(reverse("committees:change-decide", args=[change.pk, "reject"]), {"reason": ""})
    change.refresh_from_db()
    assert change.state == "submitted"
    client.post(reverse("committees:change-decide", args=[change.pk, "approve"]))
    change.refresh_from_db()
    assert change.state == "approved"
    client.force_login(world.base_cadre)  # the base records, it does not decide its own
    r = client.post(reverse("committees:change-decide", args=[change.pk, "approve"]))
    assert r.status_code == 403

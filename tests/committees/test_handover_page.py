"""Handing a post over mid-term on the committee page (the API's `replace` change, the same
service): the new holder named by his member identifier or as a person who is not a member;
the form's errors shown in Vietnamese on the page; a branch's handover made at once, a base
union's sent to the unit above; only the unit's recorders may do it."""

from datetime import date

from django.urls import reverse
from django.utils import translation

from doanvien.committees import services
from doanvien.committees.models import CadreRecord, Committee, Post, PostChange
from doanvien.members.models import Member

from ..factories import make_member, make_user


def _committee(world, unit):
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


def _hand_over(client, post, **data):
    return client.post(
        reverse("committees:post-replace", args=[post.pk]),
        {"on": "2026-03-02", "reason": "Chuyển công tác", **data},
        headers={"accept-language": "vi"},
    )


def test_a_branch_post_handed_to_a_member_at_once(client, world):
    committee = _committee(world, world.branch)
    deputy = committee.posts.get(post="deputy")
    third = make_member(world.branch, full_name="Võ Thị Hạnh")
    client.force_login(world.secretary)
    page = client.get(reverse("committees:committee-detail", args=[committee.pk]))
    assert reverse("committees:post-replace", args=[deputy.pk]) in page.content.decode()
    far = _hand_over(client, deputy, member_code=world.member_in_branch2.member_code)
    assert far.status_code == 200  # a member she does not see is not found
    assert far.context["replace_bound"].errors["member_code"]
    r = _hand_over(client, deputy, member_code=third.member_code)
    assert r.status_code == 302, r.context["replace_bound"].errors
    deputy.refresh_from_db()
    assert deputy.ended_on == date(2026, 3, 2) and deputy.end_reason == "Chuyển công tác"
    new = committee.posts.get(post="deputy", ended_on=None)
    assert new.cadre.member == third and new.started_on == date(2026, 3, 2)
    change = PostChange.objects.get(committee=committee)
    assert (change.kind, change.state, change.post_id) == ("replace", "approved", deputy.pk)


def test_a_base_union_handover_to_a_non_member_waits_for_the_unit_above(client, world):
    committee = _committee(world, world.base)
    secretary = committee.posts.get(post="secretary")
    client.force_login(world.base_cadre)
    r = _hand_over(
        client, secretary, full_name="Đặng Văn Khoa", date_of_birth="1985-04-02", sex="male"
    )
    assert r.status_code == 302
    change = PostChange.objects.get(committee=committee)
    assert change.state == "submitted" and change.cadre.full_name == "Đặng Văn Khoa"
    secretary.refresh_from_db()
    assert secretary.ended_on is None  # nothing changes before the district decides
    services.change_approve(actor=make_user("dc", role="cadre", unit=world.district), change=change)
    new = committee.posts.get(post="secretary", ended_on=None)
    assert new.cadre.member is None and new.cadre.date_of_birth == date(1985, 4, 2)


def test_the_form_names_each_fault_in_vietnamese_and_changes_nothing(client, world):
    committee = _committee(world, world.branch)
    deputy = committee.posts.get(post="deputy")
    third = make_member(world.branch, full_name="Võ Thị Hạnh")
    client.force_login(world.secretary)
    cases = [
        ({}, "member_code", "mã đoàn viên"),
        ({"member_code": "KHONGCO"}, "member_code", None),
        ({"full_name": "Hồ Thị Lan", "sex": "female"}, "date_of_birth", None),
        (
            {"member_code": third.member_code, "on": "2030-01-01"},
            "on",
            "nhiệm kỳ",
        ),
        (
            {"member_code": third.member_code, "on": "2025-08-01"},
            "on",
            None,
        ),
        ({"member_code": world.member.member_code}, "member_code", None),  # holds a post
        ({"member_code": third.member_code, "reason": ""}, "reason", None),
    ]
    for data, field, words in cases:
        r = _hand_over(client, deputy, **data)
        assert r.status_code == 200, (data, r.status_code)
        form = r.context["replace_bound"]
        assert r.context["replace_post"] == deputy.pk
        assert form.errors.get(field), (data, form.errors)
        with translation.override("vi"):
            shown = r.content.decode()
        for message in form.errors[field]:
            assert message in shown
        if words:
            assert any(words in m for m in form.errors[field]), form.errors[field]
    assert committee.posts.count() == 2 and not PostChange.objects.exists()
    assert not CadreRecord.objects.filter(full_name="Hồ Thị Lan").exists()
    assert Post.objects.get(pk=deputy.pk).ended_on is None


def test_only_the_recorders_hand_a_post_over(client, world):
    committee = _committee(world, world.branch)
    deputy = committee.posts.get(post="deputy")
    code = world.member_in_branch2.member_code
    client.force_login(world.member_user)
    assert _hand_over(client, deputy, member_code=code).status_code in (403, 404)
    client.force_login(world.outsider)
    assert _hand_over(client, deputy, member_code=code).status_code == 404
    client.force_login(world.secretary)
    assert client.get(reverse("committees:post-replace", args=[deputy.pk])).status_code == 405
    assert not PostChange.objects.exists()

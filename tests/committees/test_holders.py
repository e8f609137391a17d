"""A post held by a person who is not a member of the unit (a cadre over 30), added on the
committee page's form: name, date of birth and sex required there, an optional user account
among those the recorder sees (not a member's own account: a member is named by his
identifier)."""

from datetime import date

from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.committees import services
from doanvien.committees.models import CadreRecord, Post
from doanvien.members.models import Member

from ..factories import make_user


def _branch_committee(world):
    return services.committee_create(
        actor=None,
        unit=world.branch,
        members=Member.objects.all(),
        term_start=date(2025, 9, 1),
        posts=[{"member": world.member.pk, "post": "secretary"}],
    )


def _add(client, committee, **data):
    return client.post(
        reverse("committees:committee-detail", args=[committee.pk]),
        {"post": "member", "started_on": "2026-01-10", **data},
    )


def test_a_non_member_holder_added_by_the_form(client, world):
    committee = _branch_committee(world)
    account = make_user("cadre40", role="committee", unit=world.branch)
    client.force_login(world.secretary)
    r = _add(
        client,
        committee,
        full_name="Đặng Văn Khoa",
        date_of_birth="1985-04-02",
        sex="male",
        account="cadre40",
    )
    assert r.status_code == 302, r.content
    cadre = CadreRecord.objects.get(full_name="Đặng Văn Khoa")
    assert cadre.member is None and cadre.user == account
    assert cadre.date_of_birth == date(1985, 4, 2) and cadre.sex == "male"
    assert Post.objects.get(cadre=cadre).committee == committee


def test_the_form_refuses_what_is_missing_or_out_of_scope(client, world):
    committee = _branch_committee(world)
    make_user("far", role="committee", unit=world.other_branch)  # not in the secretary's subtree
    make_user("hasmember", member=world.member2)
    client.force_login(world.secretary)
    cases = [
        ({}, "member_code"),
        ({"full_name": "Hồ Thị Lan", "sex": "female"}, "date_of_birth"),
        ({"full_name": "Hồ Thị Lan", "date_of_birth": "1988-01-01"}, "sex"),
        (
            {"full_name": "Hồ Thị Lan", "date_of_birth": "2999-01-01", "sex": "female"},
            "date_of_birth",
        ),
        (
            {
                "full_name": "Hồ Thị Lan",
                "date_of_birth": "1988-01-01",
                "sex": "female",
                "account": "far",
            },
            "account",
        ),
        (
            {
                "full_name": "Hồ Thị Lan",
                "date_of_birth": "1988-01-01",
                "sex": "female",
                "account": "hasmember",
            },
            "account",
        ),
    ]
    for data, field in cases:
        r = _add(client, committee, **data)
        assert r.status_code == 200, (data, r.status_code)
        assert r.context["add_form"].errors.get(field), (data, r.context["add_form"].errors)
    assert not CadreRecord.objects.filter(full_name="Hồ Thị Lan").exists()
    assert committee.posts.count() == 1


def test_the_api_links_an_account_among_those_seen(client, world):
    make_user("far2", role="committee", unit=world.other_branch)
    near = make_user("near", role="committee", unit=world.branch)
    h = {"Authorization": f"Bearer {api_token_issue(user=world.secretary)}"}
    url = f"/api/v1/units/{world.branch.pk}/committees"
    body = {
        "term_start": "2025-09-01",
        "posts": [
            {"member": world.member.pk, "post": "secretary"},
            {"full_name": "Lý Văn Tâm", "sex": "male", "account": "far2", "post": "member"},
        ],
    }
    r = client.post(url, body, content_type="application/json", headers=h)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "posts.1.account"
    body["posts"][1]["account"] = "near"
    r = client.post(url, body, content_type="application/json", headers=h)
    assert r.status_code == 201, r.content
    assert CadreRecord.objects.get(full_name="Lý Văn Tâm").user == near

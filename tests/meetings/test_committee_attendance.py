"""Attendance at a union's committee meetings: the list is the people holding a post of its
committee on the meeting's date (members or not, a post handed over counted for the one who
held it that day), taken on the same page and API as a branch's; its rates per person; it
counts in no branch figure."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.committees import services as committees
from doanvien.committees.models import CadreRecord, Committee, Post
from doanvien.meetings import selectors, services
from doanvien.meetings.models import Attendance, CommitteeAttendance, MeetingStats
from doanvien.members.models import Member

from ..factories import make_member, make_user

YEAR = date.today().year - 1


def _committee(world):
    """The base union's committee in office from 1/1 of YEAR: the member its secretary, member2
    its deputy, a person who is not a member a committee member; on 1/6 the deputy's post is
    handed to a third member."""
    committee = committees.committee_create(
        actor=None,
        unit=world.base,
        members=Member.objects.all(),
        term_start=date(YEAR, 1, 1),
        posts=[
            {"member": world.member.pk, "post": "secretary"},
            {"member": world.member2.pk, "post": "deputy"},
            {"full_name": "Đặng Văn Khoa", "post": "member"},
        ],
    )
    committee = committees.committee_approve(actor=None, committee=committee)
    third = make_member(world.branch2, full_name="Võ Thị Hạnh")
    change = committees.change_propose(
        actor=None,
        committee=committee,
        kind="replace",
        post=committee.posts.get(post="deputy"),
        members=Member.objects.all(),
        item={"member": third.pk},
        on=date(YEAR, 6, 1),
        reason="Chuyển công tác",
    )
    committees.change_approve(actor=None, change=change)
    return committee, third


def _cadre(name):
    return CadreRecord.objects.get(full_name=name)


def _meeting(world, day):
    return services.meeting_create(
        actor=world.base_cadre, unit=world.base, data={"date": day, "kind": "regular"}
    )


def test_the_list_is_the_post_holders_of_that_day(world):
    _committee(world)
    spring = _meeting(world, date(YEAR, 3, 10))
    autumn = _meeting(world, date(YEAR, 9, 10))
    before = [(c.full_name, c.post_label) for c, _p in selectors.committee_roll(spring)]
    after = [c.full_name for c, _p in selectors.committee_roll(autumn)]
    assert [n for n, _l in before] == ["Nguyễn Văn An", "Trần Thị Đào", "Đặng Văn Khoa"]
    assert before[1][1] == str(Post.Kind.DEPUTY.label)
    assert after == ["Nguyễn Văn An", "Võ Thị Hạnh", "Đặng Văn Khoa"]
    assert all(p == "present" for _c, p in selectors.committee_roll(spring))  # until taken


def test_attendance_is_taken_for_the_holders_only_and_counts_in_no_branch_figure(world):
    _committee(world)
    meeting = _meeting(world, date(YEAR, 3, 10))
    stats = list(MeetingStats.objects.order_by("pk").values())
    khoa, dao = _cadre("Đặng Văn Khoa"), _cadre("Trần Thị Đào")
    hanh = _cadre("Võ Thị Hạnh")
    with pytest.raises(ValidationError, match="không phải của người giữ chức vụ"):
        services.attendance_set(actor=None, meeting=meeting, present=[hanh.pk], excused=[])
    with pytest.raises(ValidationError):
        services.attendance_set(actor=None, meeting=meeting, present=[khoa.pk], excused=[khoa.pk])
    counts = services.attendance_set(
        actor=None, meeting=meeting, present=[khoa.pk], excused=[dao.pk]
    )
    assert counts == {"present": 1, "excused": 1, "absent": 1}
    rows = dict(CommitteeAttendance.objects.values_list("cadre__full_name", "presence"))
    assert rows == {
        "Đặng Văn Khoa": "present",
        "Trần Thị Đào": "excused",
        "Nguyễn Văn An": "absent",
    }
    assert not Attendance.objects.exists()
    assert list(MeetingStats.objects.order_by("pk").values()) == stats
    meeting.refresh_from_db()
    assert meeting.attendance_taken
    # Taken again: replaced, not added to.
    services.attendance_set(actor=None, meeting=meeting, present=[dao.pk], excused=[])
    assert CommitteeAttendance.objects.filter(meeting=meeting, presence="present").count() == 1
    rates = selectors.committee_attendance_rates(world.base, YEAR)
    assert rates["total"] == 3 and rates["rate"] == pytest.approx(33.3)


def test_a_union_without_a_committee_has_nobody_to_list(world):
    meeting = _meeting(world, date(YEAR, 3, 10))
    with pytest.raises(ValidationError, match="Không ai giữ chức vụ"):
        services.attendance_set(actor=None, meeting=meeting, present=[], excused=[])
    assert Committee.objects.count() == 0


def test_the_page_and_the_api(client, world):
    _committee(world)
    meeting = _meeting(world, date(YEAR, 9, 10))
    hanh, khoa = _cadre("Võ Thị Hạnh"), _cadre("Đặng Văn Khoa")
    client.force_login(world.base_cadre)
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert f'name="a-{hanh.pk}"' in page and "Đặng Văn Khoa" in page
    r = client.post(
        reverse("meetings:meeting-attendance", args=[meeting.pk]),
        {
            f"a-{hanh.pk}": "present",
            f"a-{khoa.pk}": "excused",
            f"a-{_cadre('Nguyễn Văn An').pk}": "absent",
        },
    )
    assert r.status_code == 302
    assert CommitteeAttendance.objects.get(cadre=hanh).presence == "present"
    rates = client.get(reverse("meetings:unit-attendance", args=[world.base.pk]) + f"?year={YEAR}")
    assert rates.status_code == 200 and "Võ Thị Hạnh" in rates.content.decode()

    h = {"Authorization": f"Bearer {api_token_issue(user=world.base_cadre)}"}
    url = f"/api/v1/meetings/{meeting.pk}/attendance"
    listed = client.get(url, headers=h).json()
    assert listed["of"] == "committee" and listed["taken"] is True
    by_name = {i["name"]: i for i in listed["items"]}
    assert by_name["Võ Thị Hạnh"]["presence"] == "present"
    assert by_name["Đặng Văn Khoa"]["member"] is None
    r = client.put(
        url, {"present": [khoa.pk], "excused": []}, content_type="application/json", headers=h
    )
    assert r.status_code == 200 and r.json() == {"present": 1, "excused": 0, "absent": 2}
    r = client.put(url, {"present": [999999]}, content_type="application/json", headers=h)
    assert r.status_code == 400
    # A branch secretary below sees the base union's meeting? No: it is above her.
    other = {"Authorization": f"Bearer {api_token_issue(user=world.secretary)}"}
    assert client.get(url, headers=other).status_code == 404
    branch_member = make_user("bm", member=world.member2)
    client.force_login(branch_member)
    assert client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).status_code == 404

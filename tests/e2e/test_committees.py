"""A committee's year on a phone (360 px): the branch secretary hands a post over mid-term on
the committee page, and the base union's cadre takes the attendance of his committee's meeting
(the people holding its posts that day)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.committees import services
from doanvien.committees.models import Committee
from doanvien.meetings.models import CommitteeAttendance, Meeting
from doanvien.members.models import Member, Status
from doanvien.units.models import Unit

from .conftest import PHONE, fits_phone, hold_meeting, log_in

pytestmark = pytest.mark.e2e


def _committee(unit, holders, since):
    committee = services.committee_create(
        actor=None,
        unit=unit,
        members=Member.objects.all(),
        term_start=since,
        posts=[{"member": m.pk, "post": post} for m, post in holders],
    )
    if committee.state == Committee.State.SUBMITTED:  # a union's: the unit above approves
        committee = services.committee_approve(actor=None, committee=committee)
    return committee


def test_a_post_handed_over_and_a_committee_meeting_attended_on_a_phone(demo, new_context):
    branch = demo.branch
    base = Unit.objects.get(path=branch.path[: -Unit.steplen])
    today = timezone.localdate()
    members = list(
        Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("sort_key", "pk")
    )
    since = today - timedelta(days=200)
    committee = _committee(branch, [(members[0], "secretary"), (members[1], "deputy")], since)
    deputy = committee.posts.get(post="deputy")

    # The secretary hands the deputy's post to another member.
    page = new_context(viewport=PHONE).new_page()
    log_in(page, demo.url, "demo-branch")
    page.goto(f"{demo.url}/committees/{committee.pk}/")
    fits_phone(page)
    handover = page.locator(
        f"details.replace-post:has(form[action$='/posts/{deputy.pk}/replace/'])"
    )
    handover.locator("summary").click()
    page.locator(f"#post{deputy.pk}-replace-member_code").fill(members[2].member_code)
    page.locator(f"#post{deputy.pk}-replace-on").fill(today.isoformat())
    page.locator(f"#post{deputy.pk}-replace-reason").fill("Chuyển công tác")
    fits_phone(page)
    handover.locator("button[type=submit]").click()
    expect(page.locator("#posts")).to_contain_text(members[2].full_name)
    fits_phone(page)
    new = committee.posts.get(post="deputy", ended_on=None)
    assert new.cadre.member_id == members[2].pk and new.started_on == today

    # The base union's committee meets; its cadre ticks who came.
    holders = [(members[3], "secretary"), (members[4], "deputy")]
    base_committee = _committee(base, holders, since)
    away = base_committee.posts.get(post="deputy").cadre
    page = new_context(viewport=PHONE).new_page()
    log_in(page, demo.url, "demo-base")
    page.goto(f"{demo.url}/units/{base.pk}/meetings/")
    hold_meeting(
        page, "Họp Ban Chấp hành tháng này", listed=len(holders), marks={away.pk: "absent"}
    )
    meeting = Meeting.objects.get(unit=base)
    marks = dict(
        CommitteeAttendance.objects.filter(meeting=meeting).values_list("cadre_id", "presence")
    )
    assert marks[away.pk] == "absent" and list(marks.values()).count("present") == 1

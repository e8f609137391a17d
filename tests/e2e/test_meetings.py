"""A branch secretary on a phone (360 px) records this month's meeting and ticks attendance:
everyone is present until changed, two taps mark one member absent and one excused."""

import re

import pytest
from playwright.sync_api import expect

from doanvien.meetings.models import Meeting
from doanvien.members.models import Member, Status

from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def test_a_secretary_holds_a_meeting_and_ticks_attendance(demo, new_context):
    branch = demo.branch
    members = list(
        Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("sort_key", "pk")
    )
    assert len(members) >= 3
    away, excused = members[0], members[1]

    page = new_context(viewport=PHONE).new_page()
    log_in(page, demo.url, "demo-branch")
    page.locator(f'a[href="/units/{branch.pk}/meetings/"]').first.click()
    page.locator("#hold-meeting").click()
    page.locator("select[name=kind]").select_option("regular")
    page.locator("input[name=theme_text]").fill("Sinh hoạt chi đoàn tháng này")
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))

    # One screen of toggles, everyone present; nothing wider than the phone.
    expect(page.locator("#attendance input[value=present]:checked")).to_have_count(len(members))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator(f'label[for="a-{away.pk}-absent"]').click()
    page.locator(f'label[for="a-{excused.pk}-excused"]').click()
    page.locator("#save-attendance").click()
    expect(page.locator("#attendance-counts")).to_be_visible()

    meeting = Meeting.objects.get(unit=branch)
    marks = dict(meeting.attendance.values_list("member_id", "presence"))
    assert marks[away.pk] == "absent" and marks[excused.pk] == "excused"
    assert sum(1 for p in marks.values() if p == "present") == len(members) - 2

"""A branch's month on a phone (360 px): the secretary holds the monthly meeting and ticks
attendance (everyone present until changed: two taps mark one member absent, one excused),
takes dues from the members present (they come ticked from the meeting), remits the month's
third to the base union, and the base union confirms it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.dues import defaults
from doanvien.dues.models import CategoryDefault, Payment, Rate, Remittance
from doanvien.dues.selectors import branch_members
from doanvien.meetings.models import Meeting
from doanvien.members.models import Member, Status

from .conftest import PHONE, fits_phone, hold_meeting, log_in

pytestmark = pytest.mark.e2e


def _phone(new_context, base_url, username):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, base_url, username)
    return page


def test_a_secretary_holds_the_meeting_takes_dues_from_those_present_and_remits(demo, new_context):
    defaults.install(Rate, CategoryDefault)  # the shipped rates (a flushed database lost them)
    branch = demo.branch
    today = timezone.localdate()
    members = list(
        Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("sort_key", "pk")
    )
    assert len(members) >= 4
    away, excused = members[0], members[1]

    # The meeting, from the branch's meetings page.
    page = _phone(new_context, demo.url, "demo-branch")
    page.locator(f'a[href="/units/{branch.pk}/meetings/"]').first.click()
    ticks = {away.pk: "absent", excused.pk: "excused"}
    hold_meeting(page, "Sinh hoạt chi đoàn tháng này", listed=len(members), marks=ticks)
    meeting = Meeting.objects.get(unit=branch)
    marks = dict(meeting.attendance.values_list("member_id", "presence"))
    assert marks[away.pk] == "absent" and marks[excused.pk] == "excused"
    assert sum(1 for p in marks.values() if p == "present") == len(members) - 2

    # Dues from those present: they come ticked, those away do not.
    owing = {m.member.pk for m in branch_members(branch, today.year, today) if m.owed}
    present = {pk for pk, p in marks.items() if p == "present"} & owing
    assert present, "the demo's members present owe this month"
    page.locator("#dues-of-present").click()
    fits_phone(page)
    ticked = page.locator("input[name=member]:checked")
    expect(ticked).to_have_count(len(present))
    assert {int(v) for v in ticked.evaluate_all("els => els.map(e => e.value)")} == present
    # A wrong amount: nothing saved, the rule named on the row.
    first = min(present)
    right = page.locator(f"input[name='amount-{first}']").input_value()
    page.locator(f"input[name='amount-{first}']").fill("1000")
    page.get_by_role("button", name="Ghi nhận các khoản đã đánh dấu").click()
    expect(page.get_by_text("Quy tắc “mức đoàn phí × số tháng”").first).to_be_visible()
    assert not Payment.objects.filter(unit=branch, received_on=today).exists()
    page.locator(f"input[name='amount-{first}']").fill(right)
    page.get_by_role("button", name="Ghi nhận các khoản đã đánh dấu").click()
    expect(page.get_by_text(f"Đã ghi nhận {len(present)} khoản thu.")).to_be_visible()
    paid = Payment.objects.filter(unit=branch, received_on=today)
    assert set(paid.values_list("member", flat=True)) == present

    # The ledger: the month's third is pre-filled in the remittance form; send it.
    month = f"{today.year}-{today.month:02d}"
    page.goto(f"{demo.url}/units/{branch.pk}/dues/{today.year}/")
    fits_phone(page)
    page.locator("select[name=period]").select_option(month)
    due = int(page.locator("input[name=amount]").input_value())
    assert due > 0
    page.get_by_role("button", name="Ghi nhận đã nộp").click()
    expect(page.get_by_text("Đã ghi nhận khoản nộp cấp trên.")).to_be_visible()
    remittance = Remittance.objects.get(from_unit=branch, period=month)
    assert remittance.amount == due

    # The base union confirms it on its ledger page.
    base = _phone(new_context, demo.url, "demo-base")
    base.goto(f"{demo.url}/units/{remittance.to_unit_id}/dues/{today.year}/")
    fits_phone(base)
    base.get_by_role("button", name="Xác nhận đã nhận").first.click()
    expect(base.get_by_text("Đã lưu.")).to_be_visible()
    remittance.refresh_from_db()
    assert remittance.state == "confirmed"

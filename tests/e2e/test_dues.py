"""Dues on a phone (360 px): the secretary takes dues from the whole branch on one screen,
remits the month's third to the base union, and the base union confirms it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.dues import defaults
from doanvien.dues.models import CategoryDefault, Payment, Rate, Remittance
from doanvien.members.models import Member

from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _phone(browser, base_url, username):
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(page, base_url, username)
    return page


def test_dues_taken_remitted_and_confirmed_on_a_phone(browser, demo):
    defaults.install(Rate, CategoryDefault)
    branch = demo.branch
    year = timezone.localdate().year
    month = f"{year}-{timezone.localdate().month:02d}"
    members = list(Member.objects.filter(branch=branch, status="active").order_by("pk")[:3])

    page = _phone(browser, demo.url, "demo-branch")
    page.goto(f"{demo.url}/units/{branch.pk}/dues/{year}/collect/")
    # The whole branch on one screen, nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for m in members:
        page.locator(f"input[name=member][value='{m.pk}']").check()
        page.locator(f"select[name='month-{m.pk}']").select_option(month)
    # A wrong amount: nothing saved, the rule named on the row.
    page.locator(f"input[name='amount-{members[0].pk}']").fill("1000")
    page.get_by_role("button", name="Ghi nhận các khoản đã đánh dấu").click()
    expect(page.get_by_text("Quy tắc “mức đoàn phí × số tháng”").first).to_be_visible()
    assert not Payment.objects.exists()
    page.locator(f"input[name='amount-{members[0].pk}']").fill(
        page.locator(f"input[name='amount-{members[1].pk}']").input_value()
    )
    page.get_by_role("button", name="Ghi nhận các khoản đã đánh dấu").click()
    expect(page.get_by_text(f"Đã ghi nhận {len(members)} khoản thu.")).to_be_visible()
    assert Payment.objects.filter(unit=branch).count() == len(members)

    # The ledger: the month's third is pre-filled in the remittance form; send it.
    page.goto(f"{demo.url}/units/{branch.pk}/dues/{year}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("select[name=period]").select_option(month)
    due = page.locator("input[name=amount]").input_value()
    assert int(due) > 0
    page.get_by_role("button", name="Ghi nhận đã nộp").click()
    expect(page.get_by_text("Đã ghi nhận khoản nộp cấp trên.")).to_be_visible()
    remittance = Remittance.objects.get()
    assert remittance.amount == int(due)

    # The base union confirms it on its ledger page.
    base = _phone(browser, demo.url, "demo-base")
    base.goto(f"{demo.url}/units/{remittance.to_unit_id}/dues/{year}/")
    base.get_by_role("button", name="Xác nhận đã nhận").first.click()
    expect(base.get_by_text("Đã lưu.")).to_be_visible()
    remittance.refresh_from_db()
    assert remittance.state == "confirmed"

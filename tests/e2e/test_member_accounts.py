"""On phones (360 px): the branch secretary issues activation codes and downloads the slips; a
member activates his account with his code and date of birth and sees who issued it."""

import os

import pytest
from playwright.sync_api import expect

from doanvien.members.models import Member

from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
PASSWORD = "Mật-khẩu-riêng-2026"
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder, to look at the pages


def fits(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_the_secretary_prints_codes_and_a_member_activates(demo, new_context):
    page = new_context(viewport=PHONE, accept_downloads=True).new_page()
    log_in(page, demo.url, "demo-branch")
    page.goto(f"{demo.url}/units/{demo.branch.pk}/")
    page.get_by_role("link", name="Tài khoản đoàn viên").click()
    fits(page, "branch-codes")
    page.get_by_role("button", name="Cấp mã cho tất cả đoàn viên chưa có tài khoản").click()
    codes = page.locator("#issued-codes tbody tr")
    expect(codes.first).to_be_visible()
    fits(page, "issued")
    first = codes.first
    member_code = first.locator("small").inner_text().strip()
    code = first.locator("code").inner_text().strip()
    with page.expect_download() as slips:
        page.get_by_role("button", name="Phiếu để in (PDF)").click()
    assert slips.value.suggested_filename.endswith(".pdf")

    member = Member.objects.get(member_code=member_code)
    phone = new_context(viewport=PHONE).new_page()
    phone.goto(f"{demo.url}/activate/")
    fits(phone, "activate")
    phone.get_by_label("Mã kích hoạt").fill(code.lower())
    phone.get_by_label("Ngày sinh").fill(member.date_of_birth.strftime("%d/%m/%Y"))
    phone.get_by_label("Mật khẩu mới").fill(PASSWORD)
    phone.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Kích hoạt").click()
    notice = phone.locator("#activation-notice")
    expect(notice).to_contain_text(member_code.lower())
    expect(notice).to_contain_text("cấp")
    fits(phone, "notice")
    phone.get_by_role("button", name="Đúng là tôi, tiếp tục").click()
    expect(phone).to_have_url(f"{demo.url}/members/{member.pk}/")
    expect(phone.locator("main")).to_contain_text(member.full_name)

"""A statistics return on a phone: a district cadre fills form 6 and submits the half-year
return; the province's cadre sees the district reported in "who has reported", accepts it, and
finds the district's figures summed in the province's own form 6."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.returns.models import Return

from ..factories import make_user
from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_district_reports_form_6_and_the_province_sees_it(browser, demo):
    year = timezone.localdate().year
    district = demo.branch.parent().parent()
    province = district.parent()
    make_user("demo-district", role="cadre", unit=district, password="district-pass-123")
    one = f"{demo.url}/units/{district.pk}/returns/{year}/h1/"

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, demo.url, "demo-district", "district-pass-123")
    page.goto(one)
    _fits(page)
    expect(page.locator("#return-state")).to_have_text("Chưa báo cáo")
    form6 = page.locator("#form-6")
    # Computed cells are read-only: form 1 has no inputs.
    expect(page.locator("#form-1 input")).to_have_count(0)
    form6.locator("input[name='c-union_work:trained']").fill("-3")
    form6.locator("button[type=submit]").click()
    expect(page.locator("#form-6 .err")).to_contain_text("âm")
    form6 = page.locator("#form-6")
    form6.locator("input[name='c-union_work:trained']").fill("12")
    form6.locator("input[name='c-total:trained']").fill("12")
    form6.locator("input[name='c-union_work:female']").fill("5")
    form6.locator("input[name='c-total:female']").fill("5")
    form6.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_be_visible()
    _fits(page)
    page.locator("#submit form[action$='/submit/'] button").click()
    expect(page.locator("#return-state")).to_have_text("Đã gửi")
    expect(page.locator("#form-6 input")).to_have_count(0)
    context.close()

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, demo.url, "demo-province")
    page.goto(f"{demo.url}/units/{province.pk}/returns/{year}/h1/status/")
    _fits(page)
    row = page.locator(f"#child-{district.pk}")
    expect(row.locator(".rt-state")).to_contain_text("Đã gửi")
    row.locator("form[action$='/accept/'] button").click()
    expect(page.locator(f"#child-{district.pk} .rt-state")).to_contain_text("Đã tiếp nhận")
    page.goto(f"{demo.url}/units/{province.pk}/returns/{year}/h1/")
    _fits(page)
    expect(page.locator("#form-6 input[name='c-total:trained']")).to_have_value("12")
    expect(page.locator("#form-6 input[name='c-total:female']")).to_have_value("5")
    context.close()

    assert Return.objects.get(unit=district).state == "accepted"

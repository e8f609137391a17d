"""The member statistics on a phone (360 px): the province's cadre opens them from the
province's page, breaks the members down by age band and sex, and drills down to a district
and on to a base union; every table's total is the unit's active members and the page never
scrolls sideways."""

import re

import pytest
from playwright.sync_api import expect

from doanvien.members.models import Member, Status
from doanvien.units.models import Unit

from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _active(unit) -> int:
    return Member.objects.filter(status=Status.ACTIVE, unit_path__startswith=unit.path).count()


def _total(page) -> str:
    return page.locator("#member-statistics tr.total td").last.inner_text().strip()


def test_the_statistics_drill_down_on_a_phone(browser, demo):
    province = Unit.objects.get(code="SX")
    base = demo.branch.parent()
    district = base.parent()
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(page, demo.url, "demo-province")
    page.goto(f"{demo.url}/units/{province.pk}/")
    page.get_by_role("link", name="Số liệu đoàn viên", exact=True).click()
    expect(page.locator("h1")).to_contain_text(province.name)
    query = page.locator("#statistics-query")
    query.locator("select[name=by]").select_option("age_band")
    query.locator("select[name=by2]").select_option("sex")
    query.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"by=age_band&by2=sex"))
    assert _total(page) == str(_active(province))
    _fits(page)
    # Down to the district, then the base union: the breakdown follows.
    page.locator("#member-statistics a", has_text=district.name).click()
    expect(page.locator("h1")).to_contain_text(district.name)
    assert _total(page) == str(_active(district))
    expect(page.locator("#statistics-query select[name=by]")).to_have_value("age_band")
    _fits(page)
    page.locator("#member-statistics a", has_text=base.name).click()
    expect(page.locator("h1")).to_contain_text(base.name)
    assert _total(page) == str(_active(base))
    _fits(page)
    # And back up by the trail.
    page.locator("p.sub a", has_text=province.name).click()
    expect(page.locator("h1")).to_contain_text(province.name)

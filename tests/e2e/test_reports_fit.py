"""Reports that fit (issue 15): the province's cadre, on a 360 px phone, goes from the to-do
on his first page after log-in to the list of late units, the clicks counted, every page on
the way as wide as the phone; then, at 1366×768, the yearly report's table is not cut (it fits,
or scrolls inside its own box, never the page) and the bars of the units under the province are
as long as their figures."""

import re

import pytest
from playwright.sync_api import expect

from doanvien.demo.training import load_training
from doanvien.units.models import Unit

from .conftest import PHONE, Clicks, fits_phone, log_in

pytestmark = pytest.mark.e2e

YEAR = 2026  # the demo's programme year that was assessed and recognised
WIDE = {"width": 1366, "height": 768}


def _box(page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        """box => ({scroll: box.scrollWidth, client: box.clientWidth,
                    overflow: getComputedStyle(box).overflowX,
                    right: box.getBoundingClientRect().right})"""
    )


def test_the_province_finds_its_late_units_on_a_phone_and_reads_the_report_wide(browser, demo):
    province = Unit.objects.get(code="SX")
    load_training(province=province)

    phone = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(phone, demo.url, "demo-province")
    expect(phone).to_have_url(f"{demo.url}/units/{province.pk}/")
    expect(phone.locator("#todo")).to_be_visible()
    fits_phone(phone)
    person = Clicks(phone)
    # The to-do names the branches not finished once a deadline has passed, and leads to who
    # is late: one click.
    person.click(f'#todo a[href^="/units/{province.pk}/training/"][href$="/late/"] >> nth=0')
    expect(phone).to_have_url(re.compile(rf"/units/{province.pk}/training/\d+/late/$"))
    rows = phone.locator("#late-list tbody tr")
    expect(rows.first).to_be_visible()
    assert person.count == 1
    fits_phone(phone)
    # The count of late deadlines is read out; the list scrolls in its own named box, and says
    # so exactly when it is wider than the phone.
    expect(phone.locator("#late-count")).to_have_attribute("aria-live", "polite")
    box = _box(phone, ".table-wrap[role=region]")
    hint = phone.locator("#late .scroll-hint")
    if box["scroll"] > box["client"]:
        expect(hint).to_be_visible()
    else:
        expect(hint).to_be_hidden()

    # The yearly report on the phone: the table is wider than the phone, so the hint shows and
    # the page itself stays as wide as the screen.
    phone.goto(f"{demo.url}/units/{province.pk}/reports/{YEAR}/")
    assert _box(phone, "#report >> xpath=..")["scroll"] > PHONE["width"]
    expect(phone.locator(".scroll-hint").first).to_be_visible()
    expect(phone.locator(".scroll-hint").first).to_contain_text("Vuốt ngang để xem thêm cột")
    fits_phone(phone)

    wide = browser.new_context(viewport=WIDE, locale="vi-VN").new_page()
    log_in(wide, demo.url, "demo-province")
    wide.goto(f"{demo.url}/units/{province.pk}/reports/{YEAR}/")
    assert wide.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    for table in ("#report", "#evaluations"):
        box = _box(wide, f"{table} >> xpath=..")
        # Fits its box, or scrolls inside it; the box itself is on the screen.
        assert box["scroll"] <= box["client"] or box["overflow"] == "auto", table
        assert box["right"] <= WIDE["width"], table
    # The yearly results table is whole at this width: its last column is on the screen.
    report = _box(wide, "#report >> xpath=..")
    assert report["scroll"] <= report["client"]
    # The chart is reachable by keyboard and named by its figures.
    chart = wide.locator("svg.chart-children")
    chart.focus()
    assert wide.evaluate("document.activeElement.classList.contains('chart-children')")
    expect(wide.get_by_role("img", name=re.compile(r"Xuất sắc \d"))).not_to_have_count(0)
    # Each unit's bar is as long as its classified members are many, its number printed.
    bars = chart.locator("g.child").evaluate_all(
        """groups => groups.map(g => ({
            value: g.querySelector('text.value') ? g.querySelector('text.value').textContent : '',
            width: [...g.querySelectorAll('rect.seg')].reduce(
                (sum, r) => sum + r.getBoundingClientRect().width, 0)}))"""
    )
    drawn = [b for b in bars if b["value"]]
    values = [int(b["value"].replace(".", "")) for b in drawn]
    assert len(set(values)) >= 2, values
    for a in drawn:
        for b in drawn:
            va, vb = int(a["value"].replace(".", "")), int(b["value"].replace(".", ""))
            if va > vb:
                assert a["width"] > b["width"], (a, b)

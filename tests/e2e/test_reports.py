"""The province cadre drills the yearly report down from the province to one branch; at each
step the child's row on the page above is the child's own total on its page."""

import pytest
from playwright.sync_api import expect

from doanvien.demo.training import load_training
from doanvien.training import rollup
from doanvien.units.models import Unit

from .conftest import log_in

pytestmark = pytest.mark.e2e

YEAR = 2026  # the demo's programme year that was assessed and recognised


def _figures(row) -> list[str]:
    """The numbers of a table row: members, registered, classified, not classified, levels
    (without the dots that group thousands in Vietnamese: 1.355)."""
    return [c.strip().replace(".", "") for c in row.locator("td.num").all_inner_texts()]


def test_the_report_drills_down_from_the_province_to_a_branch(demo, page):
    province = Unit.objects.get(code="SX")
    load_training(province=province)
    path = ["SX-BN", "SX-BN-LQD", "SX-BN-LQD-12A1"]
    log_in(page, demo.url, "demo-province")
    page.goto(f"{demo.url}/units/{province.pk}/reports/{YEAR}/")
    expect(page.locator("h1")).to_contain_text(str(YEAR))
    expect(page.locator("#report svg").first.or_(page.locator(".charts svg").first)).to_be_visible()
    for code in path:
        unit = Unit.objects.get(code=code)
        row = page.locator("#report tbody tr", has=page.get_by_role("link", name=unit.name))
        expected = _figures(row)
        assert expected and int(expected[0]) == rollup.figures(unit, YEAR)["members"]
        row.get_by_role("link", name=unit.name).click()
        expect(page).to_have_url(f"{demo.url}/units/{unit.pk}/reports/{YEAR}/")
        total = page.locator("#report tfoot tr.total")
        expect(total).to_contain_text(unit.name)
        assert _figures(total) == expected
    # The branch's own page: its figures, and a way to the members who have not done what.
    branch = Unit.objects.get(code=path[-1])
    assert int(_figures(page.locator("#report tfoot tr.total"))[1]) > 0  # registered
    expect(page.locator(f'a[href*="/units/{branch.pk}/"]').first).to_be_visible()

"""Accessibility (issue 15): each persona of the demo visits the pages it uses most, on a phone
(360 px) and a laptop (1366 px), and axe-core finds no serious or critical WCAG 2 A/AA
violation on any of them (the skip link is checked with the phone header, test_phone_crawl.py).

axe-core is vendored by `make setup` (src/doanvien/static/vendor/axe.min.js), never served in a
page: it is added to each page as an init script, which the Content-Security-Policy does not
govern."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from doanvien.accounts.models import User
from doanvien.demo.load import DEMO_USERS
from doanvien.members.models import Member
from doanvien.training.rules import programme_year_of
from doanvien.units.models import Unit

from .conftest import PHONE, log_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "src/doanvien/static/vendor/axe.min.js"
LAPTOP = {"width": 1366, "height": 768}

RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
      more: Math.max(0, v.nodes.length - 5),
    }));
}"""


def _pages(demo) -> dict[str, list[str]]:
    """The pages each persona uses most, by URL."""
    branch = demo.branch
    base = Unit.objects.get(code=DEMO_USERS["demo-base"][2])
    province = Unit.objects.get(code=DEMO_USERS["demo-province"][2])
    year = programme_year_of(timezone.localdate(), branch.sector)
    own = User.objects.get(username="demo-member").member
    other = Member.objects.filter(branch=branch).exclude(pk=own.pk).order_by("pk").first()

    def unit_pages(unit, *, branch_level: bool) -> list[str]:
        pages = [
            reverse("units:unit-detail", args=[unit.pk]),
            reverse("members:member-list", args=[unit.pk]),
            reverse("reports:unit-report", args=[unit.pk, year]),
            reverse("member_stats:member-statistics", args=[unit.pk]),
            reverse("members:unit-transfers", args=[unit.pk]),
            reverse("meetings:unit-meetings", args=[unit.pk]),
            reverse("notifications:notification-list"),
        ]
        if branch_level:
            pages += [
                reverse("members:member-detail", args=[other.pk]),
                reverse("training:member-training-current", args=[other.pk]),
                reverse("training:branch-training-current", args=[unit.pk]),
                reverse("training:branch-assessment", args=[unit.pk, year]),
                reverse("dues:branch-dues", args=[unit.pk, year]),
                reverse("training:my-training"),
            ]
        else:
            pages += [
                reverse("training:training-progress", args=[unit.pk, year]),
                reverse("training:training-late", args=[unit.pk, year]),
                reverse("dues:unit-ledger", args=[unit.pk, year]),
                reverse("members:unit-admissions", args=[unit.pk]),
            ]
        return pages

    return {
        "demo-member": [
            reverse("members:member-detail", args=[own.pk]),
            reverse("training:my-training"),
            reverse("members:member-card", args=[own.pk]),
            reverse("notifications:notification-list"),
            reverse("accounts:account"),
        ],
        "demo-branch": unit_pages(branch, branch_level=True),
        "demo-base": unit_pages(base, branch_level=False),
        "demo-province": unit_pages(province, branch_level=False),
    }


def _describe(url: str, width: int, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        more = f" (+{v['more']} more)" if v["more"] else ""
        targets = "; ".join(v["targets"])
        lines.append(f"{width}px {url}: [{v['impact']}] {v['id']} ({v['help']}): {targets}{more}")
    return lines


def test_the_most_used_pages_have_no_serious_accessibility_violation(browser, demo):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make setup` (it fetches axe-core with npm)")
    failures: list[str] = []
    for username, urls in _pages(demo).items():
        for viewport in (PHONE, LAPTOP):
            context = browser.new_context(viewport=viewport, locale="vi-VN")
            context.add_init_script(path=str(AXE))
            page = context.new_page()
            log_in(page, demo.url, username)
            for url in [page.url.removeprefix(demo.url), *urls]:
                response = page.goto(demo.url + url)
                if not response.ok:
                    failures.append(f"{viewport['width']}px {url}: HTTP {response.status}")
                    continue
                failures += _describe(url, viewport["width"], page.evaluate(RUN_AXE))
            if viewport is PHONE:  # the header's navigation, unfolded
                page.locator("header button.menu-toggle").click()
                menu = f"{url} (menu open)"
                failures += _describe(menu, viewport["width"], page.evaluate(RUN_AXE))
            context.close()
    assert not failures, "Serious or critical accessibility violations:\n" + "\n".join(failures)

"""A strong-branch evaluation on a phone: the branch registers, self-scores every item and
attaches one evidence file; the base union finds it in its queue, scores it and recognises it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.evaluations.configuration import scheme_publish
from doanvien.evaluations.models import Evaluation, Evidence, SchemeItem
from doanvien.evaluations.selectors import items_for

from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_branch_is_recognised_strong_on_a_phone(browser, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    branch = demo.branch
    year = timezone.localdate().year
    # The district's own scheme, with one item asking for evidence (the journey attaches one).
    district = branch.parent().parent()
    scheme = scheme_publish(actor=None, unit=district, code="strong_branch", year=year)
    items = items_for(scheme, branch)
    SchemeItem.objects.filter(group__scheme=scheme).update(evidence_required=False)
    SchemeItem.objects.filter(pk=items[0].pk).update(evidence_required=True)
    evidence_file = tmp_path / "bien-ban-sinh-hoat.pdf"
    evidence_file.write_bytes(b"%PDF-1.4 invented minutes")
    one = f"{demo.url}/units/{branch.pk}/evaluations/{year}/strong_branch/"

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, demo.url, "demo-branch")
    page.goto(f"{demo.url}/units/{branch.pk}/evaluations/{year}/")
    _fits(page)
    page.locator("form[action$='/strong_branch/register/'] button").click()
    expect(page.locator("#evaluation-state")).to_be_visible()
    for item in items:
        page.locator(f"input[name='self-item_{item.pk}']").fill(str(item.max_points - 1))
    page.locator("textarea[name='self-comment']").fill("Chi đoàn tự đánh giá đạt")
    page.locator("#self-assessment button[type=submit]").click()
    expect(page.locator(".msg.success")).to_be_visible()
    page.locator("select[name='ev-item']").select_option(str(items[0].pk))
    page.locator("input[name='ev-file']").set_input_files(str(evidence_file))
    page.locator("#evidence button[type=submit]").click()
    expect(page.locator(".evidence")).to_contain_text("bien-ban-sinh-hoat")
    _fits(page)
    page.locator("#submit button").click()
    expect(page.locator("#evaluation-state")).to_have_text("Đã gửi đề nghị công nhận")
    context.close()

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, demo.url, "demo-base")
    page.goto(f"{demo.url}/units/{branch.parent().pk}/evaluations/{year}/queue/")
    _fits(page)
    page.get_by_role("link", name=branch.name).click()
    expect(page).to_have_url(one)
    for item in items:
        page.locator(f"input[name='score-item_{item.pk}']").fill(str(item.max_points))
    page.locator("#assessment button[type=submit]").click()
    expect(page.locator(".msg.success")).to_be_visible()
    page.locator("#decide form[action$='/recognise/'] button").click()
    expect(page.locator("#evaluation-state")).to_have_text("Đã công nhận")
    _fits(page)
    context.close()

    evaluation = Evaluation.objects.get(unit=branch, year=year)
    assert evaluation.state == "recognised" and evaluation.passed
    assert Evidence.objects.get(evaluation=evaluation).file.read() == b"%PDF-1.4 invented minutes"


def test_a_base_union_is_refused_until_every_branch_is_strong_then_the_district_recognises_it(
    browser, demo, tmp_path, settings
):
    from doanvien.accounts.models import Role, User
    from doanvien.accounts.services import role_grant
    from doanvien.units.models import Unit
    from tests.evaluations.conftest import recognised

    settings.MEDIA_ROOT = tmp_path / "media"
    base = demo.branch.parent()
    district = base.parent()
    year = timezone.localdate().year
    scheme = scheme_publish(actor=None, unit=district, code="three_proactive", year=year)
    SchemeItem.objects.filter(group__scheme=scheme).update(evidence_required=False)
    items = items_for(scheme, base)
    User.objects.create_user(username="district-cadre", password="demo", full_name="Đặng Văn Hùng")
    role_grant(
        actor=None, user=User.objects.get(username="district-cadre"), unit=district, role=Role.CADRE
    )

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, demo.url, "demo-base")
    page.goto(f"{demo.url}/units/{base.pk}/evaluations/{year}/")
    page.locator("form[action$='/three_proactive/register/'] button").click()
    for item in items:
        page.locator(f"input[name='self-item_{item.pk}']").fill(str(item.max_points))
    page.locator("#self-assessment button[type=submit]").click()
    expect(page.locator(".msg.success")).to_be_visible()
    page.locator("#submit button").click()
    # Refused: the message names a branch not yet strong, and nothing moved.
    expect(page.locator(".msg.error")).to_contain_text(demo.branch.name)
    expect(page.locator("#evaluation-state")).not_to_have_text("Đã gửi đề nghị công nhận")
    _fits(page)

    branches = Unit.objects.filter(
        path__startswith=base.path, kind=Unit.Kind.BRANCH, is_active=True
    )
    for branch in branches:
        recognised(branch, year=year)
    page.reload()
    page.locator("#submit button").click()
    expect(page.locator("#evaluation-state")).to_have_text("Đã gửi đề nghị công nhận")
    context.close()

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, demo.url, "district-cadre", "demo")
    page.goto(f"{demo.url}/units/{district.pk}/evaluations/{year}/queue/")
    _fits(page)
    page.get_by_role("link", name=base.name).click()
    for item in items:
        page.locator(f"input[name='score-item_{item.pk}']").fill(str(item.max_points))
    page.locator("#assessment button[type=submit]").click()
    expect(page.locator(".msg.success")).to_be_visible()
    page.locator("#decide form[action$='/recognise/'] button").click()
    expect(page.locator("#evaluation-state")).to_have_text("Đã công nhận")
    _fits(page)
    context.close()
    assert Evaluation.objects.get(unit=base, scheme_code="three_proactive").state == "recognised"


def test_the_rating_pages_fit_a_phone(browser, demo):
    """The members' rating pages (the branch's, the base union's), the unit's page with its
    leadership collective's rating, the organisation's yearly rating, the rating policy and the
    Party introductions: nothing wider than a 360 px screen, whatever the data."""
    from datetime import date

    from doanvien.evaluations import collectives, introductions, ratings
    from doanvien.members.models import Member
    from tests.factories import make_member

    branch = demo.branch
    base = branch.parent()
    year = timezone.localdate().year
    members = list(Member.objects.filter(branch=branch, status="active").order_by("pk")[:3])
    long_name = "Nguyễn Thị Phương Thảo Quỳnh Hoa Xuân Thu Hạ Đông"
    newcomer = make_member(branch, full_name=long_name, joined_union_on=date(year, 11, 20))
    ratings.rating_propose(
        actor=None, member=newcomer, year=year, level="", reason="Nhiệt tình " * 20
    )
    ratings.rating_propose(
        actor=None, member=members[0], year=year, level="excellent", reason="Gương mẫu " * 15
    )
    ratings.rating_decide(
        actor=None,
        rating=ratings.rating_propose(
            actor=None, member=members[1], year=year, level="good", reason="Tích cực"
        ),
        approve=True,
    )
    collectives.collective_propose(
        actor=None, unit=branch, year=year, level="good", reason="Tự đánh giá " * 30
    )
    introductions.introduction_propose(
        actor=None,
        member=members[2],
        year=year,
        branch_resolution_no="01-NQ/CĐ-" + "0" * 30,
        branch_resolution_date=date(year, 3, 1),
        votes_for=20,
        present=21,
        override_reason="Tiêu biểu " * 20,
    )
    pages = {
        "demo-branch": [
            f"/units/{branch.pk}/ratings/{year}/",
            f"/units/{branch.pk}/evaluations/{year}/",
            f"/units/{branch.pk}/evaluations/{year}/unit_rating/",
            f"/units/{branch.pk}/rating-policy/",
            f"/units/{branch.pk}/party-introductions/{year}/",
        ],
        "demo-base": [
            f"/units/{base.pk}/ratings/{year}/",
            f"/units/{base.pk}/evaluations/{year}/",
            f"/units/{branch.pk}/evaluations/{year}/",
            f"/units/{base.pk}/evaluations/{year}/unit_rating/",
            f"/units/{base.pk}/rating-policy/",
            f"/units/{base.pk}/party-introductions/{year}/",
        ],
    }
    too_wide = []
    for user, paths in pages.items():
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        log_in(page, demo.url, user)
        for path in paths:
            page.goto(f"{demo.url}{path}")
            expect(page.locator("main")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append((user, path, width, page.evaluate(WIDEST)))
        context.close()
    assert too_wide == [], too_wide


# The elements sticking out of the screen, or whose text overflows them (for the failure's
# message).
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5
    || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "visible")
  .slice(0, 4)
  .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className} `
    + `${Math.round(e.getBoundingClientRect().right)}/${e.scrollWidth}`)"""

"""The branch secretary reviews the registrations waiting for him on a 360 px phone, started
from the to-do list of his first page after log-in: the review page shows one registration at
a time with the decision on the first screen, previous / next through those waiting, and goes
on to the next one once decided. The clicks it takes are counted (as in test_persona_days.py)
and every page fits the phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.training import default_framework
from doanvien.training.models import ContentArea, Criterion, Framework, Phase, Registration
from doanvien.training.rules import programme_year_of, programme_year_span
from doanvien.training.services.registrations import registration_save, registration_submit

from ..factories import make_member, make_unit, make_user
from ..training.conftest import complete_items
from .conftest import PHONE, Clicks, fits_phone, log_in

pytestmark = pytest.mark.e2e

PASSWORD = "secret-pass-123"


def _on_first_screen(page, selector: str) -> None:
    """The element is on the phone's first screen, without scrolling."""
    box = page.locator(selector).bounding_box()
    assert box is not None and box["y"] >= 0, selector
    assert box["y"] + box["height"] <= PHONE["height"], (selector, box)


def _reading(page, name: str, place: str) -> None:
    expect(page.locator("#review-one h1")).to_have_text(name)
    expect(page.locator("#review-position")).to_have_text(place)
    fits_phone(page)
    _on_first_screen(page, "#review-approve")
    _on_first_screen(page, "#review-return")


def test_the_secretary_reviews_three_registrations_on_a_phone(live_server, browser):
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    province = make_unit(name="Tỉnh đoàn Thử Nghiệm", code="TN", level="province")
    district = make_unit(province, name="Huyện đoàn Tân An", code="TN-TA", level="district")
    base = make_unit(district, name="Đoàn trường THPT Tân An", code="TN-TA-T", level="base")
    branch = make_unit(base, name="Chi đoàn 12A1", code="TN-TA-T-12A1")
    make_user("bithu", role="secretary", unit=branch, password=PASSWORD)
    year = programme_year_of(timezone.localdate(), branch.sector)
    first_day, _last = programme_year_span(year, branch.sector)
    an, binh, dao = (
        make_member(branch, full_name=name)
        for name in ("Nguyễn Văn An", "Lê Văn Bình", "Trần Thị Đào")
    )
    for member in (an, binh, dao):
        registration = registration_save(
            actor=None, member=member, year=year, items=complete_items(member, year)
        )
        registration_submit(actor=None, registration=registration, today=first_day)

    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(page, live_server.url, "bithu", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/units/{branch.pk}/")
    fits_phone(page)
    person = Clicks(page)
    review = f"/units/{branch.pk}/training/{year}/review/"
    person.click(f'#todo a[href="{review}"]')
    _reading(page, an.full_name, "1 / 3")
    # The criteria are one line above the decision, to open when wanted.
    expect(page.locator("#criteria")).not_to_have_attribute("open", "")

    person.click("#review-next")
    _reading(page, binh.full_name, "2 / 3")
    person.click("#review-prev")
    _reading(page, an.full_name, "1 / 3")

    person.click("#review-approve")  # on to the next one waiting
    expect(page.locator(".messages")).to_be_visible()
    _reading(page, binh.full_name, "1 / 2")
    person.click("#review-approve")
    _reading(page, dao.full_name, "1 / 1")

    person.click("#review-comment")
    page.keyboard.type("Bổ sung thời hạn cho từng tiêu chí.")
    person.click("#review-return")
    expect(page.locator("#review-empty")).to_contain_text("Không còn đăng ký nào chờ duyệt.")
    fits_phone(page)
    assert person.count == 7

    states = dict(Registration.objects.values_list("member_id", "state"))
    assert states == {an.pk: "approved", binh.pk: "approved", dao.pk: "returned"}
    assert Registration.objects.get(member=dao).review_comment == (
        "Bổ sung thời hạn cho từng tiêu chí."
    )
    # Done: the item has left the to-do list.
    page.goto(f"{live_server.url}/units/{branch.pk}/")
    expect(page.locator(f'#todo a[href="{review}"]')).to_have_count(0)

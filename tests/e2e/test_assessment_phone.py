"""The branch assessment on a 360 px phone: one member at a time as a card (name, total and level
in sight, each area's field with the self-score beside it, Previous / Next), the secretary types
a member's five scores quickly on a slow network (each save aborts the one still on its way,
without a console error), moves on and back, and after a reload finds the scores and the level
saved."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.training import default_framework
from doanvien.training.models import ContentArea, Criterion, Framework, Phase, Registration
from doanvien.training.rules import programme_year_of
from doanvien.training.services.assessment import self_assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_save,
    registration_submit,
)

from ..factories import evaluation_passed, make_member, make_unit, make_user
from ..training.conftest import complete_items
from .conftest import PHONE, fits_phone, log_in

pytestmark = pytest.mark.e2e

PASSWORD = "secret-pass-123"
SCORES = ("19", "18", "19", "18", "19")  # 93: excellent


@pytest.fixture
def branch(transactional_db):
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    province = make_unit(name="Tỉnh đoàn Thử Nghiệm", code="TN", level="province")
    district = make_unit(province, name="Huyện đoàn Tân An", code="TN-TA", level="district")
    base = make_unit(district, name="Đoàn trường THPT Tân An", code="TN-TA-T", level="base")
    return make_unit(base, name="Chi đoàn 12A1", code="TN-TA-T-12A1")


def _approved(member, year):
    registration = registration_save(
        actor=None, member=member, year=year, items=complete_items(member, year=year)
    )
    return registration_approve(
        actor=None, registration=registration_submit(actor=None, registration=registration)
    )


def test_the_secretary_assesses_one_member_at_a_time_on_a_phone(live_server, browser, branch):
    year = programme_year_of(timezone.localdate(), branch.sector)
    evaluation_passed(branch.parent(), year)  # the assessment window is open
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"]
    first, second, _third = members = [make_member(branch, full_name=n) for n in names]
    for member in members:
        _approved(member, year)
    self_assessment_record(
        actor=None,
        registration=Registration.objects.get(member=first),
        areas=dict(zip("12345", ("18", "17", "18", "16", "17"), strict=True)),
    )
    make_user("bithu", role="secretary", unit=branch, password=PASSWORD)

    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    aborted: list[str] = []
    page.on("requestfailed", lambda r: aborted.append(r.url) if "/assessment/" in r.url else None)
    log_in(page, live_server.url, "bithu", PASSWORD)
    # The evaluation deadline has passed: the to-do of his first page leads to the assessment.
    fits_phone(page)
    page.locator(f'#todo a[href="/units/{branch.pk}/training/{year}/assessment/"]').click()

    # The first member's card: name, total and level in sight; the others wait their turn.
    card = page.locator(f"#row-{first.pk}")
    expect(card.locator("th.who")).to_contain_text("Nguyễn Văn An")
    expect(card.locator("td.total")).to_be_visible()
    expect(card.locator("td.level")).to_be_visible()
    expect(page.locator(f"#row-{second.pk}")).to_be_hidden()
    expect(page.locator("#assess-pos")).to_have_text("1 / 3")
    expect(card.locator("td.pts .self").first).to_contain_text("18")  # beside the first field
    fits_phone(page)
    for button in page.locator("#assess-nav button").all():
        assert button.bounding_box()["height"] >= 44

    # Typed quickly on a slow network: each field left saves the row, aborting the save before.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.locator(f"#p-{first.pk}-1").focus()
    for value in SCORES:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    expect(card.locator("td.total")).to_contain_text("93", timeout=15_000)
    expect(card.locator("td.level .level-excellent")).to_be_visible()
    busy = page.locator(f"#row-{first.pk}.htmx-request, #row-{first.pk}.htmx-settling")
    expect(busy).to_have_count(0)
    assert aborted, "the quick typing should have aborted a save on its way"
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    registration = Registration.objects.get(member=first)
    assert str(registration.total) == "93.0" and registration.level == "excellent"

    # Next with the keyboard, Previous with a tap: the card and the position follow.
    page.locator("#assess-nav [data-step='1']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#assess-pos")).to_have_text("2 / 3")
    expect(page.locator(f"#row-{second.pk} th.who")).to_contain_text("Trần Thị Bình")
    expect(card).to_be_hidden()
    page.locator("#assess-nav [data-step='-1']").click()
    expect(page.locator("#assess-pos")).to_have_text("1 / 3")
    expect(card.locator("td.total")).to_contain_text("93")

    # After a reload the scores and the level are there.
    page.reload()
    for code, value in zip("12345", SCORES, strict=True):
        expect(page.locator(f"#p-{first.pk}-{code}")).to_have_value(value)
    expect(card.locator("td.level .level-excellent")).to_be_visible()
    fits_phone(page)
    page.screenshot(path="test-results/assessment-phone-360px.png", full_page=True)
    assert errors == []

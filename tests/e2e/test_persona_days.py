"""Each persona's main task on a 360 px phone, started from the to-do list at the top of the
first page after log-in, with the number of clicks it takes counted (issue 15, "Done when"):
the receiving branch accepts a transfer, the base union recognises a branch's results. Every
page on the way fits the phone's width."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.members.models import Member, Transfer
from doanvien.training.models import BranchResult
from doanvien.training.rules import programme_year_of

from ..factories import make_member, make_unit, make_user
from .conftest import PHONE, Clicks, fits_phone, log_in

pytestmark = pytest.mark.e2e

PASSWORD = "secret-pass-123"


@pytest.fixture
def tree(transactional_db):
    province = make_unit(name="Tỉnh đoàn Thử Nghiệm", code="TN", level="province")
    district = make_unit(province, name="Huyện đoàn Tân An", code="TN-TA", level="district")
    base = make_unit(district, name="Đoàn trường THPT Tân An", code="TN-TA-T", level="base")
    branch = make_unit(base, name="Chi đoàn 12A1", code="TN-TA-T-12A1")
    other = make_unit(base, name="Chi đoàn 12A2", code="TN-TA-T-12A2")
    return base, branch, other


def test_the_receiving_branch_accepts_a_transfer_found_on_its_to_do(live_server, browser, tree):
    _base, branch, other = tree
    member = make_member(other, full_name="Hoàng Thị Mai")
    make_user("bithu", role="secretary", unit=branch, password=PASSWORD)
    make_user("bithu2", role="secretary", unit=other, password=PASSWORD)

    # The sending secretary finds the receiving branch by its name typed without diacritics.
    sender = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(sender, live_server.url, "bithu2", PASSWORD)
    sender.goto(f"{live_server.url}/members/{member.pk}/transfer/")
    sender.locator("input[name=to_unit]").press_sequentially("chi doan 12a1")
    sender.locator(f'#to-unit-found [data-pick-unit="{branch.code}"]').click()
    expect(sender.locator("#to-unit-chosen")).to_contain_text("Chi đoàn 12A1")
    expect(sender.locator("input[name=to_unit]")).to_have_value(branch.code)
    fits_phone(sender)
    sender.locator("textarea[name=reason]").fill("Chuyển lớp")
    sender.locator("#transfer-request button.primary").click()
    expect(sender).to_have_url(re.compile(r"/transfers/\d+/$"))
    assert Transfer.objects.get().to_unit_id == branch.pk
    sender.context.close()

    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(page, live_server.url, "bithu", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/units/{branch.pk}/")
    fits_phone(page)
    person = Clicks(page)
    person.click(f'#todo a[href="/units/{branch.pk}/transfers/"]')
    expect(page.locator("main")).to_contain_text("Hoàng Thị Mai")
    fits_phone(page)
    person.click(f"form[action$='/transfers/{Transfer.objects.get().pk}/accept/'] button")
    expect(page.locator(".messages")).to_be_visible()
    assert person.count == 2
    assert Transfer.objects.get().state == Transfer.State.ACCEPTED
    assert Member.objects.get(pk=member.pk).branch_id == branch.pk
    # Done: the item has left the to-do list.
    page.goto(f"{live_server.url}/units/{branch.pk}/")
    expect(page.locator(f'#todo a[href="/units/{branch.pk}/transfers/"]')).to_have_count(0)


def test_the_base_union_recognises_results_found_on_its_to_do(live_server, browser, tree):
    base, branch, _other = tree
    make_user("coso", role="cadre", unit=base, password=PASSWORD)
    year = programme_year_of(timezone.localdate(), "school")
    BranchResult.objects.create(
        branch=branch,
        unit_path=branch.path,
        year=year,
        state=BranchResult.State.SUBMITTED,
        submitted_at=timezone.now(),
    )

    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(page, live_server.url, "coso", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/units/{base.pk}/")
    fits_phone(page)
    person = Clicks(page)
    person.click(f'#todo a[href="/units/{base.pk}/training/{year}/progress/"]')
    fits_phone(page)
    person.click(f"form[action$='/units/{branch.pk}/training/{year}/recognise/'] button")
    expect(page.locator(".messages")).to_be_visible()
    assert person.count == 2
    assert BranchResult.objects.get().state == BranchResult.State.RECOGNISED
    page.goto(f"{live_server.url}/units/{base.pk}/")
    expect(page.locator(f'#todo a[href$="/training/{year}/progress/"]')).to_have_count(0)

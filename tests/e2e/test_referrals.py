"""The "1+1" journey on a 360 px phone: a member introduces a youth, the branch secretary
records that he takes part and joined the Federation and proposes his admission (the form
filled from his record), the base union approves, and the district's "1+1" report shows one
admitted."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doanvien.members.models import AdmissionRequest
from doanvien.youth.models import Referral

from ..factories import make_member, make_unit, make_user
from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
PASSWORD = "secret-pass-123"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_a_referral_from_introduction_to_the_district_report(
    live_server, transactional_db, new_context
):
    province = make_unit(name="Tỉnh đoàn Thử Nghiệm", level="province")
    district = make_unit(province, name="Huyện đoàn Tân An", level="district")
    base = make_unit(district, name="Đoàn trường THPT Tân An", level="base")
    branch = make_unit(base, name="Chi đoàn 12A1")
    member = make_member(branch, full_name="Nguyễn Văn An", date_of_birth=date(2003, 1, 1))
    make_user("member", member=member)
    make_user("secretary", role="secretary", unit=branch)
    make_user("base", role="cadre", unit=base)
    make_user("district", role="cadre", unit=district)
    today = timezone.localdate().strftime("%d/%m/%Y")
    url = live_server.url

    page = new_context(viewport=PHONE).new_page()
    log_in(page, url, "member", PASSWORD)
    page.goto(f"{url}/members/{member.pk}/referrals/")
    page.fill("input[name=full_name]", "Võ Thị Hồng Nhung")
    page.fill("input[name=date_of_birth]", "12/05/2008")
    page.select_option("select[name=sex]", "female")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/referrals/\d+/$"))
    referral = Referral.objects.get()
    _fits(page)

    page = new_context(viewport=PHONE).new_page()
    log_in(page, url, "secretary", PASSWORD)
    page.goto(f"{url}/referrals/{referral.pk}/")
    for step in ("taking_part", "joined_federation"):
        page.select_option("select[name=step]", step)
        page.fill("input[name=on]", today)
        page.locator("form button[type=submit]").last.click()
        expect(page.locator("#state")).to_be_visible()
    expect(page.locator("#state")).to_contain_text(today)
    _fits(page)
    page.locator(f'a[href$="?referral={referral.pk}"]').click()
    expect(page.locator("input[name=full_name]")).to_have_value("Võ Thị Hồng Nhung")
    page.fill("input[name=id_number]", "079308001234")
    page.fill("input[name=course_name]", "Lớp cảm tình Đoàn")
    page.fill("input[name=course_date]", today)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/admissions/\d+/$"))
    admission = AdmissionRequest.objects.get()
    assert Referral.objects.get().state == "proposed"

    page = new_context(viewport=PHONE).new_page()
    log_in(page, url, "base", PASSWORD)
    page.goto(f"{url}/admissions/{admission.pk}/")
    approve = page.locator("#approve form")
    approve.locator("input[name=resolution_no]").fill("12-QĐ/ĐTN")
    approve.locator("input[name=resolution_date]").fill(today)
    approve.locator("input[name=card][value=later]").check()
    approve.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("12-QĐ/ĐTN")
    assert Referral.objects.get().state == "admitted"

    page = new_context(viewport=PHONE).new_page()
    log_in(page, url, "district", PASSWORD)
    page.goto(f"{url}/units/{district.pk}/referrals/{timezone.localdate().year}/report/")
    first = page.locator("#report tbody tr").first
    expect(first.locator("td.admitted")).to_have_text("1")
    expect(page.locator("#report tbody tr").nth(1)).to_contain_text(base.name)
    _fits(page)

"""The province publishes a directive with a file to its whole subtree; a base union's cadre,
on a phone (360 px), finds it on her to-do list, opens it (recorded as read) and replies with a
file; the province sees the base union's receipt as replied."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from doanvien.directives.models import Directive, Receipt
from doanvien.units.models import Unit

from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_directive_goes_down_and_its_reply_comes_back(browser, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    province = Unit.objects.get(code="SX")
    base = Unit.objects.get(code="SX-BN-LQD")
    plan = tmp_path / "ke-hoach-thang-thanh-nien.pdf"
    plan.write_bytes(b"%PDF-1.4 invented plan\n%%EOF\n")
    report = tmp_path / "bao-cao-ket-qua.docx"
    with zipfile.ZipFile(report, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")

    # The province publishes.
    office = browser.new_context(locale="vi-VN").new_page()
    log_in(office, demo.url, "demo-province")
    office.goto(f"{demo.url}/units/{province.pk}/")
    office.locator("#unit-directives").click()
    office.locator("#publish-directive").click()
    form = office.locator("#publish-form")
    form.locator("input[name=number]").fill("15-KH/TĐTN")
    form.locator("input[name=title]").fill("Kế hoạch Tháng Thanh niên")
    form.locator("textarea[name=body]").fill("Các cơ sở Đoàn triển khai và báo cáo kết quả.")
    form.locator("input[name=audience][value=subtree]").check()
    form.locator("input[name=reply_required]").check()
    form.locator("input[name=files]").set_input_files(str(plan))
    form.locator("#publish").click()
    expect(office).to_have_url(re.compile(r"/directives/\d+/$"))
    directive = Directive.objects.get(number="15-KH/TĐTN")
    assert directive.files.get().name == plan.name
    expect(office.locator('#receipt-counts [data-state="total"]')).to_have_text(
        str(directive.recipients)
    )

    # The base union's cadre, on her phone.
    phone = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(phone, demo.url, "demo-base")
    phone.goto(f"{demo.url}/")
    phone.locator(f'#todo a[href="/units/{base.pk}/directives/?unread=1"]').click()
    _fits(phone)
    phone.locator(f'#directives a[href="/directives/{directive.pk}/"]').click()
    expect(phone.locator("#directive-title")).to_contain_text("Kế hoạch Tháng Thanh niên")
    expect(phone.locator("#directive-files")).to_contain_text(plan.name)
    _fits(phone)
    receipt = Receipt.objects.get(directive=directive, unit=base)
    assert receipt.read_at is not None and receipt.read_by.username == "demo-base"
    reply = phone.locator("#reply-form")
    reply.locator("textarea[name=reply]").fill("Đã tổ chức cho 1.200 đoàn viên tham gia.")
    reply.locator("input[name=files]").set_input_files(str(report))
    phone.locator("#send-reply").click()
    expect(phone.locator("#my-reply")).to_contain_text("1.200 đoàn viên")
    _fits(phone)

    # The province sees the receipt.
    office.goto(f"{demo.url}/directives/{directive.pk}/?state=replied")
    row = office.locator(f'#receipt-table tr[data-unit="{base.pk}"]')
    expect(row).to_contain_text("Đã phúc đáp")
    expect(row).to_contain_text(report.name)
    expect(office.locator('#receipt-counts [data-state="replied"]')).to_have_text("1")


def test_a_draft_to_units_found_by_name_is_published_from_a_phone(browser, demo):
    """The province's cadre, on a phone, finds a base union by typing its name without
    diacritics, keeps the directive as a draft, then publishes it: one unit receives it."""
    province = Unit.objects.get(code="SX")
    base = Unit.objects.get(code="SX-BN-LQD")
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(page, demo.url, "demo-province")
    page.goto(f"{demo.url}/units/{province.pk}/directives/new/")
    form = page.locator("#publish-form")
    form.locator("input[name=title]").fill("Khảo sát đoàn viên trường học")
    form.locator("input[name=audience][value=units]").check()
    form.locator("#units-q").fill("le quy don")
    add = page.locator(f'#units-results button[name=pick][value="{base.pk}"]')
    add.click()
    expect(page.locator(f'#units-chosen input[value="{base.pk}"]')).to_be_checked()
    _fits(page)
    page.locator("#save-draft").click()
    expect(page.locator("#draft-note")).to_be_visible()
    directive = Directive.objects.get(title="Khảo sát đoàn viên trường học")
    assert directive.state == "draft" and directive.chosen_units == [base.pk]
    assert not Receipt.objects.filter(directive=directive).exists()
    _fits(page)
    page.locator("#edit-draft").click()
    page.locator("#publish-form input[name=number]").fill("20-KS/TĐTN")
    page.locator("#publish").click()
    expect(page.locator('#receipt-counts [data-state="total"]')).to_have_text("1")
    assert list(Receipt.objects.filter(directive=directive).values_list("unit_id", flat=True)) == [
        base.pk
    ]

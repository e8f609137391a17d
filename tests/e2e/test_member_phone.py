"""The member's journey on 360 px phones, in one test: the branch secretary issues activation
codes and downloads the slips; a member activates his account with his code and date of birth
and sees who issued it; he proposes a new phone number and a new photo, his secretary approves
them, he opens his card (with the photo) and saves a draft of his training registration; an
outsider opens the card's verification page; then the server goes away and the member still
reads his card, his record and his registration, marked as saved copies, and saving the
registration says it needs a connection (nothing is queued, nothing changes).

The browser's offline switch does not cover the service worker's own requests, so the test
runs its own server and stops it."""

import contextlib
import io
import re
import socket

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from doanvien.members.models import Member
from doanvien.profiles.models import ChangeRequest
from doanvien.training.models import Registration
from doanvien.training.rules import programme_year_of
from doanvien.units.models import Unit

from .conftest import BRANCH_CODE, MEMBERS_PER_BRANCH, log_in
from .test_training import _choose_criteria

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
PASSWORD = "Mật-khẩu-riêng-2026"
NEW_PHONE = "0987654321"
OWN_PAGES = "doanvien-own-pages"


class ClosingServer(ThreadedWSGIServer):
    """The live server's HTTP server, which can also cut the connections the browser keeps
    open (a stopped server would otherwise go on answering on them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.accepted = []

    def process_request(self, request, client_address):
        self.accepted.append(request)
        super().process_request(request, client_address)

    def cut(self):
        for connection in self.accepted:
            with contextlib.suppress(OSError):  # already closed
                connection.shutdown(socket.SHUT_RDWR)


class StoppableServer(LiveServer):
    running = True

    def go_away(self):
        """The server is gone: nothing listens, and no open connection answers."""
        self.thread.httpd.cut()
        self.stop()
        self.running = False


@pytest.fixture
def server(transactional_db, playwright):
    """A live server of this test alone, which the test stops (after the test database's
    connections are settled by the playwright fixture: tests/e2e/conftest.py)."""
    server = StoppableServer("localhost:0", start=False)
    server.thread.server_class = ClosingServer
    server.start()
    server._live_server_modified_settings.enable()
    yield server
    if server.running:
        server.stop()
    server._live_server_modified_settings.disable()


def _kept(page) -> list[str]:
    return page.evaluate(
        f"caches.open('{OWN_PAGES}').then(c => c.keys()).then(k => k.map(r => r.url))"
    )


@pytest.fixture
def demo_branch(server, settings) -> Unit:
    """The demo province in the stoppable server's database, with the demo logins enabled."""
    from doanvien.demo.load import load_demo

    settings.DEMO_MODE = True
    load_demo(training=False, per_branch=MEMBERS_PER_BRANCH)
    return Unit.objects.get(code=BRANCH_CODE)


def fits(page, shots, name: str) -> None:
    page.screenshot(path=shots / f"{name}-360px.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def _photo_png() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (600, 800), (40, 110, 170)).save(picture, "PNG")
    return picture.getvalue()


def test_a_member_activates_proposes_changes_opens_his_card_and_reads_it_offline(
    server, demo_branch, new_context, pytestconfig
):
    url, branch = server.url, demo_branch
    shots = pytestconfig.rootpath / "test-results"
    shots.mkdir(exist_ok=True)

    # 1. The secretary issues codes for the members without an account and prints the slips.
    desk = new_context(viewport=PHONE, accept_downloads=True).new_page()
    log_in(desk, url, "demo-branch")
    desk.goto(f"{url}/units/{branch.pk}/")
    desk.get_by_role("link", name="Tài khoản đoàn viên").click()
    desk.get_by_role("button", name="Cấp mã cho tất cả đoàn viên chưa có tài khoản").click()
    codes = desk.locator("#issued-codes tbody tr")
    expect(codes.first).to_be_visible()
    fits(desk, shots, "issued-codes")
    member_code = codes.first.locator("small").inner_text().strip()
    code = codes.first.locator("code").inner_text().strip()
    with desk.expect_download() as slips:
        desk.get_by_role("button", name="Phiếu để in (PDF)").click()
    assert slips.value.suggested_filename.endswith(".pdf")
    member = Member.objects.get(member_code=member_code)
    old_phone = member.phone

    # 2. The member activates his account on his phone and sees who issued his code.
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{url}/activate/")
    fits(page, shots, "activate")
    page.get_by_label("Mã kích hoạt").fill(code.lower())
    page.get_by_label("Ngày sinh").fill(member.date_of_birth.strftime("%d/%m/%Y"))
    page.get_by_label("Mật khẩu mới").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Kích hoạt").click()
    notice = page.locator("#activation-notice")
    expect(notice).to_contain_text(member_code.lower())
    expect(notice).to_contain_text("cấp")
    page.get_by_role("button", name="Đúng là tôi, tiếp tục").click()

    # 3. Signed in, on his own record: he proposes a new phone number and a photo.
    expect(page).to_have_url(f"{url}/members/{member.pk}/")
    expect(page.locator("main")).to_contain_text(member.full_name)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    page.locator(f'a[href="/members/{member.pk}/change-request/"]').click()
    form = page.locator("form.member-form")
    form.locator("input[name=phone]").fill(NEW_PHONE)
    form.locator("input[name=photo]").set_input_files(
        files=[{"name": "chan-dung.png", "mimeType": "image/png", "buffer": _photo_png()}]
    )
    form.locator("button[type=submit]").click()
    expect(page.locator("#change-request")).to_contain_text("Chờ chi đoàn duyệt")
    expect(page.locator("#change-request")).to_contain_text(NEW_PHONE)
    expect(page.locator("#change-request .proposed-photo img")).to_be_visible()
    assert Member.objects.get(pk=member.pk).phone == old_phone

    # 4. His secretary approves it from her to-do list, the queue of her branch.
    desk.goto(f"{url}/units/{branch.pk}/")
    desk.locator(f'#todo a[href="/units/{branch.pk}/change-requests/"]').click()
    request = desk.locator(".change-request")
    expect(request).to_contain_text(NEW_PHONE)
    expect(request.locator(".proposed-photo img")).to_be_visible()
    fits(desk, shots, "change-requests")
    request.locator("button.primary").click()
    expect(desk.locator(".messages")).to_contain_text("Đã lưu thay đổi")
    approved = Member.objects.get(pk=member.pk)
    assert approved.phone == NEW_PHONE and approved.photo
    assert ChangeRequest.objects.get(member=member).state == "approved"

    # 5. He reads his record and opens his card, with his photo.
    page.goto(f"{url}/members/{member.pk}/")
    expect(page.locator("dl.record")).to_contain_text(NEW_PHONE)
    page.locator(f'a[href="/members/{member.pk}/card/"]').first.click()
    card = page.locator(".member-card")
    expect(card).to_contain_text(member.full_name)
    expect(card.locator("svg.qr")).to_be_visible()
    expect(card.locator("img.member-card-photo")).to_be_visible()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # fits the phone
    fits(page, shots, "member-card")
    card_url = f"{url}/members/{member.pk}/card/"
    page.wait_for_function(
        f"caches.open('{OWN_PAGES}').then(c => c.match('{card_url}')).then(Boolean)"
    )
    verify_url = page.locator('a[href*="/verify/"]').get_attribute("href")

    # 6. He saves a draft of his training registration (a plan for each criterion chosen).
    year = programme_year_of(timezone.localdate(), branch.sector)
    registration_url = f"{url}/members/{member.pk}/training/{year}/"
    page.goto(registration_url)
    chosen = _choose_criteria(member, year)
    for i, criterion in enumerate(chosen):
        row = page.locator(f"#c-{criterion.pk}")
        box = row.locator("input[name=criterion]")
        if not box.is_checked():
            box.check()
        row.locator(f"#plan-{criterion.pk}").fill(f"Kế hoạch số {i + 1}")
        row.locator(f"#target-{criterion.pk}").fill(f"15/03/{year}")
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    expect(page.locator(f"#plan-{chosen[0].pk}")).to_have_value("Kế hoạch số 1")
    saved = Registration.objects.get(member=member, year=year)
    assert saved.state == "draft"
    page.wait_for_function(
        f"caches.open('{OWN_PAGES}').then(c => c.match('{registration_url}')).then(Boolean)"
    )
    assert {card_url, registration_url} <= set(_kept(page))

    # 7. An outsider scans the card: the public page, nothing private.
    outsider = new_context(viewport=PHONE).new_page()
    outsider.goto(verify_url)
    expect(outsider.locator(".verify-result")).to_have_text("Là đoàn viên")
    expect(outsider.locator(".verify")).to_contain_text(branch.name)
    expect(outsider.locator(".verify")).not_to_contain_text(NEW_PHONE)
    if member.id_number:
        expect(outsider.locator(".verify")).not_to_contain_text(member.id_number)
    tampered = outsider.goto(re.sub(r".$", lambda m: "A" if m[0] != "A" else "B", verify_url))
    assert tampered.status == 400
    expect(outsider.locator(".verify-result.bad")).to_contain_text("không hợp lệ")

    # 8. The server goes away: the card is still there, marked as the saved copy.
    server.go_away()
    page.goto(card_url)
    expect(page.locator(".offline-note")).to_be_visible()
    expect(page.locator(".offline-note")).to_contain_text("Đang xem bản lưu lúc")
    expect(page.locator(".offline-note time")).to_have_text(re.compile(r"\d\d:\d\d, \d\d/\d\d/"))
    expect(page.locator(".member-card")).to_contain_text(member.full_name)
    expect(page.locator(".member-card svg.qr")).to_be_visible()
    fits(page, shots, "member-card-offline")

    # His registration reads the same way, with what he saved; saving it again says it needs a
    # connection and sends nothing (nothing is queued to be sent later).
    page.goto(registration_url)
    expect(page.locator(".offline-note")).to_contain_text("Đang xem bản lưu lúc")
    expect(page.locator(f"#plan-{chosen[0].pk}")).to_have_value("Kế hoạch số 1")
    fits(page, shots, "registration-offline")
    page.locator(f"#plan-{chosen[0].pk}").fill("Sửa khi không có mạng")
    page.click("button[name=action][value=save]")
    expect(page.locator("#registration .needs-connection")).to_contain_text("Cần kết nối mạng")
    expect(page).to_have_url(registration_url)
    expect(page.locator(f"#plan-{chosen[0].pk}")).to_have_value("Sửa khi không có mạng")
    # A form on the card's copy too (log-out): nothing sent.
    page.goto(card_url)
    page.locator("header button.menu-toggle").click()  # the phone's header folds its navigation
    page.locator("form[action='/logout/'] button").click()
    expect(page.locator(".needs-connection")).to_contain_text("Cần kết nối mạng")
    expect(page).to_have_url(card_url)

    # His record, seen earlier, is there too; a page never opened says it was not saved.
    page.goto(f"{url}/members/{member.pk}/")
    expect(page.locator("dl.record")).to_contain_text(NEW_PHONE)
    page.goto(f"{url}/units/{branch.pk}/")
    expect(page.locator(".needs-connection")).to_contain_text("chưa được lưu")

    # Nothing of the offline edit reached the database.
    plans = set(Registration.objects.get(pk=saved.pk).items.values_list("plan", flat=True))
    assert "Kế hoạch số 1" in plans and "Sửa khi không có mạng" not in plans

"""A member on a 360 px phone: he proposes a new phone number, his secretary approves it, he
opens his card; an outsider opens the card's verification page; then the server goes away and
the member still reads his card, marked as the saved copy, and a form says it needs a
connection.

The browser's offline switch does not cover the service worker's own requests, so the test
runs its own server and stops it."""

import contextlib
import re
import socket

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from doanvien.members.models import Member
from doanvien.profiles.models import ChangeRequest

from ..factories import make_member, make_unit, make_user
from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
PASSWORD = "secret-pass-123"
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


def test_a_member_proposes_a_change_opens_his_card_and_reads_it_offline(
    server, new_context, pytestconfig
):
    province = make_unit(name="Tỉnh đoàn Thử Nghiệm", code="TN", level="province")
    district = make_unit(province, name="Huyện đoàn Tân An", code="TN-TA", level="district")
    base = make_unit(district, name="Đoàn trường THPT Tân An", code="TN-TA-T", level="base")
    branch = make_unit(base, name="Chi đoàn 12A1", code="TN-TA-T-12A1")
    member = make_member(branch, full_name="Nguyễn Văn Thành", phone="0911222333")
    make_user("thanh", member=member, password=PASSWORD)
    make_user("bithu", role="secretary", unit=branch, password=PASSWORD)
    url = server.url
    shots = pytestconfig.rootpath / "test-results"
    shots.mkdir(exist_ok=True)

    # The member proposes a new phone number.
    phone = new_context(viewport=PHONE)
    page = phone.new_page()
    log_in(page, url, "thanh", PASSWORD)
    expect(page).to_have_url(f"{url}/members/{member.pk}/")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    page.locator(f'a[href="/members/{member.pk}/change-request/"]').click()
    form = page.locator("form.member-form")
    form.locator("input[name=phone]").fill(NEW_PHONE)
    form.locator("button[type=submit]").click()
    expect(page.locator("#change-request")).to_contain_text("Chờ chi đoàn duyệt")
    expect(page.locator("#change-request")).to_contain_text(NEW_PHONE)
    assert Member.objects.get(pk=member.pk).phone == "0911222333"

    # His secretary approves it from the queue of her branch.
    desk = new_context(viewport=PHONE).new_page()
    log_in(desk, url, "bithu", PASSWORD)
    expect(desk).to_have_url(f"{url}/units/{branch.pk}/")
    # Found on her to-do list, at the top of her branch's page.
    desk.locator(f'#todo a[href="/units/{branch.pk}/change-requests/"]').click()
    request = desk.locator(".change-request")
    expect(request).to_contain_text("0911222333")
    expect(request).to_contain_text(NEW_PHONE)
    desk.screenshot(path=shots / "change-requests-360px.png", full_page=True)
    request.locator("button.primary").click()
    expect(desk.locator(".messages")).to_contain_text("Đã lưu thay đổi")
    assert Member.objects.get(pk=member.pk).phone == NEW_PHONE
    assert ChangeRequest.objects.get().state == "approved"

    # He reads his record and opens his card.
    page.goto(f"{url}/members/{member.pk}/")
    expect(page.locator("dl.record")).to_contain_text(NEW_PHONE)
    page.locator(f'a[href="/members/{member.pk}/card/"]').first.click()
    card = page.locator(".member-card")
    expect(card).to_contain_text("Nguyễn Văn Thành")
    expect(card).to_contain_text("Đoàn trường THPT Tân An")
    expect(card.locator("svg.qr")).to_be_visible()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # fits the phone
    page.screenshot(path=shots / "member-card-360px.png", full_page=True)
    card_url = f"{url}/members/{member.pk}/card/"
    page.wait_for_function(
        f"caches.open('{OWN_PAGES}').then(c => c.match('{card_url}')).then(Boolean)"
    )
    assert card_url in _kept(page)
    verify_url = page.locator('a[href*="/verify/"]').get_attribute("href")

    # An outsider scans the card: the public page, nothing private.
    outsider = new_context(viewport=PHONE).new_page()
    outsider.goto(verify_url)
    expect(outsider.locator(".verify-result")).to_have_text("Là đoàn viên")
    expect(outsider.locator(".verify")).to_contain_text("Chi đoàn 12A1")
    expect(outsider.locator(".verify")).not_to_contain_text(NEW_PHONE)
    expect(outsider.locator(".verify")).not_to_contain_text(member.id_number)
    tampered = outsider.goto(re.sub(r".$", lambda m: "A" if m[0] != "A" else "B", verify_url))
    assert tampered.status == 400
    expect(outsider.locator(".verify-result.bad")).to_contain_text("không hợp lệ")

    # The server goes away: the card is still there, marked as the saved copy.
    server.go_away()
    page.goto(card_url)
    expect(page.locator(".offline-note")).to_be_visible()
    expect(page.locator(".offline-note")).to_contain_text("Đang xem bản lưu lúc")
    expect(page.locator(".offline-note time")).to_have_text(re.compile(r"\d\d:\d\d, \d\d/\d\d/"))
    expect(page.locator(".member-card")).to_contain_text("Nguyễn Văn Thành")
    expect(page.locator(".member-card svg.qr")).to_be_visible()
    page.screenshot(path=shots / "member-card-offline-360px.png", full_page=True)

    # A form on the saved copy says it needs a connection instead of sending anything.
    page.locator("form[action='/logout/'] button").click()
    expect(page.locator(".needs-connection")).to_contain_text("Cần kết nối mạng")
    expect(page).to_have_url(card_url)

    # His record, seen earlier, is there too; a page never opened says it was not saved.
    page.goto(f"{url}/members/{member.pk}/")
    expect(page.locator("dl.record")).to_contain_text(NEW_PHONE)
    page.goto(f"{url}/units/{branch.pk}/")
    expect(page.locator(".needs-connection")).to_contain_text("chưa được lưu")

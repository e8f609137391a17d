"""Activities on a 360 px phone: a branch publishes an activity, two members sign up, the
organiser checks one in by scanning his card while the phone is offline (the scan is kept and
sent once when the connection returns), the year's figures count him, and so does the base
union's yearly report drafted from the data; the camera reads a card's QR code (chromium's fake
camera playing a video of the card)."""

import io
import json
import re
from datetime import date, timedelta

import pytest
import segno
from django.conf import settings as django_settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from doanvien.activities import services
from doanvien.activities.models import Activity, CheckinScan, Participation
from doanvien.members.card_tokens import card_token
from doanvien.training.rules import programme_year_of

from ..factories import make_member, make_unit, make_user
from .conftest import CHROMIUM, CHROMIUM_ARGS, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
PASSWORD = "secret-pass-123"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_publish_sign_up_scan_offline_and_count(live_server, transactional_db, new_context):
    base = make_unit(name="Đoàn trường THPT Tân An", level="base")
    branch = make_unit(base, name="Chi đoàn 12A1")
    an = make_member(branch, full_name="Nguyễn Văn An", date_of_birth=date(2005, 1, 1))
    dao = make_member(branch, full_name="Trần Thị Đào", date_of_birth=date(2005, 2, 2))
    make_user("an", member=an)
    make_user("dao", member=dao)
    make_user("secretary", role="secretary", unit=branch)
    make_user("base-cadre", role="cadre", unit=base)
    url = live_server.url
    start = timezone.localtime() + timedelta(days=1)
    # The figures count the programme year (a school's runs June to May).
    year = programme_year_of(start.date(), branch.sector)

    organiser = new_context(viewport=PHONE)
    page = organiser.new_page()
    log_in(page, url, "secretary", PASSWORD)
    page.goto(f"{url}/units/{branch.pk}/activities/")
    form = page.locator("#publish")
    form.locator("input[name=title]").fill("Ra quân Chủ nhật xanh")
    form.locator("select[name=kind]").select_option("volunteering")
    form.locator("input[name=areas][value='4']").check()
    form.locator("input[name=starts_at]").fill(start.strftime("%Y-%m-%dT08:00"))
    form.locator("input[name=ends_at]").fill(start.strftime("%Y-%m-%dT11:00"))
    form.locator("input[name=place]").fill("Sân trường")
    _fits(page)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/activities/\d+/$"))
    activity = Activity.objects.get()

    for username in ("an", "dao"):
        phone = new_context(viewport=PHONE).new_page()
        log_in(phone, url, username, PASSWORD)
        phone.goto(f"{url}/members/{(an if username == 'an' else dao).pk}/activities/")
        phone.locator("#offered a", has_text="Ra quân Chủ nhật xanh").click()
        phone.locator("#sign-up").click()
        expect(phone.locator("#my-participation")).to_be_visible()
        _fits(phone)
    assert Participation.objects.filter(signed_up_at__isnull=False).count() == 2

    page.goto(f"{url}/activities/{activity.pk}/")
    expect(page.locator("#people tbody tr")).to_have_count(2)
    _fits(page)
    # The phone loses its connection: the scan is kept on it.
    organiser.set_offline(True)
    page.fill("#scan-card", f"{url}/members/verify/{card_token(an)}")
    page.press("#scan-card", "Enter")
    expect(page.locator("#scan")).to_have_attribute("data-pending", "1")
    assert not Participation.objects.filter(attended_at__isnull=False).exists()
    # The connection returns: the scan is sent, once.
    organiser.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#scan-log li").first).to_contain_text("Nguyễn Văn An")
    expect(page.locator("#scan")).to_have_attribute("data-pending", "0")
    assert CheckinScan.objects.count() == 1
    assert list(
        Participation.objects.filter(attended_at__isnull=False).values_list("member", flat=True)
    ) == [an.pk]

    page.goto(f"{url}/units/{branch.pk}/activity-stats/{year}/")
    first = page.locator("#stats tbody tr").first
    expect(first.locator("td").nth(1)).to_have_text("1")
    expect(first.locator("td").nth(2)).to_have_text("1")
    expect(first.locator("td").nth(3)).to_have_text("1")
    _fits(page)

    # The base union's yearly report, drafted from the data, counts the participation.
    cadre = new_context(viewport=PHONE).new_page()
    log_in(cadre, url, "base-cadre", PASSWORD)
    cadre.goto(f"{url}/units/{base.pk}/yearly-report/{year}/")
    expect(cadre.locator("#section-areas p.fact").first).to_contain_text(
        "1 hoạt động, có 1 lượt đoàn viên tham gia (1 đoàn viên)"
    )
    expect(cadre.locator("textarea[name=paragraph_deployment]")).to_be_visible()
    _fits(cadre)


def _camera_file(path, text: str) -> str:
    """A video file (YUV4MPEG2, 640×480, gray) showing a member card's QR code, for chromium's
    fake camera: what the phone's camera would see of the card held up."""
    qr = segno.make(text, error="m")
    out = io.BytesIO()
    qr.save(out, kind="png", scale=1, border=4)
    code = Image.open(io.BytesIO(out.getvalue())).convert("L")
    scale = 400 // code.size[0]
    code = code.resize((code.size[0] * scale, code.size[1] * scale), Image.NEAREST)
    frame = Image.new("L", (640, 480), 255)
    frame.paste(code, ((640 - code.size[0]) // 2, (480 - code.size[1]) // 2))
    chroma = bytes([128]) * (320 * 240)
    with open(path, "wb") as f:
        f.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            f.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return str(path)


def test_the_camera_reads_the_card_and_the_scan_waits_for_the_connection(
    live_server, transactional_db, playwright, tmp_path
):
    """The organiser's phone reads a member card's QR code with its camera (chromium's fake
    camera plays a video of the card; this chromium has no BarcodeDetector for QR codes, so the
    jsQR decoder kept with the site reads it) while offline: the scan is kept, then sent once
    when the connection returns."""
    decoder = django_settings.BASE_DIR / "static/vendor/jsQR.js"
    if not decoder.exists():
        pytest.fail(f"{decoder} is missing: `make setup` fetches it")
    branch = make_unit(name="Chi đoàn 12A1")
    an = make_member(branch, full_name="Nguyễn Văn An", date_of_birth=date(2005, 1, 1))
    make_user("secretary", role="secretary", unit=branch)
    start = timezone.localtime() + timedelta(days=1)
    activity = services.activity_publish(
        actor=None,
        unit=branch,
        data={"title": "Hội thao", "kind": "culture_sport", "starts_at": start, "ends_at": start},
    )
    url = live_server.url
    video = _camera_file(tmp_path / "card.y4m", f"{url}/members/verify/{card_token(an)}")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(viewport=PHONE, permissions=["camera"])
        page = context.new_page()
        log_in(page, url, "secretary", PASSWORD)
        page.goto(f"{url}/activities/{activity.pk}/")
        expect(page.locator("#camera-start")).to_be_visible()
        _fits(page)
        context.set_offline(True)
        page.click("#camera-start")
        expect(page.locator("#camera video")).to_be_visible()
        expect(page.locator("#scan")).to_have_attribute("data-pending", "1", timeout=15000)
        # Read by the decoder kept with the site (this chromium has no QR BarcodeDetector).
        assert page.evaluate("typeof window.jsQR") == "function"
        page.click("#camera-stop")
        expect(page.locator("#camera")).to_be_hidden()
        assert not Participation.objects.filter(attended_at__isnull=False).exists()
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(page.locator("#scan-log li").first).to_contain_text("Nguyễn Văn An")
        expect(page.locator("#scan")).to_have_attribute("data-pending", "0")
        assert CheckinScan.objects.count() == 1
        assert list(
            Participation.objects.filter(attended_at__isnull=False).values_list("member", flat=True)
        ) == [an.pk]
    finally:
        browser.close()


def test_the_camera_uses_the_browsers_barcode_detector_when_it_has_one(
    live_server, transactional_db, playwright, tmp_path
):
    """A phone whose browser reads QR codes itself (BarcodeDetector; this chromium has none for
    QR, so the page is given one answering the card's code): the page reads the camera through
    it and never loads the decoder kept with the site. The fake camera shows a blank frame, so
    only the detector can have read the card."""
    branch = make_unit(name="Chi đoàn 12A1")
    an = make_member(branch, full_name="Nguyễn Văn An", date_of_birth=date(2005, 1, 1))
    make_user("secretary", role="secretary", unit=branch)
    start = timezone.localtime() + timedelta(days=1)
    activity = services.activity_publish(
        actor=None,
        unit=branch,
        data={"title": "Hội thao", "kind": "culture_sport", "starts_at": start, "ends_at": start},
    )
    url = live_server.url
    card = f"{url}/members/verify/{card_token(an)}"
    blank = tmp_path / "blank.y4m"
    with open(blank, "wb") as f:
        f.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            f.write(b"FRAME\n" + bytes([200]) * (640 * 480) + bytes([128]) * (320 * 240 * 2))
    detector = (
        "window.__card = "
        + json.dumps(card)
        + """;
        window.__detected = 0;
        window.BarcodeDetector = class {
          static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
          constructor(options) { this.formats = options.formats; }
          async detect(source) {
            if (!this.formats.includes("qr_code") || !source) return [];
            window.__detected += 1;
            return [{rawValue: window.__card, format: "qr_code"}];
          }
        };
    """
    )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={blank}",
        ],
    )
    try:
        context = browser.new_context(viewport=PHONE, permissions=["camera"])
        context.add_init_script(detector)
        decoder_loads = []
        context.on("request", lambda r: decoder_loads.append(r.url) if "jsQR" in r.url else None)
        page = context.new_page()
        log_in(page, url, "secretary", PASSWORD)
        page.goto(f"{url}/activities/{activity.pk}/")
        page.click("#camera-start")
        expect(page.locator("#scan-log li").first).to_contain_text("Nguyễn Văn An", timeout=15000)
        assert page.evaluate("window.__detected") >= 1
        assert page.evaluate("typeof window.jsQR") == "undefined" and decoder_loads == []
        page.click("#camera-stop")
        assert list(
            Participation.objects.filter(attended_at__isnull=False).values_list("member", flat=True)
        ) == [an.pk]
        assert CheckinScan.objects.count() == 1
    finally:
        browser.close()

"""Every page a person can reach fits a 360 px phone (issue 15, "Done when"): as the branch
secretary and as the province cadre of the demo, follow each link of the site breadth first from
the first page after log-in (GET only; not the log-out, the files, the admin, the API or the
language switch), up to CAP pages each, and check that no page is wider than the screen, none
answers an error and none writes an error to the browser's console. The compact phone header
(at most 56 px high, its navigation behind "Menu", with and without JavaScript) and the skip
link are checked first."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from .conftest import PHONE, log_in

pytestmark = pytest.mark.e2e

CAP = 150  # pages per persona
# Pages of one kind (the same path but for its ids and query string: another member, another
# page of a list): at most this many, so the cap leaves room for every kind of page.
PER_KIND = 2
HEADER_MAX = 56  # px, at 360 × 740
SKIP = re.compile(
    r"^/(logout|i18n|admin|api|static|media)/"  # log-out, language, admin, API, files
    r"|\.(xlsx|pdf|csv|zip|png|jpe?g|svg|webmanifest|js)$"  # files
    r"|/(export|template|minutes|photo|download)/$"  # exports and downloads
)
LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter(a => !a.hasAttribute("download"))
  .map(a => a.href)"""


def _wanted(url: str, origin: str) -> str | None:
    """The link's path and query, if the crawl follows it."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _crawl(browser, demo, username: str) -> tuple[list[str], int]:
    """Crawl as this person; the failures found and the number of pages seen."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, demo.url, username)
    start = _wanted(page.url, demo.url)
    queue, seen, per_kind = deque([start]), {start}, {}
    failures: list[str] = []
    visited = 0
    while queue and visited < CAP:
        url = queue.popleft()
        path = url.split("?")[0]
        kind = re.sub(r"\d+", "N", path)
        if per_kind.get(kind, 0) >= PER_KIND:
            continue
        per_kind[kind] = per_kind.get(kind, 0) + 1
        errors.clear()
        try:
            response = page.goto(demo.url + url)
        except PlaywrightError as error:  # a file the link did not announce
            if "Download is starting" in str(error):
                continue
            raise
        visited += 1
        where = f"{username} {url}"
        if response is None or not response.ok:
            failures.append(f"{where}: HTTP {response.status if response else '?'}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            failures.append(f"{where}: {width} px wide{_widest(page)}")
        failures += [f"{where}: console: {e}" for e in errors]
        for link in page.evaluate(LINKS):
            found = _wanted(link.split("#")[0], demo.url)
            if found and found not in seen:
                seen.add(found)
                queue.append(found)
    context.close()
    print(f"{username}: {visited} pages of {len(per_kind)} kinds, {len(queue)} links left")
    return failures, visited


WIDEST = """() => {
  const over = Array.from(document.querySelectorAll("main *"))
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(e => !e.parentElement.closest("main *") ||
      e.parentElement.getBoundingClientRect().right <= document.documentElement.clientWidth + 1);
  const classes = e => typeof e.className === "string" && e.className.trim()
    ? "." + e.className.trim().split(/\\s+/).join(".") : "";
  return over.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + classes(e));
}"""


def _widest(page) -> str:
    """The outermost elements of the content that stick out, to say where to look."""
    found = page.evaluate(WIDEST)
    return f" ({', '.join(found)})" if found else ""


def test_the_phone_header_is_compact_its_menu_opens_and_the_skip_link_works(browser, demo):
    for scripts in (True, False):
        context = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=scripts)
        page = context.new_page()
        log_in(page, demo.url, "demo-branch")
        if scripts:  # The skip link: the keyboard's first stop, it reaches the content.
            page.keyboard.press("Tab")
            expect(page.locator("a.skip-link")).to_be_focused()
            expect(page.locator("a.skip-link")).to_be_in_viewport()
            page.keyboard.press("Enter")
            expect(page.locator("main#content")).to_be_focused()
        header = page.locator("header.topbar")
        assert header.bounding_box()["height"] <= HEADER_MAX, scripts
        expect(header.locator("a.bell")).to_be_visible()
        nav = page.locator("#topnav")
        expect(nav).to_be_hidden()
        toggle = header.locator(".menu-toggle:visible")
        expect(toggle).to_have_count(1)
        toggle.click()
        expect(nav.locator("a.who")).to_be_visible()
        expect(nav.locator("form[action='/logout/'] button")).to_be_visible()
        if scripts:
            expect(toggle).to_have_attribute("aria-expanded", "true")
            page.keyboard.press("Escape")
            expect(nav).to_be_hidden()
            expect(toggle).to_be_focused()
        context.close()
    # A laptop keeps the whole navigation in sight, without "Menu".
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, demo.url, "demo-branch")
    expect(page.locator("#topnav a.who")).to_be_visible()
    expect(page.locator("header .menu-toggle:visible")).to_have_count(0)


def test_every_page_reached_by_its_links_fits_a_phone(browser, demo):
    failures, counts = [], {}
    for username in ("demo-branch", "demo-province"):
        found, counts[username] = _crawl(browser, demo, username)
        failures += found
    print(f"Pages crawled: {counts}")
    assert not failures, f"{len(failures)} problems on a 360 px phone:\n" + "\n".join(failures)

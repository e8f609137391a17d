"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Never run `playwright install`: the browser is the `chromium` package (/usr/bin/chromium).
"""

import os
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (it is: the calls are not concurrent).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo"
# The demo province the journeys run in: its whole tree and logins, with a smaller roll in each
# branch (the full one takes a minute to load before every journey).
MEMBERS_PER_BRANCH = 8
BRANCH_CODE = "SX-BN-LQD-12A1"  # the demo branch whose secretary is demo-branch


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": browser_type_launch_args.get("headless", True),  # --headed still works
    }


@pytest.fixture(scope="session")
def _db_connections(django_db_setup):
    """The test thread's database connections, taken before Playwright starts."""
    from django.db import connections

    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session")
def playwright(_db_connections, playwright):
    """Playwright's sync API leaves its event loop marked as running in the test thread. Django
    then keeps connections per async context (asgiref's Local), so the ORM in the test would
    open new connection objects: on SQLite those lack the copy of the migrations' rows that
    serialized rollback restores, and the live server would use another connection object
    than the test. Put the original connections back in the new storage."""
    from django.db import connections

    for alias, connection in _db_connections.items():
        connections[alias] = connection
    return playwright


@pytest.fixture(autouse=True)
def _seed_rows_survive(django_db_serialized_rollback):
    """The live server needs a transactional database, which is emptied after each test; the
    rows written by data migrations (levels, ...) are restored before each test from the copy
    taken when the test database was created."""


@dataclass
class Demo:
    url: str  # the live server, e.g. http://localhost:41234
    branch: object  # the Unit "Chi đoàn 12A1"


@pytest.fixture
def demo(live_server, transactional_db, settings) -> Demo:
    """The demo province in the live server's database, with the demo logins enabled."""
    from doanvien.demo.load import load_demo
    from doanvien.units.models import Unit

    settings.DEMO_MODE = True
    load_demo(training=False, per_branch=MEMBERS_PER_BRANCH)  # programme data where asked
    return Demo(url=live_server.url, branch=Unit.objects.get(code=BRANCH_CODE))


def log_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form and wait until the app has redirected away from it."""
    page.goto(f"{base_url}/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


PHONE = {"width": 360, "height": 740}


class Clicks:
    """Clicks (taps) a person makes, counted: the journeys assert how many a task takes."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, selector: str) -> None:
        self.page.locator(selector).click()
        self.count += 1


def fits_phone(page) -> None:
    """Nothing on the page is wider than the phone's screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def hold_meeting(page, theme: str, *, listed: int, marks: dict[int, str]) -> None:
    """From a unit's meetings page: record a meeting with this theme, check that the `listed`
    people are all present until changed, mark those of `marks` (id → absent or excused) and
    save the attendance."""
    page.locator("#hold-meeting").click()
    page.locator("input[name=theme_text]").fill(theme)
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(page.locator("#attendance input[value=present]:checked")).to_have_count(listed)
    fits_phone(page)
    for pk, presence in marks.items():
        page.locator(f'label[for="a-{pk}-{presence}"]').click()
    page.locator("#save-attendance").click()
    expect(page.locator("#attendance-counts")).to_be_visible()

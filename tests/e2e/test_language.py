"""The interface is Vietnamese unless the user picks English, whatever the browser's language."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.browser_context_args(locale="en-US")  # the browser asks for English
def test_login_page_is_vietnamese_by_default_and_switches_to_english(live_server, page):
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.locator("button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/login/")

    # The choice is remembered, and the switch now offers Vietnamese.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("button[name=language][value=vi]")).to_be_visible()

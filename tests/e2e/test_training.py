"""The training programme's year on a phone: a member registers, the secretary returns it, the
member fixes and resubmits, the secretary approves, both assess, the base union recognises, and
the result is locked."""

import pytest
from playwright.sync_api import expect

from doanvien.accounts.models import User
from doanvien.training.models import BranchResult, Registration
from doanvien.training.rules import programme_year_of, programme_year_span
from doanvien.training.selectors import criteria_offered, framework_for
from doanvien.training.services.registrations import (
    registration_approve,
    registration_save,
    registration_submit,
)

from .conftest import Clicks, fits_phone, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _choose_criteria(member, year):
    """The mandatory criteria and two more in each area, of those offered to the member: a
    registration that keeps the rules."""
    branch = member.branch
    framework = framework_for(branch, year)
    criteria = list(criteria_offered(member, framework=framework, branch=branch, year=year))
    chosen = [c for c in criteria if c.mandatory]
    for area in framework.areas.all():
        chosen += [c for c in criteria if c.area_code == area.code and c not in chosen][:2]
    return chosen


def _fresh_page(browser, base_url, username):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, base_url, username)
    return page


def _wait_until_settled(page, member_pk):
    """The row's last save has come back and been swapped in (htmx marks the row meanwhile)."""
    busy = page.locator(f"#row-{member_pk}.htmx-request, #row-{member_pk}.htmx-settling")
    expect(busy).to_have_count(0)


def test_a_year_of_the_programme_on_a_phone(browser, demo):
    member = User.objects.get(username="demo-member").member
    branch = demo.branch
    from django.utils import timezone

    year = programme_year_of(timezone.localdate(), branch.sector)
    first, last = (f"15/{m:02d}/{year}" for m in (2, 3))
    chosen = _choose_criteria(member, year)
    member_page = f"{demo.url}/members/{member.pk}/training/{year}/"

    # The member finds "register" on the to-do of his first page and registers, leaving one
    # plan empty: the rule is named next to it. Counted: the taps that move or send (ticking a
    # criterion and typing are the registration itself).
    page = _fresh_page(browser, demo.url, "demo-member")
    fits_phone(page)
    person = Clicks(page)
    person.click(f'#todo a[href="/members/{member.pk}/training/{year}/"]')
    expect(page).to_have_url(member_page)
    expect(page.locator("#registration")).to_be_visible()
    for i, criterion in enumerate(chosen):
        row = page.locator(f"#c-{criterion.pk}")
        box = row.locator("input[name=criterion]")
        if not box.is_checked():
            box.check()
        row.locator(f"#plan-{criterion.pk}").fill("" if i == 3 else f"Kế hoạch số {i + 1}")
        row.locator(f"#target-{criterion.pk}").fill(first)
    person.click("button[name=action][value=submit]")
    expect(page.locator(f"#plan-{chosen[3].pk}-error")).to_be_visible()
    page.locator(f"#plan-{chosen[3].pk}").fill("Kế hoạch số 4")
    person.click("button[name=action][value=submit]")
    expect(page.locator("#registration")).to_have_count(0)  # submitted: read-only
    fits_phone(page)
    assert Registration.objects.get(member=member, year=year).state == "submitted"
    assert person.count == 3  # the to-do, a refused sending, the sending

    # The secretary returns it with a comment.
    secretary = _fresh_page(browser, demo.url, "demo-branch")
    secretary.goto(member_page)
    secretary.locator("#review textarea").fill("Ghi rõ thời gian hoàn thành từng tiêu chí.")
    secretary.locator("#review .return-form button[type=submit]").click()
    assert Registration.objects.get(member=member, year=year).state == "returned"

    # The member sees the comment, changes a date and resubmits.
    page.goto(member_page)
    expect(page.get_by_text("Ghi rõ thời gian hoàn thành từng tiêu chí.")).to_be_visible()
    page.locator(f"#target-{chosen[0].pk}").fill(last)
    page.click("button[name=action][value=submit]")
    expect(page.locator("#registration")).to_have_count(0)

    # The secretary approves.
    secretary.goto(member_page)
    secretary.locator("#review form.inline button[type=submit]").click()
    assert Registration.objects.get(member=member, year=year).state == "approved"

    # The member scores himself, from his to-do: one click lands on the form, one saves it.
    page.goto(f"{demo.url}/")
    person = Clicks(page)
    person.click(f'#todo a[href="/members/{member.pk}/training/{year}/#self-assessment"]')
    form = page.locator("#self-assessment form")
    expect(form).to_be_in_viewport()
    for code in "12345":
        form.locator(f"input[name=area_{code}]").fill("18")
    person.click("#self-assessment form button[type=submit]")
    fits_phone(page)
    assert person.count == 2
    expect(page.locator("#self-assessment")).to_contain_text("18")
    assert Registration.objects.get(member=member, year=year).self_points == dict.fromkeys(
        "12345", "18.0"
    )

    # The branch assesses on its screen: the row saves itself and shows the level.
    secretary.goto(f"{demo.url}/units/{branch.pk}/training/{year}/assessment/")
    row_saved = f"/units/{branch.pk}/training/{year}/assessment/{member.pk}/"
    typed = [
        *zip("12345", ("18", "17", "17", "19", "16"), strict=True),
        ("comment", "Tích cực, gương mẫu."),
    ]
    for field, value in typed:  # as a person types: each field left saves the row, in turn
        _wait_until_settled(secretary, member.pk)
        secretary.locator(f"#p-{member.pk}-{field}").fill(value)
        with secretary.expect_response(lambda r: r.url.endswith(row_saved)):
            secretary.locator(f"#p-{member.pk}-{field}").press("Tab")
    expect(secretary.locator(f"#row-{member.pk}")).to_contain_text("87")
    registration = Registration.objects.get(member=member, year=year)
    assert str(registration.total) == "87.0" and registration.level == "good"
    # Sending the results up cannot be undone: the page asks first, and declining sends nothing.
    asked: list[str] = []
    secretary.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    secretary.locator("form.submit-results button[type=submit]").click()
    assert asked and ("Đoàn cơ sở" in asked[0] or "base union" in asked[0])
    assert not BranchResult.objects.filter(branch=branch, year=year, state="submitted").exists()
    secretary.once("dialog", lambda d: d.accept())
    with secretary.expect_navigation():
        secretary.locator("form.submit-results button[type=submit]").click()
    assert BranchResult.objects.get(branch=branch, year=year).state == "submitted"

    # The base union recognises.
    base = _fresh_page(browser, demo.url, "demo-base")
    base.goto(f"{demo.url}/units/{branch.parent().pk}/training/{year}/progress/")
    base.locator(f"form[action$='/units/{branch.pk}/training/{year}/recognise/'] button").click()
    assert BranchResult.objects.get(branch=branch, year=year).state == "recognised"

    # Locked: the assessment screen offers no inputs, and the member's page shows the result.
    secretary.goto(f"{demo.url}/units/{branch.pk}/training/{year}/assessment/")
    expect(secretary.locator(f"#p-{member.pk}-1")).to_have_count(0)
    page.goto(member_page)
    expect(page.locator("#results")).to_contain_text("87")
    page.screenshot(path="test-results/training-member-360px.png", full_page=True)


def test_typing_ahead_of_the_saves_on_a_slow_network_loses_nothing(browser, demo):
    """On a phone network each save takes a while: the secretary types the whole row without
    waiting. The saves overtake each other, the row is swapped while she types, and still every
    figure and the comment are kept, and the page after a reload shows them all."""
    from django.utils import timezone

    member = User.objects.get(username="demo-member").member
    branch = demo.branch
    year = programme_year_of(timezone.localdate(), branch.sector)
    _first, last = programme_year_span(year, branch.sector)
    items = [
        {"criterion": c.pk, "plan": f"Kế hoạch {c.pk}", "target_date": last.isoformat()}
        for c in _choose_criteria(member, year)
    ]
    registration = registration_save(actor=None, member=member, year=year, items=items)
    registration_submit(actor=None, registration=registration)
    registration_approve(actor=None, registration=registration)

    secretary = _fresh_page(browser, demo.url, "demo-branch")
    secretary.goto(f"{demo.url}/units/{branch.pk}/training/{year}/assessment/")
    network = secretary.context.new_cdp_session(secretary)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 700, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    typed = [
        *zip("12345", ("19", "18", "16", "17", "15"), strict=True),
        ("comment", "Nhiệt tình, cần chủ động hơn."),
    ]
    for i, (field, value) in enumerate(typed):
        secretary.locator(f"#p-{member.pk}-{field}").fill(value)
        if i % 2:  # slow here: the last save comes back and the row is swapped under her
            secretary.wait_for_timeout(1200)
        secretary.locator(f"#p-{member.pk}-{field}").press("Tab")  # quick there: saves overlap
    row = secretary.locator(f"#row-{member.pk}")
    expect(row).to_contain_text("85", timeout=15_000)
    expect(row.locator(".status.ok")).to_be_visible()
    _wait_until_settled(secretary, member.pk)

    registration.refresh_from_db()
    assert str(registration.total) == "85.0"
    secretary.reload()
    for field, value in typed:
        expect(secretary.locator(f"#p-{member.pk}-{field}")).to_have_value(value)

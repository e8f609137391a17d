"""A branch secretary on a phone: search without diacritics, open a member, change the phone."""

import re

import pytest
from playwright.sync_api import expect

from doanvien.accounts.models import User
from doanvien.core.text import fold
from doanvien.members.models import Member, Status

from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _member_to_find(branch) -> Member:
    """An active member of the branch, not linked to an account, whose name has diacritics and
    whose unaccented full name matches nobody else in the branch."""
    in_branch = Member.objects.filter(branch=branch)
    linked = User.objects.exclude(member=None).values("member_id")
    for member in in_branch.filter(status=Status.ACTIVE).exclude(pk__in=linked).order_by("pk"):
        term = fold(member.full_name)
        if term != member.full_name.lower() and not in_branch.filter(
            name_folded__contains=term
        ).exclude(pk=member.pk):
            return member
    raise AssertionError("the demo branch has no member with a distinct accented name")


def _new_phone(old: str) -> str:
    """A valid mobile number (10 digits, starting 09) that nobody in the demo data has."""
    for n in range(12345678, 99999999, 1111):
        phone = f"09{n:08d}"
        if phone != old and not Member.objects.filter(phone=phone).exists():
            return phone
    raise AssertionError("no free phone number")


def test_branch_secretary_finds_and_edits_a_member(demo, new_context, pytestconfig):
    branch = demo.branch
    member = _member_to_find(branch)
    term = fold(member.full_name)
    old_phone, new_phone = member.phone, _new_phone(member.phone)
    assert Member.objects.filter(branch=branch).count() > 1  # so the search has to filter

    page = new_context(viewport=PHONE).new_page()
    log_in(page, demo.url, "demo-branch")
    expect(page).to_have_url(f"{demo.url}/units/{branch.pk}/")

    page.locator(f'a[href="/units/{branch.pk}/members/"]').first.click()
    expect(page).to_have_url(f"{demo.url}/units/{branch.pk}/members/")
    search = page.locator("form.filters input[name=q]")
    search.fill(term)
    search.press("Enter")  # htmx swaps #results in place; without htmx the form submits
    expect(page).to_have_url(re.compile(r"[?&]q="))
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(member.full_name)  # the accented name, as stored
    screenshots = pytestconfig.rootpath / "test-results"
    screenshots.mkdir(exist_ok=True)
    page.screenshot(path=screenshots / "member-list-360px.png", full_page=True)

    rows.first.locator(f'a[href="/members/{member.pk}/"]').click()
    expect(page).to_have_url(f"{demo.url}/members/{member.pk}/")
    expect(page.locator("h1")).to_have_text(member.full_name)

    page.locator('a[href$="/edit/"]').click()
    expect(page).to_have_url(f"{demo.url}/members/{member.pk}/edit/")
    phone = page.locator("form.member-form input[name=phone]")
    expect(phone).to_have_value(old_phone)
    phone.fill(new_phone)
    page.locator("form.member-form button[type=submit]").click()

    expect(page).to_have_url(f"{demo.url}/members/{member.pk}/")
    record = page.locator("dl.record")
    expect(record).to_contain_text(new_phone)
    expect(record).not_to_contain_text(old_phone)

    # The history shows the change: one row with the old and the new number.
    event = page.locator("#history details.event", has_text=new_phone)
    expect(event).to_have_count(1)
    event.locator("summary").click()
    change = event.locator("table.changes tr", has_text=new_phone)
    expect(change).to_be_visible()
    expect(change).to_contain_text(old_phone)

    member.refresh_from_db()
    assert member.phone == new_phone


def test_outsider_cannot_open_that_member(demo, page):
    branch = demo.branch
    member = Member.objects.filter(branch=branch).order_by("pk").last()
    log_in(page, demo.url, "demo-outsider")

    response = page.goto(f"{demo.url}/members/{member.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(member.full_name)
    assert member.full_name not in page.content()

    response = page.goto(f"{demo.url}/units/{branch.pk}/members/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(member.full_name)

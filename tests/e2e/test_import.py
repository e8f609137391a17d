"""The branch secretary imports members from Excel in the browser: a file with one bad row is
refused with the row and the problem shown, nothing is written; the corrected file is checked,
confirmed, and the members are in the list. The jobs run on the real worker; the job page
follows them by itself."""

import re
from datetime import date

import pytest
import xlsxwriter
from django.core.management import call_command
from playwright.sync_api import expect

from doanvien.jobs.models import Job
from doanvien.members.models import Member

from .conftest import log_in

pytestmark = pytest.mark.e2e

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn"]


def people(bad: bool) -> list[list]:
    return [
        ["Đinh Thị Thu Ngân", date(2008, 4, 2), "Nữ", "099999000101", date(2025, 3, 26)],
        # Twelve years old at admission when bad: the rules refuse it.
        [
            "Vũ Minh Khôi",
            date(2012 if bad else 2008, 9, 9),
            "Nam",
            "099999000102",
            date(2025, 3, 26),
        ],
        ["Tạ Quang Huy", date(2008, 1, 15), "Nam", "099999000103", date(2025, 3, 26)],
    ]


def workbook(path, rows) -> str:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Đoàn viên")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, values in enumerate([HEADER, *rows]):
        for c, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return str(path)


def run_worker_when_queued(page, jobs_before: int) -> None:
    """Wait until the page has queued its job, then let the real worker run what is queued (in
    this thread: SQLite's shared in-memory test database allows no second writer thread); the
    job page, polling, then shows the outcome by itself."""
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    assert Job.objects.count() > jobs_before
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_import_with_a_bad_row_then_fixed(demo, page, tmp_path):
    branch = demo.branch
    before = Member.objects.filter(branch=branch).count()
    log_in(page, demo.url, "demo-branch")
    page.goto(f"{demo.url}/units/{branch.pk}/members/")
    page.locator(f"a[href='/units/{branch.pk}/members/import/']").click()

    page.locator("input[type=file]").set_input_files(workbook(tmp_path / "ds.xlsx", people(True)))
    page.locator("form[enctype] button[type=submit]").click()
    run_worker_when_queued(page, 0)
    errors = page.locator("#job-errors")
    expect(errors).to_be_visible(timeout=30_000)
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").first).to_have_text("3")  # the file's row 3
    assert Member.objects.filter(branch=branch).count() == before
    expect(page.locator("a[href$='/download/']")).to_be_visible()

    page.goto(f"{demo.url}/units/{branch.pk}/members/import/")
    page.locator("input[type=file]").set_input_files(workbook(tmp_path / "ds2.xlsx", people(False)))
    page.locator("form[enctype] button[type=submit]").click()
    run_worker_when_queued(page, 1)
    confirm = page.locator("form[action$='/confirm/'] button")
    expect(confirm).to_be_visible(timeout=30_000)
    expect(page.locator("#job-preview")).to_contain_text("Tạ Quang Huy")
    confirm.click()
    expect(page.locator(".job-queued")).to_be_visible()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    expect(page.locator(".job-succeeded")).to_be_visible(timeout=30_000)
    assert Member.objects.filter(branch=branch).count() == before + 3

    page.goto(f"{demo.url}/units/{branch.pk}/members/?q=ta+quang+huy")
    expect(page.locator("#results")).to_contain_text("Tạ Quang Huy")

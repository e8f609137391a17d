"""The progress of a member import while it is written (after the user confirmed), with the real
worker: the phase is shown, and the bar moves as each chunk of rows is written, in a short
transaction of its own: the job page (another connection) sees it, on SQLite too."""

import threading
import time
from datetime import date

import pytest
import xlsxwriter
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from doanvien.jobs import runner
from doanvien.jobs.models import Job
from doanvien.members.imports import MemberImport
from doanvien.members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 6
CHUNK = 2
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn", "Chi đoàn"]


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def six_members(tmp_path):
    """Six new members and no empty row: the file's rows are the rows written."""
    path = tmp_path / "six.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for n in range(ROWS):
        sheet.write_string(n + 1, 0, f"Hồ Văn Tiến {n}")
        sheet.write_datetime(n + 1, 1, date(2008, 1, n + 1), dates)
        sheet.write_string(n + 1, 2, "Nam")
        sheet.write_string(n + 1, 3, f"0382080017{n:02d}")
        sheet.write_datetime(n + 1, 4, date(2025, 3, 26), dates)
        sheet.write_string(n + 1, 5, "Chi đoàn 12A2" if n % 2 else "Chi đoàn 12A1")
    book.close()
    return SimpleUploadedFile("six.xlsx", path.read_bytes())


def checked_and_waiting(client, world, tmp_path) -> Job:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.base_cadre)
    client.post(
        reverse("members:member-import", args=[world.base.pk]), {"file": six_members(tmp_path)}
    )
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.AWAITING_CONFIRMATION, job.errors
    assert (job.done, job.total, job.result["to_create"]) == (ROWS, ROWS, ROWS)
    return job


def seen_by_another_connection(job_pk, want: tuple[int, int], heartbeats: list) -> tuple:
    """What the job page would read now (its own connection): the job's done, total and
    message, and how many members there are (the heartbeat goes to `heartbeats`). Waits (5 s
    at most) for `want` (done, total), the progress being saved by a thread of its own."""
    seen = {}

    def look():
        try:
            deadline = time.monotonic() + 5
            while True:
                job = Job.objects.get(pk=job_pk)
                if (job.done, job.total) == want or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            seen["value"] = (job.done, job.total, job.message, Member.objects.count())
            seen["heartbeat"] = job.heartbeat_at
        finally:
            connections.close_all()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    heartbeats.append(seen["heartbeat"])
    return seen["value"]


def test_after_confirming_the_job_counts_every_row_written(
    client, world, tmp_path, monkeypatch, settings
):
    settings.IMPORT_CHUNK_ROWS = CHUNK
    job = checked_and_waiting(client, world, tmp_path)
    before = Member.objects.count()
    phases = []
    chunk = MemberImport.chunk

    def watched_chunk(self, rows):
        if self.writing:  # the phase was saved before the writes began
            phases.append(Job.objects.get(pk=job.pk).message)
        return chunk(self, rows)

    monkeypatch.setattr(MemberImport, "chunk", watched_chunk)
    client.post(reverse("jobs:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (Job.State.QUEUED, 0, 0)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["written"]
    written = Member.objects.count() - before
    assert written == ROWS
    assert (job.done, job.total) == (written, written)
    assert job.message == ""  # the phase is over
    assert phases == ["Writing the members…"] * (ROWS // CHUNK)


def test_the_bar_moves_while_the_rows_are_written(client, world, tmp_path, monkeypatch, settings):
    settings.IMPORT_CHUNK_ROWS = CHUNK
    monkeypatch.setattr(runner.Progress, "EVERY", 0)
    job = checked_and_waiting(client, world, tmp_path)
    before = Member.objects.count()
    seen, heartbeats = [], []
    chunk = MemberImport.chunk

    def watched_chunk(self, rows):
        if self.writing:  # before each chunk: the rows of the chunks before it are reported
            want = (CHUNK * len(seen), ROWS)
            seen.append(seen_by_another_connection(job.pk, want, heartbeats))
        return chunk(self, rows)

    monkeypatch.setattr(MemberImport, "chunk", watched_chunk)
    client.post(reverse("jobs:job-confirm", args=[job.pk]))
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and (job.done, job.total) == (ROWS, ROWS)
    # Seen from elsewhere between two chunks: the phase, the rows done so far and the members
    # of the chunks written (each chunk commits on its own), and the heartbeat went on.
    assert seen == [
        (0, ROWS, "Writing the members…", before),
        (2, ROWS, "Writing the members…", before + 2),
        (4, ROWS, "Writing the members…", before + 4),
    ]
    assert heartbeats == sorted(heartbeats) and len(set(heartbeats)) == len(heartbeats)
    assert Member.objects.count() == before + ROWS

"""Member import and export through the pages, the API and the real worker: upload, preview,
confirm, errors with the marked file, and the export of a filtered list."""

import io
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.jobs import imports as import_jobs
from doanvien.jobs import services
from doanvien.jobs.models import Job
from doanvien.members.models import Member
from doanvien.units import member_counts

# The real worker closes connections between tasks: these tests commit what it reads.
pytestmark = pytest.mark.django_db(transaction=True)

FILES = Path(__file__).parent.parent / "members" / "import_files"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes())


def latest_job() -> Job:
    return Job.objects.order_by("-created_at").first()


def test_upload_preview_confirm_then_the_members_are_there(client, world, run_worker):
    before = Member.objects.count()
    client.force_login(world.base_cadre)
    page = client.get(reverse("members:member-import", args=[world.base.pk]))
    assert reverse("members:member-import-template", args=[world.base.pk]) in page.content.decode()
    response = client.post(
        reverse("members:member-import", args=[world.base.pk]), {"file": upload("good.xlsx")}
    )
    job = latest_job()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.AWAITING_CONFIRMATION, job.errors
    assert Member.objects.count() == before  # a preview writes nothing
    to_create = job.result["to_create"]
    assert to_create > 0 and job.result["sample"]
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert reverse("jobs:job-confirm", args=[job.pk]) in page

    client.post(reverse("jobs:job-confirm", args=[job.pk]))
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["written"]
    assert Member.objects.count() == before + to_create
    assert (
        member_counts.now(world.base)
        == Member.objects.filter(unit_path__startswith=world.base.path, status="active").count()
    )


class WorkerKilled(BaseException):
    """The worker process ending, as far as the code it runs can tell."""


def test_an_import_whose_worker_dies_once_it_is_written_is_not_left_running(
    client, world, run_worker, monkeypatch
):
    """The members and the job's end are written in one transaction: a worker that dies right
    after it commits leaves the job done (and a worker that starts leaves it so), not running
    for ever with the members written."""
    before = Member.objects.count()
    client.force_login(world.base_cadre)
    client.post(
        reverse("members:member-import", args=[world.base.pk]), {"file": upload("good.xlsx")}
    )
    run_worker()
    job = latest_job()
    to_create = job.result["to_create"]
    services.job_confirm(actor=world.base_cadre, job=job)
    import_progress = import_jobs.import_progress

    @contextmanager
    def dies_once_written(*args, **kwargs):
        with import_progress(*args, **kwargs) as report:
            yield report
        raise WorkerKilled  # after the import's transaction, before the runner's last word

    monkeypatch.setattr("doanvien.jobs.imports.import_progress", dies_once_written)
    run_worker()
    job.refresh_from_db()
    assert Member.objects.count() == before + to_create
    assert job.state == Job.State.SUCCEEDED and job.result["written"] and job.finished_at
    assert len(job.result["lines"]) == 2 and str(to_create) in job.result["lines"][0]
    monkeypatch.undo()
    run_worker()  # a worker that starts finds nothing left running
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED


def test_a_file_with_a_bad_row_writes_nothing_and_offers_the_marked_copy(client, world, run_worker):
    before = list(Member.objects.values_list("pk", flat=True))
    client.force_login(world.base_cadre)
    client.post(
        reverse("members:member-import", args=[world.base.pk]), {"file": upload("one_bad_row.xlsx")}
    )
    run_worker()
    job = latest_job()
    assert job.state == Job.State.INVALID
    assert job.errors and all({"row", "column", "value", "message"} <= e.keys() for e in job.errors)
    assert list(Member.objects.values_list("pk", flat=True)) == before
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert job.errors[0]["message"] in page
    marked = client.get(reverse("jobs:job-download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(marked.streaming_content)))
    assert len(book.sheetnames) >= 2  # the copy and the list of problems
    # Confirming an invalid import is refused.
    client.post(reverse("jobs:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.INVALID


def test_not_a_spreadsheet_is_refused_in_plain_words(client, world, run_worker):
    client.force_login(world.base_cadre)
    client.post(
        reverse("members:member-import", args=[world.base.pk]), {"file": upload("report.pdf")}
    )
    run_worker()
    job = latest_job()
    assert job.state == Job.State.INVALID and job.errors[0]["row"] is None
    empty = client.post(
        reverse("members:member-import", args=[world.base.pk]),
        {"file": SimpleUploadedFile("empty.xlsx", b"")},
    )
    assert empty.status_code == 200 and Job.objects.count() == 1


def test_the_api_imports_in_three_calls(client, world, run_worker):
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.base_cadre)}"}
    before = Member.objects.count()
    response = client.post(
        f"/api/v1/units/{world.base.pk}/imports",
        {"file": upload("good.xlsx"), "kind": "members"},
        headers=headers,
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]
    run_worker()
    body = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
    assert body["state"] == "awaiting_confirmation" and body["result"]["to_create"] > 0
    confirm = client.post(f"/api/v1/imports/{job_id}/confirm", headers=headers)
    assert confirm.status_code == 200 and confirm.json()["state"] == "queued"
    run_worker()
    body = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
    assert body["state"] == "succeeded"
    assert Member.objects.count() == before + body["result"]["to_create"]


def test_the_api_refuses_an_import_without_the_right(client, world):
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.member_user)}"}
    response = client.post(
        f"/api/v1/units/{world.branch.pk}/imports", {"file": upload("good.xlsx")}, headers=headers
    )
    assert response.status_code in (403, 404)
    assert not Job.objects.exists()


def test_the_filtered_list_is_exported_in_the_background(client, world, run_worker):
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("members:member-export", args=[world.base.pk]), {"sex": "female"}
    )
    assert response.status_code == 302
    run_worker()
    job = latest_job()
    assert job.state == Job.State.SUCCEEDED and job.result["rows"] == 1
    data = client.get(reverse("jobs:job-download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(data.streaming_content))).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert world.member2.full_name in text and world.member.full_name not in text


def test_the_whole_subtree_report_is_built_in_the_background(client, world, run_worker):
    client.force_login(world.province_cadre)
    response = client.post(reverse("reports:unit-report-subtree", args=[world.district.pk, 2027]))
    assert response.status_code == 302
    run_worker()
    job = latest_job()
    assert job.state == Job.State.SUCCEEDED, job.message
    units = [world.district, world.base, world.branch, world.branch2]
    units += [world.other_base, world.other_branch]
    assert job.result["rows"] == len(units) and job.output_name.endswith("-2027.xlsx")
    data = client.get(reverse("jobs:job-download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(data.streaming_content))).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert all(u.name in text for u in units)
    # Someone who cannot see the district cannot start it.
    client.force_login(world.outsider)
    assert (
        client.post(
            reverse("reports:unit-report-subtree", args=[world.district.pk, 2027])
        ).status_code
        == 404
    )

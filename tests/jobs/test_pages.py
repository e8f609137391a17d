"""The job page: progress that polls until finished, the result, download, retry, and the API."""

from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.jobs import files, services
from doanvien.jobs.models import Job


def a_job(world, **fields):
    job = services.job_start(
        actor=world.secretary, kind=Job.Kind.REPORT_EXPORT, unit=world.branch, params={"year": 1}
    )
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_a_running_job_page_polls_its_status(client, world):
    job = a_job(world, state=Job.State.RUNNING, done=30, total=120)
    client.force_login(world.secretary)
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="25"' in page
    fragment = client.get(reverse("jobs:job-status", args=[job.pk])).content.decode()
    assert "30" in fragment and "120" in fragment


def test_a_finished_job_stops_polling_and_offers_its_file(client, world):
    job = a_job(world, state=Job.State.SUCCEEDED, result={"lines": ["12 units in the file"]})
    with files.writing_output(job, ".xlsx") as path:
        path.write_bytes(b"xlsx bytes")
    client.force_login(world.secretary)
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert "every 1s" not in page and "12 units in the file" in page
    download = client.get(reverse("jobs:job-download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"xlsx bytes"


def test_an_import_with_errors_lists_them_row_by_row(client, world):
    errors = [{"row": 4, "column": "Số CCCD", "value": "12ab", "message": "Không hợp lệ"}]
    job = a_job(world, kind=Job.Kind.MEMBERS_IMPORT, state=Job.State.INVALID, errors=errors)
    client.force_login(world.secretary)
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert "Số CCCD" in page and "12ab" in page and "Không hợp lệ" in page


def test_a_failed_job_can_be_retried_from_its_page(client, world):
    job = a_job(world, state=Job.State.FAILED)
    client.force_login(world.secretary)
    response = client.post(reverse("jobs:job-retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED


def test_confirming_what_cannot_be_confirmed_says_why(client, world):
    job = a_job(world, state=Job.State.SUCCEEDED)
    client.force_login(world.secretary)
    response = client.post(reverse("jobs:job-confirm", args=[job.pk]), follow=True)
    assert "Chỉ có thể xác nhận" in response.content.decode()


def test_nobody_else_sees_the_job(client, world):
    job = a_job(world, state=Job.State.SUCCEEDED)
    client.force_login(world.base_cadre)  # sees the branch, did not start the job
    assert client.get(reverse("jobs:job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404


def test_the_api_gives_state_progress_errors_and_result(client, world):
    job = a_job(world, state=Job.State.RUNNING, done=1, total=4)
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.secretary)}"}
    body = client.get(f"/api/v1/jobs/{job.pk}", headers=headers).json()
    assert (body["state"], body["progress"], body["errors"], body["download"]) == (
        "running",
        25,
        [],
        None,
    )
    conflict = client.post(f"/api/v1/imports/{job.pk}/confirm", headers=headers)
    assert conflict.status_code == 409
    other = {"Authorization": f"Bearer {api_token_issue(user=world.base_cadre)}"}
    assert client.get(f"/api/v1/jobs/{job.pk}", headers=other).status_code == 404


def test_a_bearer_token_downloads_the_file_the_job_made(client, world):
    job = a_job(world, state=Job.State.SUCCEEDED)
    with files.writing_output(job, ".xlsx") as path:
        path.write_bytes(b"xlsx bytes")
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.secretary)}"}
    link = client.get(f"/api/v1/jobs/{job.pk}", headers=headers).json()["download"]
    assert link == f"http://testserver/api/v1/jobs/{job.pk}/download"
    got = client.get(link, headers=headers)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"xlsx bytes"
    assert "attachment" in got["Content-Disposition"]
    other = {"Authorization": f"Bearer {api_token_issue(user=world.base_cadre)}"}
    assert client.get(link, headers=other).status_code == 404
    assert client.get(link).status_code == 401
    waiting = a_job(world, state=Job.State.RUNNING)
    assert client.get(f"/api/v1/jobs/{waiting.pk}/download", headers=headers).status_code == 404

"""The member list and the subtree report in Excel through the API: filters and columns checked
before any job starts; the same jobs as the pages', followed and downloaded through /jobs."""

import io

import openpyxl

from doanvien.jobs.models import Job
from doanvien.jobs.runner import run
from doanvien.members.columns import SPECS

from .conftest import ApiClient


def _file(client: ApiClient, job_id) -> openpyxl.Workbook:
    followed = client.get(f"/api/v1/jobs/{job_id}").json()
    assert followed["state"] == "succeeded", followed
    download = client.get(followed["download"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    return openpyxl.load_workbook(io.BytesIO(body))


def test_the_chosen_columns_in_the_list_s_order_for_the_filtered_members(world):
    api = ApiClient(world.base_cadre)
    url = f"/api/v1/units/{world.base.pk}/members/export"
    started = api.post(url, {"q": "dao", "columns": ["phone", "full_name"]})
    assert started.status_code == 202, started.content
    job = Job.objects.get(pk=started.json()["job"])
    assert job.params["filters"] == {"q": "dao"}
    assert job.params["columns"] == ["full_name", "phone"]
    assert run(job.pk) == Job.State.SUCCEEDED
    sheet = _file(api, job.pk).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(r)]
    header = list(rows[0])
    assert header[:2] == [SPECS["full_name"].header, SPECS["phone"].header]
    names = {r[0] for r in rows[1:]}
    assert names == {"Trần Thị Đào"}  # found without the accents, nobody else


def test_bad_columns_and_filters_start_nothing(world):
    api = ApiClient(world.base_cadre)
    url = f"/api/v1/units/{world.base.pk}/members/export"
    unknown = api.post(url, {"columns": ["full_name", "salary"]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "columns", "message": "Không có cột “salary”."}]
    assert api.post(url, {"columns": []}).status_code == 422
    assert api.post(url, {"status": "sleeping"}).status_code == 422
    assert api.post(url, {"colour": "red"}).status_code == 422
    assert not Job.objects.exists()


def test_the_national_set_and_the_scope(world):
    outside = ApiClient(world.outsider).post(f"/api/v1/units/{world.base.pk}/members/export", {})
    assert outside.status_code == 404
    api = ApiClient(world.secretary)
    started = api.post(f"/api/v1/units/{world.branch.pk}/members/export", {})
    assert started.status_code == 202
    job = Job.objects.get(pk=started.json()["job"])
    assert job.params["filters"] == {} and "columns" not in job.params  # the national set
    assert run(job.pk) == Job.State.SUCCEEDED
    rows = [r for r in _file(api, job.pk).active.iter_rows(values_only=True) if any(r)]
    written = {c for r in rows for c in r if isinstance(c, str)}
    assert {"Nguyễn Văn An", "Trần Thị Đào"} <= written
    assert "Lê Minh Châu" not in written  # another branch: not in her unit's list


def test_the_subtree_report_job_through_the_api(world):
    """The report page's "every unit" Excel, started through the API and downloaded."""
    url = f"/api/v1/units/{world.district.pk}/reports/2027/subtree"
    assert ApiClient(world.outsider).post(url).status_code == 404
    bad_year = f"/api/v1/units/{world.district.pk}/reports/1/subtree"
    assert ApiClient(world.province_cadre).post(bad_year).status_code == 422
    api = ApiClient(world.province_cadre)
    started = api.post(url)
    assert started.status_code == 202, started.content
    job = Job.objects.get(pk=started.json()["job"])
    assert (job.kind, job.unit_id, job.params["year"]) == (
        Job.Kind.REPORT_EXPORT,
        world.district.pk,
        2027,
    )
    assert run(job.pk) == Job.State.SUCCEEDED
    text = " ".join(
        str(c) for r in _file(api, job.pk).active.iter_rows(values_only=True) for c in r if c
    )
    units = [world.district, world.base, world.branch, world.branch2, world.other_base]
    assert all(u.name in text for u in units)

"""Codes for a whole base union as a background job: every member without an account, a ZIP
with the slips (PDF) and the list (Excel)."""

import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from doanvien.jobs import files
from doanvien.jobs.models import Job
from doanvien.jobs.runner import run
from doanvien.member_accounts.models import ActivationCode

from ..factories import make_member


def test_the_base_union_job_issues_a_code_to_each_member_without_account(client, world):
    make_member(world.branch2, full_name="Đặng Văn Phúc")
    client.force_login(world.base_cadre)
    page = client.get(reverse("member_accounts:unit-codes", args=[world.base.pk]))
    assert page.context["without_account"] == 3  # member2, member_in_branch2, Phúc
    response = client.post(reverse("member_accounts:codes-bulk", args=[world.base.pk]))
    job = Job.objects.get(kind=Job.Kind.ACTIVATION_CODES)
    assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert run(job.pk) == Job.State.SUCCEEDED
    assert ActivationCode.objects.count() == 3
    assert not ActivationCode.objects.filter(member=world.outsider_member).exists()
    archive = zipfile.ZipFile(files.output_path(job))
    assert sorted(archive.namelist()) == ["ma-kich-hoat.xlsx", "phieu-kich-hoat.pdf"]
    assert archive.read("phieu-kich-hoat.pdf").startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(archive.read("ma-kich-hoat.xlsx"))).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[3]}
    assert names == {"Trần Thị Đào", "Lê Minh Châu", "Đặng Văn Phúc"}


def test_the_bulk_job_is_for_cadres_of_the_union(client, world):
    client.force_login(world.secretary)
    url = reverse("member_accounts:codes-bulk", args=[world.base.pk])
    assert client.post(url).status_code == 404  # the base union is outside her scope
    client.force_login(world.base_cadre)
    assert (
        client.post(reverse("member_accounts:codes-bulk", args=[world.branch.pk])).status_code
        == 403
    )
    assert not Job.objects.exists()


def test_the_api_starts_the_same_job_and_gives_its_file(world):
    from ..api.conftest import ApiClient

    url = f"/api/v1/units/{world.base.pk}/activation-codes/job"
    assert ApiClient(world.secretary).post(url).status_code == 404  # outside her scope
    branch_url = f"/api/v1/units/{world.branch.pk}/activation-codes/job"
    assert ApiClient(world.base_cadre).post(branch_url).status_code == 403
    assert not Job.objects.exists()
    cadre = ApiClient(world.base_cadre)
    started = cadre.post(url)
    assert started.status_code == 202, started.content
    job = Job.objects.get(pk=started.json()["job"])
    assert (job.kind, job.unit_id) == (Job.Kind.ACTIVATION_CODES, world.base.pk)
    assert job.params["activate_url"].endswith(reverse("member_accounts:activate"))
    assert run(job.pk) == Job.State.SUCCEEDED
    assert ActivationCode.objects.count() == 2  # member2 and member_in_branch2
    followed = cadre.get(f"/api/v1/jobs/{job.pk}").json()
    assert followed["state"] == "succeeded" and followed["download"]
    download = cadre.get(followed["download"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert sorted(zipfile.ZipFile(io.BytesIO(body)).namelist()) == [
        "ma-kich-hoat.xlsx",
        "phieu-kich-hoat.pdf",
    ]

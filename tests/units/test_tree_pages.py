"""The tree import through its page and the real worker (upload, preview, confirm), its
template, and the tree's export, which imports back as it is."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from doanvien.jobs.models import Job
from doanvien.units.models import Unit

from .test_tree_import import NEW_DISTRICT, sheet

# The real worker closes connections between tasks: these tests commit what it reads.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_upload_preview_confirm_then_the_units_are_there(client, world, tmp_path):
    client.force_login(world.province_cadre)
    url = reverse("units:unit-tree-import", args=[world.province.pk])
    detail = client.get(reverse("units:unit-detail", args=[world.province.pk]))
    assert url in detail.content.decode()
    page = client.get(url).content.decode()
    assert reverse("units:unit-tree-template", args=[world.province.pk]) in page
    path = sheet(tmp_path, NEW_DISTRICT)
    response = client.post(url, {"file": SimpleUploadedFile(path.name, path.read_bytes())})
    job = Job.objects.get(kind=Job.Kind.UNITS_IMPORT)
    assert response.status_code == 302
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.AWAITING_CONFIRMATION, job.errors
    assert job.result["to_create"] == 4 and not Unit.objects.filter(code="TN-BD").exists()
    detail = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert "Huyện đoàn Bình Đức (TN-BD)" in detail
    client.post(reverse("jobs:job-confirm", args=[job.pk]))
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert Unit.objects.get(code="TN-BD-X1-A").parent().code == "TN-BD-X1"


def test_a_file_with_errors_gives_the_marked_copy_and_writes_nothing(client, world, tmp_path):
    client.force_login(world.province_cadre)
    path = sheet(tmp_path, [["A1", "Đoàn A", "base", "", "NOWHERE"]])
    client.post(
        reverse("units:unit-tree-import", args=[world.province.pk]),
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    run_worker()
    job = Job.objects.get(kind=Job.Kind.UNITS_IMPORT)
    assert job.state == Job.State.INVALID
    assert job.errors[0]["row"] == 2 and "NOWHERE" in job.errors[0]["message"]
    assert job.output_name
    assert not Unit.objects.filter(code="A1").exists()


def test_the_template_offers_the_levels_below_and_imports_empty(client, world):
    client.force_login(world.province_cadre)
    response = client.get(reverse("units:unit-tree-template", args=[world.province.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data = book.worksheets[0]
    assert [c.value for c in data[1]][:5] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Cấp",
        "Khu vực",
        "Mã đơn vị cấp trên",
    ]
    lists = book.worksheets[1]
    levels = [c.value for c in lists["A"][1:] if c.value]
    assert "Trung ương" not in levels and "Chi đoàn" in levels
    assert any(v.type == "list" for v in data.data_validations.dataValidation)


def test_the_export_imports_back_unchanged_and_counts_members(client, world, tmp_path):
    from doanvien.units.imports import units_import

    client.force_login(world.base_cadre)
    response = client.get(reverse("units:unit-tree-export", args=[world.district.pk]))
    assert response.status_code == 404  # above her base union
    client.force_login(world.province_cadre)
    response = client.get(reverse("units:unit-tree-export", args=[world.province.pk]))
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][-1] == "Số đoàn viên"
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["TN-TA"][4] in ("", None)  # right under the unit exported
    assert by_code["TN-TA-THPT-12A1"][4] == "TN-TA-THPT"
    assert by_code["TN-TA-THPT"][5] == 3 and by_code["TN-TA"][5] == 4
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    result = units_import(
        actor=world.province_cadre,
        unit=world.province,
        path=path,
        filename=path.name,
        confirm=False,
    )
    assert result.ok, result.errors
    assert (result.to_create, result.to_update, result.unchanged) == (0, 0, 6)


def test_a_member_row_naming_a_missing_branch_sends_to_the_tree_import(world, tmp_path):
    """The member import creates no unit: a branch that is not there is an error that says to
    import the units first, with the link to the tree import."""
    from django.utils import translation

    from doanvien.members.imports import members_import
    from doanvien.members.models import Member

    path = sheet(
        tmp_path,
        [["Nguyễn Thị Hoa", "079305001111", "Chi đoàn Chưa Có"]],
        header=["Họ và tên", "Số CMND/CCCD", "Chi đoàn"],
        name="doan-vien.xlsx",
    )
    units, members = Unit.objects.count(), Member.objects.count()
    with translation.override("en"):
        result = members_import(
            actor=world.base_cadre, unit=world.base, path=path, filename=path.name, confirm=True
        )
    assert not result.written
    branch_errors = [e for e in result.errors if e.column == "Chi đoàn"]
    assert branch_errors[0].row == 2
    assert branch_errors[0].message.endswith("import the units first.")
    assert result.links == [
        {
            "url": reverse("units:unit-tree-import", args=[world.base.pk]),
            "label": "Import the units from Excel",
        }
    ]
    assert (Unit.objects.count(), Member.objects.count()) == (units, members)

"""A province moves in through the API alone: its tree is created, its training programme
configured, its members imported, a district moved, two base unions merged, and the audit trail
of all of it read back."""

from datetime import date

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from doanvien.members.models import Member
from doanvien.training import default_framework
from doanvien.training.models import ContentArea, Criterion, Framework, Phase
from doanvien.units import member_counts
from doanvien.units.models import Unit

from ..factories import make_unit

# The real worker runs the import: it reads what the test committed.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def members_file(path, rows):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    header = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn", "Chi đoàn"]
    sheet.write_row(0, 0, header)
    for r, (name, born, sex, number, joined, branch) in enumerate(rows, start=1):
        sheet.write_string(r, 0, name)
        sheet.write_datetime(r, 1, born, dates)
        sheet.write_string(r, 2, sex)
        sheet.write_string(r, 3, number)
        sheet.write_datetime(r, 4, joined, dates)
        sheet.write_string(r, 5, branch)
    book.close()
    return path


def test_a_province_moves_in_through_the_api(api_client, world, tmp_path):
    api = api_client(world.superuser)
    other_province = make_unit(name="Tỉnh đoàn Bên Cạnh", code="BC", level="province")

    def child(parent, name, code, level, sector=""):
        answer = api.post(
            f"/api/v1/units/{parent}/children",
            {"name": name, "code": code, "level": level, "sector": sector},
        )
        assert answer.status_code == 201, answer.json()
        return answer.json()["id"]

    province = world.province.pk
    north = child(province, "Huyện đoàn Bắc", "TN-BAC", "district")
    south = child(province, "Huyện đoàn Nam", "TN-NAM", "district")
    school = child(north, "Đoàn trường THPT Bắc", "TN-BAC-THPT", "base", "school")
    commune = child(north, "Đoàn xã Bắc Sơn", "TN-BAC-BS", "base", "residential")
    child(school, "Chi đoàn 10A1", "TN-BAC-THPT-10A1", "branch", "school")
    child(commune, "Chi đoàn Thôn 1", "TN-BAC-BS-T1", "branch", "residential")
    child(south, "Đoàn xã Nam Hà", "TN-NAM-NH", "base", "residential")

    # The province's training programme for the year: a registration deadline with its
    # extension and a criterion of its own, which the new units inherit.
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    training = f"/api/v1/units/{province}/training/2026"
    deadline = api.post(
        f"{training}/deadlines",
        {"kind": "registration", "due_on": "15/11/2025", "extended_to": "30/11/2025"},
    )
    assert deadline.status_code == 201, deadline.json()
    criterion = api.post(
        f"{training}/criteria",
        {"area_code": "1", "text": "Tham gia hiến máu tình nguyện", "custom": True},
    )
    assert criterion.status_code == 201, criterion.json()
    below = api.get(f"/api/v1/units/{school}/training/2026/deadlines").json()["deadlines"]
    assert [(d["unit"]["id"], d["extended_to"]) for d in below if d["unit"]] == [
        (province, "2025-11-30")
    ]
    offered = api.get(f"/api/v1/units/{school}/training/2026/framework").json()["areas"]
    assert criterion.json()["id"] in [c["id"] for a in offered for c in a["criteria"]]

    # Its members, from the file of the national software, into the district.
    path = members_file(
        tmp_path / "doan-vien.xlsx",
        [
            (
                "Ngô Thị Lan",
                date(2008, 3, 2),
                "Nữ",
                "079308001201",
                date(2024, 3, 26),
                "TN-BAC-THPT-10A1",
            ),
            (
                "Đỗ Văn Phú",
                date(2005, 7, 9),
                "Nam",
                "079305001202",
                date(2021, 3, 26),
                "TN-BAC-BS-T1",
            ),
        ],
    )
    upload = api.client.post(
        f"/api/v1/units/{north}/imports",
        {"kind": "members", "file": SimpleUploadedFile(path.name, path.read_bytes())},
        headers=api.headers,
    )
    assert upload.status_code == 202, upload.json()
    job = upload.json()["job"]
    run_worker()
    preview = api.get(f"/api/v1/jobs/{job}").json()
    assert preview["state"] == "awaiting_confirmation"
    # The preview counts the members of each branch, named by its path below the district.
    assert [(b["path"], b["to_create"]) for b in preview["result"]["by_branch"]] == [
        ("Đoàn trường THPT Bắc / Chi đoàn 10A1", 1),
        ("Đoàn xã Bắc Sơn / Chi đoàn Thôn 1", 1),
    ]
    assert api.post(f"/api/v1/imports/{job}/confirm").status_code == 200
    run_worker()
    assert api.get(f"/api/v1/jobs/{job}").json()["state"] == "succeeded"
    assert member_counts.now(Unit.objects.get(pk=north)) == 2

    # The northern district moves to the next province, with its units and members.
    moved = api.post(f"/api/v1/units/{north}/move", {"parent": other_province.pk})
    assert moved.status_code == 200 and moved.json()["parent"] == other_province.pk
    assert member_counts.now(Unit.objects.get(pk=other_province.pk)) == 2

    # Its two base unions merge: the commune's branch goes to the school's union.
    merged = api.post(f"/api/v1/units/{commune}/merge", {"into": school})
    assert merged.status_code == 200
    assert Unit.objects.get(code="TN-BAC-BS-T1").parent().pk == school
    assert (
        Member.objects.filter(unit_path__startswith=Unit.objects.get(pk=school).path).count() == 2
    )

    # The audit trail of all of it, read from the province that now holds the district.
    trail = api.get(f"/api/v1/units/{other_province.pk}/audit").json()["results"]
    actions = {e["action"] for e in trail}
    assert {"unit.created", "member.created", "unit.moved", "unit.merged"} <= actions
    # Everything but the set-up of the next province was done by the walk's own account.
    assert {e["actor"] for e in trail if e["summary"] != other_province.name} == {
        world.superuser.username
    }
    units_only = api.get(f"/api/v1/units/{other_province.pk}/audit", {"action": "unit."}).json()
    assert units_only["results"] and all(
        e["action"].startswith("unit.") for e in units_only["results"]
    )
    # ID numbers are masked in the trail.
    created = [e for e in trail if e["action"] == "member.created"]
    assert created and all("079308001201" not in str(e["changes"]) for e in created)
    # The province's configuration is in its own trail.
    configured = api.get(f"/api/v1/units/{province}/audit", {"action": "deadline."}).json()
    assert [e["action"] for e in configured["results"]] == ["deadline.set"]
    # The province it left keeps the southern district's events, none of the moved one's.
    left = api.get(f"/api/v1/units/{province}/audit", {"action": "unit.created"}).json()
    assert {e["summary"] for e in left["results"]} >= {"Huyện đoàn Nam", "Đoàn xã Nam Hà"}
    assert "Đoàn trường THPT Bắc" not in {e["summary"] for e in left["results"]}

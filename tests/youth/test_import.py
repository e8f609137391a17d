"""Importing youths and their groups from a survey list: preview then confirm, all or nothing,
each error named by row and column; malformed files refused whole. Every person is invented."""

import uuid
from io import BytesIO
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from doanvien.core.models import AuditEvent, ImportChunk
from doanvien.core.spreadsheets import importing
from doanvien.jobs.models import Job
from doanvien.youth import rollup as youth_rollup
from doanvien.youth.imports import youths_import
from doanvien.youth.models import Group, Youth

HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Điện thoại",
    "Tình trạng",
    "Mã chi đoàn",
    "Nhóm, câu lạc bộ, đội",
    "Loại nhóm",
    "Ngày vào Hội",
]


def sheet(tmp_path: Path, rows, header=HEADER, name="khao-sat.xlsx") -> Path:
    path = tmp_path / name
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet()
    for col, text in enumerate(header):
        ws.write_string(0, col, text)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value != "":
                ws.write(r, col, value)
    book.close()
    return path


def run(world, path, *, confirm=True, unit=None):
    with translation.override("en"):
        return youths_import(
            actor=world.secretary,
            unit=unit or world.branch,
            path=path,
            filename=path.name,
            confirm=confirm,
        )


@pytest.fixture
def run_worker():
    """The real task worker over what is queued, in this process."""
    return lambda: call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def state():
    return (
        list(Youth.objects.order_by("pk").values()),
        list(Group.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


GOOD = [
    [
        "Đinh Thị Mai",
        "02/09/2008",
        "Nữ",
        "0912000001",
        "Đang học",
        "",
        "CLB Bóng đá Ấp 3",
        "Câu lạc bộ",
        "",
    ],
    [
        "Lý Văn Tâm",
        "15/03/2004",
        "Nam",
        "",
        "Đang làm việc",
        "",
        "clb bóng đá ấp 3",
        "",
        "01/05/2024",
    ],
    ["Hồ Thị Lan", "", "female", "", "neither", "", "", "", ""],
    ["", "", "", "", "", "", "Đội văn nghệ xung kích", "Đội", ""],
]


def test_a_survey_list_is_previewed_then_written_with_its_groups(world, tmp_path):
    path = sheet(tmp_path, GOOD)
    before = state()
    preview = run(world, path, confirm=False)
    assert preview.ok and not preview.written
    assert (preview.to_create, preview.unchanged) == (4, 0)
    assert state() == before
    result = run(world, path)
    assert result.ok and result.written
    mai = Youth.objects.get(name_folded="dinh thi mai")
    assert (mai.sex, mai.situation, mai.unit, str(mai.date_of_birth)) == (
        "female",
        "studying",
        world.branch,
        "2008-09-02",
    )
    tam = Youth.objects.get(name_folded="ly van tam")
    # Both rows name one group, created once with the kind given.
    assert mai.group == tam.group and mai.group.kind == "club"
    assert str(tam.federation_joined_on) == "2024-05-01"
    assert Group.objects.count() == 2
    assert Group.objects.get(name="Đội văn nghệ xung kích").kind == "team"
    assert AuditEvent.objects.filter(action="youths.imported").count() == 1
    # The trail names the youths by id only.
    assert not AuditEvent.objects.filter(summary__contains="Mai").exists()


def test_a_new_groups_contact_and_attachment_are_read_and_checked(world, tmp_path):
    header = ["Nhóm, câu lạc bộ, đội", "Người liên hệ của nhóm", "Ngày nhóm gắn với hoạt động Đoàn"]
    bad = run(world, sheet(tmp_path, [["CLB Võ", "Anh Tư", "01/01/2099"]], header=header))
    assert not bad.ok and bad.errors[0].column == "Ngày nhóm gắn với hoạt động Đoàn"
    assert not Group.objects.exists()
    ok = run(world, sheet(tmp_path, [["CLB Võ", "Anh Tư", "01/03/2024"]], header=header))
    assert ok.written
    group = Group.objects.get()
    assert (group.contact, str(group.attached_on)) == ("Anh Tư", "2024-03-01")


def test_a_second_import_of_the_same_file_records_nobody_twice(world, tmp_path):
    path = sheet(tmp_path, GOOD)
    run(world, path)
    before = state()
    again = run(world, path)
    assert again.ok and again.to_create == 0 and again.unchanged == 4
    assert state()[:2] == before[:2]


def test_an_existing_group_of_the_unit_above_is_found(world, tmp_path):
    group = Group.objects.create(name="CLB Tình nguyện", unit=world.base, unit_path=world.base.path)
    run(world, sheet(tmp_path, [["Võ Minh Khoa", "", "", "", "", "", "clb tinh nguyen", "", ""]]))
    assert Youth.objects.get().group == group and Group.objects.count() == 1


BAD_ROWS = [
    (
        [["", "02/09/2008", "Nữ", "", "", "", "", "", ""]],
        [(2, "Họ và tên", "full name")],
    ),
    (
        [["Đinh Thị Mai", "31/02/2008", "", "", "", "", "", "", ""]],
        [(2, "Ngày sinh", "not a date")],
    ),
    (
        [["Đinh Thị Mai", "02/09/2099", "", "", "", "", "", "", ""]],
        [(2, "Ngày sinh", "future")],
    ),
    (
        [["Đinh Thị Mai", "", "Khác lạ", "", "đi chơi", "", "", "", ""]],
        [(2, "Giới tính", "from the list"), (2, "Tình trạng", "from the list")],
    ),
    (
        [["Đinh Thị Mai", "", "", "", "", "TN-TA-TH-A1", "", "", ""]],
        [(2, "Mã chi đoàn", "No unit of this code")],
    ),
    (
        [["Đinh Thị Mai", "", "", "", "", "", "Nhóm A", "Hội kín", ""]],
        [(2, "Loại nhóm", "from the list")],
    ),
    (
        [
            ["Đinh Thị Mai", "02/09/2008", "", "", "", "", "", "", ""],
            ["Lý Văn Tâm", "", "", "", "", "", "", "", ""],
            ["ĐINH THỊ MAI", "02/09/2008", "", "", "", "", "", "", ""],
        ],
        [(4, "Họ và tên", "Row 2 already has this youth")],
    ),
    (
        [["Nguyễn " * 30, "", "", "", "", "", "", "", ""]],
        [(2, "Họ và tên", "At most 120")],
    ),
]


@pytest.mark.parametrize("rows, expected", BAD_ROWS)
def test_a_malformed_file_writes_nothing_and_names_the_rows(world, tmp_path, rows, expected):
    before = state()
    result = run(world, sheet(tmp_path, rows + [GOOD[2]]))
    assert not result.ok and not result.written
    found = [(e.row, e.column, e.message) for e in result.errors]
    assert len(found) == len(expected), found
    for (row, column, message), (erow, ecolumn, emessage) in zip(found, expected, strict=True):
        assert (row, column) == (erow, ecolumn) and emessage in message, found
    assert state() == before


def test_a_file_without_names_or_groups_is_refused(world, tmp_path):
    result = run(world, sheet(tmp_path, [["0912", "Nữ"]], header=["Điện thoại", "Giới tính"]))
    assert not result.ok and result.errors[0].row is None


def test_not_a_spreadsheet_is_refused(world, tmp_path):
    path = tmp_path / "khao-sat.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    before = state()
    result = run(world, path)
    assert not result.ok and result.errors[0].row is None and state() == before


def test_an_empty_file_is_refused(world, tmp_path):
    result = run(world, sheet(tmp_path, [], header=[]))
    assert not result.ok and result.errors[0].row is None


def test_too_many_rows_are_refused(world, tmp_path, settings):
    settings.YOUTH_IMPORT_MAX_ROWS = 3
    rows = [[f"Thanh Niên {i}", "", "", "", "", "", "", "", ""] for i in range(6)]
    before = state()
    result = run(world, sheet(tmp_path, rows))
    assert not result.ok and result.errors[0].row is None and state() == before


def test_a_youth_of_a_unit_outside_the_import_is_refused(world, tmp_path):
    rows = [["Đinh Thị Mai", "", "", "", "", "TN-TA-THPT-12A2", "", "", ""]]
    result = run(world, sheet(tmp_path, rows))
    assert not result.ok
    ok = run(world, sheet(tmp_path, rows), unit=world.base)
    assert ok.written and Youth.objects.get().unit == world.branch2


# The worker closes its connection at the end of a task: a transactional test.
@pytest.mark.django_db(transaction=True)
def test_the_page_starts_a_job_and_the_worker_previews_then_confirms(
    client, world, tmp_path, run_worker
):
    client.force_login(world.secretary)
    page = reverse("youth:youth-import", args=[world.branch.pk])
    assert client.get(page).status_code == 200
    with open(sheet(tmp_path, GOOD), "rb") as upload:
        answer = client.post(page, {"file": upload})
    job = Job.objects.get(kind=Job.Kind.YOUTHS_IMPORT)
    assert answer.status_code == 302
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.AWAITING_CONFIRMATION, (job.message, job.errors)
    assert Youth.objects.count() == 0
    client.post(reverse("jobs:job-confirm", args=[job.pk]))
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and Youth.objects.count() == 3


def test_the_template_has_the_headers_and_drop_down_lists(client, world):
    client.force_login(world.secretary)
    answer = client.get(reverse("youth:youth-import-template", args=[world.branch.pk]))
    assert answer.status_code == 200
    book = CalamineWorkbook.from_filelike(BytesIO(answer.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "Họ và tên" and "Mã chi đoàn" in rows[0]
    lists = book.get_sheet_by_index(1).to_python()
    assert "Nữ" in [r[0] for r in lists] and world.branch.code in [c for r in lists for c in r]
    assert b"dataValidation" in _sheet_xml(answer.content)
    # The template reads back as a file with one example row and nothing wrong.


def _sheet_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(BytesIO(content)) as z:
        return z.read("xl/worksheets/sheet1.xml")


def test_the_template_imports_back(client, world, tmp_path):
    client.force_login(world.secretary)
    answer = client.get(reverse("youth:youth-import-template", args=[world.branch.pk]))
    path = tmp_path / "mau.xlsx"
    path.write_bytes(answer.content)
    result = run(world, path, confirm=False)
    assert result.ok and result.to_create == 1


def test_every_hostile_file_is_refused_whole(world, hostile_files):
    """The hostile spreadsheets of tests/hostile.py (zip bombs, sparse sheets reaching far,
    huge shared strings…): each is refused as a file, with a message, and nothing is written."""
    before = state()
    for kind, path in hostile_files.items():
        result = run(world, path)
        assert not result.ok and not result.written, kind
        assert result.errors[0].row is None and result.errors[0].message, kind
    assert state() == before


class WorkerKilled(BaseException):
    """The worker process ending: nothing after it runs."""


def test_a_list_half_written_when_its_worker_died_is_undone(world, tmp_path, settings):
    """Two rows a chunk: the worker dies once the first chunk (a youth, and a group attached
    to the Union's activities) is written; what it wrote is undone as a worker that starts
    undoes it, and the unit's figures are counted again without the group."""
    settings.IMPORT_CHUNK_ROWS = 2
    header = [*HEADER, "Ngày nhóm gắn với hoạt động Đoàn"]
    rows = [[*row, "01/03/2024" if row[6] else ""] for row in GOOD]
    before = state()
    import_id = uuid.uuid4()

    def progress(done, total):
        if done == 2:
            raise WorkerKilled

    with pytest.raises(WorkerKilled), translation.override("en"):
        youths_import(
            actor=world.secretary,
            unit=world.branch,
            path=sheet(tmp_path, rows, header=header),
            filename="khao-sat.xlsx",
            confirm=True,
            progress=progress,
            import_id=import_id,
        )
    assert Youth.objects.count() == 2 and Group.objects.get().attached_on is not None

    assert importing.undo_import(import_id)

    youths, groups, events = before
    assert state() == (youths, groups, events + 1)  # one event: the import was undone
    assert AuditEvent.objects.latest("pk").action == "import.undone"
    assert not ImportChunk.objects.exists()
    youth_rollup.fold_all()
    assert youth_rollup.differences() == []

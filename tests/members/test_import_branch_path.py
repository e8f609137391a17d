"""A member list that carries each member's branch path (“Đường dẫn chi đoàn”), so that one
file fills a whole base union or district even where branch names repeat: each row goes to the
branch its path names inside the subtree imported into, all or nothing."""

from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from doanvien.jobs import services as job_services
from doanvien.jobs.models import Job
from doanvien.members.columns import NATIONAL_COLUMNS
from doanvien.members.exports import members_template_xlsx, members_xlsx
from doanvien.members.imports import members_import
from doanvien.members.models import Member
from doanvien.units import member_counts

from ..factories import make_member, make_unit, make_user
from .test_import import TODAY, sheet, state

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn"]
PATH = "Đường dẫn chi đoàn"


def person(n: int) -> list:
    return [f"Hồ Thị Mai {n}", date(2008, 1, n), "Nữ", f"0383080019{n:02d}", date(2025, 3, 26)]


@pytest.fixture
def schools(world):
    """A second school of the district, whose branches are named like the first school's."""
    other = make_unit(
        world.district, name="Đoàn trường THPT Tân Phú", code="TN-TA-TP", level="base"
    )
    twin = make_unit(other, name="Chi đoàn 12A1", code="TN-TA-TP-12A1")
    return other, twin


@pytest.fixture
def district_cadre(world):
    return make_user("district", role="cadre", unit=world.district)


def run(actor, unit, path, *, confirm=True):
    with translation.override("en"):
        return members_import(
            actor=actor, unit=unit, path=path, filename=path.name, confirm=confirm, today=TODAY
        )


def errors_of(result):
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


def test_one_file_fills_a_district_where_branch_names_repeat(
    world, schools, district_cadre, tmp_path
):
    other_school, twin = schools
    rows = [
        [*person(1), "Đoàn trường THPT Tân An / Chi đoàn 12A1"],
        [*person(2), "Đoàn trường THPT Tân Phú / Chi đoàn 12A1"],
        # From higher up, as the national software writes it, with codes or "name (code)".
        [*person(3), "Tỉnh đoàn Thử Nghiệm / Huyện đoàn Tân An / Đoàn xã Tân Hòa / Chi đoàn Ấp 1"],
        [*person(4), "TN-TA-THPT / Chi đoàn 12A2 (TN-TA-THPT-12A2)"],
        [*person(5), "đoàn trường thpt tân phú > chi đoàn 12a1"],
    ]
    path = sheet(tmp_path, [*HEADER, PATH], rows)

    preview = run(district_cadre, world.district, path, confirm=False)

    assert preview.ok, errors_of(preview)
    assert (preview.to_create, preview.written) == (5, False)
    assert [(b["path"], b["to_create"], b["to_update"]) for b in preview.by_branch] == [
        ("Đoàn trường THPT Tân An / Chi đoàn 12A1", 1, 0),
        ("Đoàn trường THPT Tân An / Chi đoàn 12A2", 1, 0),
        ("Đoàn xã Tân Hòa / Chi đoàn Ấp 1", 1, 0),
        ("Đoàn trường THPT Tân Phú / Chi đoàn 12A1", 2, 0),
    ]
    assert preview.by_branch_total == 4
    assert not Member.objects.filter(full_name__startswith="Hồ Thị Mai").exists()

    written = run(district_cadre, world.district, path)

    assert written.written and written.to_create == 5
    placed = dict(
        Member.objects.filter(full_name__startswith="Hồ Thị Mai").values_list(
            "full_name", "branch__code"
        )
    )
    assert placed == {
        "Hồ Thị Mai 1": world.branch.code,
        "Hồ Thị Mai 2": twin.code,
        "Hồ Thị Mai 3": world.other_branch.code,
        "Hồ Thị Mai 4": world.branch2.code,
        "Hồ Thị Mai 5": twin.code,
    }
    assert member_counts.now(other_school) == 2


def test_a_base_union_file_with_paths_below_it(world, tmp_path):
    rows = [
        [*person(1), "Chi đoàn 12A2"],
        [*person(2), "Huyện đoàn Tân An / Đoàn trường THPT Tân An / Chi đoàn 12A1"],
    ]
    path = sheet(tmp_path, [*HEADER, PATH], rows)

    result = run(world.base_cadre, world.base, path)

    assert result.written, errors_of(result)
    assert set(
        Member.objects.filter(full_name__startswith="Hồ Thị Mai").values_list("branch", flat=True)
    ) == {world.branch.pk, world.branch2.pk}
    # Updating by path: the member moves to the branch his path now names.
    path = sheet(tmp_path, [*HEADER, PATH], [[*person(1), "Chi đoàn 12A1"]], name="again.xlsx")
    preview = run(world.base_cadre, world.base, path, confirm=False)
    assert preview.to_update == 1
    assert [(b["branch"], b["to_update"]) for b in preview.by_branch] == [("Chi đoàn 12A1", 1)]


def test_a_malformed_file_names_each_bad_row_and_writes_nothing(world, tmp_path):
    make_unit(world.base, name="Chi đoàn 12A3", code="TN-TA-THPT-12A3A")
    make_unit(world.base, name="Chi đoàn 12A3", code="TN-TA-THPT-12A3B")
    rows = [
        [*person(1), "Chi đoàn 12A1"],  # good
        [*person(2), "Chi đoàn 99Z"],  # missing
        [*person(3), "Huyện đoàn Tân An / Đoàn xã Tân Hòa / Chi đoàn Ấp 1"],  # outside
        [*person(4), "TN-TA-TH-A1"],  # outside, by code
        [*person(5), "Huyện đoàn Tân An / Đoàn trường THPT Tân An"],  # not a branch
        [*person(6), "Chi đoàn 12A3"],  # ambiguous
        [*person(7), "Chi đoàn 12A3 (TN-TA-THPT-12A3B)"],  # good: the code decides
        [
            *person(8),
            "Tỉnh đoàn Khác / Huyện đoàn Tân An / Đoàn trường THPT Tân An / Chi đoàn 12A1",
        ],
    ]
    path = sheet(tmp_path, [*HEADER, PATH], rows)
    before = state()

    result = run(world.base_cadre, world.base, path)

    base = "Đoàn trường THPT Tân An"
    outside = (
        "The path “{}” leads outside Đoàn trường THPT Tân An: the members of a file go to the "
        "branches under the unit it is imported into."
    )
    assert errors_of(result) == [
        (3, PATH, "Chi đoàn 99Z", f"{base} has no branch “Chi đoàn 99Z”: import the units first."),
        (4, PATH, rows[2][5], outside.format(rows[2][5])),
        (5, PATH, "TN-TA-TH-A1", outside.format("TN-TA-TH-A1")),
        (
            6,
            PATH,
            rows[4][5],
            f"The path “{rows[4][5]}” ends with {base}, which is not a branch: write the path "
            "down to the member's branch.",
        ),
        (
            7,
            PATH,
            "Chi đoàn 12A3",
            f"Several units under {base} are named “Chi đoàn 12A3”: write its code instead "
            "(“Chi đoàn 12A3 (code)”).",
        ),
        (9, PATH, rows[7][5], outside.format(rows[7][5])),
    ]
    assert result.links == [
        {
            "url": reverse("units:unit-tree-import", args=[world.base.pk]),
            "label": "Import the units from Excel",
        }
    ]
    assert not result.written and result.to_create == 2
    assert state() == before


def test_the_branch_column_must_agree_with_the_path(world, tmp_path):
    rows = [
        [*person(1), "Chi đoàn 12A1", "Chi đoàn 12A1 (TN-TA-THPT-12A1)"],
        [*person(2), "Chi đoàn 12A2", "Chi đoàn 12A1"],
    ]
    path = sheet(tmp_path, [*HEADER, "Chi đoàn", PATH], rows)

    result = run(world.base_cadre, world.base, path)

    assert errors_of(result) == [
        (
            3,
            "Chi đoàn",
            "Chi đoàn 12A2",
            "“Chi đoàn 12A2” is not the branch the path leads to (Chi đoàn 12A1).",
        )
    ]
    assert not Member.objects.filter(full_name__startswith="Hồ Thị Mai").exists()


def test_a_path_in_the_branch_column_is_read_as_a_path(world, schools, district_cadre, tmp_path):
    _school, twin = schools
    rows = [[*person(1), "Đoàn trường THPT Tân Phú / Chi đoàn 12A1"]]
    path = sheet(tmp_path, [*HEADER, "Đơn vị"], rows)

    result = run(district_cadre, world.district, path)

    assert result.written, errors_of(result)
    assert Member.objects.get(full_name="Hồ Thị Mai 1").branch == twin


def test_the_template_offers_the_paths_and_they_import(world, schools, district_cadre, tmp_path):
    template = tmp_path / "mau.xlsx"
    members_template_xlsx(unit=world.district, out=template)
    book = openpyxl.load_workbook(template)
    members, lists = book.worksheets[0], book.worksheets[2]
    headers = [c.value for c in members[1]]
    assert headers[-2:] == ["Chi đoàn", PATH]
    column = next(col for col in lists.iter_cols() if col[0].value == "Đường dẫn chi đoàn")
    offered = [c.value for c in column[1:] if c.value]
    assert "Đoàn trường THPT Tân Phú / Chi đoàn 12A1 (TN-TA-TP-12A1)" in offered
    assert "Đoàn xã Tân Hòa / Chi đoàn Ấp 1 (TN-TA-TH-A1)" in offered
    assert any(PATH in str(row[0].value) for row in book.worksheets[1].iter_rows() if row[0].value)

    rows = [[*person(n), value] for n, value in enumerate(offered, start=1)]
    result = run(district_cadre, world.district, sheet(tmp_path, [*HEADER, PATH], rows))
    assert result.written and result.to_create == len(offered) == 4
    # A branch's own template has no branch columns.
    members_template_xlsx(unit=world.branch, out=tmp_path / "chi-doan.xlsx")
    branch_headers = [c.value for c in openpyxl.load_workbook(tmp_path / "chi-doan.xlsx").active[1]]
    assert PATH not in branch_headers


def test_the_job_page_shows_the_counts_per_branch(client, world, schools, district_cadre, tmp_path):
    rows = [
        [*person(1), "Đoàn trường THPT Tân An / Chi đoàn 12A1"],
        [*person(2), "Đoàn trường THPT Tân Phú / Chi đoàn 12A1"],
        [*person(3), "Đoàn trường THPT Tân Phú / Chi đoàn 12A1"],
    ]
    result = run(
        district_cadre, world.district, sheet(tmp_path, [*HEADER, PATH], rows), confirm=False
    )
    job = job_services.job_start(
        actor=district_cadre, kind=Job.Kind.MEMBERS_IMPORT, unit=world.district, params={}
    )
    data = result.as_dict()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.AWAITING_CONFIRMATION,
        result={"by_branch": data["by_branch"], "by_branch_total": data["by_branch_total"]},
    )
    client.force_login(district_cadre)

    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()

    table = page[page.index('id="job-branches"') :]
    table = table[: table.index("</table>")]
    assert 'Đoàn trường THPT Tân Phú / Chi đoàn 12A1</td><td class="num">2</td>' in table
    assert 'Đoàn trường THPT Tân An / Chi đoàn 12A1</td><td class="num">1</td>' in table


def test_a_district_s_export_carries_the_paths_and_goes_back_in_unchanged(
    world, schools, district_cadre, tmp_path
):
    _other_school, twin = schools
    make_member(twin, full_name="Đinh Văn Khoa")
    out = tmp_path / "export.xlsx"
    members = Member.objects.filter(branch__path__startswith=world.district.path).order_by("pk")
    columns = [*NATIONAL_COLUMNS, "branch_path"]
    written = members_xlsx(members_queryset=members, out=out, columns=columns, unit=world.district)

    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    col = rows[0].index(PATH)
    by_name = {r[0]: r[col] for r in rows[1:]}
    assert written == members.count() == len(by_name)
    # Two branches named "Chi đoàn 12A1": the path tells them apart.
    assert by_name["Nguyễn Văn An"] == "Đoàn trường THPT Tân An / Chi đoàn 12A1 (TN-TA-THPT-12A1)"
    assert by_name["Đinh Văn Khoa"] == "Đoàn trường THPT Tân Phú / Chi đoàn 12A1 (TN-TA-TP-12A1)"
    assert by_name["Phạm Đức Dũng"] == "Đoàn xã Tân Hòa / Chi đoàn Ấp 1 (TN-TA-TH-A1)"

    before = state()
    preview = run(district_cadre, world.district, out, confirm=False)
    assert preview.ok, errors_of(preview)
    assert preview.to_create == 0
    assert state() == before

"""A member's group for the training programme (Member.audience): read from words, derived by
default from the committee position and the occupation, editable on the form, in the import and
export columns and in the API; the migration gives the members already there their group."""

import importlib
from datetime import date
from io import BytesIO

import openpyxl
import pytest
import xlsxwriter
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from doanvien.actions.members import member_update
from doanvien.members.audiences import audience_named, derived_audience
from doanvien.members.exports import members_xlsx
from doanvien.members.imports import members_import
from doanvien.members.models import Member
from doanvien.members.services.records import member_create

from ..api.conftest import ApiClient
from ..factories import make_member, member_data

TODAY = date(2026, 11, 22)


# --- Reading a group from words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Học sinh", "student"),
        ("Sinh viên", "student"),
        ("HỌC SINH, SINH VIÊN", "student"),
        ("Du học sinh", "student"),
        ("Giáo viên", "teacher"),
        ("Cán bộ, giáo viên, giảng viên", "teacher"),  # school staff: not Union cadres
        ("GV", "teacher"),
        ("Cán bộ Đoàn", "cadre"),
        ("Bí thư chi đoàn", "cadre"),
        ("Ủy viên BCH", "cadre"),
        ("cadre", "cadre"),
        ("general", "general"),
        ("Học sinh, giáo viên", ""),  # two groups: none
        ("Công nhân", ""),
        ("Cán bộ", ""),
        ("", ""),
    ],
)
def test_the_group_a_text_names(text, group):
    assert audience_named(text) == group


def test_a_committee_member_is_a_cadre_and_the_others_have_their_occupations_group():
    for position in ("secretary", "deputy", "committee"):
        assert derived_audience(position=position, occupation="Học sinh") == "cadre"
    assert derived_audience(position="member", occupation="Học sinh") == "student"
    assert derived_audience(position="member", occupation="Giảng viên") == "teacher"
    assert derived_audience(position="member", occupation="Công nhân") == "general"
    assert derived_audience(position="member") == "general"


# --- The record ------------------------------------------------------------------------------


def test_a_new_member_gets_the_group_of_his_position_and_occupation(world):
    pupil = make_member(world.branch, occupation="Học sinh")
    secretary = make_member(world.branch, occupation="Học sinh", position="secretary")
    worker = make_member(world.branch, occupation="Công nhân")
    assert (pupil.audience, secretary.audience, worker.audience) == ("student", "cadre", "general")


def test_a_group_given_wins_over_the_one_derived(world):
    member = make_member(
        world.branch, occupation="Học sinh", position="secretary", audience="teacher"
    )
    assert Member.objects.get(pk=member.pk).audience == "teacher"


def test_an_edit_keeps_the_group_unless_it_is_changed_or_emptied(world):
    member = member_update(actor=None, member=world.member, data={"position": "secretary"})
    assert member.audience == "general"  # data the branch keeps: not recomputed behind its back
    member = member_update(actor=None, member=member, data={"audience": "student"})
    assert Member.objects.get(pk=member.pk).audience == "student"
    member = member_update(actor=None, member=member, data={"audience": ""})
    assert Member.objects.get(pk=member.pk).audience == "cadre"  # empty: derived again


def test_an_unknown_group_is_refused_and_nothing_is_saved(world):
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        member_update(actor=None, member=world.member, data={"audience": "pupil"})
    assert raised.value.message_dict == {
        "audience": ["Đối tượng đoàn viên: vui lòng chọn một giá trị trong danh sách."]
    }
    assert Member.objects.get(pk=world.member.pk).audience == "general"


# --- The form ----------------------------------------------------------------------------------


def test_the_form_creates_a_member_with_his_derived_group(client, world):
    client.force_login(world.secretary)
    form = client.get(reverse("members:member-create", args=[world.branch.pk])).context["form"]
    assert form.fields["audience"].choices[0][0] == ""  # empty: from the record
    response = client.post(
        reverse("members:member-create", args=[world.branch.pk]),
        {
            "full_name": "Hồ Thị Mai",
            "date_of_birth": "05/09/2005",
            "sex": "female",
            "id_number": "079305001234",
            "joined_union_on": "26/03/2022",
            "position": "deputy",
            "audience": "",
            "category": "main",
        },
    )
    assert response.status_code == 302
    assert Member.objects.get(id_number="079305001234").audience == "cadre"


def test_the_form_changes_the_group_and_the_detail_shows_it(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-edit", args=[world.member.pk])
    form = client.get(url).context["form"]
    assert form.initial["audience"] == "general"
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(
        {"audience": "teacher", "date_of_birth": "15/03/2004", "joined_union_on": "26/03/2020"}
    )
    assert client.post(url, data).status_code == 302
    assert Member.objects.get(pk=world.member.pk).audience == "teacher"
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        detail = client.get(reverse("members:member-detail", args=[world.member.pk]))
    assert "School staff, teacher or lecturer" in detail.content.decode()


def test_the_form_refuses_a_group_not_in_the_list(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-edit", args=[world.member.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(
        {"audience": "leader", "date_of_birth": "15/03/2004", "joined_union_on": "26/03/2020"}
    )
    response = client.post(url, data)
    assert response.status_code == 200 and "audience" in response.context["form"].errors
    assert Member.objects.get(pk=world.member.pk).audience == "general"


# --- Import and export -------------------------------------------------------------------------


HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn", "Chức vụ"]


def book(tmp_path, header, rows):
    path = tmp_path / "members.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            elif value is not None:
                sheet.write_string(r, c, str(value))
    workbook.close()
    return path


def run(world, path, confirm=True):
    with translation.override("en"):
        return members_import(
            actor=world.secretary,
            unit=world.branch,
            path=path,
            filename="members.xlsx",
            confirm=confirm,
            today=TODAY,
        )


def person(name, id_number, position, group):
    return [name, date(2007, 5, 1), "Nữ", id_number, date(2023, 3, 26), position, group]


def test_the_import_reads_the_group_column_in_the_wordings_met_in_files(world, tmp_path):
    path = book(
        tmp_path,
        [*HEADER, "Đối tượng đoàn viên"],
        [
            person("Lê Thị Một", "079307000001", "Đoàn viên", "Học sinh, sinh viên"),
            person("Lê Thị Hai", "079307000002", "Đoàn viên", "GV"),
            person("Lê Thị Ba", "079307000003", "Đoàn viên", "cadre"),
            person("Lê Thị Bốn", "079307000004", "Bí thư", ""),  # blank: derived
        ],
    )
    result = run(world, path)
    assert result.ok, result.errors
    groups = dict(
        Member.objects.filter(id_number__startswith="0793070000").values_list(
            "full_name", "audience"
        )
    )
    assert groups == {
        "Lê Thị Một": "student",
        "Lê Thị Hai": "teacher",
        "Lê Thị Ba": "cadre",
        "Lê Thị Bốn": "cadre",
    }


def test_a_blank_group_leaves_a_member_as_he_is_and_a_wrong_one_is_an_error(world, tmp_path):
    member_update(actor=None, member=world.member, data={"audience": "student"})
    member = Member.objects.get(pk=world.member.pk)
    row = [
        member.full_name,
        member.date_of_birth,
        "Nam",
        member.id_number,
        member.joined_union_on,
        "Bí thư",
    ]
    result = run(world, book(tmp_path, [*HEADER, "Đối tượng đoàn viên"], [[*row, ""]]))
    assert result.ok, result.errors
    assert Member.objects.get(pk=member.pk).audience == "student"  # position changed, group kept

    result = run(world, book(tmp_path, [*HEADER, "Đối tượng đoàn viên"], [[*row, "Trưởng nhóm"]]))
    assert [(e.column, e.value) for e in result.errors] == [("Đối tượng đoàn viên", "Trưởng nhóm")]
    assert "choose a value from the list" in result.errors[0].message
    assert Member.objects.get(pk=member.pk).audience == "student"


def test_the_export_writes_the_group_and_imports_back_unchanged(world, tmp_path):
    member_update(actor=None, member=world.member, data={"audience": "cadre"})
    out = BytesIO()
    with translation.override("vi"):
        members_xlsx(
            members_queryset=Member.objects.filter(branch=world.branch).order_by("pk"),
            out=out,
            columns=["full_name", "id_number", "audience"],
        )
    out.seek(0)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows()]
    assert rows[0] == ["Họ và tên", "Số CCCD/CMND", "Đối tượng đoàn viên"]
    assert rows[1][2] == "Cán bộ Đoàn" and rows[2][2] == "Đoàn viên (không thuộc đối tượng riêng)"
    path = tmp_path / "list.xlsx"
    path.write_bytes(out.getvalue())
    before = list(Member.objects.order_by("pk").values_list())
    result = run(world, path)
    assert result.ok and (result.unchanged, result.to_update) == (2, 0)
    assert list(Member.objects.order_by("pk").values_list()) == before


# --- The API --------------------------------------------------------------------------------------


def test_the_api_changes_and_returns_the_group(world):
    client = ApiClient(world.secretary)
    response = client.patch(f"/api/v1/members/{world.member.pk}", {"audience": "student"})
    assert response.status_code == 200, response.json()
    assert (response.json()["audience"], response.json()["audience_label"]) == (
        "student",
        "Học sinh, sinh viên",
    )
    assert Member.objects.get(pk=world.member.pk).audience == "student"


def test_the_api_refuses_a_group_not_in_the_list(world):
    response = ApiClient(world.secretary).patch(
        f"/api/v1/members/{world.member.pk}", {"audience": "pupil"}
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["audience"]
    assert Member.objects.get(pk=world.member.pk).audience == "general"


def test_the_api_creates_a_member_with_his_derived_group(world):
    data = member_data(position="committee")
    data = {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}
    response = ApiClient(world.secretary).post(f"/api/v1/units/{world.branch.pk}/members", data)
    assert response.status_code == 201, response.json()
    assert response.json()["audience"] == "cadre"


# --- The migration -------------------------------------------------------------------------------


def test_the_migration_gives_the_members_already_there_their_group(world):
    pupil = make_member(world.branch, occupation="Học sinh lớp 12")
    teacher = make_member(world.branch, occupation="Giáo viên")
    secretary = make_member(world.branch, occupation="Giáo viên", position="secretary")
    Member.objects.update(audience="general")  # as the column's default leaves them
    migration = importlib.import_module("doanvien.members.migrations.0011_member_audience")
    migration.set_groups(apps, None)
    groups = dict(Member.objects.values_list("pk", "audience"))
    assert (groups[pupil.pk], groups[teacher.pk], groups[secretary.pk]) == (
        "student",
        "teacher",
        "cadre",
    )
    assert groups[world.member.pk] == "general"


def test_member_create_derives_without_a_form(world):
    member = member_create(
        actor=None, branch=world.branch, data=member_data(occupation="Sinh viên năm 2")
    )
    assert member.audience == "student"

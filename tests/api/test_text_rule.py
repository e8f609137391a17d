"""The text rule through the API, the pages and the imports alike (core/text.py): a NUL, a control
character or a bidirectional override is refused with the field it is in (never a 500 from the
database), invisible characters are taken out. Every person is invented."""

from pathlib import Path

import pytest
import xlsxwriter
from django.urls import reverse
from django.utils import translation

from doanvien.members.imports import members_import
from doanvien.members.models import Member

from .conftest import fields

NEW = {
    "full_name": "Võ Thị Hoa",
    "date_of_birth": "2005-01-02",
    "sex": "female",
    "id_number": "079305001234",
    "joined_union_on": "26/03/2021",
}


@pytest.mark.parametrize("name", ["Võ Thị\x00 Hoa", "Võ Thị \u202eaoH", "Võ \u2066Thị\u2069 Hoa"])
def test_a_name_with_a_control_character_is_refused_not_stored(api_client, world, name):
    before = Member.objects.count()
    response = api_client(world.secretary).post(
        f"/api/v1/units/{world.branch.pk}/members", {**NEW, "full_name": name}
    )
    assert response.status_code == 422
    assert fields(response) == ["full_name"]
    assert "ký tự điều khiển" in response.json()["errors"][0]["message"]
    assert Member.objects.count() == before


def test_invisible_characters_are_taken_out_of_what_the_api_stores(api_client, world):
    response = api_client(world.secretary).post(
        f"/api/v1/units/{world.branch.pk}/members",
        {**NEW, "full_name": "Võ\u200b Thị Ho\u200da", "awards": "Giỏi\u00ad\nkhá"},
    )
    assert response.status_code == 201
    member = Member.objects.get(pk=response.json()["id"])
    assert (member.full_name, member.awards) == ("Võ Thị Hoa", "Giỏi\nkhá")


def test_a_change_and_a_search_are_held_to_the_same_rule(api_client, world):
    client = api_client(world.secretary)
    change = client.patch(f"/api/v1/members/{world.member.pk}", {"occupation": "Học\x00 sinh"})
    assert change.status_code == 422 and fields(change) == ["occupation"]
    search = client.get(f"/api/v1/units/{world.branch.pk}/members", {"q": "An\x00"})
    assert search.status_code == 422 and fields(search) == ["q"]
    nested = client.client.put(
        f"/api/v1/members/{world.member.pk}/registrations/2026",
        {"items": [{"criterion": 1, "plan": "Đọc\u202e sách", "target_date": None}]},
        content_type="application/json",
        headers=client.headers,
    )
    assert nested.status_code == 422 and fields(nested) == ["items.0.plan"]


def test_a_password_is_read_as_typed(api_client, world):
    response = api_client().post(
        "/api/v1/auth/token", {"username": "secretary", "password": "secret-pass-123\u200b"}
    )
    assert response.status_code == 401  # checked as typed: a wrong password, not a bad text


def test_the_member_form_refuses_an_override_and_keeps_what_was_typed(client, world):
    client.force_login(world.secretary)
    response = client.post(
        reverse("members:member-create", args=[world.branch.pk]),
        {
            "full_name": "Hồ Thị \u202eiaM",
            "date_of_birth": "05/09/2005",
            "sex": "female",
            "id_number": "079305001234",
            "joined_union_on": "26/03/2022",
            "position": "member",
            "category": "main",
        },
    )
    assert response.status_code == 200 and "full_name" in response.context["form"].errors
    assert not Member.objects.filter(id_number="079305001234").exists()


def test_an_import_refuses_such_a_cell_and_writes_nothing(world, tmp_path):
    path = Path(tmp_path) / "danh-sach.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào Đoàn", "Mã đoàn viên"],
        ["Hồ Thị \u202eiaM", "05/09/2005", "Nữ", "079305001234", "26/03/2022", ""],
        ["Lê Văn Bình", "05/09/2005", "Nam", "079205001235", "26/03/2022", "DV\x1b1"],
        ["Trần\u200b Thị Cúc", "05/09/2005", "Nữ", "079305001236", "26/03/2022", ""],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    book.close()
    before = Member.objects.count()
    with translation.override("en"):
        result = members_import(
            actor=world.secretary,
            unit=world.branch,
            path=path,
            filename=path.name,
            confirm=True,
        )
    assert not result.written and Member.objects.count() == before
    assert [(e.row, e.column) for e in result.errors] == [(2, "Họ và tên"), (3, "Mã đoàn viên")]
    assert "U+202E" in result.errors[0].message and "U+001B" in result.errors[1].message
    assert 4 not in {e.row for e in result.errors}  # the invisible one is only taken out

"""The member statistics page, its Excel file and its API: scope, breakdowns, past days."""

from datetime import date, timedelta
from io import BytesIO

import openpyxl
from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.actions.members import member_move, member_remove, member_update
from doanvien.member_stats.selectors import statistics

from ..factories import make_member

TODAY = date.today()


def api(client, user, unit, query=""):
    token = api_token_issue(user=user)
    return client.get(
        f"/api/v1/units/{unit.pk}/member-statistics{query}",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_api_gives_the_unit_and_each_child_by_sex(client, world):
    answer = api(client, world.province_cadre, world.base, "?by=sex")
    assert answer.status_code == 200
    body = answer.json()
    assert body["method"] == "rollup"
    rows = {(r["unit"], r["sex"]): r["count"] for r in body["rows"]}
    assert rows == {
        (world.base.pk, "male"): 2,
        (world.base.pk, "female"): 1,
        (world.branch.pk, "male"): 1,
        (world.branch.pk, "female"): 1,
        (world.branch2.pk, "male"): 1,
    }
    assert [u["id"] for u in body["units"]] == [world.base.pk, world.branch.pk, world.branch2.pk]


def test_two_dimensions_at_once(client, world):
    member_update(actor=None, member=world.member2, data={"date_of_birth": date(1990, 1, 1)})
    body = api(client, world.province_cadre, world.district, "?by=sex,age_band").json()
    own = {
        (r["sex"], r["age_band"]): r["count"]
        for r in body["rows"]
        if r["unit"] == world.district.pk
    }
    assert own == {("male", "19-25"): 3, ("female", "31-"): 1}
    # Two dimensions neither of which is sex are counted from the records.
    make_member(world.branch, ethnicity="Tày", religion="Phật giáo")
    body = api(client, world.province_cadre, world.base, "?by=ethnicity,religion").json()
    assert body["method"] == "query"
    own = {
        (r["ethnicity"], r["religion"]): r["count"]
        for r in body["rows"]
        if r["unit"] == world.base.pk
    }
    assert own[("Tày", "Phật giáo")] == 1
    assert sum(own.values()) == 4


def test_a_past_day_counts_the_members_where_they_were(world):
    """Moved today from branch to branch2: yesterday he was in branch; removed today, he was
    still counted yesterday; not yet admitted, he was not."""
    yesterday = TODAY - timedelta(days=1)
    member_move(actor=None, member=world.member, branch=world.branch2, on=TODAY, reason="Chuyển")
    member_remove(actor=None, member=world.member2, on=TODAY, reason="Xoá tên")
    make_member(world.branch, joined_union_on=TODAY)
    then = statistics(world.base, ["sex"], yesterday, TODAY)
    assert then.method == "query"
    assert then.counts[world.branch.pk] == {("male",): 1, ("female",): 1}
    assert then.counts[world.branch2.pk] == {("male",): 1}
    now = statistics(world.base, ["sex"], TODAY, TODAY)
    assert now.counts[world.branch.pk] == {("male",): 1}
    assert now.counts[world.branch2.pk] == {("male",): 2}


def test_the_sector_is_the_branchs(client, world):
    body = api(client, world.province_cadre, world.district, "?by=sector").json()
    own = {r["sector"]: r["count"] for r in body["rows"] if r["unit"] == world.district.pk}
    assert own == {"school": 3, "residential": 1}


def test_bad_queries_answer_400_in_vietnamese(client, world):
    for query, field in (
        ("?by=height", "by"),
        ("?by=sex,sex", "by"),
        ("?by=sex,age_band,religion", "by"),
        ("?on=31/12/2024", "on"),
        (f"?on={(TODAY + timedelta(days=1)).isoformat()}", "on"),
    ):
        answer = api(client, world.province_cadre, world.base, query)
        assert answer.status_code == 400, query
        assert answer.json()["errors"][0]["field"] == field
    assert "tương lai" in answer.json()["detail"]


def test_out_of_scope_and_members_get_404(client, world):
    assert api(client, world.outsider, world.base).status_code == 404
    assert api(client, world.member_user, world.branch).status_code == 404
    client.force_login(world.member_user)
    url = reverse("member_stats:member-statistics", args=[world.branch.pk])
    assert client.get(url).status_code == 404


def test_the_page_drills_down_and_exports(client, world):
    client.force_login(world.base_cadre)
    url = reverse("member_stats:member-statistics", args=[world.base.pk])
    page = client.get(url, {"by": "sex", "by2": "party_member"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Số liệu đoàn viên" in html
    drill = reverse("member_stats:member-statistics", args=[world.branch.pk])
    assert f'href="{drill}?by=sex,party_member"' in html
    assert client.get(url, {"on": "2099-01-01"}).status_code == 400
    xlsx = client.get(
        reverse("member_stats:member-statistics-xlsx", args=[world.base.pk]), {"by": "sex"}
    )
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(xlsx.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    total = [row for row in values if row[1] and str(row[1]).startswith("Tổng")]
    assert total and list(total[0][2:5]) == [2, 1, 3]

"""On PostgreSQL, member search and member lists read the index meant for each kind of term
(EXPLAIN names it), so that a later change cannot fall back to reading a whole province.

The test database is small, where the planner would rather read the table: sequential scans
are turned off in the test's transaction, and a few thousand members (invented names) are
added, moved into the indexes and analysed, so that the planner weighs the indexes as on a real
database."""

import itertools
import random
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doanvien.core.text import fold, sort_key_of_folded
from doanvien.members.models import Member
from doanvien.members.selectors import name_pairs_sought

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="query plans of PostgreSQL",
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hồng", "Đức", "Kim", "Quốc", "Hữu"]
GIVEN = ["An", "Anh", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Linh", "Mai", "Nam"]


@pytest.fixture
def crowd(world):
    """3,000 members in the two branches of the base union, the last one with a given name
    nobody else has."""
    rng = random.Random(7)
    names = [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(2999)]
    names.append("Đinh Thị Khuê")
    rows = []
    for n, (name, branch) in enumerate(
        zip(names, itertools.cycle([world.branch, world.branch2]), strict=False)
    ):
        folded = fold(name)
        rows.append(
            Member(
                full_name=name,
                name_folded=folded,
                sort_key=sort_key_of_folded(folded),
                member_code=f"PL{n:010d}",
                date_of_birth=date(2000, 1, 1),
                sex="female",
                id_number=f"{79_300_000_000 + n:012d}",
                joined_union_on=date(2018, 3, 26),
                card_number=f"{5_000_000 + n:010d}",
                phone=f"08{n:08d}",
                branch=branch,
                unit_path=branch.path,
            )
        )
    Member.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        # New rows wait in a GIN index's pending list, which every search reads whole (VACUUM
        # would move them into the index, as autovacuum does on a real database).
        cursor.execute("SELECT gin_clean_pending_list('member_name_trgm')")
        cursor.execute("SELECT gin_clean_pending_list('member_name_pairs')")
        cursor.execute("ANALYZE members_member")
        cursor.execute("SET LOCAL enable_seqscan = off")
    return Member.objects.get(full_name="Đinh Thị Khuê")


def unique_index_of(column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'members_member' "
            "AND indexdef LIKE 'CREATE UNIQUE INDEX %%' AND indexdef LIKE %s",
            [f"%({column})"],
        )
        return cursor.fetchone()[0]


def plans(client, path: str, params: dict) -> str:
    """The plans of every query on members_member that the request makes, one after another."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    found = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if "members_member" in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                found.append("\n".join(row[0] for row in cursor.fetchall()))
    assert found
    return "\n\n".join(found)


def api_path(unit) -> str:
    return f"/api/v1/units/{unit.pk}/members"


@pytest.mark.parametrize("unit", ["base", "province"])
@pytest.mark.parametrize(
    "kind, index",
    [
        ("full name", "member_name_pairs"),
        ("one word", "member_name_trgm"),
        ("member code", "member_code_upper"),
        ("phone", "member_phone"),
        ("card number", "card_number"),
    ],
)
def test_each_kind_of_search_reads_its_index(api_client, world, crowd, unit, kind, index):
    term = {
        "full name": "dinh thi khue",
        "one word": "khue",
        "member code": crowd.member_code.lower(),
        "phone": crowd.phone,
        "card number": crowd.card_number,
    }[kind]
    if index == "card_number":
        index = unique_index_of("card_number")

    plan = plans(api_client(world.province_cadre), api_path(getattr(world, unit)), {"q": term})

    assert index in plan, plan
    assert "Seq Scan on members_member" not in plan


def test_a_search_by_id_number_reads_its_unique_index(api_client, world, crowd):
    plan = plans(api_client(world.secretary), api_path(world.branch), {"q": crowd.id_number})

    assert unique_index_of("id_number") in plan


def test_a_search_finds_the_member_through_the_indexes(api_client, world, crowd):
    client = api_client(world.province_cadre)
    for term in ("dinh thi khue", "Đinh Thị Khuê", "khue", crowd.member_code, crowd.phone):
        body = client.get(api_path(world.province), {"q": term}).json()
        assert [m["id"] for m in body["results"]] == [crowd.pk], term


@pytest.mark.parametrize("unit", ["base", "province"])
def test_a_list_page_reads_the_order_index(api_client, world, crowd, unit):
    client = api_client(world.province_cadre)
    path = api_path(getattr(world, unit))
    first = client.get(path).json()

    assert "member_sort" in plans(client, path, {})
    assert "member_sort" in plans(client, path, {"cursor": first["next"]})


@pytest.mark.parametrize(
    "name",
    ["nguyen thanh anh", "le van an", "vo a b", "ho thi thu ha", "a b c", "nguyen", "ton nu"],
)
def test_every_part_of_a_name_finds_it_through_the_pairs(db, name):
    """What the search asks member_name_pairs for, for any part of a name, the name has: the
    index never hides a member whose name contains the term."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT member_name_pairs(%s)", [name])
        (kept,) = cursor.fetchone()
    parts = {name[i:j] for i in range(len(name)) for j in range(i + 1, len(name) + 1)}
    for part in parts:
        assert set(name_pairs_sought(part)) <= set(kept), part
    # Around each space, from two or three characters before it to two or three after it.
    assert set(kept) == {
        name[i - before : i + after + 1]
        for i, character in enumerate(name)
        if character == " "
        for before in (2, 3)
        for after in (2, 3)
        if i - before >= 0 and i + after < len(name)
    }

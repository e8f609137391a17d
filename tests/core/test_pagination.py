"""Keyset pages (core.pagination.keyset_page): the pages of a long list follow one another by
cursor without OFFSET, and the list counts no more rows than it must."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doanvien.core import pagination
from doanvien.core.pagination import BadPage, count_up_to, keyset_page
from doanvien.members.models import Member

from ..factories import make_member

KEYS = ("sort_key", "pk")


@pytest.fixture
def members(world):
    """Twelve more members in 12A2, two of them with the same name (the id decides)."""
    for n in range(10):
        make_member(world.branch2, full_name=f"Đặng Văn Số {n:02d}")
    make_member(world.branch2, full_name="Đặng Văn Số 05")
    make_member(world.branch2, full_name="Đặng Văn Số 05")
    return Member.objects.filter(unit_path__startswith=world.branch2.path)


def ordered(rows):
    return list(rows.order_by(*KEYS).values_list("pk", flat=True))


def test_following_next_goes_through_the_whole_list_once_in_order(members):
    page = keyset_page(members, keys=KEYS, per_page=5)
    seen, numbers = [], []
    while True:
        seen += [m.pk for m in page.object_list]
        numbers.append(page.number)
        if not page.has_next:
            break
        page = keyset_page(members, keys=KEYS, per_page=5, cursor=page.next_cursor)
    assert seen == ordered(members)
    assert numbers == [1, 2, 3]
    assert (page.count, page.num_pages, len(page.object_list)) == (13, 3, 3)


def test_previous_comes_back_to_the_same_page(members):
    first = keyset_page(members, keys=KEYS, per_page=5)
    second = keyset_page(members, keys=KEYS, per_page=5, cursor=first.next_cursor)
    third = keyset_page(members, keys=KEYS, per_page=5, cursor=second.next_cursor)

    back = keyset_page(members, keys=KEYS, per_page=5, cursor=third.previous_cursor)
    assert back.object_list == second.object_list and back.number == 2
    assert back.has_next and back.has_previous
    again = keyset_page(members, keys=KEYS, per_page=5, cursor=back.previous_cursor)
    assert again.object_list == first.object_list and again.number == 1
    assert not again.has_previous


def test_a_page_by_number_is_the_same_as_by_cursor(members):
    first = keyset_page(members, keys=KEYS, per_page=5)
    by_cursor = keyset_page(members, keys=KEYS, per_page=5, cursor=first.next_cursor)
    by_number = keyset_page(members, keys=KEYS, per_page=5, page=2)
    assert by_number.object_list == by_cursor.object_list
    assert by_number.next_cursor == by_cursor.next_cursor


def test_the_page_after_a_cursor_starts_from_the_keys_index(members):
    """The condition bounds the first key (sort_key >= …), which an index on the keys can start
    from: no OFFSET, and no OR that would leave the index out."""
    first = keyset_page(members, keys=KEYS, per_page=5)
    with CaptureQueriesContext(connection) as queries:
        keyset_page(members, keys=KEYS, per_page=5, cursor=first.next_cursor, count=13)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "OFFSET" not in sql.upper()
    assert '"members_member"."sort_key" >=' in sql


def test_a_known_count_is_not_counted_again(members):
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(members, keys=KEYS, per_page=5, count=13)
    assert len(queries.captured_queries) == 1
    assert (page.count, page.num_pages) == (13, 3)


def test_a_list_on_one_page_needs_no_count(members):
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(members, keys=KEYS, per_page=50)
    assert len(queries.captured_queries) == 1
    assert (page.count, page.num_pages, page.has_other_pages()) == (13, 1, False)


def test_past_the_limit_it_says_more_than(members, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 10)
    page = keyset_page(members, keys=KEYS, per_page=5)
    assert (page.count, page.more_than, page.num_pages) == (None, 10, None)
    assert count_up_to(members, 13) == 13 and count_up_to(members, 12) is None


def test_pages_by_number_stop_where_counting_stops(members, monkeypatch):
    monkeypatch.setattr(pagination, "OFFSET_LIMIT", 10)
    assert len(keyset_page(members, keys=KEYS, per_page=5, page=2).object_list) == 5
    with pytest.raises(BadPage) as too_far:
        keyset_page(members, keys=KEYS, per_page=5, page=3)
    assert (too_far.value.field, too_far.value.reason) == ("page", "too_far")


def test_a_page_after_the_last_is_missing(members):
    with pytest.raises(BadPage) as missing:
        keyset_page(members, keys=KEYS, per_page=5, page=4)
    assert (missing.value.field, missing.value.reason) == ("page", "missing")


@pytest.mark.parametrize(
    "cursor",
    ["x", "!!!", "WzEsImEiLFsiYSJdXQ", "WzAsImEiLFsiYSIsMV1d", "WzIsImEiLFsiYSIsIngiXV0"],
)
def test_a_cursor_it_did_not_write_is_refused(members, cursor):
    """Not base64 JSON; one key instead of two; page 0; an id that is not a number."""
    with pytest.raises(BadPage) as bad:
        keyset_page(members, keys=KEYS, per_page=5, cursor=cursor)
    assert (bad.value.field, bad.value.reason) == ("cursor", "invalid")

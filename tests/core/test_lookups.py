"""field__any_of: a text field equal to one of many values, as field__in finds them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doanvien.members.models import Member

pytestmark = pytest.mark.django_db


def test_it_finds_what_in_finds(world):
    codes = list(Member.objects.values_list("member_code", flat=True)[:3])
    wanted = [codes[0], codes[2], "DV-NOBODY"]
    found = set(Member.objects.filter(member_code__any_of=wanted).values_list("pk", flat=True))
    assert found == set(Member.objects.filter(member_code__in=wanted).values_list("pk", flat=True))
    assert len(found) == 2


def test_many_values_are_one_parameter_on_postgresql(world):
    wanted = [f"DV{n:010d}" for n in range(1000)]
    with CaptureQueriesContext(connection) as queries:
        assert not Member.objects.filter(member_code__any_of=wanted).exists()
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql


def test_no_values_find_nothing_without_a_query(world):
    with CaptureQueriesContext(connection) as queries:
        assert list(Member.objects.filter(member_code__any_of=[])) == []
    assert len(queries) == 0

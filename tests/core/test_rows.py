"""core.rows.ReadByKey: one statement made once; instances as the ORM makes them (values
converted, the fields not read deferred), the related row cached like select_related."""

from datetime import date

from doanvien.core.rows import ReadByKey, which_exist
from doanvien.members.models import Member

READ = ReadByKey(
    Member,
    ("full_name", "date_of_birth", "honorary", "branch"),
    related="branch",
    related_fields=("name", "path"),
)


def test_it_reads_the_fields_asked_for_with_their_types(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        member = READ(world.member.pk)
        assert member.pk == world.member.pk and member.full_name == "Nguyễn Văn An"
        assert member.date_of_birth == world.member.date_of_birth
        assert isinstance(member.date_of_birth, date) and member.honorary is False
        assert member.branch.name == "Chi đoàn 12A1" and member.branch.path == world.branch.path


def test_a_field_not_read_is_read_when_touched(world, django_assert_num_queries):
    member = READ(world.member.pk)

    with django_assert_num_queries(1):
        assert member.member_code == world.member.member_code


def test_no_such_row_is_none(world):
    assert READ(world.outsider_member.pk + 1000) is None


def test_which_exist_asks_once_for_every_queryset(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = which_exist(
            named=Member.objects.filter(full_name="Nguyễn Văn An", branch=world.branch),
            elsewhere=Member.objects.filter(full_name="Nguyễn Văn An", branch=world.other_branch),
            sliced=Member.objects.filter(pk__gt=world.member.pk).order_by("-pk"),
        )
    assert found == {"named": True, "elsewhere": False, "sliced": True}
    assert which_exist() == {}


def test_the_member_page_reads_only_what_the_member_has(client, world):
    """A member without a transfer, a change request, awards or discipline: one statement
    finds that none is there, and none is read (the pages that show them when there are:
    tests/honours, tests/members/test_transfers.py, test_attachments.py, tests/profiles)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(world.secretary)
    url = reverse("members:member-detail", args=[world.member.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries if "EXISTS" not in q["sql"])
    for table in ("members_transfer", "profiles_changerequest", "honours_award"):
        assert f'FROM "{table}"' not in tables

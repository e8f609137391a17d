"""core.rows.ReadByKey: one statement made once; instances as the ORM makes them (values
converted, the fields not read deferred), the related row cached like select_related."""

from datetime import date

from doanvien.core.rows import ReadByKey
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

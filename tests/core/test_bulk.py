"""insert_rows writes what bulk_create writes, faster."""

from datetime import date

from django.utils import timezone

from doanvien.core.bulk import insert_rows
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member

from ..factories import member_data


def _members(branch, prefix, count):
    return [
        Member(
            **member_data(full_name=f"Trần Thị Mẫu {i}", federation_member=i % 2 == 0),
            member_code=f"{prefix}{i:08d}",
            branch=branch,
            unit_path=branch.path,
        )
        for i in range(count)
    ]


def test_the_rows_are_those_bulk_create_writes(world):
    started = timezone.now()
    Member.objects.bulk_create(_members(world.branch, "BC", 5))
    assert insert_rows(Member, _members(world.branch, "IR", 5), batch_size=2) == 5

    def rows(prefix):
        return list(
            Member.objects.filter(member_code__startswith=prefix)
            .order_by("member_code")
            .values_list("full_name", "date_of_birth", "federation_member", "branch_id", "status")
        )

    assert rows("IR") == rows("BC") and len(rows("IR")) == 5
    written = Member.objects.get(member_code="IR00000003")
    assert written.date_of_birth == date(2004, 3, 15) and written.federation_member is False
    assert written.created_at >= started and written.updated_at >= started  # auto_now filled
    assert written.pk > Member.objects.get(member_code="BC00000004").pk  # the database's ids


def test_nothing_to_insert(db):
    assert insert_rows(AuditEvent, []) == 0
    assert not AuditEvent.objects.exists()

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


def test_json_and_times_are_prepared_by_their_fields(world):
    event = AuditEvent(
        action="member.created",
        target_type="member",
        target_id=7,
        unit_path=world.branch.path,
        summary="Trần Thị Mẫu",
        changes={"full_name": [None, "Trần Thị Mẫu"], "on": "2026-11-23"},
    )
    assert insert_rows(AuditEvent, [event]) == 1
    stored = AuditEvent.objects.get(target_id=7, action="member.created", summary="Trần Thị Mẫu")
    assert stored.changes == {"full_name": [None, "Trần Thị Mẫu"], "on": "2026-11-23"}
    assert stored.at is not None and stored.at.tzinfo is not None


def test_nothing_to_insert(db):
    assert insert_rows(AuditEvent, []) == 0
    assert not AuditEvent.objects.exists()


def test_records_stand_in_for_objects_with_the_fields_defaults(world):
    from doanvien.core.bulk import records
    from doanvien.members.models import Membership

    spans = list(
        records(
            Membership,
            [
                {"member_id": world.member.pk, "branch_id": world.branch.pk, "started_on": d}
                for d in (date(2021, 1, 4), date(2022, 2, 5))
            ],
        )
    )
    assert spans[0].reason == "" and spans[0].ended_on is None  # the fields' defaults
    events = list(records(AuditEvent, [{"action": "a"}, {"action": "b"}]))
    assert events[0].changes == {} and events[0].changes is not events[1].changes  # new dicts
    assert insert_rows(Membership, spans) == 2
    stored = Membership.objects.filter(member=world.member, started_on__year__gte=2021)
    assert sorted(stored.values_list("started_on", "reason", "ended_on")) == [
        (date(2021, 1, 4), "", None),
        (date(2022, 2, 5), "", None),
    ]

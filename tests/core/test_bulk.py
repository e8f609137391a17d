"""insert_rows writes what bulk_create writes, faster."""

from datetime import date

import pytest
from django.utils import timezone

from doanvien.core.bulk import insert_rows, records
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


def _on_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def test_reserved_ids_are_written_and_new_ones_follow_them(world):
    from doanvien.core.bulk import reserve_ids

    members = _members(world.branch, "RI", 3)
    reserved = reserve_ids(Member, len(members))
    if not _on_postgresql():
        assert reserved is None  # SQLite has no sequence: the ids are read back instead
        return
    assert len(set(reserved)) == 3 and min(reserved) > Member.objects.order_by("-pk")[0].pk
    for member, pk in zip(members, reserved, strict=True):
        member.id = pk
    insert_rows(Member, members)
    assert list(
        Member.objects.filter(member_code__startswith="RI")
        .order_by("member_code")
        .values_list("pk", flat=True)
    ) == sorted(reserved)
    later = Member.objects.create(
        **member_data(id_number="079204999999"), member_code="RJ1", branch=world.branch
    )
    assert later.pk > max(reserved)  # the sequence moved past them


def test_statistics_count_the_rows_a_transaction_adds(world, monkeypatch):
    from django.db import connection, transaction

    from doanvien.core.bulk import GrowingTable

    def counted() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'members_member'")
            return cursor.fetchone()[0]

    with transaction.atomic():
        table = GrowingTable(Member)
        if not _on_postgresql():
            assert not table.active
            return
        # Statistics as of a table analysed when empty, whatever an earlier test left in them.
        table.counted = 0.0
        before = Member.objects.count()
        monkeypatch.setattr(GrowingTable, "FIRST", 50)
        insert_rows(Member, _members(world.branch, "GT", 60))
        table.grew(60)
        # The transaction's own new rows are counted: the planner sees the table's size.
        assert counted() == before + 60
        table.grew(10)  # far fewer than were counted: no new ANALYZE
        assert table.added == 10


def test_a_broken_constraint_is_djangos_integrity_error(world):
    from django.db import IntegrityError, transaction

    first, second = _members(world.branch, "IE", 2)
    second.id_number = first.id_number  # unique
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Member, [first, second])
    assert not Member.objects.filter(member_code__startswith="IE").exists()


def test_json_lists_and_nested_values_are_written_as_json(world):
    given = [{"action": "json.list", "target_id": 1, "changes": ["a", {"b": 1, "c": "Đức"}]}]
    assert insert_rows(AuditEvent, records(AuditEvent, given)) == 1
    assert AuditEvent.objects.get(action="json.list").changes == ["a", {"b": 1, "c": "Đức"}]


def test_rows_that_would_break_a_unique_constraint_are_left_out_when_asked(world):
    from doanvien.meetings.models import MeetingStats

    MeetingStats.objects.filter(unit=world.branch, year=2031).delete()
    first = MeetingStats(unit=world.branch, year=2031, unit_path=world.branch.path, meetings=3)
    again = MeetingStats(unit=world.branch, year=2031, unit_path=world.branch.path, meetings=9)
    other = MeetingStats(unit=world.branch2, year=2031, unit_path=world.branch2.path, meetings=1)
    insert_rows(MeetingStats, [first])
    insert_rows(MeetingStats, [again, other], ignore_conflicts=True)
    written = dict(MeetingStats.objects.filter(year=2031).values_list("unit_id", "meetings"))
    assert written == {world.branch.pk: 3, world.branch2.pk: 1}  # the first kept its figures


def test_only_the_named_fields_are_sent_the_others_take_the_databases_default(world):
    from doanvien.meetings.models import MeetingStats

    row = MeetingStats(
        unit=world.branch, year=2032, unit_path=world.branch.path, branches=1, meetings=7
    )
    insert_rows(MeetingStats, [row], only=["unit", "year", "unit_path", "branches", "own"])
    written = MeetingStats.objects.get(unit=world.branch, year=2032)
    assert (written.branches, written.meetings) == (1, 0)  # meetings: not sent
    with pytest.raises(ValueError, match="unit_path"):  # no default in the database
        insert_rows(MeetingStats, [row], only=["unit", "year"])


def test_fields_written_as_bulk_update_writes_them(world):
    from doanvien.core.bulk import write_fields
    from doanvien.meetings.models import MeetingStats

    rows = [
        MeetingStats.objects.create(unit=u, year=2033, unit_path=u.path)
        for u in (world.branch, world.branch2)
    ]
    rows[0].meetings, rows[0].own = 4, {"meetings": 4, "held_01": 4}
    rows[1].present, rows[1].own = 12, {"present": 12}
    write_fields(MeetingStats, rows, ["meetings", "present", "own"])
    got = {
        r.unit_id: (r.meetings, r.present, r.own) for r in MeetingStats.objects.filter(year=2033)
    }
    assert got == {
        world.branch.pk: (4, 0, {"meetings": 4, "held_01": 4}),
        world.branch2.pk: (0, 12, {"present": 12}),
    }

"""The trail carries no personal data an erasure would have to remove: an event about a person
writes his name as a placeholder (shown from his record) and keeps the values it changed apart,
so that erasing him deletes those values and no event changes."""

from django.urls import reverse

from doanvien.core import audit
from doanvien.core.models import AuditEvent, AuditPersonal
from doanvien.members.models import Member
from doanvien.members.services.records import member_update
from doanvien.youth.services import youth_create, youth_erase

from ..factories import make_member


def stored_text() -> str:
    """Every event as stored, summaries and changes, as one text."""
    return " ".join(
        f"{summary} {changes}"
        for summary, changes in AuditEvent.objects.values_list("summary", "changes")
    )


def test_a_member_s_events_store_neither_his_name_nor_his_values(client, world):
    member = make_member(world.branch, full_name="Quách Thị Thu Trang", phone="0912345678")
    member_update(actor=world.secretary, member=member, data={"phone": "0987654321"})

    text = stored_text()
    assert "Quách Thị Thu Trang" not in text and "0987654321" not in text
    (event,) = AuditEvent.objects.filter(action="member.updated", target_id=member.pk)
    assert (event.person_type, event.person_id) == ("member", member.pk)
    assert event.changes == {"phone": None}
    kept = AuditPersonal.objects.get(event=event)
    assert kept.changes["phone"][1] == "0987654321"

    # Pages and the API show them from the record and the values kept apart.
    assert event.summary == audit.PERSON
    (shown,) = audit.shown([event])
    assert shown.text == "Quách Thị Thu Trang"
    assert shown.details["phone"][1] == "0987654321"
    client.force_login(world.secretary)
    page = client.get(reverse("members:member-detail", args=[member.pk])).content.decode()
    assert "0987654321" in page


def test_an_erasure_leaves_no_personal_data_in_the_trail_and_changes_no_event(world):
    youth = youth_create(
        actor=world.secretary,
        unit=world.branch,
        data={
            "full_name": "Lương Văn Tài",
            "date_of_birth": "04/03/2007",
            "sex": "male",
            "phone": "0933222111",
            "situation": "working",
        },
    )
    before = {e.pk: (e.summary, e.changes) for e in AuditEvent.objects.all()}

    youth_erase(actor=world.secretary, youth=youth)

    assert not AuditPersonal.objects.filter(person_type="youth", person_id=youth.pk).exists()
    after = {e.pk: (e.summary, e.changes) for e in AuditEvent.objects.all()}
    assert {pk: after[pk] for pk in before} == before  # no event changed
    text = stored_text()
    assert "Lương Văn Tài" not in text and "0933222111" not in text
    about = AuditEvent.objects.filter(person_type="youth", person_id=youth.pk)
    assert about.exists()
    for event in audit.shown(about):
        assert "Lương Văn Tài" not in event.text


def test_the_member_import_writes_no_names_into_the_trail(world, tmp_path):
    from tests.members.test_import_branch_path import HEADER, person, run, sheet

    path = sheet(tmp_path, HEADER, [person(1), person(2)])
    assert run(world.base_cadre, world.branch, path).written
    new = Member.objects.filter(full_name__startswith="Hồ Thị Mai").values("pk")
    created = AuditEvent.objects.filter(
        action="member.created", person_type="member", person_id__in=new
    )
    assert created.count() == 2
    assert "Hồ Thị Mai" not in stored_text()
    names = sorted(e.text for e in audit.shown(created))
    assert names == ["Hồ Thị Mai 1", "Hồ Thị Mai 2"]


def test_events_written_before_the_change_are_rewritten_without_the_person(world):
    """The migration's rewrite (core/audit_legacy.py) on events stored the old way: the name in
    the summary, the values in `changes`, no person named."""
    from django.apps import apps

    from doanvien.core.audit_legacy import make_impersonal
    from doanvien.honours.models import Award

    member = make_member(world.branch, full_name="Tạ Minh Khôi")
    old = AuditEvent.objects.create(
        action="member.updated",
        target_type="member",
        target_id=member.pk,
        summary="Sửa hồ sơ Tạ Minh Khôi (trước: Tạ Minh Khoa)",
        changes={"full_name": ["Tạ Minh Khoa", "Tạ Minh Khôi"], "phone": ["0911", "0922"]},
    )
    award = Award.objects.create(member=member, form="merit", level="district")
    about_award = AuditEvent.objects.create(
        action="award.added",
        target_type="award",
        target_id=award.pk,
        summary="Khen thưởng Tạ Minh Khôi",
        changes={"form": [None, "merit"]},
    )
    unit_event = AuditEvent.objects.create(
        action="unit.renamed",
        target_type="unit",
        target_id=world.branch.pk,
        summary="Đổi tên chi đoàn",
        changes={"name": ["A", "B"]},
    )
    gone = AuditEvent.objects.create(
        action="member.updated",
        target_type="member",
        target_id=10**9,
        summary="Sửa hồ sơ Lò Văn Mạnh",
        changes={"full_name": ["Lò Văn Mạnh", "Lò Văn Mạnh"], "phone": ["0933", "0944"]},
    )

    counts = make_impersonal(apps, batch=2)

    old.refresh_from_db()
    assert (old.person_type, old.person_id) == ("member", member.pk)
    assert "Khôi" not in old.summary and "Khoa" not in old.summary
    assert old.changes == {"full_name": None, "phone": None}
    assert AuditPersonal.objects.get(event=old).changes["phone"] == ["0911", "0922"]
    (shown,) = audit.shown([old])
    assert "Tạ Minh Khôi" in shown.text and shown.details["phone"][1] == "0922"

    unit_event.refresh_from_db()
    assert unit_event.person_type == "" and unit_event.changes == {"name": ["A", "B"]}

    gone.refresh_from_db()
    assert "Lò Văn Mạnh" not in gone.summary and gone.changes == {"full_name": None, "phone": None}
    assert not AuditPersonal.objects.filter(event=gone).exists()
    assert counts["gone"] == 1 and counts["values_moved"] >= 1
    about_award.refresh_from_db()
    assert (about_award.person_type, about_award.person_id) == ("member", member.pk)
    assert about_award.summary == f"Khen thưởng {audit.PERSON}"

    # Once is enough: a second run finds nothing more to rewrite.
    assert make_impersonal(apps)["rewritten"] == 0

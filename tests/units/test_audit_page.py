"""The audit page: the events of a subtree for its cadres, searched, paged by keyset and
exported (CSV, Excel) with ID numbers masked and no formula run."""

import io

import openpyxl
from django.urls import reverse

from doanvien.core import audit
from doanvien.core.models import AuditEvent


def test_a_base_union_cadre_searches_and_exports_the_trail_of_her_subtree(client, world):
    audit.record(
        actor=world.secretary,
        action="member.updated",
        target=world.member,
        unit_path=world.branch.path,
        summary='=HYPERLINK("http://example.com")',
        changes={"id_number": ["0793******01", "0793******02"]},
    )
    client.force_login(world.base_cadre)
    url = reverse("units:unit-audit", args=[world.base.pk])
    page = client.get(url, {"actor": "secretary"}).content.decode()
    assert "member.updated" in page
    # The other base union's events are not hers.
    assert world.outsider_member.full_name not in page
    others = client.get(url, {"action": "unit."}).content.decode()
    assert "member.updated" not in others

    exported = client.get(url, {"actor": "secretary", "format": "csv"})
    text = b"".join(exported.streaming_content).decode()
    assert "'=HYPERLINK" in text and "0793******01" in text
    book = client.get(url, {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(book.content)).active.values)
    assert rows[0][:4] == ("id", "at", "actor", "action")
    assert (
        len(rows) - 1 == AuditEvent.objects.filter(unit__path__startswith=world.base.path).count()
    )


def test_the_trail_is_for_cadres_of_base_unions_and_above(client, world):
    client.force_login(world.secretary)
    assert client.get(reverse("units:unit-audit", args=[world.branch.pk])).status_code == 403
    client.force_login(world.base_cadre)
    assert client.get(reverse("units:unit-audit", args=[world.district.pk])).status_code == 404


def test_older_events_are_reached_by_the_cursor(client, world):
    for n in range(60):
        audit.record(
            actor=world.base_cadre,
            action="unit.updated",
            target=world.base,
            unit_path=world.base.path,
            summary=f"Sự kiện {n:02d}",
        )
    client.force_login(world.base_cadre)
    url = reverse("units:unit-audit", args=[world.base.pk])
    first = client.get(url, {"action": "unit.updated"})
    assert "Sự kiện 59" in first.content.decode() and "Sự kiện 09" not in first.content.decode()
    cursor = first.context["next_cursor"]
    second = client.get(url, {"action": "unit.updated", "cursor": cursor}).content.decode()
    assert "Sự kiện 09" in second and "Sự kiện 59" not in second


def test_the_trail_of_one_object(client, world):
    """Search by object, as the list shows it ("member #12"), or by its type alone; a badly
    written object is named in Vietnamese and the page still answers."""
    for target, path in (
        (world.member, world.branch.path),
        (world.member_in_branch2, world.branch2.path),
    ):
        audit.record(
            actor=world.secretary,
            action="member.updated",
            target=target,
            unit_path=path,
            summary=f"Sửa hồ sơ {target.pk}",
        )
    client.force_login(world.base_cadre)
    url = reverse("units:unit-audit", args=[world.base.pk])
    found = client.get(url, {"object": f"member #{world.member.pk}"})
    shown = {(e.target_type, e.target_id) for e in found.context["events"]}
    assert shown == {("member", world.member.pk)}
    members = client.get(url, {"object": "member"}).context["events"]
    assert {e.target_id for e in members} >= {world.member.pk, world.member_in_branch2.pk}
    assert {e.target_type for e in members} == {"member"}
    wrong = client.get(url, {"object": "hồ sơ số 5"})
    assert wrong.status_code == 200
    assert "Hãy ghi đối tượng như danh sách hiển thị" in wrong.content.decode()


def test_a_period_is_days_of_the_sites_time_zone_both_ends_included(client, world):
    """From 10/11 to 12/11: an event at 00:30 on the 10th and one at 23:30 on the 12th (local
    time) are in it; 23:30 on the 9th and 00:30 on the 13th are not."""
    from datetime import datetime

    from django.utils import timezone

    times = {
        "ngày 9 muộn": datetime(2026, 11, 9, 23, 30),
        "ngày 10 sớm": datetime(2026, 11, 10, 0, 30),
        "ngày 12 muộn": datetime(2026, 11, 12, 23, 30),
        "ngày 13 sớm": datetime(2026, 11, 13, 0, 30),
    }
    for summary, at in times.items():
        audit.record(
            actor=world.base_cadre,
            action="unit.updated",
            target=world.base,
            unit_path=world.base.path,
            summary=summary,
        )
        AuditEvent.objects.filter(summary=summary).update(at=timezone.make_aware(at))
    client.force_login(world.base_cadre)
    url = reverse("units:unit-audit", args=[world.base.pk])
    page = client.get(url, {"action": "unit.updated", "since": "10/11/2026", "until": "12/11/2026"})
    assert {e.summary for e in page.context["events"]} == {"ngày 10 sớm", "ngày 12 muộn"}

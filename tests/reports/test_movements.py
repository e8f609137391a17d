"""The movement report: per unit and period, transfers only across the unit's border, the
entries behind each figure, the Excel export, and scoping."""

import io
from datetime import timedelta

import openpyxl
from django.urls import reverse
from django.utils import timezone

from doanvien.actions.members import member_move, member_remove
from doanvien.actions.transfers import transfer_accept
from doanvien.members.services.transfers import transfer_request
from doanvien.reports.movements import movement_report

from ..factories import make_member


def _by_unit(rows):
    return {r.unit.pk: r.counts for r in rows}


def test_it_counts_each_kind_per_child_and_transfers_only_across_borders(world):
    today = timezone.localdate()
    # Inside the base union: from 12A1 to 12A2.
    member_move(actor=None, member=world.member2, branch=world.branch2, on=today, reason="Lớp mới")
    # Out of the base union: to the other base union, through the workflow.
    transfer = transfer_request(
        actor=None, member=world.member, to_unit=world.other_base, reason="Chuyển nhà"
    )
    transfer_accept(actor=None, transfer=transfer, branch=world.other_branch)
    member_remove(actor=None, member=world.member_in_branch2, on=today, reason="Bỏ sinh hoạt")
    start, end = today - timedelta(days=1), today

    base = _by_unit(movement_report(world.base, start, end))
    assert base[world.base.pk] == {"transfer_out": 1, "removed": 1}
    assert base[world.branch.pk] == {"transfer_out": 2}
    assert base[world.branch2.pk] == {"transfer_in": 1, "removed": 1}

    district = _by_unit(movement_report(world.district, start, end))
    assert district[world.district.pk] == {"removed": 1}  # both moves stay inside the district
    assert district[world.base.pk] == {"transfer_out": 1, "removed": 1}
    assert district[world.other_base.pk] == {"transfer_in": 1}

    rows = movement_report(world.base, start, end)
    assert rows[0].net == -2
    # Another period: nothing.
    earlier = movement_report(world.base, start - timedelta(days=30), start - timedelta(days=2))
    assert all(not r.counts for r in earlier)


def test_the_page_drills_down_and_lists_the_entries(client, world):
    today = timezone.localdate()
    member_remove(actor=None, member=world.member2, on=today, reason="Bỏ sinh hoạt")
    client.force_login(world.province_cadre)
    page = client.get(reverse("reports:unit-movements", args=[world.district.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports:unit-movements", args=[world.base.pk]) in html
    entries = client.get(reverse("reports:unit-movement-list", args=[world.base.pk, "removed"]))
    assert world.member2.full_name in entries.content.decode()
    assert "Bỏ sinh hoạt" in entries.content.decode()
    unknown = client.get(reverse("reports:unit-movement-list", args=[world.base.pk, "deleted"]))
    assert unknown.status_code == 404


def test_a_bad_period_is_explained_and_the_page_still_answers(client, world):
    client.force_login(world.base_cadre)
    response = client.get(
        reverse("reports:unit-movements", args=[world.base.pk]), {"from": "32/13/2026"}
    )
    assert response.status_code == 200
    assert "32/13/2026" in response.content.decode()
    assert response.context["errors"]


def test_the_export_holds_each_entry_as_text_and_dates(client, world):
    today = timezone.localdate()
    member_remove(actor=None, member=world.member2, on=today, reason="=HYPERLINK(1)")
    make_member(world.branch)
    client.force_login(world.base_cadre)
    response = client.get(reverse("reports:unit-movements-xlsx", args=[world.base.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value.startswith(world.base.name)
    row = [c.value for c in sheet[6]]
    assert row[0].date() == today and row[2] == world.member2.full_name
    assert row[6] == "=HYPERLINK(1)" and sheet["G6"].data_type == "s"  # text, not a formula


def test_the_outsider_sees_no_movement_of_the_unit(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("reports:unit-movements", args=[world.base.pk])).status_code == 404
    xlsx = reverse("reports:unit-movements-xlsx", args=[world.base.pk])
    assert client.get(xlsx).status_code == 404

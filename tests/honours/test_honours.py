"""Awards and discipline: dated decisions with their refusals, on the member's page, in the
member export and the API's member record, counted per unit and year; the data migration that
moves the free-text fields into records."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from openpyxl import load_workbook

from doanvien.accounts.services import api_token_issue
from doanvien.honours import selectors, services
from doanvien.honours.models import Award, Discipline
from doanvien.members.exports import members_xlsx
from doanvien.members.models import Member

YEAR = date.today().year


def _award(world, member=None, **over):
    data = {
        "decision_no": "12-QĐ/ĐTN",
        "date": date(YEAR, 1, 9),
        "form": "commendation",
        "issued_by": world.base.pk,
        **over,
    }
    return services.award_record(actor=None, member=member or world.member, data=data)


def test_a_decision_needs_number_date_form_and_issuer(world):
    a = _award(world)
    assert a.level == "base" and a.issued_by_name == world.base.name
    assert a.unit_path == world.member.unit_path
    other = _award(world, issued_by="UBND xã Tân An", level="other")
    assert other.issued_by is None and other.level == "other"
    with pytest.raises(ValidationError) as e:
        services.award_record(
            actor=None,
            member=world.member,
            data={
                "date": date.today() + timedelta(days=1),
                "form": "reprimand",
                "issued_by": world.other_base.pk,
            },
        )
    assert {"decision_no", "date", "form", "issued_by"} <= set(e.value.message_dict)
    with pytest.raises(ValidationError):
        services.discipline_record(
            actor=None,
            member=world.member,
            data={"decision_no": "1", "date": "01/02/2026", "form": "merit", "issued_by": "X"},
        )
    assert Award.objects.count() == 2 and not Discipline.objects.exists()


def test_counted_per_unit_and_year(world):
    _award(world)
    _award(world, member=world.member_in_branch2, form="merit")
    _award(world, date=date(YEAR - 1, 5, 1))
    services.discipline_record(
        actor=None,
        member=world.member2,
        data={
            "decision_no": "3-QĐ",
            "date": date(YEAR, 2, 1),
            "form": "warning",
            "issued_by": world.branch.pk,
        },
    )
    counts = selectors.counts(world.base, YEAR)
    assert counts["awards"] == {"Giấy khen": 1, "Bằng khen": 1}
    assert counts["discipline"] == {"Cảnh cáo": 1}
    assert selectors.counts(world.branch2, YEAR)["awards"] == {"Bằng khen": 1}
    assert selectors.counts(world.other_base, YEAR) == {"awards": {}, "discipline": {}}


def test_on_the_member_page_in_the_export_and_the_api(client, world):
    _award(world)
    Member.objects.filter(pk=world.member.pk).update(awards="Đoàn viên tiêu biểu")
    client.force_login(world.secretary)
    page = client.get(reverse("members:member-detail", args=[world.member.pk])).content.decode()
    assert "12-QĐ/ĐTN" in page and reverse("honours:award-create", args=[world.member.pk]) in page
    out = io.BytesIO()
    members_xlsx(
        members_queryset=Member.objects.filter(pk=world.member.pk),
        out=out,
        columns=["full_name", "awards"],
    )
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cell = sheet.cell(row=2, column=2).value
    assert cell.startswith("Giấy khen, 12-QĐ/ĐTN, 09/01/") and cell.endswith("Đoàn viên tiêu biểu")
    h = {"Authorization": f"Bearer {api_token_issue(user=world.secretary)}"}
    record = client.get(f"/api/v1/members/{world.member.pk}", headers=h).json()
    assert "12-QĐ/ĐTN" in record["awards"]


def test_the_api_and_the_form(client, world):
    h = {"Authorization": f"Bearer {api_token_issue(user=world.secretary)}"}
    body = {
        "decision_no": "5-QĐ",
        "date": "2026-03-26",
        "form": "reprimand",
        "issued_by": world.branch.pk,
    }
    r = client.post(
        f"/api/v1/members/{world.member2.pk}/discipline",
        body,
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 201 and Discipline.objects.get().form == "reprimand"
    r = client.post(
        f"/api/v1/members/{world.member2.pk}/awards",
        body,
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "form"
    oh = {"Authorization": f"Bearer {api_token_issue(user=world.outsider)}"}
    r = client.post(
        f"/api/v1/members/{world.member2.pk}/awards",
        {**body, "form": "merit"},
        content_type="application/json",
        headers=oh,
    )
    assert r.status_code == 404
    client.force_login(world.secretary)
    r = client.post(
        reverse("honours:award-create", args=[world.member.pk]),
        {
            "decision_no": "7-QĐ",
            "date": "2026-03-26",
            "form": "merit",
            "issued_by_name": "Tỉnh đoàn",
            "level": "province",
        },
    )
    assert r.status_code == 302
    assert Award.objects.get(member=world.member).issued_by_name == "Tỉnh đoàn"


@pytest.mark.django_db(transaction=True)
def test_the_free_text_moves_into_records(world):
    executor = MigrationExecutor(connection)
    executor.migrate([("honours", "0001_initial")])
    executor.loader.build_graph()
    Member.objects.filter(pk=world.member.pk).update(awards="Giấy khen 2024", discipline="")
    Member.objects.filter(pk=world.member2.pk).update(discipline="Khiển trách 2023")
    executor = MigrationExecutor(connection)
    executor.migrate([("honours", "0002_free_text_moved")])
    assert list(Award.objects.values_list("member_id", "note", "date")) == [
        (world.member.pk, "Giấy khen 2024", None)
    ]
    assert list(Discipline.objects.values_list("member_id", "note")) == [
        (world.member2.pk, "Khiển trách 2023")
    ]
    assert not Member.objects.exclude(awards="").exists()
    assert not Member.objects.exclude(discipline="").exists()


def test_a_removal_decision_takes_the_member_off_the_roll_and_tells_the_level_above(world):
    from doanvien.members.models import Status
    from doanvien.notifications.models import Notification

    data = {
        "decision_no": "9-QĐ/ĐTN",
        "date": date.today() - timedelta(days=2),
        "form": "removal",
        "issued_by": world.branch.pk,
    }
    record = services.discipline_record(actor=world.secretary, member=world.member2, data=data)
    member = Member.objects.get(pk=world.member2.pk)
    assert member.status == Status.REMOVED and member.left_on == data["date"]
    assert record.form == "removal"
    told = Notification.objects.filter(kind="member_removed")
    # The base union's cadre is told, with a link to the record; the secretary who did it isn't.
    assert set(told.values_list("user_id", flat=True)) == {world.base_cadre.pk}
    assert world.member2.full_name in told.get().title
    # A second removal of a member off the roll is refused whole: no record either.
    with pytest.raises(ValidationError):
        services.discipline_record(actor=None, member=member, data={**data, "decision_no": "10"})
    assert Discipline.objects.filter(member=member).count() == 1
    # A reprimand is only a record.
    services.discipline_record(
        actor=None, member=world.member, data={**data, "form": "reprimand", "decision_no": "11"}
    )
    assert Member.objects.get(pk=world.member.pk).status == Status.ACTIVE

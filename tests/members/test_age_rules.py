"""The admission age as data (MemberRules, members/rules.py): from a full 15 years and 1 day to
the end of the age of 30 by default, the rules of the nearest unit above in force on the
admission date, applied by the member rules, the admission proposal and approval, the import and
the API."""

import calendar
from datetime import date, timedelta

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from doanvien.actions.members import member_update
from doanvien.core.models import AuditEvent
from doanvien.members.imports import members_import
from doanvien.members.models import AdmissionRequest, Member, MemberRules
from doanvien.members.rules import (
    BUILT_IN,
    AgeRules,
    admission_age_bounds,
    birthday,
    member_rules,
    rules_along,
)
from doanvien.members.services.admissions import admission_approve, admission_propose
from doanvien.members.services.records import member_create
from doanvien.members.validation import clean_member_data

from ..api.conftest import ApiClient, fields
from ..factories import member_data

TODAY = date(2026, 11, 22)


def nth_birthday(born: date, n: int) -> date:
    """The test's own reckoning: a 29 February birthday falls on 1 March in a year without
    29 February (the person is a year older from 1 March)."""
    if (born.month, born.day) == (2, 29) and not calendar.isleap(born.year + n):
        return date(born.year + n, 3, 1)
    return born.replace(year=born.year + n)


def admitted(born: date, joined: date, **kwargs) -> bool:
    data = member_data(date_of_birth=born, joined_union_on=joined)
    try:
        clean_member_data(data, today=TODAY, **kwargs)
    except ValidationError as e:
        assert set(e.message_dict) == {"joined_union_on"}, e.message_dict
        return False
    return True


def rules_row(unit, valid_from=date(2000, 1, 1), **values):
    return MemberRules.objects.create(unit=unit, valid_from=valid_from, **values)


# --- The four boundaries ----------------------------------------------------------------------


@pytest.mark.django_db
@given(born=st.dates(min_value=date(1976, 1, 1), max_value=date(2011, 11, 20)))
def test_admission_from_15_years_and_a_day_to_the_eve_of_the_31st_birthday(born):
    first = nth_birthday(born, 15) + timedelta(days=1)
    thirty_first = nth_birthday(born, 31)
    cases = [
        (first - timedelta(days=1), False),  # the 15th birthday itself
        (first, True),
        (thirty_first - timedelta(days=1), True),
        (thirty_first, False),
    ]
    for joined, expected in cases:
        if joined <= TODAY:
            assert admitted(born, joined) is expected, (born, joined)


@pytest.mark.django_db
@given(year=st.sampled_from([y for y in range(1976, 2012) if calendar.isleap(y)]))
def test_a_29_february_birthday_counts_on_1_march_in_other_years(year):
    born = date(year, 2, 29)
    fifteenth = nth_birthday(born, 15)
    assert fifteenth == date(year + 15, 3, 1)  # year + 15 is never a leap year
    if fifteenth + timedelta(days=1) <= TODAY:
        assert not admitted(born, date(year + 15, 2, 28))
        assert not admitted(born, date(year + 15, 3, 1))
        assert admitted(born, date(year + 15, 3, 2))
    if date(year + 31, 3, 1) <= TODAY:
        assert admitted(born, date(year + 31, 2, 28))
        assert not admitted(born, date(year + 31, 3, 1))


def test_the_29_february_arithmetic():
    born = date(2008, 2, 29)
    assert birthday(born, 15) == date(2023, 3, 1)
    assert birthday(born, 16) == date(2024, 2, 29)
    assert BUILT_IN.first_admission_day(born) == date(2023, 3, 2)
    assert BUILT_IN.last_admission_day(born) == date(2039, 2, 28)
    assert BUILT_IN.last_kept_day(born) == date(2044, 2, 28)  # 2044 is a leap year
    assert BUILT_IN.last_kept_day(date(2004, 3, 15)) == date(2040, 3, 14)


@pytest.mark.django_db
def test_the_message_names_the_rule_its_numbers_the_age_and_the_date():
    data = member_data(date_of_birth=date(2010, 5, 20), joined_union_on=date(2025, 5, 20))
    with translation.override("vi"), pytest.raises(ValidationError) as e:
        clean_member_data(data, today=TODAY)
    assert e.value.message_dict["joined_union_on"] == [
        "Tuổi kết nạp Đoàn từ đủ 15 tuổi 1 ngày đến hết 30 tuổi; "
        "người này 15 tuổi vào ngày 20/05/2025."
    ]
    with translation.override("en"), pytest.raises(ValidationError) as e:
        clean_member_data(
            member_data(date_of_birth=date(1990, 1, 1), joined_union_on=date(2021, 1, 1)),
            today=TODAY,
        )
    message = e.value.message_dict["joined_union_on"][0]
    assert "15 years and 1 day" in message and "30" in message and "31" in message
    assert "01/01/2021" in message


# --- The rules as data ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_national_default_is_shipped_by_a_migration_and_can_be_edited():
    default = MemberRules.objects.get(unit__isnull=True)
    assert (
        default.admission_min_years,
        default.admission_min_days,
        default.admission_max_age,
        default.maturing_age,
        default.keep_max_age,
    ) == (15, 1, 30, 30, 35)
    assert member_rules(None, TODAY) == BUILT_IN
    MemberRules.objects.filter(pk=default.pk).update(admission_min_years=16, admission_min_days=0)
    assert member_rules(None, TODAY).first_admission_day(date(2010, 5, 20)) == date(2026, 5, 20)
    # Before the row's start date, and with no row at all, the built-in values apply.
    assert member_rules(None, default.valid_from - timedelta(days=1)) == BUILT_IN
    MemberRules.objects.all().delete()
    assert member_rules(None, TODAY) == BUILT_IN


def test_the_nearest_unit_with_rules_in_force_wins(world):
    rules_row(world.province, admission_max_age=33)
    rules_row(world.base, admission_max_age=35, valid_from=date(2026, 1, 1))
    on_2025, on_2026 = date(2025, 6, 1), date(2026, 6, 1)
    assert member_rules(world.branch, on_2026).admission_max_age == 35
    assert member_rules(world.branch, on_2025).admission_max_age == 33  # base's not yet
    assert member_rules(world.other_branch, on_2026).admission_max_age == 33
    assert member_rules(world.province, on_2026).admission_max_age == 33
    assert rules_along(world.branch2).on(on_2026) == AgeRules(admission_max_age=35)
    born = date(1992, 7, 1)
    assert admission_age_bounds(world.branch, born, on_2026) == (
        date(2007, 7, 2),
        date(2028, 6, 30),
    )


def test_a_units_rules_apply_to_records_of_its_subtree(world):
    rules_row(world.base, admission_max_age=35)
    born, joined = date(1990, 1, 1), date(2024, 1, 1)  # 34
    assert admitted(born, joined, branch=world.branch)
    assert not admitted(born, joined, branch=world.other_branch)
    assert not admitted(born, joined)  # no branch: the national default
    member = member_create(
        actor=None,
        branch=world.branch,
        data=member_data(date_of_birth=born, joined_union_on=joined),
    )
    assert member.joined_union_on == joined
    # An edit is checked by the rules of the member's branch.
    member_update(
        actor=None, member=world.member, data={"date_of_birth": born, "joined_union_on": joined}
    )
    with pytest.raises(ValidationError) as e:
        member_update(
            actor=None,
            member=world.outsider_member,
            data={"date_of_birth": born, "joined_union_on": joined},
        )
    assert "joined_union_on" in e.value.message_dict


def test_the_rules_are_read_once_per_check(world, django_assert_max_num_queries):
    data = member_data(date_of_birth=date(2000, 1, 1), joined_union_on=date(2020, 1, 1))
    rules = rules_along(world.branch)
    with django_assert_max_num_queries(1):  # the ID number's uniqueness only
        clean_member_data(data, today=TODAY, rules=rules)


# --- Admission: proposal, approval, import, API -----------------------------------------------


def propose(world, born, branch=None):
    return admission_propose(
        actor=world.secretary,
        branch=branch or world.branch,
        data={
            "full_name": "Võ Thị Hồng Nhung",
            "date_of_birth": born,
            "sex": "female",
            "id_number": "079308001234",
        },
        introducer_name="Nguyễn Văn An",
        introducer_is_member=True,
        course_name="Lớp cảm tình Đoàn",
        course_date=born + timedelta(days=1),
    )


def test_the_proposal_counts_the_age_today_by_the_branchs_rules(world):
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        pytest.skip("a 29 February run has no birthday 15 years before it")
    fifteenth_today = today.replace(year=today.year - 15)
    with translation.override("vi"), pytest.raises(ValidationError) as e:
        propose(world, fifteenth_today)
    message = e.value.message_dict["date_of_birth"][0]
    assert message.startswith("Tuổi kết nạp Đoàn từ đủ 15 tuổi 1 ngày đến hết 30 tuổi;")
    assert today.strftime("%d/%m/%Y") in message
    assert propose(world, fifteenth_today - timedelta(days=1)).state == "proposed"


def test_a_unit_may_admit_older_youths_and_the_approval_checks_its_rules(world):
    today = timezone.localdate()
    born = date(today.year - 33, 1, 1) - timedelta(days=1)  # 33
    with pytest.raises(ValidationError) as e:
        propose(world, born)
    assert "date_of_birth" in e.value.message_dict
    rules_row(world.base, admission_max_age=35)
    admission = propose(world, born)
    done = admission_approve(
        actor=world.base_cadre,
        admission=admission,
        resolution_no="12-QĐ/ĐTN",
        resolution_date=today,
        assign_card=False,
    )
    assert done.state == AdmissionRequest.State.APPROVED
    assert done.member.joined_union_on == today


def test_the_approval_refuses_a_resolution_date_before_15_years_and_a_day(world):
    today = timezone.localdate()
    born = today - timedelta(days=15 * 366 + 30)  # a little over 15
    admission = propose(world, born)
    with pytest.raises(ValidationError) as e:
        admission_approve(
            actor=world.base_cadre,
            admission=admission,
            resolution_no="12-QĐ/ĐTN",
            resolution_date=birthday(born, 15),
            assign_card=False,
        )
    assert "resolution_date" in e.value.message_dict
    assert AdmissionRequest.objects.get(pk=admission.pk).state == "proposed"


def sheet(tmp_path, rows):
    path = tmp_path / "members.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet()
    header = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn", "Chi đoàn"]
    for c, value in enumerate(header):
        ws.write_string(0, c, value)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            ws.write_string(r, c, value.strftime("%d/%m/%Y") if isinstance(value, date) else value)
    book.close()
    return path


def test_the_import_applies_each_branchs_rules(world, tmp_path):
    rules_row(world.branch, admission_max_age=35)
    rows = [
        ["Lê Văn Một", date(1990, 1, 1), "Nam", "079090000001", date(2024, 1, 1), "Chi đoàn 12A1"],
        ["Lê Văn Hai", date(1990, 1, 2), "Nam", "079090000002", date(2024, 1, 1), "Chi đoàn 12A2"],
        ["Lê Văn Ba", date(2010, 3, 1), "Nam", "079090000003", date(2025, 3, 2), "Chi đoàn 12A2"],
    ]
    with translation.override("en"):
        result = members_import(
            actor=world.base_cadre,
            unit=world.base,
            path=sheet(tmp_path, rows),
            filename="members.xlsx",
            confirm=False,
            today=TODAY,
        )
    assert [(e.row, e.column) for e in result.errors] == [(3, "Ngày vào Đoàn")]
    assert "15 years and 1 day" in result.errors[0].message
    rows.pop(1)
    with translation.override("en"):
        result = members_import(
            actor=world.base_cadre,
            unit=world.base,
            path=sheet(tmp_path, rows),
            filename="members.xlsx",
            confirm=True,
            today=TODAY,
        )
    assert result.written and Member.objects.filter(full_name__startswith="Lê Văn").count() == 2


def test_the_api_refuses_an_admission_date_out_of_the_rule_naming_the_field(world):
    client = ApiClient(world.secretary)
    url = f"/api/v1/units/{world.branch.pk}/members"
    member = {
        "full_name": "Võ Thị Hoa",
        "date_of_birth": "2005-01-02",
        "sex": "female",
        "id_number": "079305001234",
    }
    response = client.post(url, {**member, "joined_union_on": "02/01/2020"})  # the 15th birthday
    assert response.status_code == 400 and fields(response) == ["joined_union_on"]
    response = client.post(url, {**member, "joined_union_on": "03/01/2020"})  # 15 years, 1 day
    assert response.status_code == 201, response.content


# --- The admin --------------------------------------------------------------------------------


def test_the_rules_are_edited_in_the_admin_and_every_change_is_recorded(client, world):
    client.force_login(world.superuser)
    assert client.get(reverse("admin:members_memberrules_changelist")).status_code == 200
    response = client.post(
        reverse("admin:members_memberrules_add"),
        {
            "unit": world.base.pk,
            "valid_from": "01/01/2026",
            "admission_min_years": 15,
            "admission_min_days": 1,
            "admission_max_age": 35,
            "maturing_age": 30,
            "keep_max_age": 35,
            "source": "Quyết định của Ban Thường vụ",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = MemberRules.objects.get(unit=world.base)
    assert member_rules(world.branch, date(2026, 6, 1)).admission_max_age == 35
    event = AuditEvent.objects.get(action="member_rules.created", target_id=row.pk)
    assert event.actor == world.superuser and event.changes["admission_max_age"] == [None, 35]
    bad = client.post(
        reverse("admin:members_memberrules_change", args=[row.pk]),
        {
            "unit": world.base.pk,
            "valid_from": "01/01/2026",
            "admission_min_years": 31,
            "admission_min_days": 1,
            "admission_max_age": 30,
            "maturing_age": 30,
            "keep_max_age": 35,
        },
    )
    assert bad.status_code == 200  # refused: the youngest age above the oldest
    assert MemberRules.objects.get(pk=row.pk).admission_min_years == 15

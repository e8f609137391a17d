from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from doanvien.actions.members import member_update
from doanvien.core import audit
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member, Membership
from doanvien.members.rules import birthday
from doanvien.members.services.records import member_create
from doanvien.members.validation import age_on, clean_member_data

from ..factories import member_data

TODAY = date(2026, 11, 22)


def errors_of(data, **kwargs):
    with pytest.raises(ValidationError) as e:
        clean_member_data(data, today=TODAY, **kwargs)
    return e.value.message_dict


@pytest.mark.django_db
class TestTheRules:
    def test_a_complete_record_passes_and_is_normalised(self):
        clean = clean_member_data(
            member_data(
                full_name="  Nguye\u0302\u0303n   Văn A ",
                phone="+84 912 345 678",
                date_of_birth="15/03/2004",
                joined_union_on="2020-03-26",
            ),
            today=TODAY,
        )
        assert clean["full_name"] == "Nguyễn Văn A"
        assert clean["phone"] == "0912345678"
        assert clean["date_of_birth"] == date(2004, 3, 15)

    def test_required_fields_are_named(self):
        errors = errors_of({"full_name": "", "sex": ""})
        assert set(errors) >= {"full_name", "date_of_birth", "sex", "id_number", "joined_union_on"}

    @pytest.mark.parametrize("number", ["12345", "1234567890", "0012030045AB", "1234567890123"])
    def test_an_id_number_has_9_or_12_digits(self, number):
        assert "id_number" in errors_of(member_data(id_number=number))

    @pytest.mark.parametrize("number", ["012345678", "001204012345"])
    def test_leading_zeros_are_kept(self, number):
        assert clean_member_data(member_data(id_number=number), today=TODAY)["id_number"] == number

    def test_dates_must_be_real_dates_in_dd_mm_yyyy(self):
        errors = errors_of(member_data(date_of_birth="31/02/2004"))
        assert "31/02/2004" in errors["date_of_birth"][0]

    def test_a_phone_must_look_vietnamese(self):
        assert "phone" in errors_of(member_data(phone="12345"))
        assert "phone" in errors_of(member_data(phone="1912345678"))

    def test_messages_are_vietnamese_by_default(self):
        with translation.override("vi"):
            errors = errors_of(member_data(phone="12345"))
        assert "số" in errors["phone"][0].lower()


@pytest.mark.django_db
@given(
    born=st.dates(min_value=date(1980, 1, 1), max_value=date(2012, 12, 31)),
    joined=st.dates(min_value=date(1996, 1, 1), max_value=TODAY),
)
def test_admission_age_is_15_years_and_a_day_to_30_at_every_boundary(born, joined):
    data = member_data(date_of_birth=born, joined_union_on=joined)
    age = age_on(born, joined)
    if birthday(born, 15) < joined and age <= 30:
        assert clean_member_data(data, today=TODAY)["joined_union_on"] == joined
    else:
        assert "joined_union_on" in errors_of(data)


def test_age_is_counted_in_whole_birthdays():
    assert age_on(date(2004, 3, 15), date(2020, 3, 14)) == 15
    assert age_on(date(2004, 3, 15), date(2020, 3, 15)) == 16
    assert age_on(date(2004, 2, 29), date(2020, 2, 28)) == 15


def test_an_id_number_is_unique_across_the_country_and_the_branch_is_named(world):
    """Named to whoever sees the branch holding it; to anyone else, nothing is named."""
    taken = member_data(id_number=world.outsider_member.id_number)
    with pytest.raises(ValidationError) as e:
        member_create(actor=world.province_cadre, branch=world.branch, data=taken)
    message = e.value.message_dict["id_number"][0]
    assert world.other_branch.name in message
    assert world.outsider_member.full_name not in message  # names nobody outside the branch
    for actor in (world.secretary, world.base_cadre, None):
        with pytest.raises(ValidationError) as e:
            member_create(actor=actor, branch=world.branch, data=taken)
        assert e.value.message_dict["id_number"] == [
            "Số CCCD/CMND này đã có trong hệ thống; liên hệ Đoàn cấp trên."
        ]


def test_members_are_created_only_in_active_branches(world):
    with pytest.raises(ValidationError):
        member_create(actor=None, branch=world.base, data=member_data())


def test_creating_opens_a_membership_span_and_records_everything(world):
    member = member_create(actor=world.secretary, branch=world.branch, data=member_data())
    assert member.member_code.startswith("DV") and len(member.member_code) == 12
    assert member.unit_path == world.branch.path
    span = Membership.objects.get(member=member)
    assert span.branch == world.branch and span.ended_on is None
    event = AuditEvent.objects.get(action="member.created", target_id=member.pk)
    assert event.actor == world.secretary
    assert audit.shown([event])[0].details["full_name"] == [None, member.full_name]


def test_an_edit_records_only_what_changed(world):
    member_update(
        actor=world.secretary,
        member=world.member,
        data={"phone": "0987654321", "full_name": "Nguyễn Văn An"},
    )
    event = AuditEvent.objects.get(action="member.updated", target_id=world.member.pk)
    assert event.changes == {"phone": None}  # the values are kept apart
    assert audit.shown([event])[0].details == {"phone": [world.member.phone, "0987654321"]}


def test_a_rejected_edit_changes_nothing(world):
    before = Member.objects.filter(pk=world.member.pk).values().get()
    with pytest.raises(ValidationError):
        member_update(
            actor=None, member=world.member, data={"phone": "0987654321", "id_number": "12"}
        )
    assert Member.objects.filter(pk=world.member.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="member.updated").exists()


def test_a_stored_record_breaking_a_newer_rule_can_still_be_corrected(world):
    Member.objects.filter(pk=world.member.pk).update(joined_union_on=date(2017, 1, 1))  # age 12
    member_update(actor=None, member=world.member, data={"phone": "0911222333"})
    assert Member.objects.get(pk=world.member.pk).phone == "0911222333"
    with pytest.raises(ValidationError):
        member_update(actor=None, member=world.member, data={"joined_union_on": "01/02/2017"})


@given(
    st.from_regex(
        r"[a-z0-9_+.-]{1,12}(\.[a-z0-9_+-]{1,8}){0,2}@([a-z0-9.-]{1,12}\.){1,3}[a-z0-9-]{1,8}",
        fullmatch=True,
    )
)
def test_the_quick_email_check_accepts_only_what_django_accepts(email):
    from django.core.validators import validate_email

    from doanvien.members.validation import _PLAIN_EMAIL, email_is_valid

    try:
        validate_email(email)
        django_says = True
    except ValidationError:
        django_says = False
    if _PLAIN_EMAIL.fullmatch(email):
        assert django_says
    assert email_is_valid(email) == django_says


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email", ["a@b", "a..b@example.com", "a@-example.com", "a@example.c", "a b@example.com"]
)
def test_a_bad_email_is_refused(email):
    assert "email" in errors_of(member_data(email=email))

"""Maturing out at the age limit (docs/domain.md §6): the limit is data (MemberRules), the branch
may keep a member up to the end of the age of 35 and an elected or full-time cadre continues;
both are recorded acts, listed apart on the maturing page, which the base union's pages link."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doanvien.actions.members import member_mature_out
from doanvien.core import audit
from doanvien.core.models import AuditEvent
from doanvien.members.access import can_decide_age_limit
from doanvien.members.models import Continuation, Member, MemberRules, Status
from doanvien.members.rules import age_limit_q
from doanvien.members.selectors import (
    members_continuing,
    members_kept,
    members_reaching_age_limit,
    members_to_mature_out,
)
from doanvien.members.services.lifecycle import member_continuation_set, member_keep
from doanvien.units.models import Unit

from ..factories import make_member, make_unit, make_user

TODAY = timezone.localdate()
YEAR = TODAY.year


def member_born(branch, year, month=6, day=1, **kwargs):
    born = date(year, month, day)
    return make_member(branch, date_of_birth=born, joined_union_on=date(year + 16, 1, 1), **kwargs)


@pytest.fixture
def old(world):
    """Turns 30 this year."""
    return member_born(world.branch, YEAR - 30, full_name="Đặng Văn Trưởng")


# --- The age limit as data --------------------------------------------------------------------


def test_the_age_limit_comes_from_the_rules_of_each_part_of_the_tree(world, old):
    twenty_eight = member_born(world.branch, YEAR - 28)
    elsewhere = member_born(world.other_branch, YEAR - 28)
    assert list(members_reaching_age_limit(world.province, YEAR)) == [old]
    MemberRules.objects.create(unit=world.base, valid_from=date(2000, 1, 1), maturing_age=28)
    reaching = set(members_reaching_age_limit(world.province, YEAR))
    assert reaching == {old, twenty_eight}  # the base's rule; not the other base's member
    assert elsewhere not in reaching
    # A deeper unit's rule wins over the one above it.
    MemberRules.objects.create(unit=world.branch, valid_from=date(2000, 1, 1), maturing_age=31)
    assert set(members_reaching_age_limit(world.province, YEAR)) == set()
    assert set(members_reaching_age_limit(world.base, YEAR + 1)) == {old}
    assert list(Member.objects.filter(age_limit_q(world.branch2, YEAR))) == []


def test_maturing_out_follows_the_rules_of_his_branch(world):
    young = member_born(world.branch, YEAR - 29)
    with pytest.raises(ValidationError) as e:
        member_mature_out(actor=None, member=young, on=TODAY)
    assert str(YEAR + 1) in e.value.messages[0]
    MemberRules.objects.create(unit=world.branch, valid_from=date(2000, 1, 1), maturing_age=29)
    member_mature_out(actor=None, member=young, on=TODAY, reason="Lễ trưởng thành Đoàn")
    young.refresh_from_db()
    assert young.status == Status.MATURED_OUT and young.left_on == TODAY


# --- Kept by the branch -----------------------------------------------------------------------


def test_the_branch_keeps_a_member_up_to_the_end_of_the_age_of_35(world, old):
    last = date(YEAR + 6, 5, 31)  # born 1 June, YEAR - 30: 35 until 31 May, YEAR + 6
    with pytest.raises(ValidationError) as e:
        member_keep(actor=world.secretary, member=old, until=last, reason=" ")
    assert "reason" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        member_keep(
            actor=world.secretary, member=old, until=date(YEAR + 6, 6, 1), reason="Nguyện vọng"
        )
    assert f"31/05/{YEAR + 6}" in e.value.message_dict["until"][0]
    with pytest.raises(ValidationError) as e:
        member_keep(actor=world.secretary, member=old, until=TODAY - timedelta(days=1), reason="x")
    assert "until" in e.value.message_dict
    young = member_born(world.branch, YEAR - 20)
    with pytest.raises(ValidationError):
        member_keep(actor=world.secretary, member=young, until=date(YEAR, 12, 31), reason="x")

    kept = member_keep(
        actor=world.secretary, member=old, until=date(YEAR + 6, 5, 31), reason="Nguyện vọng"
    )
    assert (kept.kept_until, kept.kept_reason) == (date(YEAR + 6, 5, 31), "Nguyện vọng")
    event = AuditEvent.objects.get(action="member.kept", target_id=old.pk)
    assert event.actor == world.secretary and event.summary == "Nguyện vọng"
    assert audit.shown([event])[0].details["kept_until"] == [
        None,
        date(YEAR + 6, 5, 31).isoformat(),
    ]
    assert list(members_kept(world.base, YEAR)) == [old]
    assert list(members_to_mature_out(world.base, YEAR)) == []
    # In the year his keep ends he is to mature out again.
    assert list(members_to_mature_out(world.base, YEAR + 6)) == [old]

    member_keep(actor=world.base_cadre, member=old, until=None, reason="Xin thôi")
    old.refresh_from_db()
    assert old.kept_until is None
    assert AuditEvent.objects.filter(action="member.keep_ended", target_id=old.pk).exists()
    with pytest.raises(ValidationError) as e:
        member_keep(actor=world.base_cadre, member=old, until=None, reason="again")
    assert e.value.code == "illegal_transition"


def test_the_keep_limit_is_data_too(world, old):
    MemberRules.objects.create(unit=world.base, valid_from=date(2000, 1, 1), keep_max_age=32)
    with pytest.raises(ValidationError) as e:
        member_keep(actor=None, member=old, until=date(YEAR + 3, 6, 1), reason="x")
    assert "32" in e.value.message_dict["until"][0]
    member_keep(actor=None, member=old, until=date(YEAR + 3, 5, 31), reason="x")


def test_a_keep_that_ends_during_the_year_leaves_him_to_mature_out(world, old):
    if date(YEAR, 12, 31) == TODAY:
        pytest.skip("no day of the year is left after today")
    member_keep(actor=None, member=old, until=date(YEAR, 12, 30), reason="Đến cuối năm")
    assert list(members_to_mature_out(world.base, YEAR)) == [old]
    assert list(members_kept(world.base, YEAR)) == []


# --- Continuing as a cadre --------------------------------------------------------------------


def test_an_elected_cadre_continues_and_is_not_listed_to_mature_out(world, old):
    with pytest.raises(ValidationError) as e:
        member_continuation_set(actor=world.secretary, member=old, kind="elected", reason="")
    assert "reason" in e.value.message_dict
    member_continuation_set(
        actor=world.secretary,
        member=old,
        kind=Continuation.ELECTED,
        reason="Ủy viên BCH Đoàn trường nhiệm kỳ 2025–2027",
    )
    old.refresh_from_db()
    assert old.continues_as == "elected"
    assert old.continues_reason == "Ủy viên BCH Đoàn trường nhiệm kỳ 2025–2027"
    event = AuditEvent.objects.get(action="member.continues", target_id=old.pk)
    assert audit.shown([event])[0].details == {"continues_as": ["", "elected"]}
    assert list(members_to_mature_out(world.base, YEAR)) == []
    assert list(members_continuing(world.base, YEAR)) == [old]
    # Nobody matures him out meanwhile, not even with a forged form.
    with pytest.raises(ValidationError) as e:
        member_mature_out(actor=None, member=old, on=TODAY)
    assert e.value.code == "illegal_transition"
    with pytest.raises(ValidationError) as e:
        member_continuation_set(actor=None, member=old, kind="elected", reason="again")
    assert e.value.code == "illegal_transition"
    member_continuation_set(actor=None, member=old, kind="full_time", reason="Chuyên trách")
    member_continuation_set(actor=None, member=old, kind="", reason="Hết nhiệm kỳ")
    old.refresh_from_db()
    assert (old.continues_as, old.continues_reason) == ("", "")
    assert list(members_to_mature_out(world.base, YEAR)) == [old]
    with pytest.raises(ValidationError):
        member_continuation_set(actor=None, member=old, kind="mayor", reason="x")


def test_only_members_on_the_roll_are_kept_or_continue(world, old):
    member_mature_out(actor=None, member=old, on=TODAY)
    with pytest.raises(ValidationError) as e:
        member_keep(actor=None, member=old, until=date(YEAR + 1, 1, 1), reason="x")
    assert e.value.code == "illegal_transition"
    with pytest.raises(ValidationError) as e:
        member_continuation_set(actor=None, member=old, kind="elected", reason="x")
    assert e.value.code == "illegal_transition"


def test_who_decides(world, old):
    assert can_decide_age_limit(world.secretary, old)
    assert can_decide_age_limit(world.base_cadre, old)
    assert can_decide_age_limit(world.province_cadre, old)
    assert not can_decide_age_limit(world.outsider, old)
    assert not can_decide_age_limit(world.member_user, world.member)  # not his own
    viewer = make_user("viewer", role="viewer", unit=world.base)
    assert not can_decide_age_limit(viewer, old)


# --- The pages --------------------------------------------------------------------------------


def test_the_maturing_page_lists_them_apart_and_names_the_ceremony_date(client, world, old):
    kept = member_born(world.branch, YEAR - 31, full_name="Phan Thị Giữ")
    member_keep(actor=None, member=kept, until=date(YEAR + 2, 1, 1), reason="Nguyện vọng ở lại")
    cadre = member_born(world.branch2, YEAR - 33, full_name="Hồ Văn Bí Thư")
    member_continuation_set(
        actor=None, member=cadre, kind="full_time", reason="Cán bộ chuyên trách"
    )
    client.force_login(world.base_cadre)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("members:unit-maturing", args=[world.base.pk])
    page = client.get(url).content.decode()
    assert old.full_name in page and kept.full_name not in page and cadre.full_name not in page
    assert "Date of the maturing-out ceremony" in page
    assert "To mature out (1)" in page and "Kept by their branch (1)" in page
    kept_page = client.get(url, {"list": "kept"}).content.decode()
    assert kept.full_name in kept_page and "Nguyện vọng ở lại" in kept_page
    assert old.full_name not in kept_page and 'name="member"' not in kept_page
    continuing = client.get(url, {"list": "continuing"}).content.decode()
    assert cadre.full_name in continuing and "Cán bộ chuyên trách" in continuing
    assert client.get(url, {"year": "99999"}).status_code == 200
    # The ticked members mature out on the ceremony's date.
    on = TODAY.strftime("%d/%m/%Y")
    response = client.post(url, {"member": [old.pk], "on": on})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == Status.MATURED_OUT and old.left_on == TODAY
    # A forged tick of a continuing cadre: nobody matures out.
    assert client.post(url, {"member": [kept.pk, cadre.pk], "on": on}).status_code == 200
    assert Member.objects.get(pk=kept.pk).status == Status.ACTIVE


def test_the_base_unions_pages_link_the_maturing_page(client, world):
    client.force_login(world.base_cadre)
    link = reverse("members:unit-maturing", args=[world.base.pk])
    assert link in client.get(reverse("units:unit-detail", args=[world.base.pk])).content.decode()
    progress = reverse("training:training-progress", args=[world.base.pk, YEAR])
    assert link in client.get(progress).content.decode()
    branch_page = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    assert reverse("members:unit-maturing", args=[world.branch.pk]) not in branch_page


def test_the_branch_records_both_acts_from_the_members_page(client, world, old):
    client.force_login(world.secretary)
    detail = reverse("members:member-detail", args=[old.pk])
    keep_url = reverse("members:member-keep", args=[old.pk])
    continues_url = reverse("members:member-continuation", args=[old.pk])
    page = client.get(detail).content.decode()
    assert keep_url in page and continues_url in page
    young_page = client.get(reverse("members:member-detail", args=[world.member.pk]))
    assert reverse("members:member-keep", args=[world.member.pk]) not in young_page.content.decode()

    assert client.get(keep_url).status_code == 200
    bad = client.post(keep_url, {"until": f"01/06/{YEAR + 6}", "reason": "Nguyện vọng"})
    assert bad.status_code == 200 and Member.objects.get(pk=old.pk).kept_until is None
    response = client.post(keep_url, {"until": f"31/12/{YEAR + 1}", "reason": "Nguyện vọng"})
    assert response.status_code == 302
    response = client.post(continues_url, {"kind": "elected", "reason": "Ủy viên BCH Đoàn trường"})
    assert response.status_code == 302
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(detail).content.decode()
    assert "Ủy viên BCH Đoàn trường" in page and "Elected to a Union committee" in page
    assert f"31/12/{YEAR + 1}" in page
    # Withdrawing needs the reason too.
    assert client.post(continues_url, {"kind": "", "reason": ""}).status_code == 200
    assert client.post(continues_url, {"kind": "", "reason": "Hết nhiệm kỳ"}).status_code == 302
    assert Member.objects.get(pk=old.pk).continues_as == ""


def test_nobody_else_records_them(client, world, old):
    for user, status in ((world.outsider, 404), (world.member_user, 404)):
        client.force_login(user)
        for name in ("members:member-keep", "members:member-continuation"):
            url = reverse(name, args=[old.pk])
            assert client.get(url).status_code == status
            assert client.post(url, {"kind": "elected", "reason": "x"}).status_code == status
    client.force_login(world.member_user)  # his own page: seen, not decided
    url = reverse("members:member-continuation", args=[world.member.pk])
    assert client.post(url, {"kind": "elected", "reason": "x"}).status_code == 403
    assert Member.objects.get(pk=world.member.pk).continues_as == ""
    viewer = make_user("viewer", role="viewer", unit=world.base)
    client.force_login(viewer)
    assert client.get(reverse("members:member-keep", args=[old.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="member.continues").exists()


def test_a_union_without_members_past_the_limit_shows_an_empty_list(client, world):
    empty = make_unit(world.province, name="Huyện đoàn Trống", code="TN-TR", level="district")
    client.force_login(world.province_cadre)
    response = client.get(reverse("members:unit-maturing", args=[empty.pk]))
    assert response.status_code == 200 and not response.context["page"].object_list
    assert Unit.objects.filter(pk=empty.pk).exists()

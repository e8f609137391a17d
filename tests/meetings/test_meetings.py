"""Meetings: the cadence and attendance rules, the services' refusals, the months a member
missed (the selector the dues removal list reads), the rates, the API and the pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from doanvien.accounts.services import api_token_issue
from doanvien.meetings import rules, selectors, services
from doanvien.meetings.models import Attendance, CadenceRule, Meeting, Presence
from doanvien.members.models import Member

from ..factories import make_member

YEAR = date.today().year - 1  # a year already over: every month is checked


def _meeting(world, when, kind="regular", unit=None):
    return services.meeting_create(
        actor=world.secretary, unit=unit or world.branch, data={"date": when, "kind": kind}
    )


# --- Rules --------------------------------------------------------------------------------------


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.sampled_from(Presence.values)), max_size=30))
def test_a_month_is_missed_only_when_absent_from_every_meeting_of_it(pairs):
    missed = rules.absent_months(pairs)
    for month in range(1, 13):
        of_month = [p for m, p in pairs if m == month]
        expected = bool(of_month) and all(p == Presence.ABSENT for p in of_month)
        assert (month in missed) == expected


def test_months_checked_stop_at_this_month():
    today = date(2026, 5, 10)
    assert rules.months_to_check(2025, today) == list(range(1, 13))
    assert rules.months_to_check(2026, today) == [1, 2, 3, 4, 5]
    assert rules.months_to_check(2027, today) == []
    assert rules.months_without_meeting({1: 1, 2: 2, 4: 1}, 2, [1, 2, 3, 4]) == [1, 3, 4]
    assert rules.rate(0, 0) is None
    assert rules.rate(2, 3) == 66.7


# --- Services -----------------------------------------------------------------------------------


def test_a_meeting_in_the_future_or_without_date_is_refused(world):
    with pytest.raises(ValidationError) as e:
        _meeting(world, date.today() + timedelta(days=1))
    assert "date" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.meeting_create(actor=None, unit=world.branch, data={"kind": "regular"})
    with pytest.raises(ValidationError) as e:
        _meeting(world, date(YEAR, 3, 1), kind="party")
    assert "kind" in e.value.message_dict
    assert not Meeting.objects.exists()


def test_a_theme_must_come_from_above(world):
    ours = services.theme_publish(
        actor=None, unit=world.district, year=YEAR, month=3, title="Truyền thống Đoàn"
    )
    theirs = services.theme_publish(
        actor=None, unit=world.other_base, year=YEAR, month=3, title="Chủ đề khác"
    )
    m = services.meeting_create(
        actor=None, unit=world.branch, data={"date": date(YEAR, 3, 5), "theme": ours.pk}
    )
    assert m.theme_label == "Truyền thống Đoàn"
    with pytest.raises(ValidationError) as e:
        services.meeting_create(
            actor=None, unit=world.branch, data={"date": date(YEAR, 3, 6), "theme": theirs.pk}
        )
    assert "theme" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.theme_publish(actor=None, unit=world.branch, year=YEAR, month=3, title="X")
    with pytest.raises(ValidationError) as e:
        services.theme_publish(actor=None, unit=world.base, year=YEAR, month=13, title="")
    assert {"month", "title"} <= set(e.value.message_dict)


def test_attendance_marks_the_rest_absent_and_refuses_strangers(world):
    m = _meeting(world, date(YEAR, 4, 2))
    counts = services.attendance_set(actor=None, meeting=m, present=[world.member.pk], excused=[])
    assert counts == {"present": 1, "excused": 0, "absent": 1}
    assert dict(m.attendance.values_list("member_id", "presence")) == {
        world.member.pk: "present",
        world.member2.pk: "absent",
    }
    for present, excused in (
        ([world.member_in_branch2.pk], []),  # another branch's member
        ([world.member.pk], [world.member.pk]),  # both
        (["x"], []),
    ):
        with pytest.raises(ValidationError):
            services.attendance_set(actor=None, meeting=m, present=present, excused=excused)
    # Nothing of the refused calls was saved.
    assert m.attendance.get(member=world.member2).presence == "absent"
    services.attendance_set(actor=None, meeting=m, present=[], excused=[world.member2.pk])
    assert m.attendance.get(member=world.member2).presence == "excused"
    assert m.attendance.get(member=world.member).presence == "absent"


def test_a_member_who_joined_after_the_meeting_is_not_on_its_list(world):
    m = _meeting(world, date(YEAR, 4, 2))
    late = make_member(world.branch, joined_union_on=date(YEAR, 6, 1))
    with pytest.raises(ValidationError):
        services.attendance_set(actor=None, meeting=m, present=[late.pk], excused=[])
    services.attendance_set(actor=None, meeting=m, present=[], excused=[])
    assert not Attendance.objects.filter(member=late).exists()


def test_a_union_meeting_lists_its_committee_not_its_members(world):
    """A union's meeting is its committee's (tests/meetings/test_committee_attendance.py):
    without a committee there is nobody to list, and members are not on it."""
    m = _meeting(world, date(YEAR, 4, 2), unit=world.base)
    for present in ([], [world.member.pk]):
        with pytest.raises(ValidationError):
            services.attendance_set(actor=None, meeting=m, present=present, excused=[])
    assert not Attendance.objects.exists()


# --- Selectors ----------------------------------------------------------------------------------


def test_cadence_counts_monthly_meetings_only_and_follows_the_units_rule(world):
    _meeting(world, date(YEAR, 1, 10))
    _meeting(world, date(YEAR, 2, 10), kind="themed")
    _meeting(world, date(YEAR, 3, 10), kind="congress")  # not a monthly meeting
    c = selectors.cadence(world.branch, YEAR, date.today())
    assert c["per_month"] == 1
    assert c["missing"] == list(range(3, 13))
    assert c["covered"] == 2
    CadenceRule.objects.create(unit=world.base, per_month=2)
    c = selectors.cadence(world.branch, YEAR, date.today())
    assert c["per_month"] == 2 and c["missing"] == list(range(1, 13))
    # Another base union keeps the default.
    assert selectors.required_per_month(world.other_branch) == 1


def test_months_without_a_meeting_below_a_union(world):
    _meeting(world, date(YEAR, 1, 10))
    _meeting(world, date(YEAR, 1, 20))  # twice in one month covers one month
    _meeting(world, date(YEAR, 2, 10), unit=world.branch2)
    below = selectors.figures_below([world.base, world.other_base], YEAR, date.today())
    assert below[world.base.pk]["branches"] == 2
    assert below[world.base.pk]["months_without"] == 24 - 2
    assert below[world.base.pk]["without_by_month"][1] == 1
    assert below[world.base.pk]["kinds"]["regular"] == 3
    assert below[world.other_base.pk]["branches"] == 1
    assert below[world.other_base.pk]["months_without"] == 12


def test_months_absent_counts_months_missed_at_every_meeting(world):
    for month in (1, 2, 3):
        m = _meeting(world, date(YEAR, month, 5))
        services.attendance_set(
            actor=None,
            meeting=m,
            present=[world.member.pk],
            excused=[world.member2.pk] if month == 2 else [],
        )
    m = _meeting(world, date(YEAR, 3, 25))  # a second March meeting: member2 came, not member
    services.attendance_set(actor=None, meeting=m, present=[world.member2.pk], excused=[])
    m = _meeting(world, date(YEAR, 4, 25))
    services.attendance_set(actor=None, meeting=m, present=[], excused=[])
    absent = selectors.months_absent([world.member.pk, world.member2.pk], YEAR)
    assert absent == {world.member.pk: [4], world.member2.pk: [1, 4]}
    assert selectors.months_absent([world.member.pk], YEAR + 1) == {}
    assert selectors.branch_months_absent(world.branch, YEAR) == absent


def test_attendance_rates(world):
    for month, present in ((1, [world.member.pk]), (2, [world.member.pk, world.member2.pk])):
        services.attendance_set(
            actor=None, meeting=_meeting(world, date(YEAR, month, 5)), present=present, excused=[]
        )
    _meeting(world, date(YEAR, 3, 5))  # attendance not taken: counts nowhere
    rates = selectors.attendance_rates(world.branch, YEAR)
    by = {r["member"].pk: r for r in rates["members"]}
    assert by[world.member.pk]["rate"] == 100.0
    assert by[world.member2.pk]["rate"] == 50.0
    assert rates["rate"] == 75.0


# --- API ----------------------------------------------------------------------------------------


def _api(world, user=None):
    return {"Authorization": f"Bearer {api_token_issue(user=user or world.secretary)}"}


def test_the_api_records_a_meeting_and_its_attendance(client, world):
    h = _api(world)
    url = f"/api/v1/units/{world.branch.pk}/meetings"
    r = client.post(
        url,
        {"date": f"{YEAR}-05-03", "kind": "themed", "theme": "Chào mừng 26/3"},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    r = client.put(
        f"/api/v1/meetings/{mid}/attendance",
        {"present": [world.member.pk], "excused": [world.member2.pk]},
        content_type="application/json",
        headers=h,
    )
    assert r.json() == {"present": 1, "excused": 1, "absent": 0}
    listing = client.get(f"{url}?year={YEAR}", headers=h).json()
    assert listing["results"][0]["theme"] == "Chào mừng 26/3"
    assert listing["results"][0]["present"] == 1
    assert 5 not in listing["months_without"] and 4 in listing["months_without"]
    bad = client.post(url, {"kind": "regular"}, content_type="application/json", headers=h)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "date"
    bad = client.put(
        f"/api/v1/meetings/{mid}/attendance",
        {"present": [world.outsider_member.pk]},
        content_type="application/json",
        headers=h,
    )
    assert bad.status_code == 400
    assert Meeting.objects.get(pk=mid).attendance.get(member=world.member2).presence == "excused"


def test_the_api_scope(client, world):
    m = _meeting(world, date(YEAR, 5, 3))
    outsider = _api(world, world.outsider)
    assert (
        client.get(f"/api/v1/units/{world.branch.pk}/meetings", headers=outsider).status_code == 404
    )
    r = client.put(
        f"/api/v1/meetings/{m.pk}/attendance", {}, content_type="application/json", headers=outsider
    )
    assert r.status_code == 404
    # A viewer of the province sees but may not hold the meeting.
    from ..factories import make_user

    viewer = make_user("viewer", role="viewer", unit=world.province)
    h = _api(world, viewer)
    assert client.get(f"/api/v1/units/{world.branch.pk}/meetings", headers=h).status_code == 200
    r = client.put(
        f"/api/v1/meetings/{m.pk}/attendance", {}, content_type="application/json", headers=h
    )
    assert r.status_code == 403
    assert not m.attendance.exists()


# --- Pages --------------------------------------------------------------------------------------


def test_the_secretary_holds_a_meeting_and_ticks_attendance(client, world):
    client.force_login(world.secretary)
    page = client.get(reverse("meetings:unit-meetings", args=[world.branch.pk]))
    assert page.status_code == 200 and 'id="cadence"' in page.content.decode()
    r = client.post(
        reverse("meetings:meeting-create", args=[world.branch.pk]),
        {
            "date": date.today().isoformat(),
            "kind": "regular",
            "theme_text": "Sinh hoạt tháng",
            "minutes": "Biên bản",
            "minutes_file": ContentFile(b"%PDF-1.4 minutes", name="bien-ban.pdf"),
        },
    )
    meeting = Meeting.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/meetings/{meeting.pk}/")
    detail = client.get(r["Location"]).content.decode()
    # Everyone present by default.
    assert (
        detail.count('value="present" checked')
        == Member.objects.filter(branch=world.branch).count()
    )
    client.post(
        reverse("meetings:meeting-attendance", args=[meeting.pk]),
        {f"a-{world.member.pk}": "present", f"a-{world.member2.pk}": "excused"},
    )
    assert dict(meeting.attendance.values_list("member_id", "presence")) == {
        world.member.pk: "present",
        world.member2.pk: "excused",
    }
    f = client.get(reverse("meetings:meeting-minutes", args=[meeting.pk]))
    assert b"".join(f.streaming_content) == b"%PDF-1.4 minutes"
    rates = client.get(reverse("meetings:unit-attendance", args=[world.branch.pk]))
    assert world.member2.full_name in rates.content.decode()


def test_the_branch_page_shows_its_months_without_a_meeting(client, world):
    client.force_login(world.secretary)
    today = date.today()
    url = reverse("units:unit-detail", args=[world.branch.pk])
    page = client.get(url).content.decode()
    assert f'id="months-without-meeting">{today.month} (' in page
    _meeting(world, today)
    page = client.get(url).content.decode()
    assert f'id="months-without-meeting">{today.month - 1}' in page
    client.force_login(world.province_cadre)  # a union's page has no cadence of its own
    base_page = client.get(reverse("units:unit-detail", args=[world.base.pk])).content.decode()
    assert 'id="months-without-meeting"' not in base_page


def test_the_union_page_shows_months_without_a_meeting_below(client, world):
    client.force_login(world.province_cadre)
    _meeting(world, date(YEAR, 1, 10))
    page = client.get(
        reverse("meetings:unit-meetings", args=[world.district.pk]), {"year": YEAR}
    ).content.decode()
    assert 'id="below"' in page and world.base.name in page
    r = client.post(
        reverse("meetings:theme-publish", args=[world.base.pk]),
        {"year": YEAR, "month": 3, "title": "Tháng Thanh niên"},
    )
    assert r.status_code == 302
    client.force_login(world.secretary)
    assert (
        "Tháng Thanh niên"
        in client.get(
            reverse("meetings:unit-meetings", args=[world.branch.pk]), {"year": YEAR}
        ).content.decode()
    )
    # A branch publishes no theme; the base union is out of the secretary's sight.
    for unit, status in ((world.branch, 403), (world.base, 404)):
        r = client.post(
            reverse("meetings:theme-publish", args=[unit.pk]),
            {"year": YEAR, "month": 4, "title": "Không được"},
        )
        assert r.status_code == status


def test_three_months_absent_make_a_removal_candidate(world):
    """The meeting part of the removal candidates (dues/removal.py): a member absent from every
    monthly meeting of 3 months of the year is proposed, excused months do not count."""
    from doanvien.dues import removal

    for month in (1, 2, 3):
        m = _meeting(world, date(YEAR, month, 5))
        services.attendance_set(
            actor=None,
            meeting=m,
            present=[world.member.pk],
            excused=[world.member2.pk] if month == 3 else [],
        )
    found = {c.member.pk: c for c in removal.removal_candidates(world.branch, YEAR)}
    assert world.member.pk not in found or found[world.member.pk].months_absent == 0
    m = _meeting(world, date(YEAR, 4, 5))
    services.attendance_set(actor=None, meeting=m, present=[world.member.pk], excused=[])
    found = {c.member.pk: c for c in removal.removal_candidates(world.branch, YEAR)}
    assert found[world.member2.pk].months_absent == 3
    cancelled = services.meeting_cancel(actor=None, meeting=m, reason="Ghi nhầm")
    assert cancelled.cancelled
    found = {c.member.pk: c for c in removal.removal_candidates(world.branch, YEAR)}
    assert world.member2.pk not in found or found[world.member2.pk].months_absent == 2


def test_the_removal_months_are_data_the_nearest_rule_up_the_tree(world, client):
    from doanvien.dues import removal
    from doanvien.dues.models import RemovalRule

    RemovalRule.objects.get_or_create(unit=None, defaults={"months": 3})
    for month in (1, 2):
        m = _meeting(world, date(YEAR, month, 5))
        services.attendance_set(actor=None, meeting=m, present=[world.member.pk], excused=[])
    assert removal.removal_months(world.branch) == 3
    absent = {c.member.pk: c.months_absent for c in removal.removal_candidates(world.branch, YEAR)}
    assert absent.get(world.member2.pk, 0) in (0, 2)  # 2 < 3: only if dues are owed
    RemovalRule.objects.create(unit=world.base, months=2)
    assert removal.removal_months(world.branch) == 2
    assert removal.removal_months(world.other_branch) == 3
    found = {c.member.pk: c for c in removal.removal_candidates(world.branch, YEAR)}
    assert found[world.member2.pk].months_absent == 2
    client.force_login(world.superuser)
    for name in ("dues_removalrule", "meetings_cadencerule"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200

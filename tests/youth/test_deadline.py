"""The yearly "1+1" report's deadline (seed 003 §4.2: the base unions report to the district by
15/10): the day is data on the programme's settings, a unit above extends it for one base union,
a base union sends its report, and the units late are flagged: found by one statement, equal to
a recount over random settings, extensions, reports sent and days."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.core.models import AuditEvent
from doanvien.units.models import paths_to
from doanvien.youth import lateness, services
from doanvien.youth.admin import ReferralSettingsForm
from doanvien.youth.models import ReferralSettings, ReportExtension, ReportSent

TODAY = timezone.localdate()
SOON = (TODAY + timedelta(days=3)).strftime("%d/%m/%Y")


def late_codes(unit, year, today):
    return [u.code for u in lateness.late_units(unit, year, today)]


def test_the_default_deadline_is_the_15th_of_october_as_data(world):
    assert lateness.deadline_of(world.base, 2030)[0] == date(2030, 10, 15)
    ReferralSettings.objects.create(unit=world.district, report_day=1, report_month=9)
    assert lateness.deadline_of(world.base, 2030)[0] == date(2030, 9, 1)
    assert late_codes(world.province, 2030, date(2030, 9, 1)) == []
    assert late_codes(world.province, 2030, date(2030, 9, 2)) == ["TN-TA-THPT", "TN-TA-TH"]


def test_sending_and_extending_take_units_off_the_late_list(world):
    year = TODAY.year - 1
    assert late_codes(world.district, year, TODAY) == ["TN-TA-THPT", "TN-TA-TH"]
    services.report_send(actor=world.base_cadre, unit=world.base, year=year)
    assert late_codes(world.district, year, TODAY) == ["TN-TA-TH"]
    with pytest.raises(ValidationError):  # once a year
        services.report_send(actor=world.base_cadre, unit=world.base, year=year)
    with pytest.raises(ValidationError):  # a branch does not report
        services.report_send(actor=world.secretary, unit=world.branch, year=year)
    extension = services.report_extend(
        actor=world.province_cadre,
        above=world.district,
        code="tn-ta-th",
        year=year,
        extended_to=(TODAY + timedelta(days=3)).strftime("%d/%m/%Y"),
        reason="Bão lũ",
    )
    assert late_codes(world.district, year, TODAY) == []
    later = TODAY + timedelta(days=5)
    [item] = lateness.as_items(lateness.late_units(world.district, year, later), year, later)
    assert (item.due_on, item.days_late, item.extended) == (extension.extended_to, 2, True)
    assert AuditEvent.objects.filter(action="referral_report.extended").count() == 1


@pytest.mark.parametrize(
    "code, extended_to, message",
    [
        ("NOPE", SOON, "No unit of this code"),
        ("TN-TA-THPT-12A1", SOON, "Only a unit of the reporting level"),
        ("TN-TA", SOON, "No unit of this code"),  # the unit itself
        ("TN-TA-TH", "01/01/2000", "today or later"),
        ("TN-TA-TH", "32/01/2099", "not a date"),
    ],
)
def test_a_wrong_extension_is_refused_and_writes_nothing(world, code, extended_to, message):
    with translation.override("en"), pytest.raises(ValidationError) as e:
        services.report_extend(
            actor=world.province_cadre,
            above=world.district,
            code=code,
            year=TODAY.year,
            extended_to=extended_to,
        )
    assert message in " ".join(e.value.messages)
    assert not ReportExtension.objects.exists()


def test_sending_twice_is_refused_as_a_conflict_of_state(world):
    year = TODAY.year - 1
    services.report_send(actor=world.base_cadre, unit=world.base, year=year)
    with pytest.raises(ValidationError) as e:
        services.report_send(actor=world.base_cadre, unit=world.base, year=year)
    assert e.value.code == "already_sent"
    with pytest.raises(ValidationError) as e:
        services.report_extend(
            actor=world.province_cadre,
            above=world.district,
            code="TN-TA-THPT",
            year=year,
            extended_to=SOON,
        )
    assert e.value.code == "already_sent"
    assert not ReportExtension.objects.exists()


def test_the_reporting_level_is_data_the_nearest_settings_choosing(world):
    """A province makes its districts report instead of their base unions; a base union under
    it makes its branches report: each unit follows the nearest settings above it."""
    year = TODAY.year - 1
    ReferralSettings.objects.create(unit=world.province, report_level="district")
    assert late_codes(world.province, year, TODAY) == ["TN-TA"]
    assert services.sends_report(world.district) and not services.sends_report(world.base)
    with pytest.raises(ValidationError):
        services.report_send(actor=world.base_cadre, unit=world.base, year=year)
    with pytest.raises(ValidationError) as e:
        services.report_extend(
            actor=world.province_cadre,
            above=world.province,
            code="TN-TA-TH",
            year=year,
            extended_to=SOON,
        )
    assert "code" in e.value.message_dict
    services.report_extend(
        actor=world.province_cadre,
        above=world.province,
        code="TN-TA",
        year=year,
        extended_to=SOON,
    )
    assert late_codes(world.province, year, TODAY) == []
    ReportExtension.objects.all().delete()
    ReferralSettings.objects.create(unit=world.base, report_level="branch")
    assert late_codes(world.province, year, TODAY) == [
        "TN-TA",
        "TN-TA-THPT-12A1",
        "TN-TA-THPT-12A2",
    ]
    services.report_send(actor=world.secretary, unit=world.branch, year=year)
    assert late_codes(world.district, year, TODAY) == ["TN-TA", "TN-TA-THPT-12A2"]
    assert lateness.late_under(world.province, year, TODAY) == {world.district.path: 2}


def test_the_review_levels_are_data(world):
    year = TODAY.year - 1
    assert services.holds_reviews(world.base) and services.holds_reviews(world.district)
    assert not services.holds_reviews(world.branch)
    ReferralSettings.objects.create(unit=world.district, review_levels="district, branch")
    assert services.holds_reviews(world.branch) and not services.holds_reviews(world.base)
    services.review_note_add(actor=None, unit=world.branch, year=year, text="Sơ kết chi đoàn")
    with pytest.raises(ValidationError) as e:
        services.review_note_add(actor=None, unit=world.base, year=year, text="Sơ kết")
    assert "text" in e.value.message_dict


def test_a_year_to_come_has_nobody_late_and_cannot_be_sent(world):
    assert late_codes(world.province, TODAY.year + 1, TODAY) == []
    with pytest.raises(ValidationError):
        services.report_send(actor=world.base_cadre, unit=world.base, year=TODAY.year + 1)


def test_the_report_page_flags_late_units_and_the_base_union_sends(client, world):
    year = TODAY.year - 1
    client.force_login(world.province_cadre)
    page = client.get(reverse("youth:referral-report", args=[world.district.pk, year]))
    html = page.content.decode()
    assert 'id="late"' in html and "Đoàn xã Tân Hòa" in html.split('id="late"')[1]
    assert html.count('late">') + html.count('class="badge warn late"') >= 1
    # The late units and their forms once, in the page's body; the title is the report's name.
    assert html.count('id="late"') == 1
    title = html.split("<title>")[1].split("</title>")[0]
    assert "<" not in title and "csrf" not in title
    client.force_login(world.base_cadre)
    base_page = reverse("youth:referral-report", args=[world.base.pk, year])
    assert 'id="not-sent"' in client.get(base_page).content.decode()
    client.post(reverse("youth:referral-report-send", args=[world.base.pk, year]))
    assert ReportSent.objects.filter(unit=world.base, year=year).exists()
    assert 'id="sent"' in client.get(base_page).content.decode()
    # The base union cannot extend for a unit beside it, nor the secretary for anyone.
    client.force_login(world.secretary)
    extend = reverse("youth:referral-report-extend", args=[world.branch.pk, year])
    client.post(extend, {"code": "TN-TA-TH", "extended_to": SOON})
    client.force_login(world.province_cadre)
    bad = client.post(
        reverse("youth:referral-report-extend", args=[world.district.pk, year]),
        {"code": "TN-TA-TH", "extended_to": "01/01/2000"},
    )
    assert bad.status_code == 200 and "has-error" in bad.content.decode()
    assert not ReportExtension.objects.exists()
    client.force_login(world.outsider)
    sent_before = ReportSent.objects.count()
    assert (
        client.post(reverse("youth:referral-report-send", args=[world.base.pk, year])).status_code
        == 404
    )
    assert ReportSent.objects.count() == sent_before


DAYS = st.dates(min_value=date(2029, 1, 1), max_value=date(2031, 12, 31))
# An extension falls in the report's year or the next (services.report_extend).
EXTENSIONS = st.dates(min_value=date(2030, 1, 1), max_value=date(2031, 12, 31))


LEVELS = st.sampled_from(["base", "district", "branch"])
SETTINGS = st.one_of(st.none(), st.tuples(st.integers(1, 12), st.integers(1, 28), LEVELS))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    district_settings=SETTINGS,
    base_settings=SETTINGS,
    sent=st.lists(st.booleans(), min_size=7, max_size=7),
    extended=st.lists(st.one_of(st.none(), EXTENSIONS), min_size=7, max_size=7),
    today=DAYS,
)
def test_the_late_units_equal_a_recount(
    world, district_settings, base_settings, sent, extended, today
):
    """Random settings on the district and on a base union (deadline and reporting level),
    reports sent and extensions on any unit: the late units are those a plain loop finds."""
    ReferralSettings.objects.all().delete()
    ReportSent.objects.all().delete()
    ReportExtension.objects.all().delete()
    year = 2030
    by_path = {world.district.path: district_settings, world.base.path: base_settings}
    for unit, found in ((world.district, district_settings), (world.base, base_settings)):
        if found:
            month, day, level = found
            ReferralSettings.objects.create(
                unit=unit, report_month=month, report_day=day, report_level=level
            )
    units = [
        world.province,
        world.district,
        world.base,
        world.branch,
        world.branch2,
        world.other_base,
        world.other_branch,
    ]
    for unit, is_sent, until in zip(units, sent, extended, strict=True):
        if is_sent:
            ReportSent.objects.create(unit=unit, year=year, sent_on=date(year, 1, 1))
        if until:
            ReportExtension.objects.create(unit=unit, year=year, extended_to=until)
    expected = []
    for unit, is_sent, until in zip(units, sent, extended, strict=True):
        # The nearest settings: the unit's own or an ancestor's, deepest first, else the
        # defaults (15/10, the base unions).
        above = [by_path.get(path) for path in reversed(paths_to(unit.path))]
        found = next((f for f in above if f), (10, 15, "base"))
        month, day, level = found
        if unit.level.code != level:
            continue
        due = until or date(year, month, day)
        if not is_sent and due < today:
            expected.append(unit.code)
    assert late_codes(world.province, year, today) == sorted(
        expected, key=lambda code: next(u.path for u in units if u.code == code)
    )
    for above in (world.province, world.district):
        width = len(above.path) + 4
        grouped = {}
        for code in expected:
            path = next(u.path for u in units if u.code == code)
            if path.startswith(above.path):
                grouped[path[:width]] = grouped.get(path[:width], 0) + 1
        assert lateness.late_under(above, year, today) == grouped
        flags = lateness.late_flags(above, year, today)
        assert flags.count == sum(grouped.values()) == len(flags.first)
        listed = lateness.as_items(lateness.late_units(above, year, today), year, today)
        assert [(i.unit.pk, i.due_on, i.extended) for i in flags.first] == [
            (i.unit.pk, i.due_on, i.extended) for i in listed
        ]
        assert [i.unit.pk for i in lateness.late_flags(above, year, today, shown=1).first] == [
            i.unit.pk for i in listed[:1]
        ]


def test_the_settings_take_only_level_codes_that_exist(world):
    data = {
        "unit": world.province.pk,
        "target_per_member": 1,
        "report_day": 15,
        "report_month": 10,
        "retention_years": 3,
    }
    bad = ReferralSettingsForm(
        data={**data, "report_level": "tinh", "review_levels": "base, xa, district"}
    )
    assert not bad.is_valid()
    assert {"report_level", "review_levels"} <= set(bad.errors)
    good = ReferralSettingsForm(
        data={**data, "report_level": "district", "review_levels": " base , district"}
    )
    assert good.is_valid(), good.errors
    saved = good.save()
    assert saved.review_levels == "base,district" and services.sends_report(world.district)

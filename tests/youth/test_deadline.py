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
from doanvien.youth import lateness, services
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
        ("TN-TA-THPT-12A1", SOON, "Only a base union"),
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


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    district_md=st.one_of(st.none(), st.tuples(st.integers(1, 12), st.integers(1, 28))),
    base_md=st.one_of(st.none(), st.tuples(st.integers(1, 12), st.integers(1, 28))),
    sent=st.lists(st.booleans(), min_size=2, max_size=2),
    extended=st.lists(st.one_of(st.none(), EXTENSIONS), min_size=2, max_size=2),
    today=DAYS,
)
def test_the_late_units_equal_a_recount(world, district_md, base_md, sent, extended, today):
    ReferralSettings.objects.all().delete()
    ReportSent.objects.all().delete()
    ReportExtension.objects.all().delete()
    year = 2030
    for unit, md in ((world.district, district_md), (world.base, base_md)):
        if md:
            ReferralSettings.objects.create(unit=unit, report_month=md[0], report_day=md[1])
    bases = [world.base, world.other_base]
    for unit, is_sent, until in zip(bases, sent, extended, strict=True):
        if is_sent:
            ReportSent.objects.create(unit=unit, year=year, sent_on=date(year, 1, 1))
        if until:
            ReportExtension.objects.create(unit=unit, year=year, extended_to=until)
    expected = []
    for unit, is_sent, until in zip(bases, sent, extended, strict=True):
        # The nearest settings: the base union's own, else the district's, else 15/10.
        md = (base_md if unit == world.base else None) or district_md or (10, 15)
        due = until or date(year, md[0], md[1])
        if not is_sent and due < today:
            expected.append(unit.code)
    assert sorted(late_codes(world.province, year, today)) == sorted(expected)
    under = lateness.late_under(world.province, year, today)
    assert sum(under.values()) == len(expected)

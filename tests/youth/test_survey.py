"""A branch's survey of its area (seed 003 Bước 1) and the youth-gathering rate it gives:
(members + Federation members) / youths surveyed, on the survey page, the report, its Excel,
its PDF and the API; wrong counts are refused and keep what was saved."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from doanvien.training import rollup as training_rollup
from doanvien.youth import rollup, services
from doanvien.youth.models import ReferralStats, Survey
from doanvien.youth.selectors import report_rows

TODAY = timezone.localdate()
GOOD = {
    "age_16_18": 10,
    "age_19_24": 6,
    "age_25_30": 4,
    "studying": 12,
    "working": 5,
    "neither": 3,
    "federation_members": 6,
    "groups_found": 2,
    "surveyed_on": TODAY.strftime("%d/%m/%Y"),
}


def test_the_rate_is_members_and_federation_members_over_youths_surveyed(world):
    services.survey_save(actor=None, unit=world.branch, year=TODAY.year, data=GOOD)
    training_rollup.fold_all()
    [own, *_children] = report_rows(world.base, TODAY.year)
    assert own.figures["youths_surveyed"] == 20 and own.figures["groups_found"] == 2
    # The base union's members (3 in its two branches) + 6 Federation members, of 20.
    assert own.members == 3
    assert own.gathering_rate == "45.00"
    assert own.as_dict()["gathering_rate"] == "45.00"
    # Corrected: the figures follow, nothing is counted twice.
    services.survey_save(
        actor=None, unit=world.branch, year=TODAY.year, data={**GOOD, "federation_members": 0}
    )
    assert report_rows(world.base, TODAY.year)[0].gathering_rate == "15.00"
    assert Survey.objects.count() == 1
    assert report_rows(world.other_base, TODAY.year)[0].gathering_rate == ""
    # The recount of every year (manage.py recompute_stats) finds the survey's figures right.
    assert rollup.differences() == []
    ReferralStats.objects.filter(unit=world.district, year=TODAY.year).update(youths_surveyed=7)
    assert rollup.differences() and rollup.fix() == 1 and rollup.differences() == []


@pytest.mark.parametrize(
    "change, field",
    [
        ({"neither": 4}, "neither"),  # 21 by situation, 20 by age
        ({"federation_members": 21}, "federation_members"),
        ({"age_16_18": -1}, "age_16_18"),
        ({"age_16_18": "mười"}, "age_16_18"),
        ({"surveyed_on": "01/01/2000"}, "surveyed_on"),
        ({"surveyed_on": ""}, "surveyed_on"),
    ],
)
def test_wrong_counts_are_refused_and_the_saved_survey_stays(world, change, field):
    services.survey_save(actor=None, unit=world.branch, year=TODAY.year, data=GOOD)
    before = list(Survey.objects.values())
    with pytest.raises(ValidationError) as e:
        services.survey_save(
            actor=None, unit=world.branch, year=TODAY.year, data={**GOOD, **change}
        )
    assert field in e.value.message_dict
    assert list(Survey.objects.values()) == before


def test_only_a_branch_surveys_and_not_a_year_to_come(world):
    with pytest.raises(ValidationError):
        services.survey_save(actor=None, unit=world.base, year=TODAY.year, data=GOOD)
    with pytest.raises(ValidationError):
        services.survey_save(actor=None, unit=world.branch, year=TODAY.year + 1, data=GOOD)


def test_the_survey_page_saves_and_the_report_files_show_the_rate(client, world):
    client.force_login(world.secretary)
    page = reverse("youth:survey", args=[world.branch.pk, TODAY.year])
    assert client.get(page).status_code == 200
    bad = client.post(page, {**GOOD, "neither": 9})
    assert bad.status_code == 200 and "has-error" in bad.content.decode()
    assert not Survey.objects.exists()
    assert client.post(page, GOOD).status_code == 302
    html = client.get(page).content.decode()
    assert 'id="rate"' in html and "20" in html
    # The branch: 2 members + 6 Federation members of 20 = 40.00 %.
    report = client.get(reverse("youth:referral-report", args=[world.branch.pk, TODAY.year]))
    assert "40.00" in report.content.decode() or "40,00" in report.content.decode()
    client.force_login(world.province_cadre)
    xlsx = client.get(reverse("youth:referral-report-xlsx", args=[world.base.pk, TODAY.year]))
    rows = CalamineWorkbook.from_filelike(BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    total = next(r for r in rows if str(r[1]).startswith(("Tổng", "Total")))
    assert total[10] == 20 and total[12] == 45.0
    client.force_login(world.outsider)
    assert client.get(page).status_code == 404
    assert client.post(page, GOOD).status_code == 404


def test_a_survey_dated_in_its_year(world):
    with translation.override("en"), pytest.raises(ValidationError):
        services.survey_save(
            actor=None,
            unit=world.branch,
            year=TODAY.year - 1,
            data={**GOOD, "surveyed_on": date(TODAY.year, 1, 1)},
        )

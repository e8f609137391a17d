"""A branch's survey of its area (seed 003 Bước 1) and the youth-gathering rate it gives:
(members + Federation members) / youths surveyed, over the branches that surveyed only (the
Union members each survey counted, prefilled with the branch's members on its day), on the
survey page, the report, its Excel, its PDF and the API; wrong counts are refused and keep what
was saved."""

import importlib
from datetime import date
from io import BytesIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from doanvien.actions.members import member_move
from doanvien.training import rollup as training_rollup
from doanvien.youth import rollup, services
from doanvien.youth.models import ReferralStats, ReferralStatsDelta, Survey
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


def test_the_rate_counts_only_the_members_of_the_branches_that_surveyed(world):
    survey = services.survey_save(actor=None, unit=world.branch, year=TODAY.year, data=GOOD)
    # Prefilled: the branch's 2 members on the survey's day.
    assert survey.members == 2
    training_rollup.fold_all()
    [own, *_children] = report_rows(world.base, TODAY.year)
    assert own.figures["youths_surveyed"] == 20 and own.figures["groups_found"] == 2
    # The base union has 3 members, but branch 12A2 (1 member) did not survey: (2 + 6) / 20.
    assert own.members == 3 and own.figures["members_surveyed"] == 2
    assert own.gathering_rate == "40.00"
    assert own.as_dict()["gathering_rate"] == "40.00"
    assert own.as_dict()["members_surveyed"] == 2
    # Corrected: the figures follow, nothing is counted twice.
    services.survey_save(
        actor=None, unit=world.branch, year=TODAY.year, data={**GOOD, "federation_members": 0}
    )
    assert report_rows(world.base, TODAY.year)[0].gathering_rate == "10.00"
    assert Survey.objects.count() == 1
    assert report_rows(world.other_base, TODAY.year)[0].gathering_rate == ""
    # The branch gives the members it counted (some were away): 5 + 6 of 20.
    services.survey_save(
        actor=None, unit=world.branch, year=TODAY.year, data={**GOOD, "members": "5"}
    )
    assert report_rows(world.district, TODAY.year)[0].gathering_rate == "55.00"
    # The recount of every year (manage.py recompute_stats) finds the survey's figures right.
    assert rollup.differences() == []
    ReferralStats.objects.filter(unit=world.district, year=TODAY.year).update(youths_surveyed=7)
    assert rollup.differences() and rollup.fix() == 1 and rollup.differences() == []
    ReferralStats.objects.filter(unit=world.province, year=TODAY.year).update(members_surveyed=9)
    assert rollup.differences() and rollup.fix() == 1 and rollup.differences() == []


def test_the_members_are_prefilled_on_the_surveys_day(world):
    """A member who joined the branch after the survey's day is not among its members."""
    day = date(TODAY.year - 1, 3, 1)
    member_move(
        actor=None, member=world.member_in_branch2, branch=world.branch, on=TODAY, reason="Chuyển"
    )
    assert services.members_on(world.branch, day) == 2
    assert services.members_on(world.branch, TODAY) == 3
    survey = services.survey_save(
        actor=None,
        unit=world.branch,
        year=day.year,
        data={**GOOD, "surveyed_on": day.strftime("%d/%m/%Y")},
    )
    assert survey.members == 2


def test_members_beyond_the_youths_counted_are_refused(world):
    small = {**GOOD, "age_16_18": 1, "age_19_24": 0, "age_25_30": 0}
    small |= {"studying": 1, "working": 0, "neither": 0, "federation_members": 0}
    # Given: at most the youths counted.
    with pytest.raises(ValidationError) as e:
        services.survey_save(
            actor=None, unit=world.branch, year=TODAY.year, data={**small, "members": 2}
        )
    assert "members" in e.value.message_dict
    # Prefilled with the branch's 2 members, more than the 1 youth counted: named too.
    with translation.override("en"), pytest.raises(ValidationError) as e:
        services.survey_save(actor=None, unit=world.branch, year=TODAY.year, data=small)
    assert "2 members on the survey's day" in e.value.message_dict["members"][0]
    assert not Survey.objects.exists()
    assert (
        services.survey_save(
            actor=None, unit=world.branch, year=TODAY.year, data={**small, "members": 1}
        ).members
        == 1
    )


def test_the_migration_gives_the_surveys_recorded_their_members(world):
    """Surveys recorded before the members were counted on them: the migration fills each with
    its branch's members on its day and carries them to the roll-ups, which then equal a
    recount, deltas folded or not."""
    migration = importlib.import_module(
        "doanvien.youth.migrations.0006_survey_members_and_report_levels"
    )
    services.survey_save(actor=None, unit=world.branch, year=TODAY.year, data=GOOD)
    services.survey_save(
        actor=None, unit=world.other_branch, year=TODAY.year, data={**GOOD, "members": 0}
    )
    training_rollup.fold_all()
    services.survey_save(actor=None, unit=world.branch2, year=TODAY.year, data=GOOD)
    # As before the migration: no members on the surveys or the rows.
    Survey.objects.update(members=0)
    ReferralStats.objects.update(members_surveyed=0)
    ReferralStatsDelta.objects.update(members_surveyed=0)
    for row in ReferralStats.objects.all():
        row.own.pop("members_surveyed", None)
        row.save(update_fields=["own"])
    migration.members_of_the_surveys(apps, None)
    assert dict(Survey.objects.values_list("unit_id", "members")) == {
        world.branch.pk: 2,
        world.branch2.pk: 1,
        world.other_branch.pk: 1,
    }
    assert rollup.differences() == []
    training_rollup.fold_all()
    assert rollup.differences() == []
    assert report_rows(world.province, TODAY.year)[0].figures["members_surveyed"] == 4


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
    # A new year's form comes with the branch's members prefilled.
    blank = client.get(reverse("youth:survey", args=[world.branch.pk, TODAY.year - 1]))
    assert 'name="members" value="2"' in blank.content.decode()
    # The branch: 2 members + 6 Federation members of 20 = 40.00 %.
    report = client.get(reverse("youth:referral-report", args=[world.branch.pk, TODAY.year]))
    assert "40.00" in report.content.decode() or "40,00" in report.content.decode()
    client.force_login(world.province_cadre)
    xlsx = client.get(reverse("youth:referral-report-xlsx", args=[world.base.pk, TODAY.year]))
    rows = CalamineWorkbook.from_filelike(BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    total = next(r for r in rows if str(r[1]).startswith(("Tổng", "Total")))
    # Youths surveyed, members among them (only branch 12A1's 2), Federation members, rate.
    assert (total[10], total[11], total[12], total[13]) == (20, 2, 6, 40.0)
    pdf_html = client.get(reverse("youth:referral-report-print", args=[world.base.pk, TODAY.year]))
    total_row = pdf_html.content.decode().split('class="total"')[1].split("</tr>")[0]
    assert "40.00" in total_row
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

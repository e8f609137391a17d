"""The "1+1" API around the yearly report: a branch's survey (PUT/GET), the six-monthly review
notes, sending the report, the extensions a unit above grants and the units late, each scoped
(404 outside), refusing bad data with the fields named, and a report sent twice with 409."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from doanvien.youth.models import ReferralSettings, ReportExtension, ReportSent, ReviewNote, Survey

from ..api.conftest import ApiClient as BaseClient
from ..api.conftest import fields

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
SURVEY = {
    "surveyed_on": f"{LAST_YEAR}-09-01",
    "age_16_18": 10,
    "age_19_24": 6,
    "age_25_30": 4,
    "studying": 12,
    "working": 5,
    "neither": 3,
    "federation_members": 6,
    "groups_found": 2,
}


class ApiClient(BaseClient):
    def put(self, path, data=None):
        return self.client.put(path, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def secretary(world):
    return ApiClient(world.secretary)


def survey_url(world, year=LAST_YEAR, unit=None):
    return f"/api/v1/units/{(unit or world.branch).pk}/youth-survey/{year}"


def test_a_branch_records_and_corrects_its_survey(world, secretary):
    assert secretary.get(survey_url(world)).status_code == 404
    saved = secretary.put(survey_url(world), SURVEY)
    assert saved.status_code == 200, saved.content
    body = saved.json()
    # The members prefilled: the branch's 2 members on the survey's day.
    assert (body["youths"], body["members"], body["gathering_rate"]) == (20, 2, "40.00")
    corrected = secretary.put(survey_url(world), {**SURVEY, "members": 4})
    assert corrected.json()["members"] == 4 and corrected.json()["gathering_rate"] == "50.00"
    assert Survey.objects.get().members == 4
    assert secretary.get(survey_url(world)).json()["members"] == 4
    # The report's rows carry the members counted by the surveys.
    report = secretary.get(f"/api/v1/units/{world.branch.pk}/referrals/{LAST_YEAR}").json()
    assert report["rows"][0]["members_surveyed"] == 4
    assert report["rows"][0]["gathering_rate"] == "50.00"


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"neither": 9}, 400, "neither"),
        ({"members": 21}, 400, "members"),
        ({"surveyed_on": "31/02/2020"}, 400, "surveyed_on"),
        ({"age_16_18": -1}, 422, "age_16_18"),
        ({"members": "many"}, 422, "members"),
        ({"colour": "red"}, 422, "colour"),
    ],
)
def test_a_wrong_survey_names_the_field_and_keeps_what_was_saved(
    world, secretary, change, status, field
):
    secretary.put(survey_url(world), SURVEY)
    before = list(Survey.objects.values())
    answer = secretary.put(survey_url(world), {**SURVEY, **change})
    assert answer.status_code == status
    assert field in fields(answer)
    assert list(Survey.objects.values()) == before


def test_the_survey_is_a_branchs_and_in_scope(world, secretary):
    base = ApiClient(world.base_cadre)
    assert base.put(survey_url(world, unit=world.base), SURVEY).status_code == 400
    assert base.put(survey_url(world), SURVEY).status_code == 200
    outsider, member = ApiClient(world.outsider), ApiClient(world.member_user)
    for client in (outsider, member):
        assert client.put(survey_url(world), SURVEY).status_code in (403, 404)
        assert client.get(survey_url(world)).status_code in (403, 404)
    assert Survey.objects.count() == 1


def test_review_notes_are_added_and_listed_by_year(world):
    cadre = ApiClient(world.base_cadre)
    url = f"/api/v1/units/{world.base.pk}/referral-reviews"
    added = cadre.post(url, {"text": "Sơ kết 6 tháng", "on": f"{LAST_YEAR}-06-30"})
    assert added.status_code == 201, added.content
    assert added.json()["half"] == 1 and added.json()["year"] == LAST_YEAR
    second = cadre.post(f"{url}?year={LAST_YEAR}", {"text": "Tổng kết năm"})
    assert second.status_code == 201 and second.json()["on"] == f"{LAST_YEAR}-12-31"
    listed = cadre.get(url, {"year": LAST_YEAR}).json()
    assert [n["text"] for n in listed] == ["Tổng kết năm", "Sơ kết 6 tháng"]
    assert cadre.get(url).json() == []  # this year's: none
    # A branch does not hold the review; a bad date and an empty note name their field.
    branch_url = f"/api/v1/units/{world.branch.pk}/referral-reviews"
    assert "text" in fields(ApiClient(world.secretary).post(branch_url, {"text": "x"}))
    assert "on" in fields(cadre.post(url, {"text": "x", "on": "hôm qua"}))
    assert "text" in fields(cadre.post(url, {"text": " "}))
    assert cadre.get(url, {"year": 1800}).status_code == 422
    outsider = ApiClient(world.outsider)
    assert outsider.get(url, {"year": LAST_YEAR}).status_code == 404
    assert outsider.post(url, {"text": "x"}).status_code == 404
    assert ReviewNote.objects.count() == 2


def test_the_report_is_sent_once(world):
    cadre = ApiClient(world.base_cadre)
    url = f"/api/v1/units/{world.base.pk}/referral-report/{LAST_YEAR}/send"
    sent = cadre.post(url)
    assert sent.status_code == 201, sent.content
    assert sent.json() == {
        "unit": {"id": world.base.pk, "name": world.base.name, "code": world.base.code},
        "year": LAST_YEAR,
        "sent_on": str(TODAY),
    }
    again = cadre.post(url)
    assert again.status_code == 409 and again.json()["detail"]
    # A branch does not send it (the reporting level is the base unions'); nor a year to come.
    branch = ApiClient(world.secretary)
    assert (
        branch.post(f"/api/v1/units/{world.branch.pk}/referral-report/{LAST_YEAR}/send")
    ).status_code == 400
    assert (
        cadre.post(f"/api/v1/units/{world.base.pk}/referral-report/{TODAY.year + 1}/send")
    ).status_code == 400
    assert ApiClient(world.outsider).post(url).status_code == 404
    assert ReportSent.objects.count() == 1


def test_the_reporting_level_comes_from_the_settings(world):
    ReferralSettings.objects.create(unit=world.province, report_level="district")
    cadre = ApiClient(world.province_cadre)
    base_url = f"/api/v1/units/{world.base.pk}/referral-report/{LAST_YEAR}/send"
    assert cadre.post(base_url).status_code == 400
    district_url = f"/api/v1/units/{world.district.pk}/referral-report/{LAST_YEAR}/send"
    assert cadre.post(district_url).status_code == 201
    assert list(ReportSent.objects.values_list("unit_id", flat=True)) == [world.district.pk]


def test_extensions_and_the_late_list(world):
    cadre = ApiClient(world.province_cadre)
    late_url = f"/api/v1/units/{world.district.pk}/referral-report/{LAST_YEAR}/late"
    late = cadre.get(late_url).json()
    assert late["count"] == 2 and late["pages"] == 1
    assert [i["unit"]["code"] for i in late["items"]] == ["TN-TA-THPT", "TN-TA-TH"]
    item = late["items"][0]
    assert item["due_on"] == f"{LAST_YEAR}-10-15" and not item["extended"]
    assert item["days_late"] == (TODAY - date(LAST_YEAR, 10, 15)).days
    url = f"/api/v1/units/{world.district.pk}/referral-report/{LAST_YEAR}/extensions"
    soon = (TODAY + timedelta(days=3)).isoformat()
    granted = cadre.post(url, {"code": "tn-ta-th", "extended_to": soon, "reason": "Bão lũ"})
    assert granted.status_code == 201, granted.content
    assert granted.json()["unit"]["code"] == "TN-TA-TH"
    assert granted.json()["extended_to"] == soon
    assert [i["unit"]["code"] for i in cadre.get(late_url).json()["items"]] == ["TN-TA-THPT"]
    # Bad data names its field; a unit that has sent its report: 409.
    assert "code" in fields(cadre.post(url, {"code": "NOPE", "extended_to": soon}))
    assert "extended_to" in fields(cadre.post(url, {"code": "TN-TA-TH", "extended_to": "x"}))
    assert "extended_to" in fields(cadre.post(url, {"code": "TN-TA-TH", "extended_to": 5}))
    ReportSent.objects.create(unit=world.base, year=LAST_YEAR, sent_on=TODAY)
    sent = cadre.post(url, {"code": "TN-TA-THPT", "extended_to": soon})
    assert sent.status_code == 409
    assert ReportExtension.objects.count() == 1
    # Page after the last: 404 naming the page; scope: 404.
    assert "page" in fields(cadre.get(late_url, {"page": 2}))
    assert cadre.get(late_url, {"page": 0}).status_code == 422
    outsider = ApiClient(world.outsider)
    assert outsider.get(late_url).status_code == 404
    assert outsider.post(url, {"code": "TN-TA-TH", "extended_to": soon}).status_code == 404
    # The secretary of a branch grants nothing (her branch has no unit under it).
    branch_url = f"/api/v1/units/{world.branch.pk}/referral-report/{LAST_YEAR}/extensions"
    answer = ApiClient(world.secretary).post(branch_url, {"code": "TN-TA-TH", "extended_to": soon})
    assert answer.status_code == 400
    assert ReportExtension.objects.count() == 1

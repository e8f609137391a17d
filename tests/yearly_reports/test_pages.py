"""The yearly report's pages: the unit's cadres write the prose on the page (its figures filled
from the data), submit it; the level above reads it, pulls its good models into its own report
and may reopen it; the yearly report page and the unit's page link it."""

from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.yearly_reports.models import GoodModel, YearlyReport

from .conftest import YEAR, good_model


def page(unit, name="yearly-report", year=YEAR):
    return reverse(f"yearly_reports:{name}", args=[unit.pk, year])


def test_the_cadres_write_the_prose_on_the_page(client, data):
    client.force_login(data.base_cadre)
    shown = client.get(page(data.base))
    assert shown.status_code == 200
    html = shown.content.decode()
    assert 'name="paragraph_deployment"' in html and 'name="paragraph_area_1"' in html
    assert "có 1 lượt đoàn viên tham gia (1 đoàn viên)" in html
    assert page(data.base, "yearly-report-docx") in html
    assert page(data.base, "yearly-report-pdf") in html
    assert 'id="appendix"' in html and "Chi đoàn 12A1" in html

    saved = client.post(
        page(data.base),
        {
            "paragraph_deployment": "Đã triển khai đến 100% chi đoàn.",
            "paragraph_process": "",
            "number": "15",
            "date": "20/11/2027",
            "place": "Tân An",
        },
    )
    assert saved.status_code == 302
    report = YearlyReport.objects.get(unit=data.base, year=YEAR)
    assert report.paragraphs == {"deployment": "Đã triển khai đến 100% chi đoàn."}
    assert (report.number, str(report.dated), report.updated_by) == (
        "15",
        "2027-11-20",
        data.base_cadre,
    )
    assert AuditEvent.objects.filter(action="yearly_report.saved", target_id=report.pk).exists()
    assert "Đã triển khai đến 100% chi đoàn." in client.get(page(data.base)).content.decode()

    refused = client.post(
        page(data.base),
        {"paragraph_deployment": "x" * 5001, "date": "32/13/2027"},
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Nội dung quá dài: tối đa 5.000 ký tự (hiện có 5.001 ký tự)." in html
    assert "“32/13/2027” không phải là ngày" in html
    report.refresh_from_db()
    assert report.paragraphs == {"deployment": "Đã triển khai đến 100% chi đoàn."}


def test_the_report_pages_link_the_draft(client, data):
    client.force_login(data.base_cadre)
    for url in (
        reverse("reports:unit-report", args=[data.base.pk, YEAR]),
        reverse("units:unit-detail", args=[data.base.pk]),
    ):
        html = client.get(url).content.decode()
        assert f"/units/{data.base.pk}/yearly-report/" in html, url


def test_submitted_read_above_pulled_and_reopened(client, data):
    practised = good_model(data.base, "Chi đoàn mạnh", result="Hai chi đoàn vững mạnh")
    client.force_login(data.district_cadre)
    early = client.get(page(data.base))
    assert early.status_code == 403
    assert "chưa gửi báo cáo năm 2027" in early.content.decode()
    assert client.get(page(data.base, "yearly-report-docx")).status_code == 403

    client.force_login(data.base_cadre)
    assert client.post(page(data.base, "yearly-report-submit")).status_code == 302
    report = YearlyReport.objects.get(unit=data.base, year=YEAR)
    assert report.state == "submitted" and report.submitted_by == data.base_cadre
    html = client.get(page(data.base)).content.decode()
    assert "paragraph_deployment" not in html and 'id="report-reopen"' in html
    client.post(page(data.base), {"paragraph_opening": "Sau khi gửi"})
    report.refresh_from_db()
    assert report.paragraphs == {}

    client.force_login(data.district_cadre)
    html = client.get(page(data.base)).content.decode()
    pull = reverse("yearly_reports:yearly-report-pull", args=[data.district.pk, YEAR, practised.pk])
    assert "Chi đoàn mạnh" in html and pull in html
    assert "paragraph_deployment" not in html
    assert client.post(pull).status_code == 302
    copy = GoodModel.objects.get(unit=data.district)
    assert (copy.source, copy.origin, copy.title, copy.result) == (
        practised,
        data.base,
        "Chi đoàn mạnh",
        "Hai chi đoàn vững mạnh",
    )
    client.post(pull)  # twice: refused, one copy
    assert GoodModel.objects.filter(unit=data.district).count() == 1
    own = client.get(page(data.district)).content.decode()
    assert "Chi đoàn mạnh" in own and "(Đoàn trường THPT Tân An)" in own
    assert page(data.base) in own  # the children's reports, the submitted one linked

    # The province sees the base union's report but is not the level directly above it.
    client.force_login(data.province_cadre)
    assert client.get(page(data.base)).status_code == 200
    assert (
        client.post(
            reverse(
                "yearly_reports:yearly-report-pull", args=[data.province.pk, YEAR, practised.pk]
            )
        ).status_code
        == 403
    )

    client.force_login(data.district_cadre)
    assert client.post(page(data.base, "yearly-report-reopen")).status_code == 302
    assert YearlyReport.objects.get(unit=data.base, year=YEAR).state == "draft"
    assert client.get(page(data.base)).status_code == 403


def test_a_good_model_is_pulled_only_from_a_submitted_child(client, data):
    practised = good_model(data.branch, "Sinh hoạt chi đoàn ghép")
    client.force_login(data.base_cadre)
    pull = reverse("yearly_reports:yearly-report-pull", args=[data.base.pk, YEAR, practised.pk])
    assert client.post(pull).status_code == 403  # the branch has not submitted
    client.force_login(data.district_cadre)
    skip = reverse("yearly_reports:yearly-report-pull", args=[data.district.pk, YEAR, practised.pk])
    client.force_login(data.secretary)
    client.post(page(data.branch, "yearly-report-submit"))
    client.force_login(data.district_cadre)
    assert client.post(skip).status_code == 403  # not a unit directly under the district
    client.force_login(data.base_cadre)
    assert client.post(pull).status_code == 302
    assert GoodModel.objects.filter(unit=data.base, source=practised).count() == 1
    assert not GoodModel.objects.filter(unit=data.district).exists()

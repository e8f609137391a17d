"""The activity pages: a branch publishes, a member signs up on his phone, the organiser checks
in by a scan (answered in JSON to the page's script, a replay counted once), a list ticked or
codes pasted (all or nothing), the figures, a member's own page and the assessment column."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from doanvien.activities import services
from doanvien.activities.models import Activity, Participation
from doanvien.members.card_tokens import card_token
from doanvien.training.rules import programme_year_of

NOW = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
YEAR = programme_year_of(NOW.date(), "school", start_month=6)  # an activity's year


@pytest.fixture
def activity(world):
    return services.activity_publish(
        actor=world.secretary,
        unit=world.branch,
        data={
            "title": "Hiến máu tình nguyện",
            "kind": "volunteering",
            "areas": ["4"],
            "starts_at": NOW,
            "ends_at": NOW + timedelta(hours=2),
        },
    )


def test_the_secretary_publishes_from_the_unit_page(client, world):
    client.force_login(world.secretary)
    url = reverse("activities:unit-activities", args=[world.branch.pk])
    answer = client.post(
        url,
        {
            "title": "Dọn vệ sinh kênh rạch",
            "kind": "volunteering",
            "areas": ["2", "4"],
            "starts_at": NOW.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (NOW + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "audience": "subtree",
        },
    )
    activity = Activity.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/activities/{activity.pk}/")
    assert activity.title == "Dọn vệ sinh kênh rạch"
    page = client.get(url, {"year": YEAR}).content.decode()
    assert "Dọn vệ sinh kênh rạch" in page


def test_a_member_signs_up_on_the_activity_page(client, world, activity):
    client.force_login(world.member_user)
    page = client.get(reverse("activities:activity-detail", args=[activity.pk])).content.decode()
    assert 'id="sign-up"' in page and 'id="scan"' not in page
    client.post(reverse("activities:activity-signup", args=[activity.pk]))
    row = Participation.objects.get(activity=activity)
    assert row.member == world.member and row.signed_up_at and not row.attended_at
    mine = client.get(reverse("activities:member-activities", args=[world.member.pk]))
    assert "Hiến máu tình nguyện" in mine.content.decode()


def test_a_scan_from_the_page_answers_json_and_counts_once(client, world, activity):
    client.force_login(world.secretary)
    url = reverse("activities:activity-checkin", args=[activity.pk])
    data = {"card": card_token(world.member), "scan_id": "a1b2"}
    first = client.post(url, data, headers={"Accept": "application/json"})
    assert first.json()["checked_in"] == 1 and first.json()["name"] == world.member.full_name
    again = client.post(url, data, headers={"Accept": "application/json"})
    assert again.json()["checked_in"] == 0
    bad = client.post(
        url, {"card": "rubbish", "scan_id": "a1b3"}, headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400 and bad.json()["errors"]["card_token"]
    stats = client.get(reverse("activities:activity-stats", args=[world.branch.pk, YEAR]))
    assert stats.context["rows"][0].participations == 1


def test_codes_pasted_are_all_or_nothing(client, world, activity):
    client.force_login(world.secretary)
    url = reverse("activities:activity-checkin", args=[activity.pk])
    codes = f"{world.member.member_code}\nKHONG-CO\n{world.outsider_member.member_code}"
    answer = client.post(url, {"codes": codes}, follow=True)
    page = answer.content.decode()
    assert "KHONG-CO" in page and world.outsider_member.member_code in page
    assert not Participation.objects.exists()
    client.post(url, {"codes": f"{world.member.member_code}\n{world.member2.member_code}"})
    assert Participation.objects.filter(attended_at__isnull=False).count() == 2


def _xlsx(path, rows):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, values in enumerate([["STT", "Mã đoàn viên", "Họ và tên"], *rows]):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    book.close()
    return path


def test_an_excel_list_is_recorded_all_or_nothing_with_row_errors(
    client, world, activity, tmp_path
):
    client.force_login(world.secretary)
    url = reverse("activities:activity-checkin", args=[activity.pk])
    bad = _xlsx(
        tmp_path / "bad.xlsx",
        [
            [1, world.member.member_code, world.member.full_name],
            [2, "KHONG-CO", "Người lạ"],
            [3, "", "Không có mã"],
            [4, world.outsider_member.member_code, world.outsider_member.full_name],
        ],
    )
    with bad.open("rb") as f:
        page = client.post(url, {"file": f}, follow=True).content.decode()
    assert "Dòng 3 (KHONG-CO)" in page and "Dòng 4" in page and "Dòng 5" in page
    assert not Participation.objects.exists()
    good = _xlsx(
        tmp_path / "good.xlsx",
        [[1, world.member.member_code, ""], [2, world.member2.member_code, ""]],
    )
    with good.open("rb") as f:
        client.post(url, {"file": f})
    rows = Participation.objects.filter(attended_at__isnull=False)
    assert sorted(rows.values_list("member", flat=True)) == sorted(
        [world.member.pk, world.member2.pk]
    )
    assert set(rows.values_list("source", flat=True)) == {"import"}


def test_a_file_that_is_not_a_spreadsheet_records_nothing(client, world, activity, tmp_path):
    client.force_login(world.secretary)
    junk = tmp_path / "list.xlsx"
    junk.write_bytes(b"not a workbook")
    with junk.open("rb") as f:
        answer = client.post(
            reverse("activities:activity-checkin", args=[activity.pk]), {"file": f}, follow=True
        )
    assert answer.status_code == 200
    assert list(answer.context["messages"])
    assert not Participation.objects.exists()

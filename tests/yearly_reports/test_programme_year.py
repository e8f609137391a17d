"""The activity figures count the programme year, as the training programme does: a school's
activity of September counts in the next year (its programme year runs June to May), in the
activity statistics and in the yearly report; a residential unit's counts in its calendar year."""

from doanvien.activities.services import activity_checkin, activity_publish

from .conftest import YEAR


def _publish(unit, when, title):
    return activity_publish(
        actor=None,
        unit=unit,
        data={
            "title": title,
            "kind": "skills",
            "areas": ["2"],
            "starts_at": when,
            "ends_at": when,
            "audience": "subtree",
        },
    )


def test_an_activity_in_the_programme_year_but_not_the_calendar_year_is_counted(data, api):
    # September of the year before: outside calendar year YEAR, inside the school's programme
    # year YEAR (01/06/YEAR-1 – 31/05/YEAR).
    autumn = _publish(data.branch, f"{YEAR - 1}-09-20T14:00:00", "Kỹ năng thuyết trình")
    assert autumn.year == YEAR
    activity_checkin(actor=None, activity=autumn, member_ids=[data.member2.pk])
    # June of the year: the next programme year.
    summer = _publish(data.branch, f"{YEAR}-06-10T08:00:00", "Mùa hè xanh")
    assert summer.year == YEAR + 1
    activity_checkin(actor=None, activity=summer, member_ids=[data.member.pk])
    # A residential branch counts its calendar year.
    village = _publish(data.other_branch, f"{YEAR - 1}-09-20T14:00:00", "Dọn vệ sinh ấp")
    assert village.year == YEAR - 1

    client = api(data.base_cadre)
    stats = client.get(f"/api/v1/units/{data.base.pk}/activity-stats/{YEAR}").json()
    # The March activity of the fixture (member checked in) and the September one.
    assert stats["rows"][0]["activities"] == 2
    assert stats["rows"][0]["participations"] == 2
    assert stats["rows"][0]["participants"] == 2
    before = client.get(f"/api/v1/units/{data.base.pk}/activity-stats/{YEAR - 1}").json()
    assert before["rows"][0]["activities"] == 0
    drafted = client.get(f"/api/v1/units/{data.base.pk}/yearly-report/{YEAR}").json()
    assert drafted["figures"]["activities"] == stats["figures"]
    assert drafted["figures"]["activities"]["participations"] == 2
    written = " ".join(f for s in drafted["sections"] for f in s["facts"])
    assert f"Năm {YEAR} đã tổ chức 2 hoạt động, có 2 lượt đoàn viên tham gia" in written
    area_2 = next(s for s in drafted["sections"] if s["key"] == "area:2")
    assert "1 hoạt động" in " ".join(area_2["facts"])
    district = api(data.district_cadre).get(
        f"/api/v1/units/{data.district.pk}/activity-stats/{YEAR - 1}"
    )
    assert district.json()["rows"][0]["activities"] == 1  # the village's, not the school's


def test_a_unit_changing_sector_moves_its_activities_nobody_took_part_in(data, api):
    from doanvien.actions.units import unit_update
    from doanvien.activities import rollup
    from doanvien.activities.models import Activity

    # A residential branch's September activities count in their calendar year.
    branch = data.other_branch
    untouched = _publish(branch, f"{YEAR - 1}-09-20T14:00:00", "Dọn vệ sinh ấp")
    attended = _publish(branch, f"{YEAR - 1}-09-21T14:00:00", "Hiến máu")
    activity_checkin(actor=None, activity=attended, member_ids=[data.outsider_member.pk])
    assert (untouched.year, attended.year) == (YEAR - 1, YEAR - 1)

    # It becomes a school branch: the activity nobody took part in moves to the school's
    # programme year (June to May); the one with a participant keeps its year.
    unit_update(
        actor=None,
        unit=branch,
        name=branch.name,
        code=branch.code,
        sector="school",
        level=branch.level,
    )
    assert Activity.objects.get(pk=untouched.pk).year == YEAR
    assert Activity.objects.get(pk=attended.pk).year == YEAR - 1
    assert rollup.differences() == []
    client = api(data.district_cadre)
    now = client.get(f"/api/v1/units/{data.district.pk}/activity-stats/{YEAR - 1}").json()
    assert now["rows"][0]["activities"] == 1  # the one with its participant

"""The yearly report through the API: its figures are those of the report and activity APIs,
its prose is kept while the figures follow the data, bad input is refused field by field in
Vietnamese, and a submitted report opens to the levels above (and only then)."""

from doanvien.activities.services import activity_checkin
from doanvien.yearly_reports.models import GoodModel, YearlyReport

from .conftest import YEAR, good_model


def url(unit, year=YEAR, tail=""):
    return f"/api/v1/units/{unit.pk}/yearly-report/{year}{tail}"


def section(body, key):
    return next(s for s in body["sections"] if s["key"] == key)


def facts(body) -> str:
    return " ".join(f for s in body["sections"] for f in s["facts"])


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_the_figures_equal_the_report_and_activity_apis(data, api):
    for unit, user in (
        (data.district, data.district_cadre),
        (data.base, data.base_cadre),
        (data.branch, data.secretary),
    ):
        client = api(user)
        drafted = client.get(url(unit))
        assert drafted.status_code == 200, drafted.content
        figures = drafted.json()["figures"]
        report = client.get(f"/api/v1/units/{unit.pk}/reports/{YEAR}").json()
        stats = client.get(f"/api/v1/units/{unit.pk}/activity-stats/{YEAR}").json()
        assert figures["report"]["rows"] == [
            {k: v for k, v in row.items() if k != "evaluations"} for row in report["rows"]
        ]
        assert figures["activities"] == stats["figures"]
        if not unit.is_branch:
            progress = client.get(f"/api/v1/units/{unit.pk}/progress/{YEAR}").json()["rows"]
            for name in ("registered", "assessed", "branches_recognised", "late_units"):
                assert figures["process"][name] == sum(r[name] for r in progress), name
    base = api(data.base_cadre).get(url(data.base)).json()
    assert base["figures"]["activities"]["participations"] == 1
    assert base["figures"]["report"]["rows"][0]["levels"]["excellent"]["count"] == 1
    written = facts(base)
    assert "Năm 2027 đã tổ chức 1 hoạt động, có 1 lượt đoàn viên tham gia (1 đoàn viên)." in written
    assert "Hoàn thành xuất sắc: 1 (đạt 33,34%)" in written
    assert "Kết quả đăng ký: Có 3/3 đoàn viên đăng ký thực hiện, đạt 100,0%." in written
    assert [s["number"] for s in base["sections"] if s["level"] == 1] == ["I", "II", "III", "IV"]


def test_the_prose_is_kept_and_the_figures_follow_the_data(data, api):
    client = api(data.base_cadre)
    text = "Ban Thường vụ Đoàn trường triển khai Chương trình đến các chi đoàn.\nĐoạn thứ hai."
    saved = client.put(
        url(data.base),
        {
            "paragraphs": {"deployment": text, "area_1": "Học tập chính trị."},
            "number": "15",
            "date": "20/11/2027",
            "place": "Tân An",
        },
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert section(body, "deployment")["paragraph"] == text
    assert body["number"] == "15" and body["date"] == "2027-11-20" and body["state"] == "draft"
    assert "1 lượt đoàn viên tham gia" in " ".join(section(body, "area:1")["facts"])

    # A new check-in: the figures follow at the next reading, the prose stays as written.
    activity_checkin(actor=data.base_cadre, activity=data.activity, member_ids=[data.member2.pk])
    good_model(data.base, "Sinh hoạt chi đoàn ghép")
    again = client.get(url(data.base)).json()
    assert again["figures"]["activities"]["participations"] == 2
    assert again["figures"]["activities"]["participants"] == 2
    assert "2 lượt đoàn viên tham gia (2 đoàn viên)" in " ".join(section(again, "area:1")["facts"])
    assert [g["title"] for g in section(again, "good_models")["good_models"]] == [
        "Sinh hoạt chi đoàn ghép"
    ]
    assert section(again, "deployment")["paragraph"] == text
    assert section(again, "area:1")["paragraph"] == "Học tập chính trị."
    # Only the prose is stored: no figure.
    stored = YearlyReport.objects.get(unit=data.base, year=YEAR)
    assert stored.paragraphs == {"deployment": text, "area_1": "Học tập chính trị."}

    # Saving one section leaves the others; an empty text clears its section.
    client.put(url(data.base), {"paragraphs": {"process": "Quy trình đúng hạn.", "area_1": ""}})
    stored.refresh_from_db()
    assert stored.paragraphs == {"deployment": text, "process": "Quy trình đúng hạn."}


def test_bad_input_is_refused_field_by_field_in_vietnamese(data, api):
    client = api(data.base_cadre)
    answer = client.put(
        url(data.base),
        {
            "paragraphs": {"deployment": "a" * 5001, "nope": "x"},
            "date": "31/02/2027",
            "number": "1" * 61,
        },
    )
    assert answer.status_code == 422
    found = errors(answer)
    assert found["paragraphs.deployment"] == (
        "Nội dung quá dài: tối đa 5.000 ký tự (hiện có 5.001 ký tự)."
    )
    assert "Không có mục này" in found["paragraphs.nope"]
    assert found["date"].startswith("“31/02/2027” không phải là ngày")
    assert "tối đa 60 ký tự" in found["number"]
    assert not YearlyReport.objects.exists()
    hidden = client.put(url(data.base), {"paragraphs": {"process": "x\u202ey"}})
    assert hidden.status_code == 422 and "U+202E" in errors(hidden)["paragraphs.process"]

    low = client.get(url(data.base, 1999))
    assert low.status_code == 422
    assert errors(low) == {"year": "Vui lòng nhập một số lớn hơn hoặc bằng 2000."}
    high = client.put(url(data.base, 2101), {"paragraphs": {"opening": "x"}})
    assert high.status_code == 422
    assert errors(high) == {"year": "Vui lòng nhập một số nhỏ hơn hoặc bằng 2100."}
    assert client.put(url(data.base), {"paragraphs": "x"}).status_code == 422
    assert client.put(url(data.base), {"unknown": "x"}).status_code == 422
    assert not YearlyReport.objects.exists()


def test_a_submitted_report_opens_to_the_levels_above(data, api):
    base, district = api(data.base_cadre), api(data.district_cadre)
    province = api(data.province_cadre)
    # A draft is the unit's own business.
    for tail in ("", ".docx", ".pdf"):
        assert district.get(url(data.base, tail=tail)).status_code == 403
    assert district.put(url(data.base), {"paragraphs": {"opening": "x"}}).status_code == 403
    assert district.post(url(data.base, tail="/submit")).status_code == 403

    submitted = base.post(url(data.base, tail="/submit"))
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert submitted.json()["editable"] is False
    for reader in (district, province):
        answer = reader.get(url(data.base))
        assert answer.status_code == 200 and answer.json()["editable"] is False
    # Above, it is read, not written; submitted, it is not written by its own either.
    assert district.put(url(data.base), {"paragraphs": {"opening": "x"}}).status_code == 403
    refused = base.put(url(data.base), {"paragraphs": {"opening": "x"}})
    assert refused.status_code == 409 and "mở lại" in refused.json()["detail"]
    assert base.post(url(data.base, tail="/submit")).status_code == 409

    reopened = district.post(url(data.base, tail="/reopen"))
    assert reopened.status_code == 200 and reopened.json()["state"] == "draft"
    assert district.get(url(data.base)).status_code == 403
    assert base.post(url(data.base, tail="/reopen")).status_code == 409

    # Out of scope: 404, whoever asks.
    for outsider in (api(data.outsider), api(data.member_user), api(data.secretary)):
        assert outsider.get(url(data.base)).status_code == 404
        assert outsider.get(url(data.base, tail=".docx")).status_code == 404
        assert outsider.put(url(data.base), {"paragraphs": {}}).status_code == 404


def test_good_models_are_recorded_and_listed_by_the_units_own(data, api):
    secretary = api(data.secretary)
    created = secretary.post(
        f"/api/v1/units/{data.branch.pk}/good-models",
        {"year": YEAR, "title": "Chi đoàn mạnh", "result": "Đạt vững mạnh"},
    )
    assert created.status_code == 201, created.content
    listed = secretary.get(f"/api/v1/units/{data.branch.pk}/good-models", {"year": YEAR}).json()
    assert [g["title"] for g in listed["items"]] == ["Chi đoàn mạnh"]
    assert listed["count"] == 1
    assert (
        secretary.get(f"/api/v1/units/{data.branch.pk}/good-models", {"year": YEAR - 1}).json()[
            "items"
        ]
        == []
    )

    bad = secretary.post(
        f"/api/v1/units/{data.branch.pk}/good-models", {"year": 1999, "title": " "}
    )
    assert bad.status_code == 422
    assert errors(bad) == {
        "year": "Hãy nhập năm từ 2000 đến 2100.",
        "title": "Vui lòng nhập trường này.",
    }
    # The level above reads them in the submitted report, not in the list; it records none.
    base = api(data.base_cadre)
    assert base.get(f"/api/v1/units/{data.branch.pk}/good-models").status_code == 403
    assert (
        base.post(
            f"/api/v1/units/{data.branch.pk}/good-models", {"year": YEAR, "title": "x"}
        ).status_code
        == 403
    )
    assert GoodModel.objects.count() == 1
    # Submitted, the year's good models are kept as they are.
    secretary.post(url(data.branch, tail="/submit"))
    locked = secretary.post(
        f"/api/v1/units/{data.branch.pk}/good-models", {"year": YEAR, "title": "Mới"}
    )
    assert locked.status_code == 409

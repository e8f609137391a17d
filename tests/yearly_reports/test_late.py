"""The draft's late branches: its counts are the late list's (read from the roll-ups, not the
branches); a unit with few branches names them, most days late first; a larger one names the
units under it with the most late branches."""

from datetime import date

from doanvien.training import lateness
from doanvien.training.models import Deadline
from doanvien.training.services.configuration import deadline_set
from doanvien.yearly_reports import selectors

from .conftest import YEAR


def facts(body) -> str:
    return " ".join(f for s in body["sections"] for f in s["facts"])


def test_the_draft_counts_and_names_the_late_branches(data, api, monkeypatch):
    # The evaluation date has passed (the fixture); so has the registration date, set here.
    deadline_set(
        actor=None,
        unit=data.province,
        year=YEAR,
        kind=Deadline.Kind.REGISTRATION,
        due_on=date(YEAR - 1, 11, 1).strftime("%d/%m/%Y"),
    )
    listed = list(lateness.late_rows(data.district, YEAR).order_by("pk", "late_for"))
    assert {r["late_for"] for r in listed} == {"registration", "evaluation"}
    url = f"/api/v1/units/{data.district.pk}/yearly-report/{YEAR}"
    body = api(data.district_cadre).get(url).json()
    process = body["figures"]["process"]
    assert process["late"] == {
        kind: sum(r["late_for"] == kind for r in listed) for kind in lateness.KINDS
    }
    assert process["late_units"] == len({r["pk"] for r in listed}) == 3
    # Three branches: named, with the days late.
    assert "Chi đoàn Ấp 1: Đăng ký" in facts(body)

    # Above LATE_LISTED_BRANCHES, the units under it instead, with their counts.
    monkeypatch.setattr(selectors, "LATE_LISTED_BRANCHES", 2)
    body = api(data.district_cadre).get(url).json()
    written = facts(body)
    assert "Chi đoàn Ấp 1: Đăng ký" not in written
    assert "Đoàn trường THPT Tân An: 2 chi đoàn trễ hạn." in written
    assert "Đoàn xã Tân Hòa: 1 chi đoàn trễ hạn." in written

"""The returns API: read, typed cells (a computed cell → 400, text → the cell's message),
submit, the status the unit above sees, accept and return; out of scope → 404."""

from datetime import date

import pytest
from django.utils import timezone

from doanvien.accounts.services import api_token_issue

from ..factories import make_user

YEAR = timezone.localdate().year


def headers(user):
    return {"Authorization": f"Bearer {api_token_issue(user=user)}"}


@pytest.fixture
def district_cadre(world):
    return make_user("district", role="cadre", unit=world.district)


def url(unit, tail=""):
    return f"/api/v1/units/{unit.pk}/returns/{YEAR}/h1{tail}"


def test_a_district_reports_and_the_province_accepts(client, world, district_cadre, settings):
    mine = headers(district_cadre)
    read = client.get(url(world.district), headers=mine).json()
    assert read["state"] == "not_started"
    assert [f["number"] for f in read["forms"]] == list(range(1, 10))
    first = read["forms"][0]["cells"][0]
    assert set(first) >= {"row", "col", "value", "source"} and first["source"] == "computed"

    computed = client.put(
        url(world.district, "/forms/1"),
        {"cells": [{"row": "members", "col": "total", "value": 5}]},
        content_type="application/json",
        headers=mine,
    )
    assert computed.status_code == 400
    bad = client.put(
        url(world.district, "/forms/6"),
        {"cells": [{"row": "total", "col": "trained", "value": "mười"}]},
        content_type="application/json",
        headers=mine,
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "total:trained"
    saved = client.put(
        url(world.district, "/forms/6"),
        {
            "cells": [
                {"row": "total", "col": "trained", "value": 5},
                {"row": "union_work", "col": "trained", "value": 5},
            ]
        },
        content_type="application/json",
        headers=mine,
    )
    assert saved.status_code == 200 and saved.json()["state"] == "draft"
    # The province may not fill the district's cells; the district may not accept its own.
    theirs = headers(world.province_cadre)
    assert client.post(url(world.district, "/submit"), headers=theirs).status_code == 403
    assert client.post(url(world.district, "/accept"), headers=mine).status_code == 403

    submitted = client.post(url(world.district, "/submit"), headers=mine)
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert client.post(url(world.district, "/submit"), headers=mine).status_code == 409

    status = client.get(url(world.province, "/status"), headers=theirs).json()
    (item,) = status["items"]
    assert (item["unit"], item["state"], item["comment"]) == (world.district.pk, "submitted", "")
    assert item["late"] is (timezone.localdate() > date(YEAR, 6, 30))
    assert status["items"][0]["submitted_at"]
    back = client.post(
        url(world.district, "/return"),
        {"comment": "Thiếu biểu 7"},
        content_type="application/json",
        headers=theirs,
    )
    assert back.json()["state"] == "returned"
    assert (
        client.get(url(world.province, "/status"), headers=theirs).json()["items"][0]["comment"]
        == "Thiếu biểu 7"
    )
    client.post(url(world.district, "/submit"), headers=mine)
    assert client.post(url(world.district, "/accept"), headers=theirs).json()["state"] == "accepted"
    province = client.get(url(world.province), headers=theirs).json()
    form6 = next(f for f in province["forms"] if f["number"] == 6)
    total = next(c for c in form6["cells"] if (c["row"], c["col"]) == ("total", "trained"))
    assert (total["value"], total["source"]) == (5, "typed")


def test_a_return_not_submitted_past_its_deadline_reads_late_as_on_the_status(
    client, world, district_cadre
):
    """The return and the status the unit above sees say the same thing: last year's h1 return
    of the district, never submitted, is late."""
    last_year = f"/api/v1/units/{world.district.pk}/returns/{YEAR - 1}/h1"
    read = client.get(last_year, headers=headers(district_cadre)).json()
    status = client.get(
        f"/api/v1/units/{world.province.pk}/returns/{YEAR - 1}/h1/status",
        headers=headers(world.province_cadre),
    ).json()
    district = next(i for i in status["items"] if i["unit"] == world.district.pk)
    assert (read["state"], read["late"]) == ("not_started", True)
    assert district["late"] is True


def test_out_of_scope_members_and_branches_get_404(client, world):
    for who, unit in (
        (world.outsider, world.base),
        (world.member_user, world.base),
        (world.secretary, world.branch),
        (world.base_cadre, world.district),
    ):
        assert client.get(url(unit), headers=headers(who)).status_code == 404
        assert client.get(url(unit, "/status"), headers=headers(who)).status_code == 404
    assert (
        client.get(
            f"/api/v1/units/{world.base.pk}/returns/{YEAR}/q3", headers=headers(world.base_cadre)
        ).status_code
        == 404
    )

"""The yearly indicators: targets set by the level above, typed and computed figures, the last
three years side by side; the page and the API, with their scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.core.models import AuditEvent
from doanvien.member_stats import services
from doanvien.member_stats.indicators import indicator_rows
from doanvien.member_stats.models import Indicator, IndicatorTarget, IndicatorValue

from ..factories import make_member

TODAY = date.today()
YEAR = TODAY.year


def by_code(rows):
    return {r.indicator.code: r for r in rows}


def test_the_seeded_indicators_are_those_of_seed_004(db):
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {"youth_gathered", "strong_bases", "cadres_standard", "members_good"} <= codes
    assert {"members", "admitted", "joined_party", "recommended_party"} <= codes
    assert Indicator.objects.get(code="members").source == "members_at_year_end"
    assert Indicator.objects.get(code="youth_gathered").is_typed


def test_targets_actuals_and_the_last_three_years(world):
    members = Indicator.objects.get(code="members")
    gathered = Indicator.objects.get(code="youth_gathered")
    services.targets_set(
        actor=world.province_cadre,
        unit=world.district,
        year=YEAR,
        targets=[(world.base, members, "5"), (world.base, gathered, "80,5")],
    )
    services.targets_set(
        actor=world.province_cadre,
        unit=world.district,
        year=YEAR - 1,
        targets=[(world.base, gathered, "70")],
    )
    services.values_set(
        actor=world.base_cadre, unit=world.base, year=YEAR, values=[(gathered, "84")]
    )
    services.values_set(
        actor=world.base_cadre, unit=world.base, year=YEAR - 2, values=[(gathered, "60")]
    )
    make_member(world.branch, joined_party_on=date(YEAR, 1, 5))
    rows = by_code(indicator_rows(world.base, YEAR, TODAY))
    assert [f.year for f in rows["members"].years] == [YEAR - 2, YEAR - 1, YEAR]
    assert (rows["members"].current.target, rows["members"].current.actual) == (5, 4)
    assert rows["members"].current.reached is False
    assert rows["youth_gathered"].current.actual == Decimal("84")
    assert rows["youth_gathered"].current.target == Decimal("80.5")
    assert rows["youth_gathered"].current.reached is True
    assert [(f.target, f.actual) for f in rows["youth_gathered"].years] == [
        (None, Decimal("60")),
        (Decimal("70"), None),
        (Decimal("80.5"), Decimal("84")),
    ]
    assert rows["joined_party"].current.actual == 1
    assert AuditEvent.objects.filter(action="indicator.target_set").count() == 3


def test_bad_figures_save_nothing(world):
    gathered = Indicator.objects.get(code="youth_gathered")
    members = Indicator.objects.get(code="members")
    for raw, message in (("-1", "âm"), ("101", "100"), ("abc", "số"), ("1.234", "thập phân")):
        with pytest.raises(ValidationError) as e:
            services.targets_set(
                actor=None,
                unit=world.district,
                year=YEAR,
                targets=[(world.base, members, "3"), (world.base, gathered, raw)],
            )
        assert message in " ".join(e.value.messages)
    assert not IndicatorTarget.objects.exists()
    with pytest.raises(ValidationError):
        services.values_set(actor=None, unit=world.base, year=YEAR, values=[(members, "3")])
    with pytest.raises(ValidationError):  # not directly under the district
        services.targets_set(
            actor=None, unit=world.district, year=YEAR, targets=[(world.branch, members, "3")]
        )
    assert not IndicatorValue.objects.exists()


def test_the_page_sets_targets_from_above_and_figures_from_the_unit(client, world):
    gathered = Indicator.objects.get(code="youth_gathered")
    url = reverse("member_stats:unit-indicators", args=[world.base.pk, YEAR])
    targets = reverse("member_stats:unit-indicator-targets", args=[world.base.pk, YEAR])
    client.force_login(world.base_cadre)
    page = client.get(url)
    assert page.status_code == 200 and "Chỉ tiêu" in page.content.decode()
    # The base union's cadre types its own figures, and sets its branches' targets.
    assert client.post(url, {"value-youth_gathered": "75"}).status_code == 302
    answer = client.post(targets, {f"target-{world.branch.pk}-youth_gathered": "90"})
    assert answer.status_code == 302
    assert IndicatorTarget.objects.get(unit=world.branch, indicator=gathered).value == 90
    bad = client.post(targets, {f"target-{world.branch.pk}-youth_gathered": "-3"})
    assert bad.status_code == 400 and "âm" in bad.content.decode()
    # The branch secretary may not set her own branch's target.
    client.force_login(world.secretary)
    branch_targets = reverse("member_stats:unit-indicator-targets", args=[world.base.pk, YEAR])
    assert client.post(branch_targets, {}).status_code == 404
    client.force_login(world.base_cadre)
    assert client.post(
        reverse("member_stats:unit-indicators", args=[world.district.pk, YEAR]),
        {"value-youth_gathered": "1"},
    ).status_code in (403, 404)


def test_the_api(client, world):
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.province_cadre)}"}
    url = f"/api/v1/units/{world.district.pk}/indicators/{YEAR}"
    answer = client.put(
        url + "/targets",
        {"targets": [{"unit": world.base.pk, "indicator": "youth_gathered", "value": 88}]},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 200 and answer.json() == {"changed": 1}
    body = client.get(url, headers=headers).json()
    assert {c["unit"]: c["targets"] for c in body["children"]}[world.base.pk] == {
        "youth_gathered": "88.00"
    }
    assert [y["year"] for y in body["items"][0]["years"]] == [YEAR - 2, YEAR - 1, YEAR]
    computed = client.put(
        url + "/values",
        {"values": [{"indicator": "members", "value": 3}]},
        content_type="application/json",
        headers=headers,
    )
    assert computed.status_code == 400
    member = {"Authorization": f"Bearer {api_token_issue(user=world.member_user)}"}
    assert client.get(url, headers=member).status_code == 404
    outsider = {"Authorization": f"Bearer {api_token_issue(user=world.outsider)}"}
    assert client.get(url, headers=outsider).status_code == 404

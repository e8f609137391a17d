"""The yearly rating of leadership collectives: the unit's own committee proposes, a unit above
approves or rejects with a reason, approved is locked; every allowed and forbidden move, on the
API and on the unit's evaluations page; out of scope is 404."""

import pytest
from django.urls import reverse

from doanvien.evaluations import rollup
from doanvien.evaluations.models import CollectiveRating

from .conftest import YEAR
from .test_api import Api


def url(unit, action=""):
    return f"/api/v1/units/{unit.pk}/collective-rating/{YEAR}" + (f"/{action}" if action else "")


def test_the_unit_proposes_the_unit_above_decides(world, district_cadre):
    base = Api(world.base_cadre)
    assert base.get(url(world.base)).status_code == 404
    proposed = base.call("put", url(world.base), {"level": "good", "reason": "Hoàn thành tốt"})
    assert proposed.status_code == 200 and proposed.json()["state"] == "proposed"
    # Its own cadres cannot approve it; the branch below cannot see it; the district decides.
    assert base.call("post", url(world.base, "approve")).status_code == 403
    assert Api(world.secretary).call("post", url(world.base, "approve")).status_code == 404
    district = Api(district_cadre)
    rejected = district.call("post", url(world.base, "reject"), {"reason": ""})
    assert rejected.status_code == 400
    rejected = district.call("post", url(world.base, "reject"), {"reason": "Chưa đạt chỉ tiêu"})
    assert rejected.json()["state"] == "rejected"
    assert district.call("post", url(world.base, "approve")).status_code == 409
    base.call("put", url(world.base), {"level": "complete", "reason": "Sửa lại"})
    assert rollup.figures_of(world.district, YEAR)["collectives_complete"] == 0
    assert district.call("post", url(world.base, "approve")).json()["state"] == "approved"
    assert rollup.figures_of(world.district, YEAR)["collectives_complete"] == 1
    # Approved is locked.
    assert base.call("put", url(world.base), {"level": "good"}).status_code == 409
    assert district.call("post", url(world.base, "reject"), {"reason": "x"}).status_code == 409
    assert Api(world.outsider).get(url(world.base)).status_code == 404


def test_an_unknown_level_is_refused_and_nothing_saved(world):
    answer = Api(world.secretary).call("put", url(world.branch), {"level": "rất tốt"})
    assert answer.status_code == 400
    assert not CollectiveRating.objects.exists()


def test_the_top_unit_has_nobody_to_rate_its_collective(world):
    answer = Api(world.superuser).call("put", url(world.province), {"level": "good"})
    assert answer.status_code == 400
    assert not CollectiveRating.objects.exists()


def test_the_page_proposes_and_decides(client, world):
    page = reverse("evaluations:unit-evaluations", args=[world.branch.pk, YEAR])
    client.force_login(world.secretary)
    assert 'id="collective"' in client.get(page).content.decode()
    client.post(
        reverse("evaluations:collective-propose", args=[world.branch.pk, YEAR]),
        {"level": "excellent", "reason": "Tiêu biểu"},
    )
    assert CollectiveRating.objects.get(unit=world.branch).level == "excellent"
    approve = reverse("evaluations:collective-approve", args=[world.branch.pk, YEAR])
    assert client.post(approve).status_code == 403
    client.force_login(world.base_cadre)
    assert approve in client.get(page).content.decode()
    client.post(approve)
    assert CollectiveRating.objects.get(unit=world.branch).state == "approved"


@pytest.mark.parametrize("name", ["collective-propose", "collective-approve", "collective-reject"])
def test_out_of_scope_pages_are_404(client, world, name):
    client.force_login(world.outsider)
    response = client.post(reverse(f"evaluations:{name}", args=[world.branch.pk, YEAR]))
    assert response.status_code == 404

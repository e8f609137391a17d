"""A unit's members' rating policy (the switch "member level = programme level", the months
before a member is classified, the optional quota "excellent ≤ N %"), set by the unit's cadres
for its subtree on a page and through the API, inherited nearest up the tree, validated,
audited, scoped."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.accounts.services import api_token_issue
from doanvien.core.models import AuditEvent
from doanvien.evaluations import ratings
from doanvien.evaluations.models import RatingPolicy
from tests.factories import make_member

from .conftest import YEAR


def policy_set(unit, **values):
    values = {"level_equals_programme": False, "eligibility_months": 6, **values}
    return ratings.rating_policy_set(actor=None, unit=unit, **values)


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    quota=st.one_of(st.none(), st.just(""), st.integers(-50, 250), st.text(max_size=4)),
    months=st.one_of(st.integers(-5, 60), st.sampled_from(["6", "06", "6.5", ""])),
)
def test_only_a_quota_above_0_up_to_100_and_0_to_36_months_are_kept(world, quota, months):
    def whole(value):
        text = str(value).strip() if isinstance(value, int | str) else ""
        return int(text) if text.isascii() and text.isdigit() else None

    quota_ok = quota in (None, "") or (whole(quota) is not None and 0 < whole(quota) <= 100)
    months_ok = whole(months) is not None and whole(months) <= 36
    try:
        policy = policy_set(
            world.province, eligibility_months=months, excellent_quota_percent=quota
        )
    except ValidationError as refused:
        assert not (quota_ok and months_ok)
        assert set(refused.message_dict) == (
            ({"excellent_quota_percent"} if not quota_ok else set())
            | ({"eligibility_months"} if not months_ok else set())
        )
    else:
        assert quota_ok and months_ok
        assert policy.excellent_quota_percent == (None if quota in (None, "") else whole(quota))
        assert policy.eligibility_months == whole(months)


@pytest.mark.django_db
def test_the_nearest_policy_up_the_tree_applies(world):
    assert ratings.policy_source(world.branch) is None  # the built-in defaults
    assert ratings.policy_for(world.branch).excellent_quota_percent is None
    policy_set(world.province, excellent_quota_percent=20, level_equals_programme=True)
    assert ratings.policy_for(world.branch).excellent_quota_percent == 20
    assert ratings.policy_source(world.branch).unit == world.province
    policy_set(world.base, eligibility_months=3)
    assert ratings.policy_for(world.branch).eligibility_months == 3
    assert ratings.policy_for(world.branch).excellent_quota_percent is None
    assert ratings.policy_for(world.other_branch).excellent_quota_percent == 20
    # Removed, the base union's subtree follows the province again.
    ratings.rating_policy_clear(actor=None, unit=world.base)
    assert ratings.policy_for(world.branch).excellent_quota_percent == 20
    with pytest.raises(ValidationError) as none_left:
        ratings.rating_policy_clear(actor=None, unit=world.base)
    assert none_left.value.code == "illegal_transition"


@pytest.mark.django_db
def test_it_changes_what_the_ratings_allow(world):
    newcomer = make_member(world.branch, joined_union_on=date(YEAR, 8, 1))
    with pytest.raises(ValidationError):
        ratings.rating_propose(actor=None, member=newcomer, year=YEAR, level="good", reason="x")
    policy_set(world.district, eligibility_months=4)
    rating = ratings.rating_propose(
        actor=None, member=newcomer, year=YEAR, level="good", reason="Tốt"
    )
    assert rating.level == "good"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"excellent_quota_percent": 0}, "excellent_quota_percent"),
        ({"excellent_quota_percent": 101}, "excellent_quota_percent"),
        ({"excellent_quota_percent": -5}, "excellent_quota_percent"),
        ({"excellent_quota_percent": "mười"}, "excellent_quota_percent"),
        ({"eligibility_months": 37}, "eligibility_months"),
        ({"eligibility_months": -1}, "eligibility_months"),
        ({"eligibility_months": None}, "eligibility_months"),
    ],
)
def test_values_out_of_range_are_refused_in_vietnamese(world, values, field):
    with pytest.raises(ValidationError) as refused:
        policy_set(world.province, **values)
    message = refused.value.message_dict[field][0]
    assert "Tỷ lệ" in message or "số tháng" in message
    assert not RatingPolicy.objects.exists()


@pytest.mark.django_db
def test_a_branch_sets_none_and_every_change_is_audited(world):
    with pytest.raises(ValidationError):
        policy_set(world.branch)
    ratings.rating_policy_set(
        actor=world.province_cadre,
        unit=world.province,
        level_equals_programme=True,
        eligibility_months=6,
        excellent_quota_percent=20,
    )
    event = AuditEvent.objects.get(action="rating.policy_set")
    assert event.actor == world.province_cadre
    assert event.changes == {
        "level_equals_programme": [False, True],
        "excellent_quota_percent": [None, 20],
    }
    ratings.rating_policy_clear(actor=world.province_cadre, unit=world.province)
    assert AuditEvent.objects.filter(action="rating.policy_clear").exists()


def page(unit):
    return reverse("evaluations:rating-policy", args=[unit.pk])


def test_the_page_sets_the_policy_for_the_subtree(client, world):
    client.force_login(world.province_cadre)
    shown = client.get(page(world.province)).content.decode()
    assert 'id="policy-form"' in shown
    refused = client.post(
        page(world.province), {"eligibility_months": "6", "excellent_quota_percent": "0"}
    )
    assert refused.status_code == 400
    assert "lớn hơn 0 và không quá 100" in refused.content.decode()
    done = client.post(
        page(world.province),
        {
            "level_equals_programme": "on",
            "eligibility_months": "6",
            "excellent_quota_percent": "25",
        },
    )
    assert done.status_code == 302
    policy = RatingPolicy.objects.get(unit=world.province)
    assert (policy.level_equals_programme, policy.excellent_quota_percent) == (True, 25)
    # The branch's secretary sees what applies to her branch, and where it comes from.
    client.force_login(world.secretary)
    below = client.get(page(world.branch))
    assert below.status_code == 200
    html = below.content.decode()
    assert world.province.name in html and "25 %" in html and 'id="policy-form"' not in html
    assert client.post(page(world.branch), {"eligibility_months": "3"}).status_code == 403
    # The province's cadre removes it: the defaults apply again.
    client.force_login(world.province_cadre)
    clear = reverse("evaluations:rating-policy-clear", args=[world.province.pk])
    client.post(clear)
    assert not RatingPolicy.objects.exists()


def test_who_may_do_what_on_the_page(client, world):
    form = {"eligibility_months": "3"}
    clear = reverse("evaluations:rating-policy-clear", args=[world.base.pk])
    for user, get, post in (
        (world.outsider, 404, 404),  # another base union's secretary
        (world.member_user, 404, 404),
        (world.secretary, 404, 404),  # her branch only, not the base union
        (world.base_cadre, 200, 302),
        (world.province_cadre, 200, 302),  # a cadre above may set it for a unit below too
    ):
        client.force_login(user)
        assert client.get(page(world.base)).status_code == get, user
        assert client.post(page(world.base), form).status_code == post, user
        assert client.post(clear).status_code == post, user
    assert not RatingPolicy.objects.exists()  # set, then removed, by each cadre
    assert AuditEvent.objects.filter(action="rating.policy_set").count() == 2
    assert AuditEvent.objects.filter(action="rating.policy_clear").count() == 2


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {api_token_issue(user=user)}"}

    def __call__(self, method, path, data=None):
        if method == "get":
            return self.client.get(path, headers=self.headers)
        return getattr(self.client, method)(
            path, json.dumps(data or {}), content_type="application/json", headers=self.headers
        )


def test_the_api_reads_sets_and_removes_it(world):
    path = f"/api/v1/units/{world.province.pk}/rating-policy"
    province = Api(world.province_cadre)
    read = province("get", path).json()
    assert read["set_by"] is None and read["eligibility_months"] == 6 and read["can_edit"]
    with translation.override("vi"):
        refused = province("put", path, {"eligibility_months": 6, "excellent_quota_percent": 150})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "excellent_quota_percent"
    missing = province("put", path, {"excellent_quota_percent": 20})
    assert missing.status_code == 422
    done = province(
        "put",
        path,
        {"level_equals_programme": True, "eligibility_months": 6, "excellent_quota_percent": 20},
    )
    assert done.status_code == 200
    assert done.json()["own"] and done.json()["excellent_quota_percent"] == 20
    below = Api(world.secretary)("get", f"/api/v1/units/{world.branch.pk}/rating-policy").json()
    assert below["set_by"]["id"] == world.province.pk and not below["own"]
    assert below["level_equals_programme"] and not below["can_edit"]
    branch_path = f"/api/v1/units/{world.branch.pk}/rating-policy"
    assert Api(world.secretary)("put", branch_path, {"eligibility_months": 3}).status_code == 403
    assert Api(world.outsider)("get", path).status_code == 404
    assert Api(world.outsider)("put", path, {"eligibility_months": 3}).status_code == 404
    assert Api(world.base_cadre)("delete", path).status_code == 404
    removed = province("delete", path)
    assert removed.status_code == 200 and removed.json()["set_by"] is None
    assert province("delete", path).status_code == 409

"""The yearly rating of members: proposed from the training programme's level, lowered only
with a reason, equal to it where the province says so; approved or rejected by the base union,
then locked; too little membership time is assessed, not classified."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from doanvien.accounts.services import api_token_issue
from doanvien.evaluations import ratings
from doanvien.evaluations.models import MemberRating, RatingPolicy
from doanvien.evaluations.rules import RATING_ORDER, rating_fault
from doanvien.training.models import Registration
from doanvien.training.selectors import framework_for
from tests.factories import make_member

from .conftest import YEAR

levels = st.sampled_from(RATING_ORDER)


@given(levels, levels, st.booleans())
def test_never_above_the_programme_and_lower_only_with_a_reason(level, programme, reason):
    fault = rating_fault(
        level=level,
        programme_level=programme,
        reason="lý do" if reason else "",
        equals_programme=False,
    )
    if RATING_ORDER.index(level) < RATING_ORDER.index(programme):
        assert fault == "above_programme"
    elif level != programme and not reason:
        assert fault == "reason_needed"
    else:
        assert fault == ""


@given(levels, levels)
def test_the_province_switch_makes_them_equal(level, programme):
    fault = rating_fault(level=level, programme_level=programme, reason="x", equals_programme=True)
    assert (fault == "") is (level == programme)


def programme(member, level):
    Registration.objects.filter(member=member, year=YEAR).delete()
    Registration.objects.create(
        member=member,
        year=YEAR,
        framework=framework_for(member.branch, YEAR),
        branch=member.branch,
        unit_path=member.branch.path,
        state="approved",
        level=level,
    )


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {api_token_issue(user=user)}"}

    def call(self, method, path, data=None):
        return getattr(self.client, method)(
            path, json.dumps(data or {}), content_type="application/json", headers=self.headers
        )


def test_the_branch_proposes_the_base_union_approves_then_it_is_locked(world):
    programme(world.member, "good")
    secretary, base = Api(world.secretary), Api(world.base_cadre)
    path = f"/api/v1/members/{world.member.pk}/rating/{YEAR}"
    too_high = secretary.call("put", path, {"level": "excellent"})
    assert too_high.status_code == 400
    lower = secretary.call("put", path, {"level": "complete"})
    assert lower.status_code == 400 and lower.json()["errors"][0]["field"] == "reason"
    ok = secretary.call("put", path, {"level": "complete", "reason": "Ít tham gia sinh hoạt"})
    assert ok.status_code == 200 and ok.json()["programme_level"] == "good"
    assert secretary.call("post", f"{path}/approve").status_code == 403
    assert base.call("post", f"{path}/reject", {"reason": ""}).status_code == 400
    rejected = base.call("post", f"{path}/reject", {"reason": "Chưa đủ căn cứ"})
    assert rejected.json()["state"] == "rejected"
    assert secretary.call("put", path, {"level": "good"}).status_code == 200
    assert base.call("post", f"{path}/approve").json()["state"] == "approved"
    locked = secretary.call("put", path, {"level": "complete", "reason": "x"})
    assert locked.status_code == 409
    assert MemberRating.objects.get(member=world.member).level == "good"
    assert Api(world.outsider).call("put", path, {"level": "good"}).status_code == 404


def test_a_member_admitted_late_in_the_year_is_assessed_not_classified(world):
    newcomer = make_member(world.branch, joined_union_on=date(YEAR, 9, 1))
    with pytest.raises(ValidationError) as refused:
        ratings.rating_propose(actor=None, member=newcomer, year=YEAR, level="good", reason="x")
    assert "level" in refused.value.message_dict
    rating = ratings.rating_propose(
        actor=None, member=newcomer, year=YEAR, level="", reason="Tích cực, cần rèn thêm"
    )
    assert (rating.level, rating.state) == ("not_classified", "proposed")
    assert (rating.joined_union_on, rating.eligibility_months) == (date(YEAR, 9, 1), 6)
    assert rating.reason == "Tích cực, cần rèn thêm"
    with translation.override("en"):
        assert rating.not_classified_reason == (
            f"Admitted on 01/09/{YEAR}, less than 6 months before the year's end: assessed, "
            "not classified."
        )
    # Someone with his six months is classified: "not classified" is refused for him.
    with pytest.raises(ValidationError) as refused:
        ratings.rating_propose(actor=None, member=world.member, year=YEAR, level="not_classified")
    assert "level" in refused.value.message_dict


def test_the_nearest_policy_applies(world):
    programme(world.member, "good")
    RatingPolicy.objects.create(unit=world.province, level_equals_programme=True)
    with pytest.raises(ValidationError):
        ratings.rating_propose(
            actor=None, member=world.member, year=YEAR, level="complete", reason="x"
        )
    RatingPolicy.objects.create(unit=world.base, level_equals_programme=False)
    rating = ratings.rating_propose(
        actor=None, member=world.member, year=YEAR, level="complete", reason="x"
    )
    assert rating.state == "proposed"

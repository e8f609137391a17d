"""Outstanding members introduced to the Party: chosen from members rated excellent (or with a
reason), proposed by the branch, introduced by the base union, outcomes in order, and the
yearly counts of a unit."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from doanvien.accounts.services import api_token_issue
from doanvien.evaluations import introductions, ratings
from doanvien.evaluations.models import PartyIntroduction

from .conftest import YEAR


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {api_token_issue(user=user)}"}

    def call(self, method, path, data=None):
        return getattr(self.client, method)(
            path, json.dumps(data or {}), content_type="application/json", headers=self.headers
        )


PROPOSAL = {
    "year": YEAR,
    "branch_resolution_no": "02-NQ/CĐ",
    "branch_resolution_date": f"{YEAR}-03-01",
    "votes_for": 12,
    "present": 14,
}


def rate_excellent(world, member):
    rating = ratings.rating_propose(
        actor=None, member=member, year=YEAR, level="excellent", reason="Gương mẫu"
    )
    ratings.rating_decide(actor=None, rating=rating, approve=True)


def test_the_branch_proposes_the_base_union_introduces_then_the_outcomes(world):
    rate_excellent(world, world.member)
    secretary, base = Api(world.secretary), Api(world.base_cadre)
    created = secretary.call(
        "post", f"/api/v1/members/{world.member.pk}/party-introductions", PROPOSAL
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    again = secretary.call(
        "post", f"/api/v1/members/{world.member.pk}/party-introductions", PROPOSAL
    )
    assert again.status_code == 409
    path = f"/api/v1/party-introductions/{pk}"
    assert (
        secretary.call(
            "patch", path, {"introduction_no": "15-NQ/ĐTN", "introduced_on": f"{YEAR}-04-01"}
        ).status_code
        == 403
    )
    early = base.call("patch", path, {"probationary_on": f"{YEAR}-09-01"})
    assert early.status_code == 400 and early.json()["errors"][0]["field"] == "probationary_on"
    done = base.call(
        "patch", path, {"introduction_no": "15-NQ/ĐTN", "introduced_on": f"{YEAR}-04-01"}
    )
    assert done.status_code == 200 and done.json()["introduced_on"] == f"{YEAR}-04-01"
    base.call("patch", path, {"course_on": f"{YEAR}-05-10"})
    assert base.call("patch", path, {"probationary_on": f"{YEAR}-09-01"}).status_code == 200
    assert introductions.yearly_counts(world.district, YEAR) == {
        "proposed": 1,
        "introduced": 1,
        "admitted": 1,
    }
    assert (
        Api(world.outsider).call("patch", path, {"course_on": f"{YEAR}-05-10"}).status_code == 404
    )


def test_a_member_not_rated_excellent_needs_a_reason(world):
    api = Api(world.secretary)
    url = f"/api/v1/members/{world.member.pk}/party-introductions"
    refused = api.call("post", url, PROPOSAL)
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["override_reason"]
    ok = api.call("post", url, {**PROPOSAL, "override_reason": "Đạt giải thưởng cấp tỉnh"})
    assert ok.status_code == 201


def test_more_votes_than_present_is_refused(world):
    rate_excellent(world, world.member)
    with pytest.raises(ValidationError) as refused:
        introductions.introduction_propose(
            actor=None,
            member=world.member,
            year=YEAR,
            branch_resolution_no="1",
            branch_resolution_date=date(YEAR, 3, 1),
            votes_for=15,
            present=14,
        )
    assert "votes_for" in refused.value.message_dict
    assert not PartyIntroduction.objects.exists()


def test_a_proposal_without_its_date_is_refused_by_field(world):
    body = {k: v for k, v in PROPOSAL.items() if k != "branch_resolution_date"}
    response = Api(world.secretary).call(
        "post",
        f"/api/v1/members/{world.member.pk}/party-introductions",
        {**body, "override_reason": "x"},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["branch_resolution_date"]

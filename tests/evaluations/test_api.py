"""The evaluations' API: the fixed paths, who may do what, 409 for an illegal move and for the
3-proactive request before every branch is strong, 404 outside the scope."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doanvien.accounts.services import api_token_issue
from doanvien.evaluations.models import Evaluation
from doanvien.evaluations.selectors import items_for

from .conftest import YEAR, full_points, recognised


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {api_token_issue(user=user)}"}

    def call(self, method, path, data=None):
        return getattr(self.client, method)(
            path, json.dumps(data or {}), content_type="application/json", headers=self.headers
        )

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)


def path(unit, scheme="strong_branch", action=""):
    return f"/api/v1/units/{unit.pk}/evaluations/{YEAR}/{scheme}" + (f"/{action}" if action else "")


def test_the_schemes_of_a_unit(world):
    api = Api(world.secretary)
    response = api.get(f"/api/v1/evaluations/{YEAR}/schemes", unit=world.branch.pk)
    assert response.status_code == 200
    items = response.json()["items"]
    assert {s["code"] for s in items} == {"strong_branch", "three_proactive", "unit_rating"}
    strong = next(s for s in items if s["code"] == "strong_branch")
    assert (
        strong["placeholder"] is True and strong["pass_mark"] == "80.0" or strong["pass_mark"] == 80
    )
    assert [g["name"] for g in strong["groups"]] == [
        "Vững mạnh về chính trị – tư tưởng",
        "Vững mạnh về tổ chức hoạt động",
        "Vững mạnh về xây dựng tổ chức",
    ]
    assert set(strong["groups"][0]["items"][0]) >= {"id", "text", "max_points", "evidence_required"}
    outside = Api(world.outsider).get(f"/api/v1/evaluations/{YEAR}/schemes", unit=world.branch.pk)
    assert outside.status_code == 404


def test_a_branch_registers_self_scores_submits_and_the_base_union_recognises(world):
    secretary, base = Api(world.secretary), Api(world.base_cadre)
    response = secretary.call("post", path(world.branch, action="register"))
    assert response.status_code == 201 and response.json()["state"] == "registered"
    evaluation = Evaluation.objects.get(unit=world.branch)
    points = full_points(evaluation)
    response = secretary.call(
        "put", path(world.branch, action="self-assessment"), {"items": points, "comment": "Tốt"}
    )
    assert response.status_code == 200 and response.json()["self_total"] == "100.0"
    for item in items_for(evaluation.scheme, world.branch):
        if item.evidence_required:
            upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 invented")
            response = secretary.client.post(
                path(world.branch, action="evidence"),
                {"item": item.pk, "file": upload, "note": "Biên bản"},
                headers=secretary.headers,
            )
            assert response.status_code == 201, response.content
    assert secretary.call("post", path(world.branch, action="submit")).status_code == 200
    # The branch cannot score or recognise itself.
    assert secretary.call("post", path(world.branch, action="recognise")).status_code == 403
    response = base.call(
        "put", path(world.branch, action="assessment"), {"items": points, "comment": "Đạt"}
    )
    assert response.status_code == 200
    assert response.json()["passed"] is True and float(response.json()["total"]) == 100
    response = base.call("post", path(world.branch, action="recognise"))
    assert response.status_code == 200 and response.json()["state"] == "recognised"
    # Again: an illegal move is a conflict.
    again = base.call("post", path(world.branch, action="recognise"))
    assert again.status_code == 409 and again.json()["detail"]
    listing = base.get(f"/api/v1/units/{world.base.pk}/evaluations/{YEAR}")
    assert listing.status_code == 200
    children = {(c["unit"], c["scheme"]): c for c in listing.json()["children"]}
    assert children[(world.branch.pk, "strong_branch")]["state"] == "recognised"
    assert listing.json()["figures"]["branches_strong"] == 1


def test_the_3_proactive_request_is_409_until_every_branch_is_strong(world, district_cadre):
    recognised(world.branch)
    base = Api(world.base_cadre)
    assert base.call("post", path(world.base, "three_proactive", "register")).status_code == 201
    evaluation = Evaluation.objects.get(unit=world.base)
    base.call(
        "put",
        path(world.base, "three_proactive", "self-assessment"),
        {"items": full_points(evaluation)},
    )
    for item in items_for(evaluation.scheme, world.base):
        if item.evidence_required:
            response = base.client.post(
                path(world.base, "three_proactive", "evidence"),
                {"item": item.pk, "link": "https://example.org/ke-hoach"},
                headers=base.headers,
            )
            assert response.status_code == 201
    refused = base.call("post", path(world.base, "three_proactive", "submit"))
    assert refused.status_code == 409
    assert world.branch2.name in refused.json()["detail"]
    recognised(world.branch2)
    assert base.call("post", path(world.base, "three_proactive", "submit")).status_code == 200
    # The district recognises, not the base union itself.
    points = {"items": full_points(evaluation)}
    assert (
        base.call("put", path(world.base, "three_proactive", "assessment"), points).status_code
        == 403
    )
    district = Api(district_cadre)
    assert (
        district.call("put", path(world.base, "three_proactive", "assessment"), points).status_code
        == 200
    )
    assert (
        district.call("post", path(world.base, "three_proactive", "recognise")).status_code == 200
    )
    # Reopening is for a unit above the district; the district cannot.
    reason = {"reason": "Kiểm tra lại"}
    assert (
        district.call("post", path(world.base, "three_proactive", "reopen"), reason).status_code
        == 403
    )
    province = Api(world.province_cadre)
    response = province.call("post", path(world.base, "three_proactive", "reopen"), reason)
    assert response.status_code == 200 and response.json()["state"] == "returned"


@pytest.mark.parametrize("action", ["register", "submit", "recognise", "reopen"])
def test_out_of_scope_is_404(world, action):
    api = Api(world.outsider)
    assert api.call("post", path(world.branch, action=action)).status_code == 404


def test_bad_points_are_refused_by_field(world):
    api = Api(world.secretary)
    api.call("post", path(world.branch, action="register"))
    evaluation = Evaluation.objects.get(unit=world.branch)
    first = next(iter(full_points(evaluation)))
    response = api.call("put", path(world.branch, action="self-assessment"), {"items": {first: 50}})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [f"items.{first}"]
    assert Evaluation.objects.get(pk=evaluation.pk).self_points == {}


def test_an_unknown_scheme_and_an_unregistered_evaluation_are_404(world):
    api = Api(world.secretary)
    assert api.call("post", path(world.branch, "chi_doan_kieu_mau", "register")).status_code == 404
    assert api.call("post", path(world.branch, action="submit")).status_code == 404

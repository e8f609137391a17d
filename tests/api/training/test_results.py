"""POST /api/v1/units/{id}/results/{year}/submit, /recognise, /return and /reopen: a branch's
results on their way to recognition, and back."""

from doanvien.core.models import AuditEvent
from doanvien.training import workflow
from doanvien.training.models import BranchResult

from ..conftest import fields
from .conftest import YEAR, bring_to, refusal, results_url, snapshot


def state():
    result = BranchResult.objects.filter(year=YEAR).first()
    return result.state if result else None


# Submit


def test_the_secretary_submits_the_branch_results(api_client, world):
    bring_to(world, "assessed")

    response = api_client(world.secretary).post(results_url(world.branch, "submit"))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "submitted" and body["branch"] == world.branch.pk
    assert body["year"] == YEAR and body["submitted_at"]
    assert AuditEvent.objects.get(action="results.submit").actor == world.secretary


def test_unassessed_members_are_named(api_client, world):
    bring_to(world, "approved")

    response = api_client(world.secretary).post(results_url(world.branch, "submit"))

    assert response.status_code == 400
    assert world.member.full_name in response.json()["errors"][0]["message"]
    assert state() is None


def test_a_unit_that_is_not_a_branch_gets_400(api_client, world):
    response = api_client(world.base_cadre).post(results_url(world.base, "submit"))

    assert response.status_code == 400
    assert fields(response) == ["__all__"]
    assert not BranchResult.objects.exists()


def test_submitting_twice_gets_409(api_client, world):
    bring_to(world, "results_submitted")

    response = api_client(world.secretary).post(results_url(world.branch, "submit"))

    assert response.status_code == 409
    assert response.json()["detail"] == refusal(
        workflow.RESULTS, BranchResult.objects.get(), "submit"
    )


def test_the_base_cadre_cannot_submit_for_the_branch(api_client, world):
    bring_to(world, "assessed")

    response = api_client(world.base_cadre).post(results_url(world.branch, "submit"))

    assert response.status_code == 403
    assert state() is None


def test_a_member_gets_404(api_client, world):
    bring_to(world, "assessed")

    response = api_client(world.member_user).post(results_url(world.branch, "submit"))

    assert response.status_code == 404
    assert state() is None


# Recognise


def test_the_base_cadre_recognises(api_client, world):
    bring_to(world, "results_submitted")

    response = api_client(world.base_cadre).post(results_url(world.branch, "recognise"))

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "recognised" and response.json()["recognised_at"]


def test_recognising_open_results_gets_409(api_client, world):
    bring_to(world, "assessed")

    response = api_client(world.base_cadre).post(results_url(world.branch, "recognise"))

    assert response.status_code == 409
    assert state() in (None, "open")


def test_the_branch_committee_cannot_recognise(api_client, world):
    bring_to(world, "results_submitted")
    before = snapshot()

    response = api_client(world.secretary).post(results_url(world.branch, "recognise"))

    assert response.status_code == 403
    assert snapshot() == before


def test_a_base_cadre_of_another_base_gets_404(api_client, world, personas):
    bring_to(world, "results_submitted")
    before = snapshot()

    response = api_client(personas["other_base_cadre"]).post(results_url(world.branch, "recognise"))

    assert response.status_code == 404
    assert snapshot() == before


# Return


def test_the_base_cadre_returns_them_with_a_comment(api_client, world):
    bring_to(world, "results_submitted")

    response = api_client(world.base_cadre).post(
        results_url(world.branch, "return"), {"comment": "Xem lại điểm của đoàn viên An"}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "open"
    assert response.json()["comment"] == "Xem lại điểm của đoàn viên An"


def test_returning_without_a_comment_names_the_comment(api_client, world):
    bring_to(world, "results_submitted")

    response = api_client(world.base_cadre).post(results_url(world.branch, "return"), {})

    assert response.status_code == 400
    assert fields(response) == ["comment"]
    assert state() == "submitted"


def test_the_branch_committee_cannot_return_them(api_client, world):
    bring_to(world, "results_submitted")

    response = api_client(world.secretary).post(
        results_url(world.branch, "return"), {"comment": "Chúng tôi muốn sửa"}
    )

    assert response.status_code == 403
    assert state() == "submitted"


# Reopen


def test_the_province_cadre_reopens_with_a_reason(api_client, world):
    bring_to(world, "recognised")

    response = api_client(world.province_cadre).post(
        results_url(world.branch, "reopen"), {"reason": "Đoàn viên khiếu nại"}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "open"
    assert response.json()["comment"] == "Đoàn viên khiếu nại"
    event = AuditEvent.objects.get(action="results.reopen")
    assert event.actor == world.province_cadre and event.summary == "Đoàn viên khiếu nại"


def test_a_district_cadre_reopens_too(api_client, world, personas):
    bring_to(world, "recognised")

    response = api_client(personas["district_cadre"]).post(
        results_url(world.branch, "reopen"), {"reason": "Sai sót"}
    )

    assert response.status_code == 200
    assert state() == "open"


def test_reopening_needs_a_reason(api_client, world):
    bring_to(world, "recognised")

    response = api_client(world.province_cadre).post(
        results_url(world.branch, "reopen"), {"reason": "  "}
    )

    assert response.status_code == 400
    assert fields(response) == ["reason"]
    assert state() == "recognised"


def test_the_base_cadre_cannot_reopen(api_client, world):
    bring_to(world, "recognised")
    before = snapshot()

    response = api_client(world.base_cadre).post(
        results_url(world.branch, "reopen"), {"reason": "Sửa lại"}
    )

    assert response.status_code == 403
    assert snapshot() == before


def test_reopening_results_not_recognised_gets_409(api_client, world):
    bring_to(world, "results_submitted")

    response = api_client(world.province_cadre).post(
        results_url(world.branch, "reopen"), {"reason": "Sửa lại"}
    )

    assert response.status_code == 409
    assert state() == "submitted"

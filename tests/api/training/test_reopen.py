"""The branch's results in the API say who reopened them, for which unit, when and why: in the
answers of the results endpoints and in a branch's progress."""

from datetime import datetime

from .conftest import YEAR, bring_to, results_url

REASON = "Đoàn viên khiếu nại điểm"
PROVINCE = {"name": "Tỉnh đoàn Thử Nghiệm", "code": "TN"}


def test_the_reopening_answers_who_when_why_and_which_unit(api_client, world):
    bring_to(world, "recognised")

    response = api_client(world.province_cadre).post(
        results_url(world.branch, "reopen"), {"reason": REASON}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "open"
    assert body["reopened_by"] == str(world.province_cadre)
    assert body["reopened_by_unit"] == {"id": world.province.pk, **PROVINCE}
    assert body["reopen_reason"] == REASON and datetime.fromisoformat(body["reopened_at"])
    assert body["comment"] == REASON and body["comment_action"] == "reopen"
    assert body["comment_by_unit"] == {"id": world.province.pk, **PROVINCE}


def test_a_return_names_the_unit_and_is_no_reopening(api_client, world):
    bring_to(world, "results_submitted")

    body = (
        api_client(world.base_cadre)
        .post(results_url(world.branch, "return"), {"comment": "Xem lại"})
        .json()
    )

    assert body["comment_action"] == "return" and body["comment_by_unit"]["id"] == world.base.pk
    assert body["reopened_at"] is None and body["reopened_by"] is None
    assert body["reopened_by_unit"] is None and body["reopen_reason"] == ""


def test_the_branch_progress_carries_its_result_and_keeps_the_reopening(api_client, world):
    bring_to(world, "recognised")
    api_client(world.province_cadre).post(results_url(world.branch, "reopen"), {"reason": REASON})
    secretary = api_client(world.secretary)
    secretary.post(results_url(world.branch, "submit"))

    body = secretary.get(f"/api/v1/units/{world.branch.pk}/progress/{YEAR}").json()

    result = body["result"]
    assert result["state"] == "submitted" and result["reopen_reason"] == REASON
    assert result["reopened_by_unit"]["id"] == world.province.pk
    assert result["reopened_by"] == str(world.province_cadre)


def test_a_branch_with_nothing_happened_has_no_result(api_client, world):
    body = api_client(world.secretary).get(f"/api/v1/units/{world.branch.pk}/progress/{YEAR}")

    assert body.status_code == 200 and body.json()["result"] is None

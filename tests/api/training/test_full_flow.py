"""The whole year through the API: register, review, assess, submit, recognise, reopen."""

from doanvien.core.models import AuditEvent
from doanvien.training.models import BranchResult, Registration

from .conftest import AREAS, YEAR, complete_items, registration_url, results_url, snapshot


def test_a_year_of_the_programme_through_the_api(api_client, world):
    member = api_client(world.member_user)
    secretary = api_client(world.secretary)
    base_cadre = api_client(world.base_cadre)
    province_cadre = api_client(world.province_cadre)
    items = complete_items(world.member)

    # The member registers without a plan for his third criterion and submits.
    items[2]["plan"] = ""
    assert member.put(registration_url(world.member), {"items": items}).status_code == 200
    response = member.post(registration_url(world.member, "submit"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "items[2].plan"
    items[2]["plan"] = "Đọc một cuốn sách mỗi tháng"
    assert member.put(registration_url(world.member), {"items": items}).status_code == 200
    assert member.post(registration_url(world.member, "submit")).json()["state"] == "submitted"

    # The secretary returns it with a comment; the member sees it, fixes and resubmits.
    response = secretary.post(
        registration_url(world.member, "return"), {"comment": "Ghi rõ thời gian mục 1"}
    )
    assert response.json()["state"] == "returned"
    seen = member.get(registration_url(world.member)).json()
    assert seen["state"] == "returned" and seen["review_comment"] == "Ghi rõ thời gian mục 1"
    items[0]["target_date"] = "30/04/2026"
    assert member.put(registration_url(world.member), {"items": items}).status_code == 200
    assert member.post(registration_url(world.member, "submit")).json()["state"] == "submitted"

    # The secretary approves; the member assesses himself; the branch assesses him.
    approved = secretary.post(registration_url(world.member, "approve")).json()
    assert approved["state"] == "approved" and approved["review_comment"] == ""
    response = member.put(
        registration_url(world.member, "self-assessment"),
        {"areas": {**AREAS, "1": 20}, "comment": "Em đã hoàn thành"},
    )
    assert response.status_code == 200
    response = secretary.put(
        registration_url(world.member, "assessment"),
        {"areas": {**AREAS, "3": "16.5"}, "comment": "Tích cực"},
    )
    assert response.status_code == 200
    assert response.json()["total"] == 89.5 and response.json()["level"] == "good"

    # The secretary submits the branch's results; the base union recognises them.
    response = secretary.post(results_url(world.branch, "submit"))
    assert response.json()["state"] == "submitted"
    response = base_cadre.post(results_url(world.branch, "recognise"))
    assert response.json()["state"] == "recognised"

    # Recognised results are locked: neither assessment changes, nor the registration.
    before = snapshot()
    response = secretary.put(registration_url(world.member, "assessment"), {"areas": AREAS})
    assert response.status_code in (400, 409)
    response = member.put(registration_url(world.member, "self-assessment"), {"areas": AREAS})
    assert response.status_code in (400, 409)
    response = member.put(registration_url(world.member), {"items": items})
    assert response.status_code == 409
    assert snapshot() == before

    # The province reopens them with a reason; the branch may assess again.
    response = province_cadre.post(
        results_url(world.branch, "reopen"), {"reason": "Đoàn viên khiếu nại điểm"}
    )
    assert response.json()["state"] == "open"
    response = secretary.put(registration_url(world.member, "assessment"), {"areas": AREAS})
    assert response.json()["level"] == "excellent"

    final = member.get(registration_url(world.member)).json()
    assert final["result_state"] == "open"
    assert final["self_assessment"]["areas"]["1"] == 20.0
    assert final["assessment"]["total"] == 90.0
    assert final["entered_by_secretary"] is False
    registration = Registration.objects.get(member=world.member, year=YEAR)
    assert registration.items.get(criterion=items[0]["criterion"]).target_date.isoformat() == (
        "2026-04-30"
    )
    assert BranchResult.objects.get(branch=world.branch, year=YEAR).comment == (
        "Đoàn viên khiếu nại điểm"
    )
    actions = list(
        AuditEvent.objects.filter(action__startswith="results.")
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions == [
        ("results.submit", world.secretary.pk),
        ("results.recognise", world.base_cadre.pk),
        ("results.reopen", world.province_cadre.pk),
    ]

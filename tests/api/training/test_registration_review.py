"""POST .../registrations/{year}/submit, /approve and /return: the registration's way through
the branch committee's review."""

import pytest
from django.core.exceptions import PermissionDenied

from doanvien.accounts.services import role_grant
from doanvien.core.models import AuditEvent
from doanvien.training import workflow
from doanvien.training.models import Registration
from doanvien.training.services.registrations import registration_approve

from ..conftest import fields
from .conftest import YEAR, bring_to, complete_items, refusal, registration_url, snapshot


def state():
    return Registration.objects.get(year=YEAR).state


# Submit


def test_the_member_submits_his_registration(api_client, world):
    bring_to(world, "draft")

    response = api_client(world.member_user).post(registration_url(world.member, "submit"))

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"
    assert response.json()["submitted_late"] is False
    assert state() == "submitted"
    assert AuditEvent.objects.get(action="registration.submitted").actor == world.member_user


def test_the_secretary_submits_on_his_behalf(api_client, world):
    bring_to(world, "draft")

    response = api_client(world.secretary).post(registration_url(world.member, "submit"))

    assert response.status_code == 200
    assert state() == "submitted"


def test_an_incomplete_registration_is_refused_naming_the_items(api_client, world):
    client = api_client(world.member_user)
    client.put(registration_url(world.member), {"items": complete_items(world.member)[:3]})

    response = client.post(registration_url(world.member, "submit"))

    assert response.status_code == 400
    assert fields(response) == ["items"]
    assert state() == "draft"


def test_a_missing_plan_is_named_next_to_its_item(api_client, world):
    client = api_client(world.member_user)
    items = complete_items(world.member)
    items[2]["plan"] = " "
    client.put(registration_url(world.member), {"items": items})

    response = client.post(registration_url(world.member, "submit"))

    assert response.status_code == 400
    assert fields(response) == ["items[2].plan"]


def test_submitting_without_a_registration_gets_404(api_client, world):
    response = api_client(world.member_user).post(registration_url(world.member, "submit"))

    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_submitting_twice_gets_409(api_client, world):
    registration = bring_to(world, "submitted")

    response = api_client(world.member_user).post(registration_url(world.member, "submit"))

    assert response.status_code == 409
    assert response.json()["detail"] == refusal(workflow.REGISTRATION, registration, "submit")


def test_another_member_cannot_submit_it(api_client, world, personas):
    bring_to(world, "draft")

    response = api_client(personas["member2_user"]).post(registration_url(world.member, "submit"))

    assert response.status_code == 404
    assert state() == "draft"


def test_the_base_cadre_cannot_submit_it(api_client, world):
    bring_to(world, "draft")

    response = api_client(world.base_cadre).post(registration_url(world.member, "submit"))

    assert response.status_code == 403
    assert state() == "draft"


# Approve


def test_the_secretary_approves(api_client, world):
    bring_to(world, "submitted")

    response = api_client(world.secretary).post(registration_url(world.member, "approve"))

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "approved"
    assert AuditEvent.objects.get(action="registration.approved").actor == world.secretary


def test_approving_a_draft_gets_409_and_changes_nothing(api_client, world):
    registration = bring_to(world, "draft")
    before = snapshot()

    response = api_client(world.secretary).post(
        registration_url(world.member, "approve"), headers={"Accept-Language": "en"}
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": refusal(workflow.REGISTRATION, registration, "approve", "en"),
        "errors": [],
    }
    assert snapshot() == before


def test_the_member_cannot_approve_his_own(api_client, world):
    bring_to(world, "submitted")
    before = snapshot()

    response = api_client(world.member_user).post(registration_url(world.member, "approve"))

    assert response.status_code == 403
    assert snapshot() == before


def test_a_member_on_the_committee_cannot_review_his_own(api_client, world):
    """Hardening: the secretary who is a member of her branch does not approve herself."""
    role_grant(actor=None, user=world.member_user, unit=world.branch, role="secretary")
    bring_to(world, "submitted")
    client = api_client(world.member_user)

    assert client.post(registration_url(world.member, "approve")).status_code == 403
    response = client.post(registration_url(world.member, "return"), {"comment": "Sửa"})
    assert response.status_code == 403
    assert state() == "submitted"


def test_another_committee_member_or_the_base_union_reviews_a_committee_members(api_client, world):
    role_grant(actor=None, user=world.member_user, unit=world.branch, role="secretary")
    bring_to(world, "submitted")

    response = api_client(world.base_cadre).post(registration_url(world.member, "approve"))
    assert response.status_code == 200
    assert state() == "approved"


def test_the_service_refuses_the_reviewer_his_own_registration(world):
    role_grant(actor=None, user=world.member_user, unit=world.branch, role="secretary")
    registration = bring_to(world, "submitted")
    with pytest.raises(PermissionDenied):
        registration_approve(actor=world.member_user, registration=registration)
    assert state() == "submitted"


def test_the_base_cadre_cannot_approve(api_client, world):
    bring_to(world, "submitted")

    response = api_client(world.base_cadre).post(registration_url(world.member, "approve"))

    assert response.status_code == 403
    assert state() == "submitted"


def test_the_secretary_of_another_branch_gets_404(api_client, world):
    bring_to(world, "submitted")

    response = api_client(world.outsider).post(registration_url(world.member, "approve"))

    assert response.status_code == 404
    assert state() == "submitted"


def test_approving_without_a_registration_gets_404(api_client, world):
    response = api_client(world.secretary).post(registration_url(world.member, "approve"))

    assert response.status_code == 404


# Return


def test_the_secretary_returns_it_with_a_comment(api_client, world):
    bring_to(world, "submitted")

    response = api_client(world.secretary).post(
        registration_url(world.member, "return"), {"comment": "Bổ sung giải pháp mục 3"}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "returned"
    assert response.json()["review_comment"] == "Bổ sung giải pháp mục 3"


def test_returning_without_a_comment_names_the_comment(api_client, world):
    bring_to(world, "submitted")

    response = api_client(world.secretary).post(registration_url(world.member, "return"), {})

    assert response.status_code == 400
    assert fields(response) == ["comment"]
    assert state() == "submitted"


def test_an_assessed_registration_cannot_be_returned(api_client, world):
    bring_to(world, "assessed")

    response = api_client(world.secretary).post(
        registration_url(world.member, "return"), {"comment": "Sửa"}
    )

    assert response.status_code == 400
    assert fields(response) == ["__all__"]
    assert state() == "approved"


def test_returning_a_draft_gets_409(api_client, world):
    bring_to(world, "draft")

    response = api_client(world.secretary).post(
        registration_url(world.member, "return"), {"comment": "Sửa"}
    )

    assert response.status_code == 409


def test_the_member_cannot_return_his_own(api_client, world):
    bring_to(world, "submitted")

    response = api_client(world.member_user).post(
        registration_url(world.member, "return"), {"comment": "Tôi muốn sửa"}
    )

    assert response.status_code == 403
    assert state() == "submitted"

"""Helpers for the training programme's API: URLs, a client that can PUT, and registrations
brought to a given stage through the services (like in production)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from doanvien.core.models import AuditEvent
from doanvien.jobs.models import Job
from doanvien.training import default_framework, workflow
from doanvien.training.models import (
    BranchResult,
    ContentArea,
    Criterion,
    Framework,
    Phase,
    Registration,
)
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_save,
    registration_submit,
)
from doanvien.training.services.results import branch_results_recognise, branch_results_submit

from ...factories import make_user
from ...training.conftest import YEAR, complete_items
from ..conftest import ApiClient

__all__ = ["YEAR", "complete_items"]

AREAS = {"1": 18, "2": 18, "3": 17, "4": 19, "5": 18}  # 90: excellent

# The stages a member's registration and his branch's results go through, in order.
STAGES = ["draft", "submitted", "approved", "assessed", "results_submitted", "recognised"]


class TrainingClient(ApiClient):
    def put(self, path, data=None, **extra):
        return self.client.put(
            path,
            data,
            content_type="application/json",
            headers={**self.headers, **extra.pop("headers", {})},
            **extra,
        )


@pytest.fixture
def api_client():
    """api_client(user) → a client signed in as `user` that also speaks PUT."""
    return TrainingClient


@pytest.fixture(autouse=True)
def framework(db):
    """The shipped default framework (a flushed database may have lost the migration's)."""
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    return Framework.objects.get(unit__isnull=True)


def registration_url(member, action="", year=YEAR):
    url = f"/api/v1/members/{member.pk}/registrations/{year}"
    return f"{url}/{action}" if action else url


def results_url(unit, action, year=YEAR):
    return f"/api/v1/units/{unit.pk}/results/{year}/{action}"


def framework_url(member=None, year=YEAR):
    url = f"/api/v1/training/{year}/framework"
    return f"{url}?member={member.pk}" if member is not None else url


def bring_to(world, stage, member=None):
    """The member's registration (and his branch's results) brought to `stage`."""
    member = member or world.member
    reached = STAGES.index(stage)
    registration = registration_save(
        actor=None, member=member, year=YEAR, items=complete_items(member)
    )
    steps = [
        lambda r: registration_submit(actor=None, registration=r, today=date(2025, 11, 1)),
        lambda r: registration_approve(actor=world.secretary, registration=r),
        lambda r: assessment_record(
            actor=world.secretary, registration=r, areas=AREAS, today=date(2026, 5, 1)
        ),
        lambda r: branch_results_submit(actor=world.secretary, branch=member.branch, year=YEAR),
        lambda r: branch_results_recognise(actor=world.base_cadre, branch=member.branch, year=YEAR),
    ]
    for step in steps[:reached]:
        step(registration)
    return Registration.objects.get(pk=registration.pk)


def snapshot():
    """Everything the training endpoints may change."""
    return (
        list(Registration.objects.order_by("pk").values()),
        list(BranchResult.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
        Job.objects.count(),
    )


@pytest.fixture
def personas(world):
    """The world's personas, and a few more the training programme needs."""
    return {
        "member_user": world.member_user,
        "member2_user": make_user("member2", member=world.member2),
        "secretary": world.secretary,
        "base_cadre": world.base_cadre,
        "district_cadre": make_user("district", role="cadre", unit=world.district),
        "province_cadre": world.province_cadre,
        "other_base_cadre": make_user("other-base", role="cadre", unit=world.other_base),
        "outsider": world.outsider,
    }


def refusal(table, obj, action, language="vi"):
    """The workflow's message for an action it does not allow, in `language`."""
    with translation.override(language), pytest.raises(ValidationError) as e:
        workflow.next_state(table, obj, action)
    assert e.value.code == "illegal_transition"
    return e.value.messages[0]

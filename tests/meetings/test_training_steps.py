"""The training programme's steps tied to the branch meeting where they were done: a
registration reviewed, the branch's results assessed and submitted (seed 000). The meeting is
optional; one of another branch, cancelled, or outside the programme year is refused before
anything is written. Shown on the meeting's page and the branch's training pages; an optional
`meeting` on the API's approve and submit."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.actions.meetings import branch_results_submit_at, registration_approve_at
from doanvien.core.models import AuditEvent
from doanvien.meetings import services
from doanvien.meetings.models import TrainingStep
from doanvien.training import default_framework
from doanvien.training.models import (
    BranchResult,
    ContentArea,
    Criterion,
    Framework,
    Phase,
    Registration,
)
from doanvien.training.rules import programme_year_span
from doanvien.training.services.registrations import registration_save, registration_submit
from doanvien.training.services.results import branch_results_return

from ..training.conftest import YEAR, complete_items


@pytest.fixture
def framework(db):
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    return Framework.objects.get(unit__isnull=True)


def _submitted(member):
    registration = registration_save(
        actor=None, member=member, year=YEAR, items=complete_items(member)
    )
    return registration_submit(actor=None, registration=registration)


def _in_year(world) -> date:
    first, last = programme_year_span(YEAR, world.branch.sector)
    return min(last, date.today()).replace(day=10)


def _meeting(world, when=None, unit=None):
    return services.meeting_create(
        actor=world.secretary,
        unit=unit or world.branch,
        data={"date": when or _in_year(world), "kind": "regular"},
    )


def _api(user):
    return {"Authorization": f"Bearer {api_token_issue(user=user)}"}


# --- The rule ----------------------------------------------------------------------------------


def test_a_meeting_of_another_branch_cancelled_or_outside_the_year_is_refused(world):
    ok = _meeting(world)
    assert services.meeting_for_step(branch=world.branch, year=YEAR, meeting=None) is None
    assert services.meeting_for_step(branch=world.branch, year=YEAR, meeting=str(ok.pk)) == ok
    other = _meeting(world, unit=world.branch2)
    cancelled = _meeting(world)
    services.meeting_cancel(actor=world.secretary, meeting=cancelled, reason="Ghi nhầm")
    _first, last = programme_year_span(YEAR, world.branch.sector)
    later = _meeting(world, when=min(date.today(), date(YEAR + 1, 6, 1)))
    assert later.date > last
    for bad in (other, cancelled, later, "abc", 999999):
        with pytest.raises(ValidationError) as e:
            services.meeting_for_step(branch=world.branch, year=YEAR, meeting=bad)
        assert "meeting" in e.value.message_dict


def test_an_approval_at_a_meeting_is_tied_to_it_and_a_refused_one_writes_nothing(world, framework):
    registration = _submitted(world.member)
    cancelled = _meeting(world)
    services.meeting_cancel(actor=world.secretary, meeting=cancelled, reason="Không họp")
    with pytest.raises(ValidationError) as e:
        registration_approve_at(
            actor=world.secretary, registration=registration, meeting=cancelled.pk
        )
    assert "hủy" in " ".join(e.value.messages) or "cancelled" in " ".join(e.value.messages)
    registration.refresh_from_db()
    assert registration.state == Registration.State.SUBMITTED
    assert not TrainingStep.objects.exists()

    meeting = _meeting(world)
    registration_approve_at(actor=world.secretary, registration=registration, meeting=meeting.pk)
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPROVED
    step = TrainingStep.objects.get(registration=registration)
    assert step.meeting == meeting and step.step == "review"
    assert AuditEvent.objects.filter(action="meeting.training_step", target_id=meeting.pk).exists()


def test_results_submitted_without_a_meeting_then_again_at_one(world, framework):
    branch_results_submit_at(actor=world.secretary, branch=world.branch, year=YEAR)
    assert not TrainingStep.objects.exists()
    result = BranchResult.objects.get(branch=world.branch, year=YEAR)
    branch_results_return(actor=world.base_cadre, branch=world.branch, year=YEAR, comment="Xem lại")
    meeting = _meeting(world)
    with pytest.raises(ValidationError):
        branch_results_submit_at(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            meeting=_meeting(world, unit=world.branch2).pk,
        )
    result.refresh_from_db()
    assert result.state == BranchResult.State.OPEN
    branch_results_submit_at(actor=world.secretary, branch=world.branch, year=YEAR, meeting=meeting)
    assert TrainingStep.objects.get(result=result).meeting == meeting


# --- Pages -------------------------------------------------------------------------------------


def test_the_pages_offer_the_meetings_and_show_the_ties(client, world, framework):
    registration = _submitted(world.member)
    meeting = _meeting(world)
    _meeting(world, unit=world.branch2)
    client.force_login(world.secretary)
    page = client.get(reverse("training:member-training", args=[world.member.pk, YEAR]))
    options = page.context["review_meetings"]
    assert list(options) == [meeting]
    client.post(
        reverse("training:registration-approve", args=[world.member.pk, YEAR]),
        {"meeting": meeting.pk},
    )
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPROVED
    page = client.get(reverse("training:member-training", args=[world.member.pk, YEAR]))
    assert page.context["reviewed_at"] == meeting
    assert 'id="reviewed-at"' in page.content.decode()
    detail = client.get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    assert world.member.full_name in detail.content.decode()
    assert 'id="training-steps"' in detail.content.decode()


def test_a_refused_meeting_on_the_page_leaves_the_registration_waiting(client, world, framework):
    registration = _submitted(world.member)
    other = _meeting(world, unit=world.branch2)
    client.force_login(world.secretary)
    r = client.post(
        reverse("training:registration-approve", args=[world.member.pk, YEAR]),
        {"meeting": other.pk},
        follow=True,
    )
    registration.refresh_from_db()
    assert registration.state == Registration.State.SUBMITTED
    assert any("chi đoàn" in str(m) or "branch" in str(m) for m in r.context["messages"])


# --- API ---------------------------------------------------------------------------------------


def test_the_api_takes_an_optional_meeting(client, world, framework):
    _submitted(world.member)
    _submitted(world.member2)
    meeting = _meeting(world)
    cancelled = _meeting(world)
    services.meeting_cancel(actor=world.secretary, meeting=cancelled, reason="Hoãn")
    h = _api(world.secretary)
    base = f"/api/v1/members/{{}}/registrations/{YEAR}/approve"
    r = client.post(base.format(world.member.pk), {}, content_type="application/json", headers=h)
    assert r.status_code == 200, r.content
    assert r.json()["meeting"] is None
    r = client.post(
        base.format(world.member2.pk),
        {"meeting": cancelled.pk},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "meeting"
    r = client.post(
        base.format(world.member2.pk),
        {"meeting": meeting.pk},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 200, r.content
    assert r.json()["meeting"] == meeting.pk
    r = client.post(
        f"/api/v1/units/{world.branch.pk}/results/{YEAR}/submit",
        {"meeting": meeting.pk},
        content_type="application/json",
        headers=h,
    )
    # Two approved registrations not assessed yet: the submission is refused, nothing tied.
    assert r.status_code == 400
    assert not TrainingStep.objects.filter(step="results").exists()

"""Every transition of a registration and of a branch's results: the allowed ones work, every
other one is refused with a clear error and changes nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from doanvien.core.models import AuditEvent
from doanvien.training import workflow
from doanvien.training.models import BranchResult, Registration
from doanvien.training.services.assessment import assessment_record, self_assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_return,
    registration_save,
    registration_submit,
)
from doanvien.training.services.results import (
    branch_result_for,
    branch_results_recognise,
    branch_results_reopen,
    branch_results_return,
    branch_results_submit,
)

from .conftest import YEAR

AREAS = {"1": 18, "2": 18, "3": 17, "4": 19, "5": 18}

REGISTRATION_ACTIONS = {
    "save": lambda w, r, items: registration_save(
        actor=None, member=w.member, year=YEAR, items=items
    ),
    "submit": lambda w, r, items: registration_submit(
        actor=None, registration=r, today=date(2025, 11, 1)
    ),
    "approve": lambda w, r, items: registration_approve(actor=None, registration=r),
    "return": lambda w, r, items: registration_return(
        actor=None, registration=r, comment="Sửa lại"
    ),
    "self_assess": lambda w, r, items: self_assessment_record(
        actor=None, registration=r, areas=AREAS
    ),
    "assess": lambda w, r, items: assessment_record(
        actor=None, registration=r, areas=AREAS, today=date(2026, 5, 1)
    ),
}


@pytest.mark.parametrize("state", [s.value for s in Registration.State])
@pytest.mark.parametrize("action", list(REGISTRATION_ACTIONS))
def test_registration_transitions(world, items, state, action):
    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    Registration.objects.filter(pk=registration.pk).update(state=state)
    registration.refresh_from_db()
    allowed = (state, action) in workflow.REGISTRATION
    events = AuditEvent.objects.count()
    if allowed:
        REGISTRATION_ACTIONS[action](world, registration, items)
        registration.refresh_from_db()
        assert registration.state == workflow.REGISTRATION[(state, action)]
        assert AuditEvent.objects.count() == events + 1
    else:
        with pytest.raises(ValidationError) as e:
            REGISTRATION_ACTIONS[action](world, registration, items)
        assert e.value.messages and e.value.code == "illegal_transition"
        assert Registration.objects.get(pk=registration.pk).state == state
        assert AuditEvent.objects.count() == events


RESULT_ACTIONS = {
    "submit": lambda w: branch_results_submit(actor=None, branch=w.branch, year=YEAR),
    "recognise": lambda w: branch_results_recognise(actor=None, branch=w.branch, year=YEAR),
    "return": lambda w: branch_results_return(
        actor=None, branch=w.branch, year=YEAR, comment="Chấm lại"
    ),
    "reopen": lambda w: branch_results_reopen(
        actor=None, branch=w.branch, year=YEAR, reason="Khiếu nại"
    ),
}


@pytest.mark.parametrize("state", [s.value for s in BranchResult.State])
@pytest.mark.parametrize("action", list(RESULT_ACTIONS))
def test_branch_result_transitions(world, framework, state, action):
    result = branch_result_for(branch=world.branch, year=YEAR)
    BranchResult.objects.filter(pk=result.pk).update(state=state)
    if (state, action) in workflow.RESULTS:
        RESULT_ACTIONS[action](world)
        assert BranchResult.objects.get(pk=result.pk).state == workflow.RESULTS[(state, action)]
    else:
        with pytest.raises(ValidationError):
            RESULT_ACTIONS[action](world)
        assert BranchResult.objects.get(pk=result.pk).state == state


def approved(world, items, member=None):
    member = member or world.member
    registration = registration_save(actor=None, member=member, year=YEAR, items=items)
    registration_submit(actor=None, registration=registration, today=date(2025, 11, 1))
    return registration_approve(actor=None, registration=registration)


def test_assessment_computes_total_and_level(world, items):
    registration = approved(world, items)
    assessment_record(
        actor=world.secretary,
        registration=registration,
        areas={"1": 18, "2": "17.5", "3": 17, "4": 19, "5": 18},
        comment="Tích cực",
        today=date(2026, 5, 1),
    )
    registration.refresh_from_db()
    assert str(registration.total) == "89.5" and registration.level == "good"
    assert registration.assessed_by == world.secretary


@pytest.mark.parametrize(
    "areas,field",
    [
        ({"1": 21, "2": 18, "3": 17, "4": 19, "5": 18}, "areas.1"),
        ({"1": 18, "2": 18, "3": 17, "4": 19}, "areas.5"),
        ({"1": 18, "2": "abc", "3": 17, "4": 19, "5": 18}, "areas.2"),
        ({"1": 18, "2": 18, "3": 17, "4": 19, "5": 18, "9": 1}, "areas.9"),
        ({"1": -1, "2": 18, "3": 17, "4": 19, "5": 18}, "areas.1"),
    ],
)
def test_bad_points_are_named_and_nothing_is_saved(world, items, areas, field):
    registration = approved(world, items)
    with pytest.raises(ValidationError) as e:
        assessment_record(actor=None, registration=registration, areas=areas)
    assert field in e.value.message_dict
    assert Registration.objects.get(pk=registration.pk).total is None


def test_a_member_admitted_too_recently_is_not_classified(world, items):
    from doanvien.members.models import Member

    Member.objects.filter(pk=world.member.pk).update(joined_union_on=date(2026, 1, 10))
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 5, 1))
    assert Registration.objects.get(pk=registration.pk).level == "not_classified"


def test_submitted_results_lock_the_assessments_until_returned(world, items):
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS)
    branch_results_submit(actor=world.secretary, branch=world.branch, year=YEAR)
    with pytest.raises(ValidationError):
        assessment_record(actor=None, registration=registration, areas={**AREAS, "1": 10})
    branch_results_return(
        actor=world.base_cadre, branch=world.branch, year=YEAR, comment="Xem lại điểm"
    )
    assessment_record(actor=None, registration=registration, areas={**AREAS, "1": 10})
    assert Registration.objects.get(pk=registration.pk).level == "good"


def test_results_cannot_be_submitted_with_unassessed_members(world, items):
    approved(world, items)
    with pytest.raises(ValidationError) as e:
        branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    assert world.member.full_name in e.value.messages[0]


def test_recognised_results_reopen_only_with_a_reason(world, items):
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS)
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    branch_results_recognise(actor=world.base_cadre, branch=world.branch, year=YEAR)
    with pytest.raises(ValidationError) as e:
        branch_results_reopen(actor=None, branch=world.branch, year=YEAR, reason="")
    assert "reason" in e.value.message_dict
    branch_results_reopen(
        actor=world.province_cadre, branch=world.branch, year=YEAR, reason="Đoàn viên khiếu nại"
    )
    event = AuditEvent.objects.filter(action="results.reopen").get()
    assert event.actor == world.province_cadre and "khiếu nại" in event.summary


def test_a_late_recognition_is_marked_or_refused(world, items):
    from doanvien.training.models import Deadline

    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS)
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    deadline = Deadline.objects.create(
        unit=world.district,
        year=YEAR,
        kind="recognition",
        due_on=date(2026, 6, 1),
        allow_late=False,
    )
    with pytest.raises(ValidationError):
        branch_results_recognise(actor=None, branch=world.branch, year=YEAR, today=date(2026, 6, 2))
    deadline.allow_late = True
    deadline.save()
    result = branch_results_recognise(
        actor=None, branch=world.branch, year=YEAR, today=date(2026, 6, 2)
    )
    assert result.state == "recognised" and result.recognised_late

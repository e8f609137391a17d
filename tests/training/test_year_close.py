"""A programme year that has ended is closed by the daily job (training/services/closing.py):
recorded once with when, registrations never submitted marked missed and no longer taken, and
what was left undone (figures, late branches) frozen as it stood that day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.actions import daily
from doanvien.actions.todo import MY_REGISTRATION, todo_for
from doanvien.core.models import AuditEvent
from doanvien.training import lateness
from doanvien.training.models import BranchResult, Deadline, LateAtClose, Registration, YearClose
from doanvien.training.services.closing import year_close, years_close
from doanvien.training.services.registrations import (
    registration_approve,
    registration_save,
    registration_submit,
)

from .conftest import complete_items

YEAR = 2027  # the schools' year June 2026 – May 2027
CLOSE_DAY = date(2027, 6, 1)  # the first day after it


def _save(member):
    return registration_save(
        actor=None, member=member, year=YEAR, items=complete_items(member, year=YEAR)
    )


@pytest.fixture
def year(world, framework):
    """12A1: one draft (An), one registration submitted and not reviewed (Đào), results not
    sent up and late for the evaluation deadline; 12A2: results sent up, waiting for the base
    union; the residential branch: a draft in a year that ends in December."""
    Deadline.objects.create(
        unit=world.province, year=YEAR, kind="evaluation", due_on=date(2027, 5, 15)
    )
    draft = _save(world.member)
    submitted = registration_submit(
        actor=None, registration=_save(world.member2), today=date(2026, 10, 1)
    )
    BranchResult.objects.create(
        branch=world.branch2, unit_path=world.branch2.path, year=YEAR, state="submitted"
    )
    residential = _save(world.outsider_member)
    return draft, submitted, residential


def _state(registration) -> str:
    return Registration.objects.get(pk=registration.pk).state


def test_an_ended_year_is_closed_once_with_what_was_left_undone(world, year):
    draft, submitted, residential = year
    assert years_close(today=date(2027, 5, 31)) == 0  # not ended yet
    assert not YearClose.objects.exists() and _state(draft) == "draft"

    assert years_close(today=CLOSE_DAY) == 1
    close = YearClose.objects.get()
    assert (close.year, close.calendar, close.closed_on) == (YEAR, "schools", CLOSE_DAY)
    assert close.closed_at is not None
    # The schools' draft is missed; the submitted one waits for review still; the residential
    # branch's year has not ended (31 December), its draft is left alone.
    assert (_state(draft), _state(submitted), _state(residential)) == (
        "missed",
        "submitted",
        "draft",
    )
    assert (close.registrations_missed, close.registrations_waiting) == (1, 1)
    assert (close.results_not_submitted, close.results_waiting) == (1, 1)
    late = list(LateAtClose.objects.values_list("branch_id", "kind", "days_late"))
    assert late == [(world.branch.pk, "evaluation", 17)] and close.late_branches == 1
    event = AuditEvent.objects.get(action="training.year_closed")
    assert event.changes["registrations_missed"] == [0, 1]

    # A second run, the next day or the same, closes nothing again and changes nothing.
    assert years_close(today=CLOSE_DAY) == 0
    assert year_close(year=YEAR, calendar="schools", today=date(2027, 6, 2)) is None
    assert YearClose.objects.count() == 1 and LateAtClose.objects.count() == 1
    assert AuditEvent.objects.filter(action="training.year_closed").count() == 1


def test_the_daily_job_closes_it(world, year):
    assert daily.daily(today=CLOSE_DAY)["years_closed"] == 1
    assert daily.daily(today=CLOSE_DAY)["years_closed"] == 0
    # The residential year closes once December is over.
    assert daily.daily(today=date(2028, 1, 1))["years_closed"] == 1
    assert set(YearClose.objects.values_list("year", "calendar")) == {
        (YEAR, "schools"),
        (YEAR, "others"),
    }
    assert _state(year[2]) == "missed"


def test_a_closed_year_takes_no_registration_and_the_missed_one_leaves_the_to_do(world, year):
    draft, submitted, _residential = year
    mine = [i for i in todo_for(world.member_user, today=CLOSE_DAY) if i["kind"] == MY_REGISTRATION]
    assert [i["year"] for i in mine] == [YEAR]
    years_close(today=CLOSE_DAY)
    assert not [
        i for i in todo_for(world.member_user, today=CLOSE_DAY) if i["kind"] == MY_REGISTRATION
    ]
    with pytest.raises(ValidationError) as refused:
        _save(world.member)
    assert refused.value.code == "year_closed"
    with pytest.raises(ValidationError):
        _save(world.member_in_branch2)  # no registration yet: none is started
    assert not Registration.objects.filter(member=world.member_in_branch2).exists()
    with pytest.raises(ValidationError):
        registration_submit(actor=None, registration=draft, today=CLOSE_DAY)
    assert _state(draft) == "missed"
    # A registration submitted in time is still reviewed after the close.
    registration_approve(actor=None, registration=submitted)
    assert _state(submitted) == "approved"


def test_what_a_branch_does_later_leaves_the_frozen_late_list_alone(world, year):
    years_close(today=CLOSE_DAY)
    BranchResult.objects.create(
        branch=world.branch, unit_path=world.branch.path, year=YEAR, state="submitted"
    )
    live = lateness.late_items(world.base, YEAR, today=date(2027, 6, 5))
    assert not list(live)  # the school's branches: none late any more
    assert list(LateAtClose.objects.values_list("branch_id", "kind")) == [
        (world.branch.pk, "evaluation")
    ]


def test_the_member_s_page_says_the_year_is_closed(client, world, year):
    years_close(today=CLOSE_DAY)
    url = reverse("training:member-training", args=[world.member_in_branch2.pk, YEAR])
    client.force_login(world.superuser)
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="year-closed"' in page.content.decode()
    assert page.context["year_closed"] and not page.context["editable"]


def test_after_the_close_a_missed_registration_counts_as_not_registered(client, world, year):
    """The branch's progress lists the member whose draft was missed as not registered (not as
    "approved, not assessed"); his page says the year is closed; a registration sent in time
    cannot be returned any more (he could never send it again)."""
    from doanvien.training.progress import branch_progress
    from doanvien.training.services.registrations import registration_return

    draft, submitted, _residential = year
    years_close(today=CLOSE_DAY)
    progress = branch_progress(world.branch, YEAR, today=CLOSE_DAY)
    assert world.member in progress.not_registered
    assert draft.pk not in [r.pk for _m, r in progress.not_assessed]
    with pytest.raises(ValidationError) as refused:
        registration_return(actor=None, registration=submitted, comment="Sửa kế hoạch")
    assert refused.value.code == "year_closed"
    assert _state(submitted) == "submitted"
    client.force_login(world.superuser)
    page = client.get(reverse("training:member-training", args=[world.member.pk, YEAR]))
    assert page.context["year_closed"]

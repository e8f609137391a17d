"""Assessments (the branch's and the member's own) are accepted from a number of months before
the evaluation deadline that applies to the branch: data on the framework, two months by
default. Without an evaluation deadline the window is open."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doanvien.core.models import AuditEvent
from doanvien.training.models import Deadline, Framework, Registration
from doanvien.training.rules import add_months
from doanvien.training.services.assessment import assessment_record, self_assessment_record
from doanvien.training.services.configuration import framework_publish, framework_update
from doanvien.training.services.registrations import registration_save

from .conftest import YEAR, complete_items
from .pages.helpers import page
from .test_workflow import AREAS, approved

DUE = date(2026, 5, 15)  # the schools' evaluation deadline of seed 000 II.2


def evaluation(unit, due_on, sector="", **extra):
    return Deadline.objects.create(
        unit=unit, year=YEAR, kind="evaluation", sector=sector, due_on=due_on, **extra
    )


def saved(registration):
    return Registration.objects.filter(pk=registration.pk).values(
        "branch_points", "self_points", "total", "assessed_at", "self_assessed_at"
    )[0]


@pytest.fixture
def registration(world, items):
    return approved(world, items)


RECORDS = {"assess": assessment_record, "self-assess": self_assessment_record}


@pytest.mark.parametrize("record", list(RECORDS))
def test_two_months_before_the_deadline_by_default(world, registration, record):
    evaluation(world.district, DUE)
    before, events = saved(registration), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as e:
        RECORDS[record](actor=None, registration=registration, areas=AREAS, today=date(2026, 3, 14))
    assert e.value.code == "not_open"
    assert e.value.messages == ["Việc đánh giá năm 2026 bắt đầu từ ngày 15/03/2026."]
    assert saved(registration) == before and AuditEvent.objects.count() == events
    RECORDS[record](actor=None, registration=registration, areas=AREAS, today=date(2026, 3, 15))


def test_not_in_the_first_month_of_the_year(world, items):
    member = world.outsider_member  # a residential branch: its programme year is the calendar year
    registration = approved(world, complete_items(member), member=member)
    evaluation(world.province, date(2026, 10, 15))
    with pytest.raises(ValidationError) as e:
        assessment_record(
            actor=None, registration=registration, areas=AREAS, today=date(2026, 1, 20)
        )
    assert "15/08/2026" in e.value.messages[0]
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 8, 15))


def test_the_months_are_the_frameworks_data(world, registration):
    evaluation(world.district, DUE)
    Framework.objects.filter(pk=registration.framework_id).update(assessment_opens_months_before=3)
    with pytest.raises(ValidationError):
        assessment_record(
            actor=None, registration=registration, areas=AREAS, today=date(2026, 2, 14)
        )
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 2, 15))


def test_the_deadline_that_applies_to_the_branch_counts(world, registration):
    evaluation(world.province, date(2026, 10, 15))  # for every sector, further up
    evaluation(world.province, DUE, sector="school")  # the schools' own wins
    with pytest.raises(ValidationError) as e:
        assessment_record(
            actor=None, registration=registration, areas=AREAS, today=date(2026, 3, 1)
        )
    assert "15/03/2026" in e.value.messages[0]


def test_an_extension_does_not_move_the_opening(world, registration):
    evaluation(world.district, DUE, extended_to=date(2026, 6, 30))
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 3, 15))


def test_without_an_evaluation_deadline_the_window_is_open(world, registration):
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2025, 6, 2))
    self_assessment_record(
        actor=None, registration=registration, areas=AREAS, today=date(2025, 6, 2)
    )


def test_after_the_deadline_the_late_rules_apply_as_before(world, registration):
    evaluation(world.district, DUE)
    late = assessment_record(
        actor=None, registration=registration, areas=AREAS, today=date(2026, 5, 20)
    )
    assert late.assessed_late


# --- On the pages -------------------------------------------------------------------------------


@pytest.fixture
def not_yet(world, registration):
    """An evaluation deadline three months away: assessment opens in about a month."""
    today = timezone.localdate()
    evaluation(world.district, add_months(today, 3))
    return add_months(add_months(today, 3), -2)


def test_the_member_page_says_when_self_assessment_opens(client, world, not_yet):
    client.force_login(world.member_user)
    response = client.get(page(world.member))
    assert "self_form" not in response.context
    html = response.content.decode()
    assert 'id="assessment-opens"' in html and not_yet.strftime("%d/%m/%Y") in html
    url = reverse("training:member-training-self-assess", args=[world.member.pk, YEAR])
    response = client.post(url, {f"area_{k}": v for k, v in AREAS.items()})
    assert response.status_code == 302
    after = client.get(response["Location"])
    [error] = [str(m) for m in after.context["messages"] if m.level_tag == "error"]
    assert not_yet.strftime("%d/%m/%Y") in error
    assert not Registration.objects.get(member=world.member).self_assessed_at


def test_the_assessment_screen_says_when_it_opens(client, world, registration, not_yet):
    client.force_login(world.secretary)
    url = reverse("training:branch-assessment", args=[world.branch.pk, YEAR])
    response = client.get(url)
    assert not response.context["can_assess"] and response.context["assessment_opens"] == not_yet
    html = response.content.decode()
    assert 'id="assessment-opens"' in html and 'inputmode="decimal"' not in html
    row = reverse("training:branch-assessment-row", args=[world.branch.pk, YEAR, world.member.pk])
    data = {**{f"area_{k}": v for k, v in AREAS.items()}, "comment": "Tốt"}
    response = client.post(row, data, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == url
    [error] = [str(m) for m in client.get(url).context["messages"] if m.level_tag == "error"]
    assert not_yet.strftime("%d/%m/%Y") in error
    assert Registration.objects.get(member=world.member).total is None


# --- The framework's setting -------------------------------------------------------------------


def test_a_unit_sets_when_assessment_opens_on_its_framework_page(client, world, framework):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    assert own.assessment_opens_months_before == 2
    client.force_login(world.base_cadre)
    url = reverse("training:training-framework", args=[world.base.pk, YEAR])
    assert 'name="assessment_opens_months_before"' in client.get(url + "?edit=1").content.decode()
    data = {
        "name": own.name,
        "band_excellent": "90",
        "band_good": "80",
        "band_complete": "70",
        "min_criteria": "10",
        "eligibility_months": "6",
        "assessment_opens_months_before": "13",
        **{f"areas.{a.code}.name": a.name for a in own.areas.all()},
        **{f"areas.{a.code}.max_points": "20" for a in own.areas.all()},
    }
    save = reverse("training:training-framework-save", args=[world.base.pk, YEAR])
    response = client.post(save, data)
    assert response.status_code == 200
    assert "assessment_opens_months_before" in response.context["framework_form"].errors
    response = client.post(save, {**data, "assessment_opens_months_before": "1"})
    assert response.status_code == 302
    assert Framework.objects.get(pk=own.pk).assessment_opens_months_before == 1
    event = AuditEvent.objects.get(action="framework.updated")
    assert event.changes["assessment_opens_months_before"] == ["2", "1"]


def test_it_may_change_once_members_are_assessed(world, registration):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    registration_save(actor=None, member=world.member2, year=YEAR, items=[])
    Registration.objects.filter(framework=registration.framework).update(framework=own)
    registration.refresh_from_db()
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 5, 1))
    framework_update(actor=None, framework=own, assessment_opens_months_before=4)
    assert Framework.objects.get(pk=own.pk).assessment_opens_months_before == 4

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from doanvien.core.models import AuditEvent
from doanvien.training.models import Criterion, Deadline, Registration
from doanvien.training.services.registrations import (
    registration_approve,
    registration_return,
    registration_save,
    registration_submit,
    registrations_apply_default,
)

from .conftest import YEAR, complete_items


def submit_errors(world, items):
    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    with pytest.raises(ValidationError) as e:
        registration_submit(actor=None, registration=registration, today=date(2025, 11, 1))
    return e.value.message_dict


def test_a_complete_registration_is_submitted(world, items):
    registration = registration_save(
        actor=world.member_user, member=world.member, year=YEAR, items=items
    )
    assert registration.state == "draft" and registration.items.count() == len(items)
    registration_submit(actor=world.member_user, registration=registration, today=date(2025, 11, 1))
    registration.refresh_from_db()
    assert registration.state == "submitted" and not registration.submitted_late
    assert AuditEvent.objects.filter(action="registration.submitted").count() == 1


def test_every_area_must_be_covered(world, items):
    area5 = [i for i in items if Criterion.objects.get(pk=i["criterion"]).area_code != "5"]
    errors = submit_errors(world, area5)
    assert any("5" in m for m in errors["items"])


def test_at_least_ten_criteria(world, items):
    by_area = {}
    for i in items:
        by_area.setdefault(Criterion.objects.get(pk=i["criterion"]).area_code, []).append(i)
    few = [v[0] for v in by_area.values()]
    mandatory = [i for i in items if Criterion.objects.get(pk=i["criterion"]).mandatory]
    chosen = {i["criterion"]: i for i in few + mandatory}
    errors = submit_errors(world, list(chosen.values())[:9])
    assert any("10" in m for m in errors["items"])


def test_a_plan_is_required_and_named_next_to_its_item(world, items):
    items[2]["plan"] = "   "
    errors = submit_errors(world, items)
    assert list(errors) == ["items[2].plan"]


def test_the_target_date_lies_in_the_programme_year(world, items):
    items[0]["target_date"] = "2030-01-01"
    items[1]["target_date"] = "31/02/2026"
    with pytest.raises(ValidationError) as e:
        registration_save(actor=None, member=world.member, year=YEAR, items=items)
    assert {"items[0].target_date", "items[1].target_date"} <= set(e.value.message_dict)


def test_the_same_criterion_twice_is_refused(world, items):
    with pytest.raises(ValidationError) as e:
        registration_save(actor=None, member=world.member, year=YEAR, items=items + items[:1])
    assert f"items[{len(items)}].criterion" in e.value.message_dict


def test_criteria_of_another_sector_or_unit_are_refused(world, items, framework):
    workers_only = Criterion.objects.get(framework=framework, sector="workers")
    other_custom = Criterion.objects.create(
        unit=world.other_base, year=YEAR, area_code="1", text="Chỉ cho xã Tân Hòa"
    )
    bad = [
        {"criterion": c.pk, "plan": "x", "target_date": "2026-01-01"}
        for c in (workers_only, other_custom)
    ]
    with pytest.raises(ValidationError) as e:
        registration_save(actor=None, member=world.member, year=YEAR, items=bad)
    assert set(e.value.message_dict) == {"items[0].criterion", "items[1].criterion"}


def test_custom_criteria_of_an_ancestor_can_be_chosen(world, items):
    custom = Criterion.objects.create(
        unit=world.district, year=YEAR, area_code="2", text="Tham gia Ngày chủ nhật xanh của huyện"
    )
    items.append({"criterion": custom.pk, "plan": "Mỗi tháng một lần", "target_date": "2026-03-01"})
    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    assert registration.items.filter(criterion=custom).exists()


def test_mandatory_criteria_cannot_be_left_out(world, items):
    mandatory = {c.pk for c in Criterion.objects.filter(mandatory=True)}
    errors = submit_errors(world, [i for i in items if i["criterion"] not in mandatory])
    assert any("mandatory" in m or "bắt buộc" in m for m in errors["items"])


def test_a_submitted_registration_cannot_be_edited_until_returned(world, items):
    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    registration_submit(actor=None, registration=registration, today=date(2025, 11, 1))
    with pytest.raises(ValidationError):
        registration_save(actor=None, member=world.member, year=YEAR, items=items[:-1])
    registration_return(actor=world.secretary, registration=registration, comment="Bổ sung")
    registration_save(actor=None, member=world.member, year=YEAR, items=items[:-1])
    registration.refresh_from_db()
    assert registration.state == "returned" and registration.review_comment == "Bổ sung"


def test_returning_needs_a_comment(world, items):
    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    registration_submit(actor=None, registration=registration, today=date(2025, 11, 1))
    with pytest.raises(ValidationError) as e:
        registration_return(actor=None, registration=registration, comment=" ")
    assert "comment" in e.value.message_dict


def test_late_submissions_are_marked_or_refused(world, items):
    deadline = Deadline.objects.create(
        unit=world.district, year=YEAR, kind="registration", due_on=date(2025, 11, 15)
    )
    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    registration_submit(actor=None, registration=registration, today=date(2025, 11, 20))
    assert Registration.objects.get(pk=registration.pk).submitted_late
    deadline.allow_late = False
    deadline.save()
    other = registration_save(
        actor=None, member=world.member2, year=YEAR, items=complete_items(world.member2)
    )
    with pytest.raises(ValidationError):
        registration_submit(actor=None, registration=other, today=date(2025, 11, 20))
    deadline.extended_to = date(2026, 1, 31)
    deadline.save()
    registration_submit(actor=None, registration=other, today=date(2025, 11, 20))
    assert not Registration.objects.get(pk=other.pk).submitted_late


def test_a_sector_deadline_of_a_nearer_unit_wins(world, items):
    from doanvien.training.selectors import deadline_for

    Deadline.objects.create(
        unit=world.province, year=YEAR, kind="registration", due_on=date(2025, 11, 15)
    )
    school = Deadline.objects.create(
        unit=world.province,
        year=YEAR,
        kind="registration",
        sector="school",
        due_on=date(2025, 5, 15),
    )
    assert (
        deadline_for(unit=world.branch, year=YEAR, kind="registration", sector="school") == school
    )
    nearer = Deadline.objects.create(
        unit=world.base, year=YEAR, kind="registration", due_on=date(2025, 12, 1)
    )
    assert (
        deadline_for(unit=world.branch, year=YEAR, kind="registration", sector="school") == nearer
    )


def test_the_branch_registers_many_members_with_a_default_set(world, items):
    registered = registrations_apply_default(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        items=items,
        members=[world.member, world.member2],
    )
    assert registered == 2
    assert all(r.entered_by_secretary for r in Registration.objects.filter(year=YEAR))
    registration_submit(
        actor=None,
        registration=Registration.objects.get(member=world.member),
        today=date(2025, 11, 1),
    )
    again = registrations_apply_default(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        items=items[:-1],
        members=[world.member, world.member2],
    )
    assert again == 1  # the submitted one is left alone


def test_approval_is_recorded(world, items):
    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    registration_submit(actor=None, registration=registration, today=date(2025, 11, 1))
    registration_approve(actor=world.secretary, registration=registration)
    assert Registration.objects.get(pk=registration.pk).state == "approved"
    assert AuditEvent.objects.get(action="registration.approved").actor == world.secretary


def test_nobody_registers_for_a_year_before_joining(world, items):
    from doanvien.members.models import Member

    Member.objects.filter(pk=world.member.pk).update(joined_union_on=date(2026, 8, 1))
    world.member.refresh_from_db()
    with pytest.raises(ValidationError):  # the school year 2026 ended on 31/05/2026
        registration_save(actor=None, member=world.member, year=YEAR, items=items)
    assert not Registration.objects.exists()


def test_a_member_who_moves_keeps_his_registration_and_the_new_branch_continues_it(world, items):
    from doanvien.actions.members import member_move
    from doanvien.training.services.assessment import assessment_record
    from doanvien.training.services.results import branch_result_for

    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    registration_submit(actor=None, registration=registration, today=date(2025, 11, 1))
    past = Registration.objects.create(
        member=world.member,
        year=YEAR - 1,
        framework=registration.framework,
        branch=world.branch,
        unit_path=world.branch.path,
        state="approved",
    )
    result = branch_result_for(branch=world.branch, year=YEAR - 1)
    result.state = "recognised"
    result.save()
    member_move(
        actor=None,
        member=world.member,
        branch=world.branch2,
        on=date(2026, 1, 5),
        reason="Chuyển lớp",
    )
    registration.refresh_from_db()
    assert registration.branch == world.branch2 and registration.unit_path == world.branch2.path
    assert Registration.objects.get(pk=past.pk).branch == world.branch  # recognised stays
    registration_approve(actor=None, registration=registration)
    assessment_record(
        actor=None, registration=registration, areas={"1": 18, "2": 18, "3": 18, "4": 18, "5": 18}
    )
    assert Registration.objects.get(pk=registration.pk).level == "excellent"

"""Criteria for a member group (pupils and students, teachers, Union cadres): offered only to the
members of that group, refused to the others with a message that says why; a minimum number of
criteria of a group's own; the configuration that sets them; the mapping migration 0010 applies
to the free text kept before groups were data."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from doanvien.actions.members import member_update
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member
from doanvien.training.audiences import criterion_audience
from doanvien.training.models import Criterion, Framework, Registration
from doanvien.training.selectors import criteria_applying, criteria_offered, framework_for
from doanvien.training.services.configuration import (
    criterion_add,
    criterion_update,
    framework_publish,
    framework_update,
)
from doanvien.training.services.registrations import (
    registration_save,
    registration_submit,
    registrations_apply_default,
)

from ..factories import make_member
from .conftest import YEAR, complete_items

CADRES_ITEM = "Phong cách cán bộ Đoàn"


def grouped(member, group):
    """The member, put in `group` by the service and read again."""
    member_update(actor=None, member=member, data={"audience": group})
    return Member.objects.select_related("branch").get(pk=member.pk)


def cadres_criterion():
    return Criterion.objects.get(framework__unit__isnull=True, text__contains=CADRES_ITEM)


def offered(member):
    framework = framework_for(member.branch, YEAR)
    return set(
        criteria_offered(member, framework=framework, branch=member.branch, year=YEAR).values_list(
            "audience", flat=True
        )
    )


def refusal(raised) -> dict:
    return {k: [str(m) for m in v] for k, v in raised.value.message_dict.items()}


# --- What is offered ---------------------------------------------------------------------------


def test_the_shipped_framework_marks_the_cadres_and_the_school_groups_items(framework):
    assert cadres_criterion().audience == "cadre"
    school = dict(framework.criteria.filter(sector="school").values_list("audience", "sector"))
    assert set(school) == {"student", "teacher"}
    assert framework.criteria.filter(audience="").count() == framework.criteria.count() - 3


def test_each_member_is_offered_the_criteria_for_everyone_and_for_his_group(world, framework):
    assert offered(world.member) == {""}  # a member of no particular group
    assert offered(grouped(world.member, "student")) == {"", "student"}
    assert offered(grouped(world.member, "teacher")) == {"", "teacher"}
    assert offered(grouped(world.member, "cadre")) == {"", "cadre"}
    # The pupils' item is of the school sector: a pupil of a village branch does not get it.
    assert offered(grouped(world.outsider_member, "student")) == {""}


def test_a_unit_above_and_a_branch_list_every_groups_criteria_unless_asked(world, framework):
    for unit in (world.base, world.branch):
        assert cadres_criterion() in criteria_applying(unit, YEAR, framework)
        assert cadres_criterion() not in criteria_applying(unit, YEAR, framework, "student")
        assert cadres_criterion() in criteria_applying(unit, YEAR, framework, "cadre")


# --- Refused to another group ------------------------------------------------------------------


def test_a_criterion_for_the_cadres_is_refused_to_a_pupil_and_nothing_is_saved(world, framework):
    pupil = grouped(world.member, "student")
    items = complete_items(pupil)
    items.insert(1, {**items[0], "criterion": cadres_criterion().pk})
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        registration_save(actor=None, member=pupil, year=YEAR, items=items)
    message = refusal(raised)["items[1].criterion"][0]
    assert message.startswith("“Tích cực rèn luyện theo các tiêu chí xây dựng giá trị")
    assert message.endswith(
        "” is only for the group “Union cadre”: it is not offered to Nguyễn Văn An, whose "
        "group is “Pupil or student”."
    )
    assert set(refusal(raised)) == {"items[1].criterion"}
    assert not Registration.objects.filter(member=pupil).exists()


def test_the_refusal_is_in_vietnamese_by_default(world, framework):
    items = [{**complete_items(world.member)[0], "criterion": cadres_criterion().pk}]
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        registration_save(actor=None, member=world.member, year=YEAR, items=items)
    assert refusal(raised)["items[0].criterion"][0].endswith(
        "” chỉ dành cho đối tượng “Cán bộ Đoàn”: không áp dụng cho Nguyễn Văn An (đối tượng "
        "“Đoàn viên (không thuộc đối tượng riêng)”)."
    )


def test_a_cadre_registers_the_cadres_criterion(world, framework):
    cadre = grouped(world.member, "cadre")
    items = complete_items(cadre)
    assert cadres_criterion().pk not in [i["criterion"] for i in items]
    items.append({**items[0], "criterion": cadres_criterion().pk})
    registration = registration_save(actor=None, member=cadre, year=YEAR, items=items)
    registration = registration_submit(actor=None, registration=registration)
    assert registration.state == "submitted"
    assert registration.items.filter(criterion=cadres_criterion()).exists()


def test_a_draft_whose_member_changed_group_is_not_submitted_with_the_other_groups_item(
    world, framework
):
    cadre = grouped(world.member, "cadre")
    items = complete_items(cadre) + [
        {**complete_items(cadre)[0], "criterion": cadres_criterion().pk}
    ]
    registration = registration_save(actor=None, member=cadre, year=YEAR, items=items)
    grouped(world.member, "general")  # he left the committee
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        registration_submit(actor=None, registration=registration)
    [(key, [message])] = refusal(raised).items()
    assert key == f"items[{len(items) - 1}].criterion" and "“Union cadre”" in message
    assert Registration.objects.get(pk=registration.pk).state == "draft"


def test_a_criterion_of_no_framework_is_still_not_in_the_framework(world, framework):
    items = [{**complete_items(world.member)[0], "criterion": 999_999}]
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        registration_save(actor=None, member=world.member, year=YEAR, items=items)
    assert refusal(raised) == {"items[0].criterion": ["This criterion is not in your framework."]}


def test_the_default_set_gives_each_member_the_criteria_of_his_group(world, framework):
    cadre = grouped(world.member, "cadre")
    items = complete_items(world.member2)
    items.insert(0, {**items[0], "criterion": cadres_criterion().pk})
    registered = registrations_apply_default(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        items=items,
        members=[cadre, world.member2],
    )
    assert registered == 2
    mine = Registration.objects.get(member=cadre).items.values_list("criterion_id", flat=True)
    theirs = Registration.objects.get(member=world.member2).items.values_list(
        "criterion_id", flat=True
    )
    assert cadres_criterion().pk in mine and cadres_criterion().pk not in theirs
    assert len(mine) == len(items) and len(theirs) == len(items) - 1


def test_an_error_in_the_default_set_names_the_item_of_the_whole_set(world, framework):
    items = complete_items(world.member2)
    items.insert(0, {**items[0], "criterion": cadres_criterion().pk})
    items[3]["target_date"] = "2031-01-01"
    with pytest.raises(ValidationError) as raised:
        registrations_apply_default(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            items=items,
            members=[world.member2],  # not a cadre: item 0 is left out of his set
        )
    assert set(refusal(raised)) == {"items[3].target_date"}


# --- The minimum of a group -----------------------------------------------------------------------


@pytest.fixture
def own_framework(world, framework):
    """The base union's own framework for the year, with pupils choosing at least 14."""
    published = framework_publish(actor=None, unit=world.base, year=YEAR)
    return framework_update(
        actor=world.base_cadre, framework=published, min_criteria_by_audience={"student": "14"}
    )


def test_a_group_without_a_minimum_of_its_own_has_the_frameworks(own_framework):
    assert own_framework.min_criteria_by_audience == {"student": 14}
    assert own_framework.min_criteria_for("student") == 14
    assert own_framework.min_criteria_for("teacher") == own_framework.min_criteria == 10
    assert own_framework.min_criteria_for("general") == 10


def test_a_pupil_chooses_his_groups_minimum_and_the_others_the_frameworks(world, own_framework):
    pupil = grouped(world.member, "student")
    items = complete_items(pupil)
    assert 10 <= len(items) < 14
    registration = registration_save(actor=None, member=pupil, year=YEAR, items=items)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        registration_submit(actor=None, registration=registration)
    assert refusal(raised) == {
        "items": [
            f"Choose at least 14 criteria, the minimum of the group “Pupil or student” "
            f"(now {len(items)})."
        ]
    }
    other = registration_save(
        actor=None, member=world.member2, year=YEAR, items=complete_items(world.member2)
    )
    assert registration_submit(actor=None, registration=other).state == "submitted"
    enough = complete_items(pupil, per_area=4)
    assert len(enough) >= 14
    registration = registration_save(actor=None, member=pupil, year=YEAR, items=enough)
    assert registration_submit(actor=None, registration=registration).state == "submitted"


def test_a_lower_minimum_for_a_group_lets_it_submit_fewer(world, own_framework):
    framework_update(actor=None, framework=own_framework, min_criteria_by_audience={"cadre": "8"})
    cadre = grouped(world.member, "cadre")
    items = complete_items(cadre, per_area=1)
    areas = {Criterion.objects.get(pk=i["criterion"]).area_code for i in items}
    assert len(items) == 8 and areas == {"1", "2", "3", "4", "5"}
    registration = registration_save(actor=None, member=cadre, year=YEAR, items=items)
    assert registration_submit(actor=None, registration=registration).state == "submitted"
    # The same eight are too few for a member of no particular group.
    registration = registration_save(actor=None, member=world.member2, year=YEAR, items=items)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        registration_submit(actor=None, registration=registration)
    assert refusal(raised) == {"items": ["Choose at least 10 criteria (now 8)."]}


def test_the_minimums_are_checked_recorded_and_copied(world, own_framework):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        framework_update(
            actor=None,
            framework=own_framework,
            min_criteria_by_audience={"student": "0", "teacher": "abc", "pupils": "3"},
        )
    assert refusal(raised) == {
        "min_criteria.student": ["A whole number from 1 to 200, or empty."],
        "min_criteria.teacher": ["A whole number."],
        "min_criteria.pupils": ["There is no member group pupils."],
    }
    assert Framework.objects.get(pk=own_framework.pk).min_criteria_by_audience == {"student": 14}

    event = AuditEvent.objects.filter(action="framework.updated").latest("pk")
    assert event.changes["min_criteria.student"] == ["", "14"]
    framework_update(actor=None, framework=own_framework, min_criteria_by_audience={"student": ""})
    assert Framework.objects.get(pk=own_framework.pk).min_criteria_by_audience == {}
    framework_update(actor=None, framework=own_framework, min_criteria_by_audience={"cadre": 8})
    own_framework.refresh_from_db()
    copy = framework_publish(actor=None, unit=world.base, year=YEAR + 1, source=own_framework)
    assert copy.min_criteria_by_audience == {"cadre": 8}


def test_leaving_the_minimums_out_keeps_them(own_framework):
    framework_update(actor=None, framework=own_framework, name="Khung mới")
    assert Framework.objects.get(pk=own_framework.pk).min_criteria_by_audience == {"student": 14}


# --- Criteria for a group ---------------------------------------------------------------------


def test_a_custom_criterion_is_added_for_a_group_from_the_list(world, framework):
    added = criterion_add(
        actor=None,
        unit=world.base,
        year=YEAR,
        custom=True,
        area_code="5",
        text="Hoàn thành nhiệm vụ của ủy viên Ban Chấp hành",
        audience="cadre",
    )
    assert added.audience == "cadre"
    assert added in criteria_offered(
        grouped(world.member, "cadre"),
        framework=framework,
        branch=world.branch,
        year=YEAR,
    )
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        criterion_add(
            actor=None,
            unit=world.base,
            year=YEAR,
            custom=True,
            area_code="5",
            text="Cho học sinh",
            audience="Học sinh",
        )
    assert refusal(raised) == {
        "audience": ["Choose a member group, or leave it empty for every member."]
    }


def test_a_registered_criterion_is_kept_for_the_groups_of_those_who_registered_it(world, framework):
    criterion = criterion_add(
        actor=None, unit=world.base, year=YEAR, custom=True, area_code="2", text="Tiêu chí chung"
    )
    items = complete_items(world.member) + [
        {**complete_items(world.member)[0], "criterion": criterion.pk}
    ]
    registration_save(actor=None, member=world.member, year=YEAR, items=items)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        criterion_update(
            actor=None,
            criterion=criterion,
            area_code="2",
            text="Tiêu chí chung",
            audience="cadre",
        )
    assert refusal(raised) == {
        "audience": [
            "1 registrations of members of another group include this criterion: it cannot be "
            "only for “Union cadre”."
        ]
    }
    assert Criterion.objects.get(pk=criterion.pk).audience == ""
    # Once every member who registered it is of the group, it may be for that group only.
    grouped(world.member, "cadre")
    changed = criterion_update(
        actor=None, criterion=criterion, area_code="2", text="Tiêu chí chung", audience="cadre"
    )
    assert changed.audience == "cadre"
    # And for everyone again at any time.
    back = criterion_update(actor=None, criterion=criterion, area_code="2", text="Tiêu chí chung")
    assert back.audience == ""


# --- The migration's mapping ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience_text", "text", "group"),
    [
        ("Học sinh, sinh viên", "", "student"),
        ("Cán bộ, giáo viên, giảng viên", "", "teacher"),
        ("Cán bộ Đoàn", "", "cadre"),
        ("Ủy viên BCH", "", "cadre"),
        ("student", "", "student"),
        ("Đoàn viên nữ", "", ""),
        ("Học sinh, giáo viên", "", ""),  # two groups: everyone
        ("", "… Phong cách cán bộ Đoàn TNCS Hồ Chí Minh (đối với cán bộ Đoàn)", "cadre"),
        ("", "Rèn luyện thể lực (dành cho học sinh)", "student"),
        ("", "Xây dựng hình ảnh cán bộ Đoàn gương mẫu", ""),  # no "for whom" in brackets
        ("", "", ""),
        ("general", "", ""),
        ("Đoàn viên nữ", "(đối với cán bộ Đoàn)", "cadre"),  # unknown free text: the wording
    ],
)
def test_the_mapping_of_the_free_text(audience_text, text, group):
    assert criterion_audience(audience_text=audience_text, text=text) == group


def test_the_migration_marks_the_criteria_already_there(world, framework):
    def custom(text, audience):
        criterion = criterion_add(
            actor=None, unit=world.base, year=YEAR, custom=True, area_code="2", text=text
        )
        Criterion.objects.filter(pk=criterion.pk).update(audience=audience)  # as kept before
        return criterion.pk

    cadres = custom("Tiêu chí cho cán bộ", "Cán bộ Đoàn")
    teachers = custom("Tiêu chí cho giáo viên", "GV")
    women = custom("Tiêu chí cho nữ", "Nữ")
    Criterion.objects.filter(pk=cadres_criterion().pk).update(audience="")
    migration = importlib.import_module("doanvien.training.migrations.0010_criterion_audience")
    migration.mark_criteria(apps, None)
    groups = dict(Criterion.objects.values_list("pk", "audience"))
    assert (groups[cadres], groups[teachers], groups[women]) == ("cadre", "teacher", "")
    assert groups[cadres_criterion().pk] == "cadre"


def test_a_member_made_in_the_tests_has_no_particular_group(world):
    assert make_member(world.branch).audience == "general"

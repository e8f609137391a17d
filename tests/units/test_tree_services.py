import pytest
from django.core.exceptions import ValidationError

from doanvien.actions.units import unit_merge, unit_move
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member, Membership, Status
from doanvien.units import member_counts
from doanvien.units.models import Level, Unit
from doanvien.units.services import (
    unit_create,
    unit_deactivate,
    unit_reactivate,
    unit_update,
)

from ..factories import make_member, make_unit


def counts(*units):
    return [member_counts.now(u) for u in units]


def test_member_counts_roll_up_to_every_ancestor(world):
    assert counts(world.province, world.district, world.base, world.branch) == [4, 4, 3, 2]
    make_member(world.branch)
    assert counts(world.province, world.base, world.branch, world.other_base) == [5, 4, 3, 1]


def test_it_refuses_a_duplicate_code(world):
    with pytest.raises(ValidationError) as e:
        unit_create(
            actor=None,
            parent=world.base,
            name="X",
            code="tn-ta-thpt-12a1",
            level=Level.objects.get(code="branch"),
            kind="branch",
        )
    assert "code" in e.value.message_dict


def test_a_branch_cannot_have_units_under_it(world):
    with pytest.raises(ValidationError):
        make_unit(world.branch)


def test_renaming_is_recorded_with_before_and_after(world):
    unit_update(
        actor=world.province_cadre,
        unit=world.base,
        name="Đoàn trường THPT Mới",
        code=world.base.code,
        sector="school",
        level=world.base.level,
    )
    event = AuditEvent.objects.get(action="unit.updated", target_id=world.base.pk)
    assert event.actor == world.province_cadre
    assert event.changes["name"] == ["Đoàn trường THPT Tân An", "Đoàn trường THPT Mới"]
    assert Unit.objects.get(pk=world.base.pk).name_folded == "doan truong thpt moi"


def test_moving_a_unit_moves_its_subtree_members_and_counts(world):
    new_district = make_unit(world.province, name="Huyện đoàn Mới", code="NEW", level="district")
    unit_move(actor=None, unit=world.base, new_parent=new_district)
    base = Unit.objects.get(pk=world.base.pk)
    assert base.path.startswith(new_district.path)
    assert counts(world.district, new_district, world.province) == [1, 3, 4]
    for member in Member.objects.filter(branch__in=[world.branch, world.branch2]):
        assert member.unit_path == member.branch.path
        assert member.unit_path.startswith(new_district.path)


def test_a_unit_cannot_move_inside_itself(world):
    with pytest.raises(ValidationError):
        unit_move(actor=None, unit=world.district, new_parent=world.base)


def test_merging_branches_moves_members_and_keeps_their_past(world):
    unit_merge(actor=None, source=world.branch2, target=world.branch)
    moved = Member.objects.get(pk=world.member_in_branch2.pk)
    assert moved.branch == world.branch
    spans = list(Membership.objects.filter(member=moved).order_by("started_on", "id"))
    assert [s.branch_id for s in spans] == [world.branch2.pk, world.branch.pk]
    assert spans[0].ended_on == spans[1].started_on
    assert not Unit.objects.get(pk=world.branch2.pk).is_active
    assert counts(world.branch, world.branch2, world.base) == [3, 0, 3]


def test_merging_unions_moves_their_units(world):
    unit_merge(actor=None, source=world.other_base, target=world.base)
    other_branch = Unit.objects.get(pk=world.other_branch.pk)
    assert other_branch.path.startswith(world.base.path)
    assert counts(world.base, world.other_base, world.district) == [4, 0, 4]


def test_a_branch_cannot_merge_into_a_union(world):
    with pytest.raises(ValidationError):
        unit_merge(actor=None, source=world.branch, target=world.other_base)


def test_deactivation_is_refused_while_members_remain(world):
    with pytest.raises(ValidationError):
        unit_deactivate(actor=None, unit=world.branch)
    Member.objects.filter(branch=world.branch2).update(status=Status.REMOVED)
    Unit.objects.filter(path__in=world.branch2.ancestor_paths()).update(member_count=0)
    unit_deactivate(actor=None, unit=world.branch2)
    assert not Unit.objects.get(pk=world.branch2.pk).is_active
    events = AuditEvent.objects.filter(target_id=world.branch2.pk, action="unit.deactivated")
    # Deactivated twice: refused for its state, and nothing recorded a second time.
    with pytest.raises(ValidationError) as refused:
        unit_deactivate(actor=None, unit=world.branch2)
    assert refused.value.code == "illegal_transition" and events.count() == 1
    unit_reactivate(actor=None, unit=Unit.objects.get(pk=world.branch2.pk))
    assert Unit.objects.get(pk=world.branch2.pk).is_active
    with pytest.raises(ValidationError) as refused:
        unit_reactivate(actor=None, unit=world.branch2)
    assert refused.value.code == "illegal_transition"
    reactivated = AuditEvent.objects.filter(target_id=world.branch2.pk, action="unit.reactivated")
    assert reactivated.count() == 1


def test_levels_are_data_and_the_tree_takes_any_depth(world):
    level = Level.objects.create(code="cluster", name="Cụm", rank=5)
    parent = world.other_base
    for i in range(8):
        parent = unit_create(actor=None, parent=parent, name=f"Cụm {i}", code=f"C{i}", level=level)
    branch = make_unit(parent, code="DEEP")
    make_member(branch)
    assert counts(world.province, world.other_base) == [5, 2]


def test_moving_a_unit_carries_its_training_records(world):
    from doanvien.training import default_framework
    from doanvien.training.models import (
        BranchResult,
        ContentArea,
        Criterion,
        Framework,
        Phase,
        Registration,
    )
    from doanvien.training.services.registrations import registration_start
    from doanvien.training.services.results import branch_result_for

    default_framework.install(Phase, Framework, ContentArea, Criterion)
    registration = registration_start(member=world.member, year=2026)
    result = branch_result_for(branch=world.branch, year=2026)
    new_district = make_unit(world.province, name="Huyện đoàn Mới", code="NEW", level="district")
    unit_move(actor=None, unit=world.base, new_parent=new_district)
    branch = Unit.objects.get(pk=world.branch.pk)
    assert Registration.objects.get(pk=registration.pk).unit_path == branch.path
    assert BranchResult.objects.get(pk=result.pk).unit_path == branch.path

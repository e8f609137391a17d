"""Changes to the unit tree. Each writes in one transaction, keeps member counts exact and
records an audit event."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.fields import tree_path_fields
from doanvien.core.ledger import lock_folds
from doanvien.core.text import fold, normalize
from doanvien.core.transactions import atomic

from . import member_counts
from .models import Level, Sector, Unit

UNIT_FIELDS = ("name", "code", "level", "kind", "sector", "is_active")


def _clean_code(code: str) -> str:
    return normalize(code).upper()


def _validate(*, name: str, code: str, sector: str, unit: Unit | None = None) -> None:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter the unit's name.")
    if not code:
        errors["code"] = _("Enter the unit's code.")
    elif len(code) > 40:
        errors["code"] = _("The code has at most 40 characters.")
    elif Unit.objects.filter(code=code).exclude(pk=getattr(unit, "pk", None)).exists():
        errors["code"] = _("Another unit already has the code %(code)s.") % {"code": code}
    if sector and sector not in Sector.values:
        errors["sector"] = _("Choose a sector from the list.")
    if errors:
        raise ValidationError(errors)


def unit_state_changed(units, *, new: bool = False) -> None:
    """Units made, deactivated or reactivated (by a service here or in bulk by the unit import):
    what counts a unit's state (an active branch or not: the meeting roll-ups) counts them
    again, through the functions named in settings.UNIT_STATE_FOLLOWERS (apps above this one).
    `new`: the units were just made in this transaction (Unit objects, or records with their
    pk, path, depth, kind and is_active): nothing counted them before, so nothing is read to
    find what to count again."""
    for path in settings.UNIT_STATE_FOLLOWERS:
        import_string(path)(units, new=new)


def deactivate_subtree(path: str) -> None:
    """Mark the unit at `path` and its subtree inactive; the meeting roll-ups follow (the
    branches that were active no longer count)."""
    was_active = list(
        Unit.objects.filter(path__startswith=path, is_active=True, kind=Unit.Kind.BRANCH)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    Unit.objects.filter(path__startswith=path).update(is_active=False)
    unit_state_changed(was_active)


def adjust_member_count(path: str, delta: int) -> None:
    """Add `delta` to the member count of the unit at `path` and of all its ancestors (theirs
    through the ledger: member_counts.py)."""
    member_counts.adjust(path, delta)


def adjust_member_counts(changes: dict[str, int]) -> None:
    """adjust_member_count for many units at once (unit path → change): an import's chunk."""
    member_counts.adjust_many(changes)


@atomic
def unit_create(
    *,
    actor,
    parent: Unit | None,
    name: str,
    code: str,
    level: Level,
    kind: str = Unit.Kind.UNION,
    sector: str = "",
) -> Unit:
    name, code = normalize(name), _clean_code(code)
    _validate(name=name, code=code, sector=sector)
    if parent is not None and parent.is_branch:
        raise ValidationError({"parent": _("A branch cannot have units under it.")})
    fields = dict(
        name=name, name_folded=fold(name), code=code, level=level, kind=kind, sector=sector
    )
    if parent is None:
        unit = Unit.objects.add_root(fields)
    else:
        unit = Unit.objects.add_child(Unit.objects.get(pk=parent.pk), fields)
    unit_state_changed([unit], new=True)
    audit.record(
        actor=actor,
        action="unit.created",
        target=unit,
        unit_path=unit.path,
        summary=name,
        changes=audit.diff({}, audit.snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@atomic
def unit_update(*, actor, unit: Unit, name: str, code: str, sector: str, level: Level) -> Unit:
    name, code = normalize(name), _clean_code(code)
    _validate(name=name, code=code, sector=sector, unit=unit)
    before = audit.snapshot(unit, UNIT_FIELDS)
    unit.name, unit.name_folded, unit.code, unit.sector, unit.level = (
        name,
        fold(name),
        code,
        sector,
        level,
    )
    unit.save(update_fields=["name", "name_folded", "code", "sector", "level"])
    changes = audit.diff(before, audit.snapshot(unit, UNIT_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action="unit.updated",
            target=unit,
            unit_path=unit.path,
            summary=name,
            changes=changes,
        )
    return unit


@atomic
def unit_deactivate(*, actor, unit: Unit) -> Unit:
    """Deactivate a unit and its subtree. Refused while active members remain under it, and
    for a unit already inactive (code "illegal_transition")."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError(
            _("%(name)s is inactive already.") % {"name": unit.name}, code="illegal_transition"
        )
    if count := member_counts.now(unit):
        raise ValidationError(
            _("%(name)s still has %(count)s members: move them or merge the unit first.")
            % {"name": unit.name, "count": count}
        )
    deactivate_subtree(unit.path)
    audit.record(
        actor=actor,
        action="unit.deactivated",
        target=unit,
        unit_path=unit.path,
        summary=unit.name,
        changes={"is_active": [True, False]},
    )
    unit.is_active = False
    return unit


@atomic
def unit_reactivate(*, actor, unit: Unit) -> Unit:
    """Make a deactivated unit active again; refused while the unit above it is inactive, and
    for a unit active already (code "illegal_transition")."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_active:
        raise ValidationError(
            _("%(name)s is active already.") % {"name": unit.name}, code="illegal_transition"
        )
    parent = unit.parent()
    if parent is not None and not parent.is_active:
        raise ValidationError(_("Reactivate the unit above it first."))
    unit.is_active = True
    unit.save(update_fields=["is_active"])
    unit_state_changed([unit])
    audit.record(
        actor=actor,
        action="unit.reactivated",
        target=unit,
        unit_path=unit.path,
        summary=unit.name,
        changes={"is_active": [False, True]},
    )
    return unit


def _rewrite_paths(old_prefix: str, new_prefix: str) -> None:
    """After the tree moved a subtree, rewrite the path copies kept outside the tree: every
    field declared as a TreePathField, in any app."""
    for model, field in tree_path_fields():
        model.objects.filter(**{f"{field}__startswith": old_prefix}).update(
            **{field: Concat(Value(new_prefix), Substr(field, Length(Value(old_prefix)) + 1))}
        )


@atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit with its whole subtree under another unit. Members keep their branch.
    (doanvien.actions.units.unit_move also moves the training roll-ups.)"""
    lock_folds()  # no fold while the subtree's counts and deltas move
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    old_parent = unit.parent()
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"new_parent": _("A unit cannot move inside its own subtree.")})
    if new_parent.is_branch:
        raise ValidationError({"new_parent": _("A branch cannot have units under it.")})
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise ValidationError({"new_parent": _("The unit is already there.")})
    if not new_parent.is_active:
        raise ValidationError({"new_parent": _("The destination unit is inactive.")})
    old_path = unit.path
    count = member_counts.subtree_leaving(old_path)
    Unit.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    _rewrite_paths(old_path, unit.path)  # the deltas below it not folded yet too
    member_counts.subtree_arrived(unit.path, count)
    audit.record(
        actor=actor,
        action="unit.moved",
        target=unit,
        unit_path=unit.path,
        summary=unit.name,
        changes={"parent": [str(old_parent) if old_parent else None, str(new_parent)]},
    )
    return unit


def check_merge(*, source: Unit, target: Unit) -> None:
    """A unit merges into another of its kind, outside its own subtree, that is active
    (the merge itself is doanvien.actions.units.unit_merge: it moves members too)."""
    if source.pk == target.pk or target.path.startswith(source.path):
        raise ValidationError({"target": _("A unit cannot be merged into itself or its subtree.")})
    if source.kind != target.kind:
        raise ValidationError({"target": _("Merge a branch into a branch, a union into a union.")})
    if not target.is_active:
        raise ValidationError({"target": _("The destination unit is inactive.")})

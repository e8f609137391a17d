"""Who may see and act on statistics returns (on top of what they may see, accounts/access.py).

Returns are filed by unions (a base union and every level above); a branch files none. A user
who sees a union sees its return and its children's status; a cadre of the unit itself fills
and submits it ("each level fills only its own cells", union-rules §9); a cadre of the unit
directly above accepts or returns it. A cadre of a unit with unions under it asks them for a
return of its own (a campaign on its own dates) and closes it."""

from django.http import Http404

from doanvien.accounts.access import get_unit_for, scope_of
from doanvien.accounts.models import Role
from doanvien.units.models import Unit


def get_reporting_unit_for(user, unit_id) -> Unit:
    """The union if the user sees it, else 404 (a branch has no return)."""
    unit = get_unit_for(user, unit_id)
    if unit.is_branch:
        raise Http404
    return unit


def can_fill(user, unit: Unit) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or (unit.path, Role.CADRE) in set(scope.grants)


def can_decide(user, unit: Unit) -> bool:
    scope = scope_of(user)
    parent_path = unit.path[: -Unit.steplen]
    if not parent_path:
        return scope.is_superuser
    return scope.is_superuser or (parent_path, Role.CADRE) in set(scope.grants)


def can_run_campaigns(user, unit: Unit) -> bool:
    """Add and close the unit's own campaigns: a cadre of the unit itself (not a branch)."""
    return not unit.is_branch and can_fill(user, unit)

"""Who sees and sets what of the statistics and indicators. Everyone with a role in a unit's
subtree sees its statistics and indicators (accounts.access.get_unit_for: 404 outside); a
member without a role sees none of it."""

from doanvien.accounts.access import scope_of
from doanvien.accounts.models import Role
from doanvien.units.models import Unit

# Roles that type a unit's own figures (its own cadres, the branch's secretary and deputy).
TYPING_ROLES = {Role.SECRETARY, Role.DEPUTY, Role.CADRE}


def can_set_targets_for(user, unit: Unit) -> bool:
    """A unit's targets are set by the level above it: a cadre above the unit."""
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_above(unit.path)


def can_type_figures_of(user, unit: Unit) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or bool(TYPING_ROLES & scope.roles_at(unit.path))

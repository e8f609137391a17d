"""Who may act on dues (on top of what they may see, accounts/access.py): the branch committee
takes its members' dues (and so do the cadres above it); the base union and the levels above
exempt; each unit's own people send its remittances, and the unit above confirms them."""

from django.http import Http404

from doanvien.accounts.access import scope_of
from doanvien.accounts.models import Role
from doanvien.units.models import Unit

from .models import Remittance

COMMITTEE = {Role.SECRETARY, Role.DEPUTY, Role.COMMITTEE}


def _own_roles(user, unit: Unit) -> set[str]:
    return {role for path, role in scope_of(user).grants if path == unit.path}


def can_take_dues(user, branch: Unit) -> bool:
    scope = scope_of(user)
    if not branch.is_branch:
        return False
    return (
        scope.is_superuser
        or bool(_own_roles(user, branch) & COMMITTEE)
        or Role.CADRE in scope.roles_above(branch.path)
    )


def exempting_unit(user, branch: Unit) -> Unit | None:
    """The unit a person exempts for: the nearest union above the branch where he is a cadre
    (the base union, or a level above it). None if he may not."""
    paths = [
        path
        for path, role in scope_of(user).grants
        if role == Role.CADRE and branch.path.startswith(path) and path != branch.path
    ]
    if paths:
        return Unit.objects.filter(path=max(paths, key=len)).first()
    if scope_of(user).is_superuser:
        return Unit.objects.filter(path=branch.path[: -Unit.steplen]).first()
    return None


def can_send_for(user, unit: Unit) -> bool:
    """A branch's committee sends its remittances; a union's cadres (or those above) send its."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if unit.is_branch and _own_roles(user, unit) & COMMITTEE:
        return True
    return Role.CADRE in scope.roles_at(unit.path)


def can_confirm(user, remittance: Remittance) -> bool:
    """The receiving unit's cadres (or those above it)."""
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_at(remittance.to_unit.path)


def get_remittance_for(user, remittance_id) -> Remittance:
    """A remittance seen by the sender's or the receiver's scope, else 404."""
    try:
        remittance = Remittance.objects.select_related("from_unit", "to_unit").get(
            pk=int(remittance_id)
        )
    except (Remittance.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    scope = scope_of(user)
    if not (scope.sees_path(remittance.from_path) or scope.sees_path(remittance.to_unit.path)):
        raise Http404
    return remittance

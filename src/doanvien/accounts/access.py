"""Who may see and do what on units and roles. Every view and API endpoint starts here or
in its app's access.py (members/access.py, training/access.py), which build on this scope.

A user's scope is the set of units where they hold a role; they see those subtrees. A user linked
to a member record also sees that one record. Superusers see everything.
Out-of-scope objects answer 404 (as if they did not exist); in-scope objects the user may see but
not change answer 403.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from doanvien.units.models import Unit

from .models import BRANCH_ROLES, UNION_ROLES, Role, RoleGrant

# Roles that let a user change member records of the units below them.
EDIT_MEMBER_ROLES = {Role.SECRETARY, Role.DEPUTY, Role.COMMITTEE, Role.CADRE}
# Roles that need the full ID-card number (the others see it masked).
ID_NUMBER_ROLES = {Role.SECRETARY, Role.DEPUTY, Role.CADRE}


@dataclass
class Scope:
    is_superuser: bool = False
    member_id: int | None = None
    # (unit path, role) for every grant the user holds.
    grants: list[tuple[str, str]] = field(default_factory=list)

    @property
    def root_paths(self) -> list[str]:
        """The smallest set of paths whose subtrees cover everything the user sees."""
        paths = sorted({p for p, _ in self.grants}, key=len)
        roots: list[str] = []
        for p in paths:
            if not any(p.startswith(r) for r in roots):
                roots.append(p)
        return roots

    def roles_at(self, path: str) -> set[str]:
        """Roles held on the unit with this path or on any of its ancestors."""
        return {role for p, role in self.grants if path.startswith(p)}

    def roles_above(self, path: str) -> set[str]:
        """Roles held on strict ancestors of the unit with this path."""
        return {role for p, role in self.grants if path.startswith(p) and p != path}

    def sees_path(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(p) for p, _ in self.grants)


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_doanvien_scope", None)
    if cached is None:
        grants = list(
            RoleGrant.objects.filter(user=user, unit__is_active=True).values_list(
                "unit__path", "role"
            )
        )
        cached = Scope(is_superuser=user.is_superuser, member_id=user.member_id, grants=grants)
        user._doanvien_scope = cached
    return cached


def subtree_q(field_name: str, paths: list[str]) -> Q:
    """Rows whose `field_name` (a copied tree path) lies in one of the subtrees."""
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field_name}__startswith": p})
    return q


def units_visible_to(user) -> QuerySet[Unit]:
    scope = scope_of(user)
    units = Unit.objects.all()
    if scope.is_superuser:
        return units
    return units.filter(subtree_q("path", scope.root_paths))


def visible_root_units(user) -> QuerySet[Unit]:
    scope = scope_of(user)
    if scope.is_superuser:
        return Unit.objects.filter(depth=1).order_by("path")
    return Unit.objects.filter(path__in=scope.root_paths).order_by("path")


def visible_ancestors(user, unit: Unit, *, and_unit: bool = False) -> list[Unit]:
    """The unit's ancestors that the user sees, root first (and the unit itself when asked and
    seen): a page's breadcrumbs."""
    scope = scope_of(user)
    paths = unit.ancestor_paths() if and_unit else unit.ancestor_paths()[:-1]
    ancestors = Unit.objects.filter(path__in=paths).order_by("depth")
    return [a for a in ancestors if scope.sees_path(a.path)]


def get_unit_for(user, unit_id) -> Unit:
    """The unit if the user may see it, else 404 (never reveal that it exists)."""
    try:
        return units_visible_to(user).select_related("level").get(pk=int(unit_id))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_branch_for(user, unit_id) -> Unit:
    """The unit if it is a branch the user may see, else 404 (a branch's own pages)."""
    branch = get_unit_for(user, unit_id)
    if not branch.is_branch:
        raise Http404
    return branch


def can_manage_unit(user, unit: Unit) -> bool:
    """Create units under it, rename, deactivate, move and merge it: cadres above it."""
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_above(unit.path)


def can_search_audit(user, unit: Unit) -> bool:
    """The audit trail of a subtree: for the cadres of a base union or a unit above it."""
    scope = scope_of(user)
    return not unit.is_branch and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path))


def can_add_children(user, unit: Unit) -> bool:
    scope = scope_of(user)
    return not unit.is_branch and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path))


def grantable_roles(user, unit: Unit) -> list[str]:
    """Roles this user may grant on this unit: cadres grant below them; a branch secretary
    appoints her deputies and committee members."""
    scope = scope_of(user)
    allowed = BRANCH_ROLES if unit.is_branch else UNION_ROLES
    if scope.is_superuser or Role.CADRE in scope.roles_above(unit.path):
        return list(allowed)
    if unit.is_branch and Role.SECRETARY in {r for p, r in scope.grants if p == unit.path}:
        return [Role.DEPUTY, Role.COMMITTEE]
    return []


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied

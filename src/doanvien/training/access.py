"""Who may act in the training programme (on top of what they may see, accounts/access.py).

A member acts on his own registration; the branch committee (secretary, deputy, committee
members) registers on members' behalf, reviews, assesses and submits the branch's results; the
cadres of the units above the branch recognise them; a unit above the recognising one reopens."""

from doanvien.accounts.access import scope_of
from doanvien.accounts.models import Role, RoleGrant
from doanvien.units.models import Unit

COMMITTEE = {Role.SECRETARY, Role.DEPUTY, Role.COMMITTEE}


def is_branch_committee(user, branch: Unit) -> bool:
    scope = scope_of(user)
    own = {role for path, role in scope.grants if path == branch.path}
    return scope.is_superuser or bool(own & COMMITTEE)


def acts_for_member(user, member) -> bool:
    """The member himself, or his branch's committee."""
    return scope_of(user).member_id == member.pk or is_branch_committee(user, member.branch)


def can_recognise(user, branch: Unit) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_above(branch.path)


def can_reopen(user, branch: Unit) -> bool:
    """Cadres of a unit above the one that recognises (the branch's parent)."""
    scope = scope_of(user)
    parent_path = branch.path[: -Unit.steplen]
    return scope.is_superuser or Role.CADRE in scope.roles_above(parent_path)


def acting_unit(user, branch: Unit, *, reopening: bool = False) -> Unit | None:
    """The unit a person acts for on a branch's results: the nearest unit above the branch
    (above the recognising unit, the branch's parent, for a reopening) where he is a cadre.
    None for a superuser without such a role, and for no person at all."""
    limit = branch.path[: -Unit.steplen] if reopening else branch.path
    paths = [
        path
        for path, role in scope_of(user).grants
        if role == Role.CADRE and limit.startswith(path) and path != limit
    ]
    if not paths:
        return None
    return Unit.objects.filter(path=max(paths, key=len)).first()


def can_publish(user, unit: Unit) -> bool:
    """Frameworks, custom criteria and deadlines: the unit's own cadres."""
    scope = scope_of(user)
    return not unit.is_branch and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path))


def can_see_flags(user, branch: Unit) -> bool:
    """The signs of box-ticking are for the base union and above, not for the branch itself."""
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_above(branch.path)


def can_import_registrations(user, branch: Unit) -> bool:
    """The branch's committee, who register on members' behalf, and the cadres of the units
    above it."""
    return is_branch_committee(user, branch) or Role.CADRE in scope_of(user).roles_at(branch.path)


def can_review_registration(user, member) -> bool:
    """Approve or return a member's registration: his branch committee, but never for their own
    registration. A committee member's registration may also be reviewed by a cadre of the units
    above the branch (the deputy or the base union approves the secretary's)."""
    scope = scope_of(user)
    if scope.member_id == member.pk:
        return False
    if is_branch_committee(user, member.branch):
        return True
    if Role.CADRE not in scope.roles_above(member.branch.path) and not scope.is_superuser:
        return False
    return RoleGrant.objects.filter(
        user__member=member, unit=member.branch, role__in=COMMITTEE
    ).exists()

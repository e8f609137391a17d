"""Who may issue activation codes and see the "this was not me" reports (issue 14).

Codes: the branch secretary for her branch, and any cadre above it (a cadre of a base union or
higher issues for every branch below him, and in bulk for a whole base union). The branch
committee holds the member's record, so it is the channel for his code, as for his card.
Reports: the cadres of the base union and above (the item is the base union's to do)."""

from doanvien.accounts.access import scope_of
from doanvien.accounts.models import Role
from doanvien.units.models import Unit


def can_issue_codes(user, unit: Unit) -> bool:
    scope = scope_of(user)
    if scope.is_superuser or Role.CADRE in scope.roles_at(unit.path):
        return True
    return unit.is_branch and Role.SECRETARY in {r for p, r in scope.grants if p == unit.path}


def can_issue_in_bulk(user, unit: Unit) -> bool:
    """Codes for every member without an account in a whole base union (or any union unit)."""
    return not unit.is_branch and can_issue_codes(user, unit)


def can_see_not_me_reports(user, unit: Unit) -> bool:
    scope = scope_of(user)
    return not unit.is_branch and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path))

"""Who may act on unit evaluations (on top of what they may see, accounts/access.py).

The unit's own committee registers, self-scores, adds evidence and submits (a branch's
secretary, deputy and committee members; a union's cadres); only the recognising unit's cadres
score, return and recognise (union-rules §1, §2: the upper level recognises on a dossier);
cadres of a unit above the recognising one reopen."""

from doanvien.accounts.access import scope_of
from doanvien.accounts.models import Role
from doanvien.units.models import Unit

from .models import Scheme, SchemeCode

COMMITTEE = {Role.SECRETARY, Role.DEPUTY, Role.COMMITTEE}


def scheme_applies(unit: Unit, code: str) -> bool:
    """A strong-branch evaluation is for a branch (a chi đoàn cơ sở too); a 3-proactive one for
    a base union (seed 001 II and III, item 1 of each); the yearly rating for any unit below the
    root."""
    if code == SchemeCode.STRONG_BRANCH:
        return unit.is_branch
    if code == SchemeCode.THREE_PROACTIVE:
        return not unit.is_branch and unit.level.code == "base"
    if code == SchemeCode.UNIT_RATING:
        # Every organisation that has a level above it to rate it (union-rules §3).
        return unit.depth > 1
    return False


def is_own_committee(user, unit: Unit) -> bool:
    scope = scope_of(user)
    own = {role for path, role in scope.grants if path == unit.path}
    wanted = COMMITTEE if unit.is_branch else {Role.CADRE}
    return scope.is_superuser or bool(own & wanted)


def recogniser_of(unit: Unit, scheme: Scheme) -> Unit | None:
    """The nearest ancestor at the scheme's recognising level, or the parent when the scheme
    names none or no ancestor has that level (a tree without districts)."""
    if scheme.recogniser_level:
        found = (
            Unit.objects.filter(
                path__in=unit.ancestor_paths()[:-1], level__code=scheme.recogniser_level
            )
            .order_by("-depth")
            .first()
        )
        if found:
            return found
    return unit.parent()


def can_recognise(user, unit: Unit, scheme: Scheme) -> bool:
    """Score, return, recognise: a cadre of the recognising unit itself."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    recogniser = recogniser_of(unit, scheme)
    return recogniser is not None and (recogniser.path, Role.CADRE) in set(scope.grants)


def can_reopen(user, unit: Unit, scheme: Scheme) -> bool:
    """A cadre of a unit above the recognising one."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    recogniser = recogniser_of(unit, scheme)
    return recogniser is not None and Role.CADRE in scope.roles_above(recogniser.path)


def can_publish(user, unit: Unit) -> bool:
    scope = scope_of(user)
    return not unit.is_branch and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path))


def can_decide_collective(user, unit: Unit) -> bool:
    """Approve or reject a leadership collective's rating: a cadre of a unit above it."""
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_above(unit.path)

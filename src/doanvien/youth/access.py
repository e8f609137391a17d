"""Who may see and do what in the "1+1" programme. Youths, groups and referrals are seen inside
their unit's subtree like members (404 outside); a member sees and introduces only his own
referrals (and the youths he introduced)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from doanvien.accounts.access import EDIT_MEMBER_ROLES, scope_of, subtree_q
from doanvien.members.models import Member
from doanvien.units.models import Unit

from .models import Group, Referral, Youth

# Who keeps the youth records and moves the later steps: the branch committee, cadres above.
KEEPER_ROLES = EDIT_MEMBER_ROLES


def can_keep_youths(user, unit: Unit) -> bool:
    """Create and edit youth records and groups, move referrals: the committee of the unit
    (or of a unit above it)."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(unit.path) & KEEPER_ROLES)


def can_refer_for(user, member: Member) -> bool:
    """Introduce a youth in the member's name: the member himself, or his branch's keepers."""
    scope = scope_of(user)
    return scope.member_id == member.pk or can_keep_youths(user, member.branch)


def youths_visible_to(user) -> QuerySet[Youth]:
    scope = scope_of(user)
    youths = Youth.objects.all()
    if scope.is_superuser:
        return youths
    q = subtree_q("unit_path", scope.root_paths)
    if scope.member_id:
        q |= Q(referrals__member_id=scope.member_id)
    return youths.filter(q).distinct()


def get_youth_for(user, youth_id) -> Youth:
    try:
        return youths_visible_to(user).select_related("unit", "group").get(pk=int(youth_id))
    except (Youth.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def referrals_visible_to(user) -> QuerySet[Referral]:
    scope = scope_of(user)
    referrals = Referral.objects.select_related("youth", "member", "branch")
    if scope.is_superuser:
        return referrals
    q = subtree_q("unit_path", scope.root_paths)
    if scope.member_id:
        q |= Q(member_id=scope.member_id)
    return referrals.filter(q)


def get_referral_for(user, referral_id) -> Referral:
    try:
        return referrals_visible_to(user).get(pk=int(referral_id))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def groups_under_visible_to(user, unit: Unit) -> QuerySet[Group]:
    """The groups of the unit's subtree (the caller checked that the user sees the unit)."""
    return Group.objects.filter(unit_path__startswith=unit.path)


def can_move_referral(user, referral: Referral) -> bool:
    return can_keep_youths(user, referral.branch)

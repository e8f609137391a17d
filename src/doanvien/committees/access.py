"""Who may see, record and decide committees. A committee is seen by whoever sees its unit
(404 otherwise); it is recorded by the unit's own side (a cadre of the unit or above, or the
branch's secretary or deputy); a committee waiting for approval is decided by a cadre above
its unit (403 for anyone else who sees it)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from doanvien.accounts.access import grantable_roles, scope_of, subtree_q
from doanvien.accounts.models import Role, RoleGrant, User
from doanvien.units.models import Unit

from . import rules
from .models import Committee, Post, PostChange

RECORD_ROLES = {Role.CADRE, Role.SECRETARY, Role.DEPUTY}


def committees_visible_to(user) -> QuerySet[Committee]:
    scope = scope_of(user)
    committees = Committee.objects.all()
    if scope.is_superuser:
        return committees
    return committees.filter(subtree_q("unit_path", scope.root_paths))


def get_committee_for(user, committee_id) -> Committee:
    try:
        return (
            committees_visible_to(user)
            .select_related("unit", "unit__level")
            .get(pk=int(committee_id))
        )
    except (Committee.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_post_for(user, post_id) -> Post:
    scope = scope_of(user)
    posts = Post.objects.select_related("committee", "committee__unit", "cadre")
    if not scope.is_superuser:
        posts = posts.filter(subtree_q("committee__unit_path", scope.root_paths))
    try:
        return posts.get(pk=int(post_id))
    except (Post.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def accounts_visible_to(user) -> QuerySet[User]:
    """The accounts a user may link to a post's holder: those with a role on a unit of his
    subtree, or of a member of it."""
    scope = scope_of(user)
    users = User.objects.filter(is_active=True)
    if scope.is_superuser:
        return users
    granted = RoleGrant.objects.filter(subtree_q("unit__path", scope.root_paths)).values("user_id")
    return users.filter(
        Q(pk__in=granted) | subtree_q("member__branch__path", scope.root_paths)
    ).distinct()


def can_record_committee(user, unit: Unit) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(unit.path) & RECORD_ROLES)


def can_decide_committee(user, committee: Committee) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_above(committee.unit_path)


def get_change_for(user, change_id) -> PostChange:
    scope = scope_of(user)
    changes = PostChange.objects.select_related("committee", "committee__unit")
    if not scope.is_superuser:
        changes = changes.filter(subtree_q("unit_path", scope.root_paths))
    try:
        return changes.get(pk=int(change_id))
    except (PostChange.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_grant_post_role(user, post: Post) -> bool:
    """Whether the user may grant, on the committee's unit, the role the post offers (a
    branch's secretary or deputy, a standing member above: rules.role_for). For a post that
    offers none, whoever may grant a role there may ask, and the service says why not."""
    unit = post.committee.unit
    role = rules.role_for(post.post, unit.is_branch)
    grantable = set(grantable_roles(user, unit))
    return role in grantable if role else bool(grantable)

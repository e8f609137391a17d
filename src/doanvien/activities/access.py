"""Who may see and do what with activities. An activity is seen by the people of its unit's
subtree, by those of the units it is offered to (404 elsewhere), and by a member it is offered
to or who took part; it is published and run (check-ins, lists) by the committee of the unit that
holds it, or cadres above."""

from django.db.models import Q, QuerySet
from django.http import Http404

from doanvien.accounts.access import EDIT_MEMBER_ROLES, scope_of, subtree_q
from doanvien.members.models import Member
from doanvien.units.models import Unit, paths_to

from .models import Activity

ORGANISER_ROLES = EDIT_MEMBER_ROLES


def offered_to_paths(paths: list[str]) -> Q:
    """Activities offered to a unit with one of these paths: held above it (or by it) for the
    whole subtree, or inviting it or a unit above it."""
    above = sorted({p for path in paths for p in paths_to(path)})
    return Q(audience=Activity.Audience.SUBTREE, unit_path__in=above) | Q(
        pk__in=Activity.objects.filter(invites__unit_path__in=above).values("pk")
    )


def offered_to(unit: Unit) -> Q:
    return offered_to_paths([unit.path])


def is_offered(activity: Activity, unit: Unit) -> bool:
    return Activity.objects.filter(offered_to(unit), pk=activity.pk).exists()


def can_publish(user, unit: Unit) -> bool:
    """Publish an activity held by the unit: its committee, or cadres above."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(unit.path) & ORGANISER_ROLES)


def can_organise(user, activity: Activity) -> bool:
    """Check members in, record the participation, cancel: whoever may publish for its unit."""
    return can_publish(user, activity.unit)


def activities_visible_to(user) -> QuerySet[Activity]:
    scope = scope_of(user)
    activities = Activity.objects.select_related("unit", "kind")
    if scope.is_superuser:
        return activities
    roots = scope.root_paths
    q = subtree_q("unit_path", roots)
    if roots:
        q |= offered_to_paths(roots)
        q |= Q(pk__in=Activity.objects.filter(subtree_q("invites__unit_path", roots)).values("pk"))
    if scope.member_id:
        branch_path = (
            Member.objects.filter(pk=scope.member_id).values_list("unit_path", flat=True).first()
        )
        if branch_path:
            q |= offered_to_paths([branch_path])
        q |= Q(participations__member_id=scope.member_id)
    return activities.filter(pk__in=Activity.objects.filter(q).values("pk"))


def get_activity_for(user, activity_id) -> Activity:
    try:
        return activities_visible_to(user).get(pk=int(activity_id))
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def own_member(user) -> Member | None:
    """The member record the signed-in user is (a member's own account)."""
    member_id = scope_of(user).member_id
    if not member_id:
        return None
    return Member.objects.select_related("branch").filter(pk=member_id).first()

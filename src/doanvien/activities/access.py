"""Who may see and do what with activities. An activity is seen by the people of its unit's
subtree, by those of the units it is offered to (404 elsewhere), and by a member it is offered
to or who took part; it is published and run (check-ins, lists) by the committee of the unit that
holds it, or cadres above. The committee of a unit the activity is offered to checks in and
records the members of its own subtree (checkin_paths). A campaign is seen by the people of its
unit's subtree and of the units above, and offered to every unit under it."""

from django.db.models import Q, QuerySet
from django.http import Http404

from doanvien.accounts.access import EDIT_MEMBER_ROLES, scope_of, subtree_q
from doanvien.members.models import Member
from doanvien.units.models import Unit, paths_to

from .models import Activity, Campaign

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
    """Change, cancel, check in everyone invited: whoever may publish for its unit."""
    return can_publish(user, activity.unit)


def audience_paths(activity: Activity) -> list[str]:
    """The subtrees the activity is offered to: its unit's (audience "subtree"), or those of the
    units it invites."""
    paths = list(activity.invites.values_list("unit_path", flat=True))
    if activity.audience == Activity.Audience.SUBTREE:
        paths.append(activity.unit_path)
    return paths


def _outermost(paths) -> list[str]:
    found: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(f) for f in found):
            found.append(p)
    return sorted(found)


def checkin_paths(user, activity: Activity) -> list[str] | None:
    """Whose participation the user records at the activity: None for its organiser (everyone
    invited); else the subtrees where the user sits on a committee of a unit the activity is
    offered to, cut to its audience (a branch secretary: her branch's members); [] nobody."""
    if can_organise(user, activity):
        return None
    scope = scope_of(user)
    audience = audience_paths(activity)
    found = []
    for path, role in scope.grants:
        if role not in ORGANISER_ROLES:
            continue
        for root in audience:
            if path.startswith(root):
                found.append(path)
            elif root.startswith(path):
                found.append(root)
    return _outermost(found)


def activities_visible_to(user) -> QuerySet[Activity]:
    scope = scope_of(user)
    activities = Activity.objects.select_related("unit", "kind", "campaign")
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


# --- Campaigns ---------------------------------------------------------------------------------


def campaigns_offered_to(unit: Unit) -> Q:
    """Campaigns run by the unit or a unit above it."""
    return Q(unit_path__in=paths_to(unit.path))


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """The campaigns of the user's subtrees and of the units above them (a member's own
    account sees an activity's campaign by its title only)."""
    scope = scope_of(user)
    campaigns = Campaign.objects.select_related("unit")
    if scope.is_superuser:
        return campaigns
    roots = scope.root_paths
    q = subtree_q("unit_path", roots)
    above = {p for root in roots for p in paths_to(root)}
    if above:
        q |= Q(unit_path__in=sorted(above))
    return campaigns.filter(q)


def get_campaign_for(user, campaign_id) -> Campaign:
    try:
        return campaigns_visible_to(user).get(pk=int(campaign_id))
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def publishing_units(user, campaign: Campaign) -> list[Unit]:
    """The units the user may publish activities for inside the campaign: the campaign's unit,
    or the units of the user's scope under it."""
    scope = scope_of(user)
    paths = {campaign.unit_path} if scope.is_superuser else set()
    for root in scope.root_paths:
        if root.startswith(campaign.unit_path):
            paths.add(root)
        elif campaign.unit_path.startswith(root):
            paths.add(campaign.unit_path)
    units = Unit.objects.filter(path__in=sorted(paths), is_active=True).order_by("path")
    return [u for u in units if can_publish(user, u)]

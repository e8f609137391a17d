"""Who may see and hold meetings. Built on the unit scope (accounts/access.py): a meeting is
seen by whoever sees its unit (404 for everyone else); it is held and its attendance taken by
the branch committee or a cadre above; monthly themes are published by a union's cadres."""

from django.db.models import QuerySet
from django.http import Http404

from doanvien.accounts.access import scope_of, subtree_q
from doanvien.accounts.models import Role
from doanvien.units.models import Unit

from .models import Meeting

HOLD_ROLES = {Role.SECRETARY, Role.DEPUTY, Role.COMMITTEE, Role.CADRE}


def meetings_visible_to(user) -> QuerySet[Meeting]:
    scope = scope_of(user)
    meetings = Meeting.objects.all()
    if scope.is_superuser:
        return meetings
    return meetings.filter(subtree_q("unit_path", scope.root_paths))


def get_meeting_for(user, meeting_id) -> Meeting:
    try:
        return meetings_visible_to(user).select_related("unit", "theme").get(pk=int(meeting_id))
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_hold_meetings(user, unit: Unit) -> bool:
    """Record a meeting of the unit, take its attendance, write its minutes."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(unit.path) & HOLD_ROLES)


def can_publish_themes(user, unit: Unit) -> bool:
    """Publish the monthly themes for the branches under a union: its cadres (or above)."""
    scope = scope_of(user)
    return not unit.is_branch and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path))

"""Who may propose, see and decide changes to a member record. The member proposes for his own
record only; his branch committee (or a cadre above his branch) decides. Out of scope → 404, in
scope but not allowed → 403 (accounts/access.py)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from doanvien.accounts.access import EDIT_MEMBER_ROLES, scope_of, subtree_q
from doanvien.members.models import Member, Status
from doanvien.units.models import Unit

from .models import ChangeRequest


def can_propose_changes(user, member: Member) -> bool:
    """The member himself, while he is on the roll."""
    return scope_of(user).member_id == member.pk and member.status == Status.ACTIVE


def can_decide_changes(user, member: Member) -> bool:
    """His branch committee, or a cadre above his branch (those who may edit his record)."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(member.unit_path) & EDIT_MEMBER_ROLES)


def can_see_queue(user, unit: Unit) -> bool:
    """The queue of a unit's subtree: those who decide the requests of its members."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(unit.path) & EDIT_MEMBER_ROLES)


def change_requests_visible_to(user) -> QuerySet[ChangeRequest]:
    """Requests of the members the user sees: his subtrees', and his own."""
    scope = scope_of(user)
    requests = ChangeRequest.objects.select_related("member__branch")
    if scope.is_superuser:
        return requests
    q = subtree_q("member__unit_path", scope.root_paths)
    if scope.member_id:
        q |= Q(member_id=scope.member_id)
    return requests.filter(q)


def get_change_request_for(user, request_id) -> ChangeRequest:
    try:
        return change_requests_visible_to(user).get(pk=int(request_id))
    except (ChangeRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None

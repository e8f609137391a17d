"""Who may record a member's awards and discipline: his branch committee or a cadre above (the
roles that edit his record). Seen by whoever sees the member (members/access.py)."""

from doanvien.accounts.access import EDIT_MEMBER_ROLES, scope_of
from doanvien.members.models import Member


def can_record_honours(user, member: Member) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(member.unit_path) & EDIT_MEMBER_ROLES)

"""Reads for member accounts. `member_of(user)` is the member record behind a log-in."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from doanvien.members.models import Member, Status
from doanvien.units.models import Unit

from .models import ActivationCode, NotMeReport

BASE_LEVEL = "base"


def member_of(user) -> Member | None:
    """The member record of this log-in while he is on the roll (None for anyone else): what a
    member's own pages (card, change requests) start from."""
    if not getattr(user, "is_authenticated", False) or not user.member_id:
        return None
    return (
        Member.objects.select_related("branch")
        .filter(pk=user.member_id, status=Status.ACTIVE)
        .first()
    )


def base_union_of(branch: Unit) -> Unit:
    """The base union above a branch (the nearest unit of level "base"), or its parent where the
    tree has no such level above it."""
    found = (
        Unit.objects.filter(path__in=branch.ancestor_paths()[:-1], level__code=BASE_LEVEL)
        .order_by("-depth")
        .first()
    )
    return found or branch.parent() or branch


def open_codes():
    return ActivationCode.objects.filter(
        used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def branch_members_for_codes(branch: Unit) -> QuerySet[Member]:
    """The branch's members on the roll, each with his account's user name (if any) and the
    expiry of his open code (if any), in the list's order."""
    latest_open = open_codes().filter(member=OuterRef("pk")).order_by("-issued_at")
    return (
        Member.objects.filter(branch=branch, status=Status.ACTIVE)
        .select_related("user")
        .annotate(code_expires_at=Subquery(latest_open.values("expires_at")[:1]))
        .order_by("sort_key", "pk")
    )


def members_without_account(unit: Unit) -> QuerySet[Member]:
    """Members on the roll in the unit's subtree who have no account."""
    return Member.objects.filter(
        unit_path__startswith=unit.path, status=Status.ACTIVE, user__isnull=True
    )


def notice_pending(user) -> ActivationCode | None:
    """The code that opened (or reset) this member's account, while he has not yet seen who
    issued it."""
    if not getattr(user, "is_authenticated", False) or not user.member_id:
        return None
    return (
        ActivationCode.objects.select_related("issued_by")
        .filter(user=user, used_at__isnull=False, acknowledged_at__isnull=True)
        .order_by("-used_at")
        .first()
    )


def not_me_reports_under(unit: Unit) -> QuerySet[NotMeReport]:
    return NotMeReport.objects.filter(unit_path__startswith=unit.path).select_related(
        "member", "member__branch", "user", "code", "code__issued_by", "closed_by"
    )

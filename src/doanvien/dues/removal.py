"""Removal candidates (xóa tên), the dues part: members who, in a calendar year, left dues unpaid
for N months (data: models.RemovalRule, the nearest unit's up the tree, default 3) without an
approved exemption
and are not registered as working away (an accepted temporary attachment to another unit,
reaching into the year and begun at most a year before its end). Source: Hướng dẫn 22HD/TWĐTN
(28/6/2013) section V, union-rules §5. The branch decides (the existing removal workflow); the
list only proposes.

The meeting-absence part comes from the meetings app (meetings.selectors.absence_counts:
{member_id: months absent}); a member is a candidate when either count reaches the threshold."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from doanvien.meetings.selectors import absence_counts
from doanvien.members.models import Transfer
from doanvien.units.models import Unit

from . import rules
from .models import RemovalRule
from .selectors import branch_members


def removal_months(branch: Unit) -> int:
    """The months missed in a year that make a candidate: the removal rule of the nearest unit
    up the tree, else the default row's (else the rule's 3 months)."""
    found = dict(
        RemovalRule.objects.filter(
            Q(unit__path__in=branch.ancestor_paths()) | Q(unit=None)
        ).values_list("unit__path", "months")
    )
    for path in reversed(branch.ancestor_paths()):
        if path in found:
            return found[path]
    return found.get(None, rules.REMOVAL_MONTHS)


def working_away(member_ids: list[int], year: int) -> set[int]:
    """Members with an accepted temporary attachment elsewhere that reaches into the year and
    began at most a year before the year's end (away up to a year, in touch)."""
    tz = timezone.get_current_timezone()
    first = datetime.combine(date(year, 1, 1), time.min, tz)
    last = datetime.combine(date(year, 12, 31), time.max, tz)
    attachments = Transfer.objects.filter(
        member_id__in=member_ids,
        kind=Transfer.Kind.TEMPORARY,
        decided_at__lte=last,
        decided_at__gte=last - timedelta(days=366),
        state__in=[Transfer.State.ACCEPTED, Transfer.State.ENDED],
    ).exclude(ended_at__lt=first)
    return set(attachments.values_list("member_id", flat=True))


@dataclass
class Candidate:
    member: object
    months_unpaid: int
    months_absent: int


def removal_candidates(branch: Unit, year: int, today: date | None = None) -> list[Candidate]:
    rows = branch_members(branch, year, today)
    ids = [r.member.pk for r in rows]
    away = working_away(ids, year)
    absent = absence_counts(ids, year)
    threshold = removal_months(branch)
    found = []
    for r in rows:
        if r.member.pk in away:
            continue
        unpaid = len(r.owed)
        missed = absent.get(r.member.pk, 0)
        if unpaid >= threshold or missed >= threshold:
            found.append(Candidate(r.member, unpaid, missed))
    return found

"""Reads of member records, transfers, admissions and card ranges for the pages and the API.
Every list of members starts from what the user may see (access.py)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.functions import StrIndex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doanvien.accounts.access import scope_of, subtree_q
from doanvien.core.text import fold
from doanvien.units import member_counts
from doanvien.units.models import Unit

from .access import admissions_visible_to, id_number_q, members_under_visible_to
from .models import AdmissionRequest, CardRange, DuplicateIdReport, Member, Status, Transfer
from .rules import age_limit_q
from .validation import ID_NUMBER_SHAPE

T = Transfer.State

# The order of every member list (by given name, then by record), and the keys of its pages.
MEMBER_ORDER = ("sort_key", "pk")

# Age bands offered by the member list filter: (code, label, lowest age, highest age).
AGE_BANDS = [
    ("16-18", _("16 to 18"), 16, 18),
    ("19-22", _("19 to 22"), 19, 22),
    ("23-26", _("23 to 26"), 23, 26),
    ("27-30", _("27 to 30"), 27, 30),
    ("31-", _("over 30"), 31, 200),
]


@dataclass
class MemberFilters:
    q: str = ""
    status: str = ""
    sector: str = ""
    position: str = ""
    sex: str = ""
    age_band: str = ""


def _birth_range(today: date, lowest: int, highest: int) -> tuple[date, date]:
    """Dates of birth of people aged lowest..highest on `today`."""

    def years_ago(n: int) -> date:
        try:
            return today.replace(year=today.year - n)
        except ValueError:  # 29 February
            return today.replace(year=today.year - n, day=28)

    return years_ago(highest + 1) + timedelta(days=1), years_ago(lowest)


def id_number_sought(term: str) -> str:
    """The ID number a search term may be looking for: its digits when they have the shape of
    one (validation.ID_NUMBER_SHAPE), else ""."""
    digits = re.sub(r"\D", "", term or "")
    return digits if ID_NUMBER_SHAPE.fullmatch(digits) else ""


class NamePairs(Func):
    """The pieces of a folded name around its spaces (PostgreSQL function and index
    member_name_pairs, migration 0013)."""

    function = "member_name_pairs"
    output_field = ArrayField(TextField())


def name_pairs_sought(folded: str) -> list[str]:
    """What member_name_pairs keeps of every name that contains the folded term: around each
    space of the term, the text from two or three characters before it to two or three after
    it (three where the term has them). Empty for a term of one word."""
    pairs = []
    for i, character in enumerate(folded):
        if character == " ":
            before, after = min(3, i), min(3, len(folded) - i - 1)
            if before >= 2 and after >= 2:
                pairs.append(folded[i - before : i + 1 + after])
    return pairs


def _name_matches(qs: QuerySet[Member], term: str) -> tuple[QuerySet[Member], Q]:
    """Names containing the folded term. On PostgreSQL a term of several words is found
    through member_name_pairs (a small superset, which STRPOS then checks: a LIKE there would
    invite the planner to add the trigram index, which costs more than it saves), one of a
    single word through the trigram index (migration 0002) with a LIKE; elsewhere a LIKE."""
    pairs = name_pairs_sought(term) if connection.vendor == "postgresql" else []
    if not pairs:
        return qs, Q(name_folded__contains=term)
    qs = qs.alias(name_pairs=NamePairs("name_folded"), name_at=StrIndex("name_folded", Value(term)))
    return qs, Q(name_pairs__contains=pairs, name_at__gt=0)


def _identifier_matches(user, term: str, *, by_id_number: bool) -> list[int]:
    """Members whose identifier is the search term, wherever they are: the member code in any
    case, and for six digits or more the phone and card numbers (and the full ID number with
    `by_id_number`, on members whose full number the user may see). One UNION whose every part
    is read from its own index (member_code_upper, member_phone, the unique card and ID
    numbers): an OR of them with the name in one WHERE would leave every index out."""
    lookups = [Member.objects.filter(member_code__iexact=term.strip())]
    digits = re.sub(r"\D", "", term)
    if digits and len(digits) >= 6:
        lookups.append(Member.objects.filter(phone=digits))
        lookups.append(Member.objects.filter(card_number=digits))
        if by_id_number:
            lookups.append(Member.objects.filter(Q(id_number=digits) & id_number_q(user)))
    first, *others = (q.order_by().values_list("pk", flat=True) for q in lookups)
    return list(first.union(*others) if others else first)


def member_search(
    *,
    user,
    unit: Unit,
    filters: MemberFilters,
    today: date | None = None,
    by_id_number: bool = False,
) -> QuerySet[Member]:
    """Members in the unit's subtree that the user may see, filtered, in Vietnamese order
    (by given name): MEMBER_ORDER, which member_sort indexes, so that a page of a long list is
    read from that index (core.pagination.keyset_page).

    The search term matches names, member identifiers, phone and card numbers; full ID numbers
    only with `by_id_number`, which the caller passes once the search is allowed and recorded
    (services.records.member_id_number_searched), and then only on members whose full number
    the user may see: a number shown masked is never confirmed by a search. The identifiers are
    looked up first (_identifier_matches), then the name (_name_matches) through an index on
    PostgreSQL (a plain LIKE on SQLite), the subtree and the filters checked on what it finds."""
    today = today or timezone.localdate()
    qs = members_under_visible_to(user, unit)
    if filters.q:
        qs, q = _name_matches(qs, fold(filters.q))
        identified = _identifier_matches(user, filters.q, by_id_number=by_id_number)
        if identified:
            q |= Q(pk__in=identified)
        qs = qs.filter(q)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.position:
        qs = qs.filter(position=filters.position)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.sector:
        qs = qs.filter(branch__sector=filters.sector)
    for code, _label, lowest, highest in AGE_BANDS:
        if filters.age_band == code:
            first, last = _birth_range(today, lowest, highest)
            qs = qs.filter(date_of_birth__range=(first, last))
    return qs.select_related("branch").order_by(*MEMBER_ORDER)


def member_list_count(unit: Unit, filters: MemberFilters) -> int | None:
    """How many members the list of `unit` with `filters` holds when that is kept, for a user
    who sees the unit: the unfiltered list of active members (units.member_counts); else None,
    and the list counts what it must (core.pagination.keyset_page)."""
    if filters == MemberFilters(status=Status.ACTIVE):
        return member_counts.now(unit)
    return None


# --- Transfers --------------------------------------------------------------------------------


def incoming_transfers(user, unit: Unit) -> QuerySet[Transfer]:
    """Requests addressed to the unit or to a unit under it, within the user's scope."""
    scope = scope_of(user)
    qs = Transfer.objects.filter(to_path__startswith=unit.path)
    if not scope.is_superuser:
        qs = qs.filter(subtree_q("to_path", scope.root_paths))
    return qs.select_related("member", "from_branch", "to_unit__level", "to_branch__level")


def outgoing_transfers(user, unit: Unit) -> QuerySet[Transfer]:
    """Requests from the unit's branches, within the user's scope."""
    scope = scope_of(user)
    qs = Transfer.objects.filter(unit_path__startswith=unit.path)
    if not scope.is_superuser:
        qs = qs.filter(subtree_q("unit_path", scope.root_paths))
    return qs.select_related("member", "from_branch", "to_unit__level", "to_branch__level")


def transfers_under_way(member: Member) -> QuerySet[Transfer]:
    """The member's transfers requested or accepted (open_transfer_of and active_attachment_of
    pick among them): most members have none."""
    return Transfer.objects.filter(member=member, state__in=[T.REQUESTED, T.ACCEPTED])


def open_transfer_of(member: Member) -> Transfer | None:
    return (
        Transfer.objects.filter(member=member, state=T.REQUESTED)
        .select_related("to_unit", "from_branch")
        .first()
    )


def unit_lookup(term: str) -> Unit | None:
    """Any active unit in the country, by its code (the requester names the receiving unit)."""
    term = (term or "").strip()
    if not term:
        return None
    return Unit.objects.select_related("level").filter(code=term.upper(), is_active=True).first()


def receiving_branches(transfer: Transfer) -> QuerySet[Unit]:
    """The active branches the receiving side may choose from."""
    return Unit.objects.filter(
        path__startswith=transfer.to_path, kind=Unit.Kind.BRANCH, is_active=True
    ).order_by("name")


def active_attachment_of(member: Member) -> Transfer | None:
    return (
        Transfer.objects.filter(member=member, state=T.ACCEPTED)
        .exclude(kind=Transfer.Kind.TRANSFER)
        .select_related("to_unit", "to_branch")
        .first()
    )


def attached_members(user, unit: Unit) -> QuerySet[Transfer]:
    """Members of other branches taking part in the activity of the unit's branches (residence
    or temporary attachments accepted and not ended), within the user's scope."""
    scope = scope_of(user)
    qs = Transfer.objects.filter(state=T.ACCEPTED, to_branch__path__startswith=unit.path).exclude(
        kind=Transfer.Kind.TRANSFER
    )
    if not scope.is_superuser:
        qs = qs.filter(subtree_q("to_branch__path", scope.root_paths))
    return qs.select_related("member", "from_branch", "to_branch").order_by(
        "to_branch__name", "member__sort_key"
    )


# --- Admissions and cards ---------------------------------------------------------------------


# Admission lists, newest first: the keys of their keyset pages (core.pagination.keyset_page),
# served by the index admission_newest (migration 0014).
ADMISSION_ORDER = ("-proposed_at", "-id")


def unit_admissions(user, unit: Unit, state: str = "") -> QuerySet[AdmissionRequest]:
    """Proposals of the branches in the unit's subtree, newest first (ADMISSION_ORDER)."""
    qs = admissions_visible_to(user).filter(branch__path__startswith=unit.path)
    if state:
        qs = qs.filter(state=state)
    return qs


def ranges_of(unit: Unit) -> QuerySet[CardRange]:
    """The unit's active ranges, in increasing order."""
    return CardRange.objects.filter(unit=unit, is_active=True).order_by("first")


def covering_ranges(branch: Unit) -> list[CardRange]:
    """Active ranges held by the unit and the units above it, nearest first (each unit's in
    increasing order): where its numbers come from."""
    ranges = CardRange.objects.filter(
        unit__path__in=branch.ancestor_paths(), is_active=True
    ).select_related("unit")
    return sorted(ranges, key=lambda r: (-len(r.unit.path), r.first))


def members_without_card(branch: Unit) -> QuerySet[Member]:
    return Member.objects.filter(branch=branch, status=Status.ACTIVE).filter(
        Q(card_number__isnull=True) | Q(card_number="")
    )


# --- Maturing out ------------------------------------------------------------------------------


def members_reaching_age_limit(unit: Unit, year: int) -> QuerySet[Member]:
    """Active members of the unit's subtree who reach the age limit in `year` or are past it,
    each by the age rules of his part of the tree (rules.age_limit_q)."""
    return Member.objects.filter(age_limit_q(unit, year), status=Status.ACTIVE).order_by(
        "date_of_birth", "sort_key"
    )


def _kept_through(year: int) -> Q:
    """Kept by the branch's decision at least to the end of `year`."""
    return Q(kept_until__gte=date(year, 12, 31))


def members_to_mature_out(unit: Unit, year: int) -> QuerySet[Member]:
    """The maturing-out list: members reaching the age limit by `year` who do not continue as
    cadres and whom their branch does not keep through the whole year."""
    return (
        members_reaching_age_limit(unit, year).filter(continues_as="").exclude(_kept_through(year))
    )


def members_kept(unit: Unit, year: int) -> QuerySet[Member]:
    """Members past the age limit whom their branch keeps through the end of `year`."""
    return (
        members_reaching_age_limit(unit, year).filter(continues_as="").filter(_kept_through(year))
    )


def members_continuing(unit: Unit, year: int) -> QuerySet[Member]:
    """Members past the age limit who continue as elected or full-time Union cadres."""
    return members_reaching_age_limit(unit, year).exclude(continues_as="")


# --- Duplicate ID numbers ----------------------------------------------------------------------


def duplicate_reports(unit: Unit, *, settled: bool = False) -> QuerySet[DuplicateIdReport]:
    """The reports of the unit and of the units under it (services/duplicates.py): open ones
    (latest entry first), or settled ones (latest settled first)."""
    qs = DuplicateIdReport.objects.filter(
        unit_path__startswith=unit.path, resolved_at__isnull=not settled
    ).select_related("unit", "holder__branch", "holder_proposal__branch", "entered_unit")
    return qs.order_by("-resolved_at", "-id") if settled else qs.order_by("-last_at", "-id")

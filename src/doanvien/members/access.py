"""Who may see and do what with members: records, transfers, admissions and card numbers. Every
member view and API endpoint starts with one of these (the unit-level scope itself is
accounts/access.py). Out-of-scope objects answer 404; in-scope objects the user may see but not
change answer 403."""

from django.db.models import Q, QuerySet
from django.http import Http404

from doanvien.accounts.access import EDIT_MEMBER_ROLES, ID_NUMBER_ROLES, scope_of, subtree_q
from doanvien.accounts.models import Role
from doanvien.core.rows import ReadByKey
from doanvien.units.models import Unit

from .models import AdmissionRequest, CardRange, DuplicateIdReport, Member, Transfer

# Who proposes an admission: the branch's secretary or deputy (or a cadre above).
PROPOSE_ROLES = {Role.SECRETARY, Role.DEPUTY, Role.CADRE}

# --- Records ----------------------------------------------------------------------------------


def members_visible_to(user) -> QuerySet[Member]:
    scope = scope_of(user)
    members = Member.objects.all()
    if scope.is_superuser:
        return members
    q = subtree_q("unit_path", scope.root_paths)
    if scope.member_id:
        q |= Q(pk=scope.member_id)
    return members.filter(q)


def members_under_visible_to(user, unit: Unit) -> QuerySet[Member]:
    """Members of the unit's subtree that the user may see. When the user sees the whole
    subtree, the one path condition is all: the scope's own would repeat it, which the
    planner takes for a second, independent condition and misjudges how many rows remain."""
    if scope_of(user).sees_path(unit.path):
        return Member.objects.filter(unit_path__startswith=unit.path)
    return members_visible_to(user).filter(unit_path__startswith=unit.path)


# One statement per set of fields asked for (core.rows.ReadByKey: written once, then only run).
_READS: dict[tuple[str, ...], ReadByKey] = {}


def get_member_for(user, member_id, *, only: tuple[str, ...] = ()) -> Member:
    """The member with his branch if the user may see him (members_visible_to), else 404. The
    record is read by its primary key alone and the scope checked on the row read, which asks
    the database less than the scope's conditions would. `only` names the fields a caller needs
    (the others are read if touched): then the read is one statement written once, and the
    branch carries its name, code and path only."""
    try:
        pk = int(member_id)
    except (ValueError, TypeError):
        raise Http404 from None
    if not 0 < pk < 2**63:  # no such key (and no bigint to compare)
        raise Http404
    if only:
        if only not in _READS:
            _READS[only] = ReadByKey(
                Member,
                (*only, "unit_path", "branch"),
                related="branch",
                related_fields=("name", "code", "path"),
            )
        member = _READS[only](pk)
    else:
        member = Member.objects.select_related("branch").filter(pk=pk).first()
    scope = scope_of(user)
    if member is None or not (
        scope.sees_path(member.unit_path) or (scope.member_id and scope.member_id == member.pk)
    ):
        raise Http404
    return member


def can_edit_members(user, unit: Unit) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(unit.path) & EDIT_MEMBER_ROLES)


def can_see_id_number(user, member: Member) -> bool:
    scope = scope_of(user)
    if scope.is_superuser or scope.member_id == member.pk:
        return True
    return bool(scope.roles_at(member.unit_path) & ID_NUMBER_ROLES)


def can_see_id_numbers_in(user, unit: Unit) -> bool:
    """Full ID numbers of every member of the unit's subtree (an export, for instance)."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(unit.path) & ID_NUMBER_ROLES)


def id_number_q(user) -> Q:
    """The members whose full ID number the user may see (can_see_id_number), as a filter."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Q()
    q = subtree_q("unit_path", [p for p, role in scope.grants if role in ID_NUMBER_ROLES])
    if scope.member_id:
        q |= Q(pk=scope.member_id)
    return q


def can_search_id_numbers_in(user, unit: Unit) -> bool:
    """Search the unit's subtree by full ID number: for those who may see the full number of
    some of its members (a search by number is a way of reading it)."""
    scope = scope_of(user)
    return scope.is_superuser or any(
        role in ID_NUMBER_ROLES and (unit.path.startswith(p) or p.startswith(unit.path))
        for p, role in scope.grants
    )


def can_decide_age_limit(user, member: Member) -> bool:
    """Keep a member past the age limit, or record that he continues as an elected or
    full-time cadre: his branch committee, or a cadre above his branch."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(member.unit_path) & EDIT_MEMBER_ROLES)


# --- Transfers --------------------------------------------------------------------------------


def can_request_transfer(user, member: Member) -> bool:
    """The member himself, his branch committee, or a cadre above his branch."""
    scope = scope_of(user)
    if scope.is_superuser or scope.member_id == member.pk:
        return True
    return bool(scope.roles_at(member.unit_path) & EDIT_MEMBER_ROLES)


def can_cancel_transfer(user, transfer: Transfer) -> bool:
    """The requesting side: the member, his branch committee, a cadre above his branch."""
    scope = scope_of(user)
    if scope.is_superuser or scope.member_id == transfer.member_id:
        return True
    return bool(scope.roles_at(transfer.unit_path) & EDIT_MEMBER_ROLES)


def can_decide_transfer(user, transfer: Transfer) -> bool:
    """A cadre of the receiving unit or above it; the committee of the receiving unit when it is
    a branch (branch roles exist only on branches, so roles_at covers both cases)."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(transfer.to_path) & EDIT_MEMBER_ROLES)


def transfers_visible_to(user) -> QuerySet[Transfer]:
    """Transfers the user may see: from his outgoing scope, into his incoming scope, or his own."""
    scope = scope_of(user)
    transfers = Transfer.objects.select_related(
        "member", "from_branch", "to_unit__level", "to_branch__level"
    )
    if scope.is_superuser:
        return transfers
    q = subtree_q("unit_path", scope.root_paths) | subtree_q("to_path", scope.root_paths)
    # The branch hosting an attachment sees it too.
    q |= subtree_q("to_branch__path", scope.root_paths) & ~Q(kind=Transfer.Kind.TRANSFER)
    if scope.member_id:
        q |= Q(member_id=scope.member_id)
    return transfers.filter(q)


def get_transfer_for(user, transfer_id) -> Transfer:
    try:
        return transfers_visible_to(user).get(pk=int(transfer_id))
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_end_attachment(user, transfer: Transfer) -> bool:
    """Either side of an attachment: the member's side, the receiving unit, the host branch."""
    if not transfer.is_attachment:
        return False
    host = transfer.to_branch and scope_of(user).roles_at(transfer.to_branch.path)
    host = (host or set()) & EDIT_MEMBER_ROLES
    return bool(host) or can_cancel_transfer(user, transfer) or can_decide_transfer(user, transfer)


# --- Admissions -------------------------------------------------------------------------------


def can_propose_admission(user, branch: Unit) -> bool:
    """The branch's secretary or deputy, or a cadre above the branch."""
    if not branch.is_branch:
        return False
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles_at(branch.path) & PROPOSE_ROLES)


def can_withdraw_admission(user, admission: AdmissionRequest) -> bool:
    return can_propose_admission(user, admission.branch)


def can_decide_admission(user, admission_or_branch: AdmissionRequest | Unit) -> bool:
    """The level above the branch: a cadre of the base union (or of the district-level unit for
    a branch directly under it) or above."""
    branch = (
        admission_or_branch.branch
        if isinstance(admission_or_branch, AdmissionRequest)
        else admission_or_branch
    )
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_above(branch.path)


def admissions_visible_to(user) -> QuerySet[AdmissionRequest]:
    """Proposals of the branches in the user's scope (a member sees none)."""
    scope = scope_of(user)
    admissions = AdmissionRequest.objects.select_related("branch", "member")
    if scope.is_superuser:
        return admissions
    return admissions.filter(subtree_q("branch__path", scope.root_paths))


def get_admission_for(user, admission_id) -> AdmissionRequest:
    try:
        return admissions_visible_to(user).get(pk=int(admission_id))
    except (AdmissionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Card numbers -----------------------------------------------------------------------------


def can_allocate_range(user, unit: Unit) -> bool:
    """Give `unit` a range: a cadre above it; for a root unit, a cadre of the root itself."""
    if unit.is_branch:
        return False
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    roles = scope.roles_at(unit.path) if unit.depth == 1 else scope.roles_above(unit.path)
    return Role.CADRE in roles


def can_assign_cards(user, branch: Unit) -> bool:
    """Assign card numbers to the branch's members: the level above the branch (cadres)."""
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_above(branch.path)


def range_visible(user, card_range: CardRange) -> bool:
    """Seen by whoever sees the unit holding it, or a unit under it."""
    scope = scope_of(user)
    path = card_range.unit.path
    return scope.sees_path(path) or any(p.startswith(path) for p in scope.root_paths)


def get_range_for(user, range_id) -> CardRange:
    try:
        card_range = CardRange.objects.select_related("unit", "parent__unit").get(pk=int(range_id))
    except (CardRange.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not range_visible(user, card_range):
        raise Http404
    return card_range


# --- Duplicate ID numbers ---------------------------------------------------------------------


def can_settle_duplicates(user, unit: Unit) -> bool:
    """See and settle the duplicate ID numbers reported to the unit or to units under it (the
    unit that sees both records: services/duplicates.py): its cadres and those above."""
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_at(unit.path)


def get_duplicate_report_for(user, report_id) -> DuplicateIdReport:
    """A report of a unit the user sees (404 otherwise; one of no unit, for administrators
    only)."""
    try:
        report = DuplicateIdReport.objects.select_related(
            "unit",
            "holder__branch",
            "holder_proposal__branch",
            "entered_unit",
            "entered_member",
            "first_by",
            "last_by",
            "resolved_by",
        ).get(pk=int(report_id))
    except (DuplicateIdReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    scope = scope_of(user)
    if not scope.is_superuser and not (report.unit_path and scope.sees_path(report.unit_path)):
        raise Http404
    return report

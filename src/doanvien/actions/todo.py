"""What waits for the signed-in person (issue 15, "What waits for me"): the to-do list at the
top of the first page after log-in and behind GET /api/v1/me/todo.

Every item comes from one indexed query over the units where the person holds a role (never a
scan of a subtree's members): registrations by (branch, year, state), branch results by
(branch, year) of the grant unit's children, transfers by the receiving path index, dues sent
up by (to_unit, year), the person's own imports by (owner, newest), and the member's own
registrations by (member, year). An item counts the rows waiting and links to the
page where they are handled. A superuser's list is that of the roles he holds (his reach is the
whole tree: counting it here would be a national scan).
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.accounts.access import EDIT_MEMBER_ROLES, scope_of
from doanvien.accounts.models import BRANCH_ROLES, Role, RoleGrant
from doanvien.committees.selectors import queue as committee_queue
from doanvien.directives.access import ACT_ROLES as DIRECTIVE_ROLES
from doanvien.directives.models import Receipt
from doanvien.directives.models import State as DirectiveState
from doanvien.dues.models import Remittance
from doanvien.evaluations.selectors import waiting as evaluations_waiting
from doanvien.jobs.models import Job
from doanvien.member_accounts.models import NotMeReport
from doanvien.members.models import AdmissionRequest, Member, Status, Transfer
from doanvien.profiles.models import ChangeRequest
from doanvien.training import rollup
from doanvien.training.lateness import earliest_due
from doanvien.training.models import BranchResult, Deadline, Registration
from doanvien.training.rules import programme_year_of
from doanvien.training.selectors import deadlines_applying, framework_for, results_locked
from doanvien.units.models import Unit

REVIEW = "registrations_to_review"
RETURNED = "results_returned"
RECOGNISE = "results_to_recognise"
TRANSFERS_IN = "transfers_to_decide"
ADMISSIONS = "admissions_to_decide"
CHANGE_REQUESTS = "change_requests"
MY_REGISTRATION = "my_registration"
DEADLINE_SOON = "deadline_soon"
DEADLINE_MISSED = "deadline_missed"
DIRECTIVES_UNREAD = "directives_unread"
DIRECTIVES_TO_REPLY = "directives_to_reply"
IMPORTS_TO_CONFIRM = "imports_to_confirm"
EVALUATIONS_TO_RECOGNISE = "evaluations_to_recognise"
COMMITTEES_TO_APPROVE = "committees_to_approve"
NOT_ME_REPORTS = "not_me_reports"
REMITTANCES_TO_CONFIRM = "remittances_to_confirm"
LATE_UNITS = "late_units"
MY_SELF_ASSESSMENT = "my_self_assessment"
REGISTER = "register"

# How far ahead a deadline shows (issue 15: "deadlines in the next 14 days").
SOON_DAYS = 14


def _item(kind, title, url, unit=None, year=None, count=1, due_on=None) -> dict:
    return {
        "kind": kind,
        "title": title,
        "url": url,
        "unit": unit.name if unit else "",
        "unit_id": unit.pk if unit else None,
        "year": year,
        "due_on": due_on,
        "count": count,
    }


def _grant_units(user, roles) -> list[Unit]:
    return list(
        Unit.objects.filter(
            is_active=True,
            pk__in=RoleGrant.objects.filter(user=user, role__in=list(roles)).values("unit_id"),
        )
        .select_related("level")
        .order_by("path")
    )


def open_years(sector: str, today) -> list[int]:
    """The programme years with work open for a unit of this sector: the current one, and every
    year opened in the roll-ups that has not ended."""
    years = {programme_year_of(today, sector)}
    years |= {y for y in rollup.opened_years() if not rollup.year_ended(y, sector, today)}
    return sorted(years)


def _unregistered(branch: Unit, year: int, joined_after, joined_by) -> int:
    """Active members of the branch who joined the Union in (joined_after, joined_by] and have
    no registration submitted or approved for the year (the branch's members, by its index)."""
    members = Member.objects.filter(branch=branch, status=Status.ACTIVE)
    if joined_after:
        members = members.filter(joined_union_on__gt=joined_after)
    if joined_by:
        members = members.filter(joined_union_on__lte=joined_by)
    return members.exclude(
        registrations__year=year,
        registrations__state__in=[Registration.State.SUBMITTED, Registration.State.APPROVED],
    ).count()


def _missed(kind: str, branch: Unit, year: int, deadlines: dict, pending: set) -> int:
    """How much of a passed deadline's work is still not done (0: none): the branch's results
    not sent up (evaluation); members admitted by the registration deadline not registered
    (registration); members admitted after it and by the new members' deadline not registered
    (new members' registration). Recognition is the unit above's (todo_for)."""
    if kind == Deadline.Kind.EVALUATION:
        return 0 if branch.pk in pending else 1
    registration = deadlines.get(Deadline.Kind.REGISTRATION)
    registration_due = registration.effective_date if registration else None
    if kind == Deadline.Kind.REGISTRATION:
        return _unregistered(branch, year, None, registration_due)
    if kind == Deadline.Kind.NEW_MEMBER_REGISTRATION:
        due = deadlines[kind].effective_date
        return _unregistered(branch, year, registration_due, due)
    return 0


MISSED_PAGE = {
    Deadline.Kind.EVALUATION: "training:branch-assessment",
    Deadline.Kind.REGISTRATION: "training:branch-training",
    Deadline.Kind.NEW_MEMBER_REGISTRATION: "training:branch-training",
}


def _deadline_items(branches: list[Unit], today) -> list[dict]:
    """The deadlines applying to the person's branches in their open years: those in the next
    SOON_DAYS days, and those passed with their work still not done (_missed)."""
    items = []
    years = sorted({y for b in branches for y in open_years(b.sector, today)})
    for year in years:
        in_year = [b for b in branches if year in open_years(b.sector, today)]
        applying = deadlines_applying([(b, b.sector) for b in in_year], year)
        pending = set(
            BranchResult.objects.filter(
                branch__in=in_year,
                year=year,
                state__in=[BranchResult.State.SUBMITTED, BranchResult.State.RECOGNISED],
            ).values_list("branch_id", flat=True)
        )
        for branch, deadlines in zip(in_year, applying, strict=True):
            url = reverse("training:branch-training", args=[branch.pk, year])
            for kind, deadline in sorted(deadlines.items(), key=lambda kv: kv[1].effective_date):
                due = deadline.effective_date
                label = Deadline.Kind(kind).label
                if today <= due <= today + timedelta(days=SOON_DAYS):
                    items.append(
                        _item(
                            DEADLINE_SOON,
                            _("Deadline soon: %(kind)s") % {"kind": label},
                            url,
                            branch,
                            year,
                            due_on=due,
                        )
                    )
                elif due < today and kind in MISSED_PAGE:
                    left = _missed(kind, branch, year, deadlines, pending)
                    if left:
                        items.append(
                            _item(
                                DEADLINE_MISSED,
                                _("Deadline missed: %(kind)s") % {"kind": label},
                                reverse(MISSED_PAGE[kind], args=[branch.pk, year]),
                                branch,
                                year,
                                count=left,
                                due_on=due,
                            )
                        )
    return items


def _recognition_missed(unit: Unit, year: int, waiting: int, today) -> dict | None:
    """The recognition deadline applying to the unit, passed while results wait for it."""
    (applying,) = deadlines_applying([(unit, unit.sector)], year, kinds=[Deadline.Kind.RECOGNITION])
    deadline = applying.get(Deadline.Kind.RECOGNITION)
    if deadline is None or deadline.effective_date >= today:
        return None
    return _item(
        DEADLINE_MISSED,
        _("Deadline missed: %(kind)s") % {"kind": Deadline.Kind.RECOGNITION.label},
        reverse("training:training-progress", args=[unit.pk, year]),
        unit,
        year,
        count=waiting,
        due_on=deadline.effective_date,
    )


def _late_units(unit: Unit, today) -> list[dict]:
    """Above the branches: once a deadline of an open year has passed, the branches under the
    unit whose results are not recognised yet (its roll-up row: one indexed read for every
    year), linking to the list of who is late and for what."""
    years = open_years(unit.sector, today)
    items = []
    for year, row in sorted(rollup.unit_rows(unit, years).items()):
        unfinished = row.branches - row.recognised
        if unfinished <= 0:
            continue
        due = earliest_due(unit, year)
        if due is None or due >= today:
            continue
        items.append(
            _item(
                LATE_UNITS,
                _("Training programme: branches not finished after a deadline"),
                reverse("training:training-late", args=[unit.pk, year]),
                unit,
                year,
                count=unfinished,
                due_on=due,
            )
        )
    return items


def _directive_items(user) -> list[dict]:
    """Directives received by the units where the person acts (a role on the unit itself): those
    not opened yet, and those asking a reply not sent yet (by the receipts' unit index)."""
    units = {u.pk: u for u in _grant_units(user, DIRECTIVE_ROLES)}
    if not units:
        return []
    rows = (
        Receipt.objects.filter(
            unit_id__in=list(units), replied_at=None, directive__state=DirectiveState.PUBLISHED
        )
        .values("unit_id")
        .annotate(
            unread=Count("id", filter=Q(read_at=None)),
            to_reply=Count("id", filter=Q(directive__reply_required=True)),
        )
        .order_by("unit_id")
    )
    items = []
    for row in rows:
        unit = units[row["unit_id"]]
        url = reverse("directives:unit-directives", args=[unit.pk])
        if row["unread"]:
            items.append(
                _item(
                    DIRECTIVES_UNREAD,
                    _("Directives not read yet"),
                    f"{url}?unread=1",
                    unit,
                    count=row["unread"],
                )
            )
        if row["to_reply"]:
            items.append(
                _item(
                    DIRECTIVES_TO_REPLY,
                    _("Directives waiting for a reply"),
                    url,
                    unit,
                    count=row["to_reply"],
                )
            )
    return items


def todo_for(user, today=None) -> list[dict]:
    """The person's to-do items, the oldest year first within each kind."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    items: list[dict] = []
    branches = [u for u in _grant_units(user, BRANCH_ROLES) if u.is_branch]
    by_id = {u.pk: u for u in branches}
    if branches:
        # Registrations submitted and waiting for the branch committee (seed 000 IV.3 step 2).
        waiting = (
            Registration.objects.filter(branch__in=branches, state=Registration.State.SUBMITTED)
            .values("branch_id", "year")
            .annotate(n=Count("id"))
            .order_by("year", "branch_id")
        )
        for row in waiting:
            unit = by_id[row["branch_id"]]
            items.append(
                _item(
                    REVIEW,
                    _("Registrations waiting for review"),
                    # The review page: one registration at a time, on to the next once decided.
                    reverse("training:branch-review", args=[unit.pk, row["year"]]),
                    unit,
                    row["year"],
                    row["n"],
                )
            )
        # Results the base union returned to the branch.
        returned = BranchResult.objects.filter(
            branch__in=branches, state=BranchResult.State.OPEN, comment_action="return"
        ).order_by("year", "branch_id")
        for result in returned:
            unit = by_id[result.branch_id]
            items.append(
                _item(
                    RETURNED,
                    _("Results returned to the branch"),
                    reverse("training:branch-assessment", args=[unit.pk, result.year]),
                    unit,
                    result.year,
                )
            )
        # Changes to their records the members asked for (profiles/access.py can_decide_changes:
        # the branch's own queue; the members of a branch by the (branch, status) index).
        for row in (
            ChangeRequest.objects.filter(
                member__branch__in=branches, state=ChangeRequest.State.OPEN
            )
            .values("member__branch_id")
            .annotate(n=Count("id"))
            .order_by("member__branch_id")
        ):
            unit = by_id[row["member__branch_id"]]
            items.append(
                _item(
                    CHANGE_REQUESTS,
                    _("Change requests waiting for a decision"),
                    reverse("profiles:unit-change-requests", args=[unit.pk]),
                    unit,
                    count=row["n"],
                )
            )
        items += _deadline_items(branches, today)
    # Results submitted by the branches directly under a unit where the person is a cadre: the
    # base union recognises them (training/access.py can_recognise).
    for unit in _grant_units(user, [Role.CADRE]):
        if not unit.is_branch:
            items += _late_units(unit, today)
        submitted = (
            BranchResult.objects.filter(
                branch__path__startswith=unit.path,
                branch__depth=unit.depth + 1,
                state=BranchResult.State.SUBMITTED,
            )
            .values("year")
            .annotate(n=Count("id"))
            .order_by("year")
        )
        for row in submitted:
            items.append(
                _item(
                    RECOGNISE,
                    _("Branch results waiting for recognition"),
                    reverse("training:training-progress", args=[unit.pk, row["year"]]),
                    unit,
                    row["year"],
                    row["n"],
                )
            )
            missed = _recognition_missed(unit, row["year"], row["n"], today)
            if missed:
                items.append(missed)
        # Admissions the branches directly under it propose (members/access.py
        # can_decide_admission: the level above the branch).
        proposed = AdmissionRequest.objects.filter(
            branch__path__startswith=unit.path,
            branch__depth=unit.depth + 1,
            state=AdmissionRequest.State.PROPOSED,
        ).count()
        if proposed:
            items.append(
                _item(
                    ADMISSIONS,
                    _("Admissions waiting for a decision"),
                    reverse("members:unit-admissions", args=[unit.pk]),
                    unit,
                    count=proposed,
                )
            )
    # Transfers into a unit where the person may decide them (members/access.py
    # can_decide_transfer); a unit under another of his units is counted there.
    deciding = _grant_units(user, EDIT_MEMBER_ROLES)
    roots = [u for u in deciding if not any(u.path.startswith(r.path) for r in deciding if r != u)]
    for unit in roots:
        n = Transfer.objects.filter(
            to_path__startswith=unit.path, state=Transfer.State.REQUESTED
        ).count()
        if n:
            items.append(
                _item(
                    TRANSFERS_IN,
                    _("Transfers waiting for a decision"),
                    reverse("members:unit-transfers", args=[unit.pk]),
                    unit,
                    count=n,
                )
            )
    items += _directive_items(user)
    # Dues sent up to a unit where the person is a cadre, not confirmed yet (dues/access.py
    # can_confirm; by the remittances' (to_unit, year) index).
    cadre_units = {u.pk: u for u in _grant_units(user, [Role.CADRE])}
    for row in (
        Remittance.objects.filter(to_unit_id__in=list(cadre_units), state=Remittance.State.SENT)
        .values("to_unit_id", "year")
        .annotate(n=Count("id"))
        .order_by("year", "to_unit_id")
    ):
        unit = cadre_units[row["to_unit_id"]]
        items.append(
            _item(
                REMITTANCES_TO_CONFIRM,
                _("Dues sent up, waiting for confirmation"),
                reverse("dues:unit-ledger", args=[unit.pk, row["year"]]),
                unit,
                row["year"],
                row["n"],
            )
        )
    # Unit evaluations (strong branches, 3-proactive base unions, unit ratings) submitted below
    # a unit where the person is a cadre and recognised by that unit (evaluations/selectors.py
    # waiting: one count by year per unit), any year still waiting.
    for unit in cadre_units.values():
        for row in (
            evaluations_waiting(unit).values("year").annotate(n=Count("id")).order_by("year")
        ):
            items.append(
                _item(
                    EVALUATIONS_TO_RECOGNISE,
                    _("Unit evaluations waiting for your recognition"),
                    reverse("evaluations:evaluation-queue", args=[unit.pk, row["year"]]),
                    unit,
                    row["year"],
                    row["n"],
                )
            )
    # Committees elected in the units directly below a unit where the person is a cadre,
    # waiting for its approval (committees/selectors.py queue).
    for unit in cadre_units.values():
        n = committee_queue(unit).count()
        if n:
            items.append(
                _item(
                    COMMITTEES_TO_APPROVE,
                    _("Committees waiting for your approval"),
                    reverse("committees:unit-committees", args=[unit.pk]) + "#queue",
                    unit,
                    count=n,
                )
            )
    # Members who said an account's activation was not theirs (the account is locked): on the
    # list of their base union until one of its cadres closes the report.
    for row in (
        NotMeReport.objects.filter(unit_id__in=list(cadre_units), closed_at=None)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by("unit_id")
    ):
        unit = cadre_units[row["unit_id"]]
        items.append(
            _item(
                NOT_ME_REPORTS,
                _("Accounts whose members said “this was not me”"),
                reverse("member_accounts:not-me-list", args=[unit.pk]),
                unit,
                count=row["n"],
            )
        )
    # The person's own imports whose file was checked and wait for his confirmation (by the
    # jobs' (owner, newest) index).
    for job in (
        Job.objects.filter(created_by=user, state=Job.State.AWAITING_CONFIRMATION)
        .select_related("unit")
        .order_by("-created_at")[:20]
    ):
        items.append(
            _item(
                IMPORTS_TO_CONFIRM,
                _("An import checked, waiting for your confirmation: %(kind)s")
                % {"kind": job.get_kind_display()},
                reverse("jobs:job-detail", args=[job.pk]),
                job.unit,
            )
        )
    # The member's own registration: still a draft, or returned for changes.
    if scope.member_id:
        own = Registration.objects.filter(
            member_id=scope.member_id,
            state__in=[Registration.State.DRAFT, Registration.State.RETURNED],
        ).order_by("year")
        for registration in own:
            title = (
                _("Your registration was returned for changes")
                if registration.state == Registration.State.RETURNED
                else _("Your registration is not submitted yet")
            )
            items.append(
                _item(
                    MY_REGISTRATION, title, reverse("training:my-training"), None, registration.year
                )
            )
        items += _my_training(scope.member_id, today)
    return items


def _my_training(member_id: int, today) -> list[dict]:
    """The member's own work in the programme: registering for the current year while his
    branch's results are still open, and scoring himself once his registration is approved
    (until the branch has assessed him or sent its results up)."""
    member = Member.objects.filter(pk=member_id, status=Status.ACTIVE).select_related("branch")
    member = member.first()
    if member is None:
        return []
    year = programme_year_of(today, member.branch.sector)
    # Once the branch's results are submitted or recognised, the year's registrations and
    # self-assessments no longer change.
    branch_done = results_locked(member.branch, year) is not None
    items = []
    page = reverse("training:member-training", args=[member.pk, year])
    registered = Registration.objects.filter(member=member, year=year).first()
    if registered is None and not branch_done and framework_for(member.branch, year) is not None:
        items.append(_item(REGISTER, _("Register for the training programme"), page, None, year))
    if (
        registered is not None
        and registered.state == Registration.State.APPROVED
        and registered.self_assessed_at is None
        and registered.assessed_at is None
        and not branch_done
    ):
        items.append(
            _item(
                MY_SELF_ASSESSMENT,
                _("Score yourself: self-assessment"),
                page + "#self-assessment",
                None,
                year,
            )
        )
    return items

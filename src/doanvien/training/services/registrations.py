"""Registration and review: a member (or his branch committee) chooses criteria and plans,
submits; the committee approves or returns with a comment. A member who moves keeps his
registration (registrations_follow). Each write validates, writes in one transaction, keeps the
roll-ups and records the event in the audit trail."""

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.core.dates import parse_date
from doanvien.core.text import strip_invisible, text_fault
from doanvien.core.transactions import atomic
from doanvien.members.models import Member, Status
from doanvien.notifications.models import Kind
from doanvien.notifications.services import account_of, notify
from doanvien.units.models import Unit

from .. import rollup, workflow
from ..models import BranchResult, Criterion, Deadline, Registration, RegistrationItem
from ..rules import programme_year_span
from ..selectors import criteria_for, framework_for
from .closing import check_year_open
from .common import check_deadline, check_unlocked, lock_registration, record_event


def _not_offered(criterion: Criterion, member: Member) -> str:
    """Why a criterion of the branch's list is refused to the member: it is for another group."""
    return _(
        "“%(criterion)s” is only for the group “%(group)s”: it is not offered to %(name)s, "
        "whose group is “%(member_group)s”."
    ) % {
        "criterion": Truncator(criterion.text).chars(60),
        "group": criterion.get_audience_display(),
        "name": member.full_name,
        "member_group": member.get_audience_display(),
    }


def _clean_items(registration: Registration, items: list[dict[str, Any]], *, complete: bool):
    """Check the items; when `complete`, also the rules of a submitted registration. The
    criteria are those offered to the member: of his branch's sector and of his group."""
    framework = registration.framework
    branch = registration.branch
    member = registration.member
    listed = {
        c.pk: c
        for c in criteria_for(
            framework=framework, branch=branch, year=registration.year, sector=branch.sector
        )
    }
    available = {pk: c for pk, c in listed.items() if c.audience in ("", member.audience)}
    first, last = programme_year_span(registration.year, branch.sector)
    errors: dict[str, list[str]] = {}
    clean, seen = [], set()

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for i, item in enumerate(items):
        try:
            criterion_id = int(item.get("criterion"))
        except (TypeError, ValueError):
            err(f"items[{i}].criterion", _("Choose a criterion."))
            continue
        criterion = available.get(criterion_id)
        if criterion is None:
            if criterion_id in listed:
                err(f"items[{i}].criterion", _not_offered(listed[criterion_id], member))
            else:
                err(f"items[{i}].criterion", _("This criterion is not in your framework."))
            continue
        if criterion_id in seen:
            err(f"items[{i}].criterion", _("The same criterion is chosen twice."))
            continue
        seen.add(criterion_id)
        plan = " ".join(strip_invisible(str(item.get("plan") or "")).split())
        if fault := text_fault(plan):
            err(f"items[{i}].plan", capfirst(fault))
            continue
        if complete and not plan:
            err(f"items[{i}].plan", _("Write how you will do it."))
        try:
            target = parse_date(item.get("target_date"))
        except ValueError:
            err(f"items[{i}].target_date", _("Enter the target date as dd/mm/yyyy."))
            continue
        if target is None:
            if complete:
                err(f"items[{i}].target_date", _("Enter a target date."))
        elif not first <= target <= last:
            err(
                f"items[{i}].target_date",
                _("The target date must fall within the programme year (%(first)s–%(last)s).")
                % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")},
            )
        clean.append((criterion, plan, target))

    if complete and not errors:
        chosen_areas = {c.area_code for c, _p, _t in clean}
        missing = [a for a in framework.area_list if a.code not in chosen_areas]
        if missing:
            err(
                "items",
                _("Choose criteria in every content area; missing: %(areas)s.")
                % {"areas": ", ".join(str(a) for a in missing)},
            )
        minimum = framework.min_criteria_for(member.audience)
        if len(clean) < minimum and minimum != framework.min_criteria:
            err(
                "items",
                _(
                    "Choose at least %(n)s criteria, the minimum of the group “%(group)s” "
                    "(now %(count)s)."
                )
                % {"n": minimum, "group": member.get_audience_display(), "count": len(clean)},
            )
        elif len(clean) < minimum:
            err(
                "items",
                _("Choose at least %(n)s criteria (now %(count)s).")
                % {"n": minimum, "count": len(clean)},
            )
        mandatory = [c for c in available.values() if c.mandatory and c.pk not in seen]
        if mandatory:
            err(
                "items",
                _("These criteria are mandatory: %(list)s")
                % {"list": "; ".join(c.text[:60] for c in mandatory)},
            )
    if errors:
        raise ValidationError(errors)
    return clean


def registration_start(*, member: Member, year: int) -> Registration:
    """The member's registration for the year, created as an empty draft if there is none."""
    existing = Registration.objects.filter(member=member, year=year).first()
    if existing:
        return existing
    branch = member.branch
    framework = framework_for(branch, year)
    if framework is None:
        raise ValidationError(_("No training framework applies to %(year)s.") % {"year": year})
    return Registration.objects.create(
        member=member, year=year, framework=framework, branch=branch, unit_path=branch.path
    )


def _check_registers(member: Member, year: int) -> None:
    """Whether the member registers for the year at all: active, and in the Union by then."""
    if member.status != Status.ACTIVE:
        raise ValidationError(_("Only active members register."))
    check_year_open(year, member.branch.sector)
    _first, last = programme_year_span(year, member.branch.sector)
    if member.joined_union_on > last:
        raise ValidationError(
            _("%(name)s joined the Union after programme year %(year)s.")
            % {"name": member.full_name, "year": year}
        )


def _submitted_late(registration: Registration, today: date) -> bool:
    """Whether a submission today is late (a refusal when the unit takes no late ones)."""
    first, _last = programme_year_span(registration.year, registration.branch.sector)
    kind = (
        Deadline.Kind.NEW_MEMBER_REGISTRATION
        if registration.member.joined_union_on >= first
        else Deadline.Kind.REGISTRATION
    )
    return check_deadline(
        unit=registration.branch,
        year=registration.year,
        kind=kind,
        sector=registration.branch.sector,
        today=today,
    )


def registration_check(
    *, member: Member, year: int, items: list[dict[str, Any]], today: date | None = None
) -> bool:
    """What registration_save then registration_submit would answer for these items, found
    without writing anything (an import checks its file outside any write transaction, so
    that nobody waits for it): the same refusals (ValidationError), and whether the
    submission would be late. The write itself goes through the two services, which check
    again against the database as it is then."""
    today = today or timezone.localdate()
    _check_registers(member, year)
    registration = (
        Registration.objects.filter(member=member, year=year)
        .select_related("framework", "branch", "member")
        .first()
    )
    check_unlocked(registration.branch if registration else member.branch, year)
    if registration is None:
        framework = framework_for(member.branch, year)
        if framework is None:
            raise ValidationError(_("No training framework applies to %(year)s.") % {"year": year})
        registration = Registration(
            member=member,
            year=year,
            framework=framework,
            branch=member.branch,
            unit_path=member.branch.path,
        )
    workflow.next_state(workflow.REGISTRATION, registration, "save")
    _clean_items(registration, items, complete=False)
    workflow.next_state(workflow.REGISTRATION, registration, "submit")
    _clean_items(registration, items, complete=True)
    return _submitted_late(registration, today)


@atomic
def registration_save(
    *, actor, member: Member, year: int, items: list[dict[str, Any]], by_branch: bool = False
) -> Registration:
    """Replace the registration's items (a draft, or one returned for changes)."""
    _check_registers(member, year)
    existing = Registration.objects.filter(member=member, year=year).first()
    check_unlocked(existing.branch if existing else member.branch, year)
    registration = registration_start(member=member, year=year)
    registration = lock_registration(registration)
    workflow.next_state(workflow.REGISTRATION, registration, "save")
    clean = _clean_items(registration, items, complete=False)
    before = sorted(registration.items.values_list("criterion_id", flat=True))
    registration.items.all().delete()
    RegistrationItem.objects.bulk_create(
        [
            RegistrationItem(registration=registration, criterion=c, plan=p, target_date=t)
            for c, p, t in clean
        ]
    )
    registration.entered_by_secretary = by_branch or registration.entered_by_secretary
    registration.save(update_fields=["entered_by_secretary", "updated_at"])
    after = sorted(c.pk for c, _p, _t in clean)
    record_event(
        actor,
        "registration.saved",
        registration,
        str(member),
        {"criteria": [before, after]} if before != after else {},
    )
    return registration


@atomic
def registration_submit(*, actor, registration: Registration, today: date | None = None):
    today = today or timezone.localdate()
    registration = lock_registration(registration)
    check_unlocked(registration.branch, registration.year)
    check_year_open(registration.year, registration.branch.sector)
    state = workflow.next_state(workflow.REGISTRATION, registration, "submit")
    items = [
        {"criterion": i.criterion_id, "plan": i.plan, "target_date": i.target_date}
        for i in registration.items.all()
    ]
    _clean_items(registration, items, complete=True)
    member = registration.member
    late = _submitted_late(registration, today)
    before = registration.state
    registration.state, registration.submitted_at = state, timezone.now()
    registration.submitted_late = late
    registration.save()
    rollup.member_counted(registration.member_id, registration.year)
    record_event(
        actor,
        "registration.submitted",
        registration,
        str(member),
        {"state": [before, state], **({"late": [False, True]} if late else {})},
    )
    return registration


# What an import's undo gives back to a registration it replaced (registration_put_back).
PUT_BACK_FIELDS = ("state", "entered_by_secretary", "submitted_at", "submitted_late")


def registration_before(registration: Registration | None) -> dict[str, Any] | None:
    """What registration_put_back needs to give a registration back as it is now (JSON), or
    None when there is none (then it deletes the one written since)."""
    if registration is None:
        return None
    before: dict[str, Any] = {name: getattr(registration, name) for name in PUT_BACK_FIELDS}
    before["items"] = [
        [i.criterion_id, i.plan, i.target_date] for i in registration.items.order_by("id")
    ]
    return before


@atomic
def registration_put_back(*, registration_id: int, before: dict[str, Any] | None) -> None:
    """An import's save and submission of a registration undone (the import could not be
    finished: core/spreadsheets/importing.py): one it created is deleted, one it replaced (a
    draft, or one returned for changes) takes back its items and state (`before`, from
    registration_before, as JSON); the member's branches are counted again. A registration
    reviewed since (no longer submitted) is left as the review made it."""
    registration = Registration.objects.select_for_update().filter(pk=registration_id).first()
    if registration is None or registration.state != Registration.State.SUBMITTED:
        return
    member_id, year = registration.member_id, registration.year
    if before is None:
        registration.delete()
    else:
        fields = {f.name: f for f in Registration._meta.concrete_fields}
        for name in PUT_BACK_FIELDS:
            setattr(registration, name, fields[name].to_python(before[name]))
        registration.save(update_fields=[*PUT_BACK_FIELDS, "updated_at"])
        registration.items.all().delete()
        day = RegistrationItem._meta.get_field("target_date")
        RegistrationItem.objects.bulk_create(
            [
                RegistrationItem(
                    registration=registration,
                    criterion_id=criterion,
                    plan=plan,
                    target_date=day.to_python(target),
                )
                for criterion, plan, target in before["items"]
            ]
        )
    rollup.member_counted(member_id, year)


def _own(actor, registration: Registration) -> bool:
    """Nobody reviews his own registration."""
    return getattr(actor, "member_id", None) == registration.member_id


@atomic
def registration_approve(*, actor, registration: Registration) -> Registration:
    if _own(actor, registration):
        raise PermissionDenied(_("Nobody reviews his own registration."))
    registration = lock_registration(registration)
    check_unlocked(registration.branch, registration.year)
    state = workflow.next_state(workflow.REGISTRATION, registration, "approve")
    registration.state, registration.approved_at = state, timezone.now()
    registration.review_comment = ""
    registration.save()
    rollup.member_counted(registration.member_id, registration.year)
    record_event(
        actor,
        "registration.approved",
        registration,
        str(registration.member),
        {"state": ["submitted", state]},
    )
    _tell_member(registration, Kind.REGISTRATION_APPROVED, actor)
    return registration


def registration_approve_refusal(*, actor, registration: Registration) -> str:
    """Why registration_approve would refuse this registration ("" when it would not): the
    reviewer's own, or a state the workflow does not approve from. The branch's lock of the
    year is one refusal for all (check_unlocked)."""
    if _own(actor, registration):
        return _("Nobody reviews his own registration.")
    try:
        workflow.next_state(workflow.REGISTRATION, registration, "approve")
    except ValidationError as e:
        return " ".join(e.messages)
    return ""


def registrations_approvable(
    *, actor, branch: Unit, year: int, member_ids
) -> tuple[list[Registration], list[str]]:
    """The chosen members' registrations of the year in the branch that can be approved, in
    the order of the members' names, and one line for each chosen one that cannot (naming
    the member and why)."""
    ids = {int(pk) for pk in member_ids if str(pk).isdigit()}
    registrations = list(
        Registration.objects.filter(branch=branch, year=year, member_id__in=ids)
        .select_related("member")
        .order_by("member__sort_key", "member_id")
    )
    approvable, refused = [], []
    for registration in registrations:
        why = registration_approve_refusal(actor=actor, registration=registration)
        if why:
            refused.append(f"{registration.member.full_name}: {why}")
        else:
            approvable.append(registration)
    unknown = len(ids - {r.member_id for r in registrations})
    if unknown:
        refused.append(
            ngettext(
                "%(count)s chosen member has no registration of %(year)s in this branch.",
                "%(count)s chosen members have no registration of %(year)s in this branch.",
                unknown,
            )
            % {"count": unknown, "year": year}
        )
    return approvable, refused


@atomic
def registrations_approve(*, actor, branch: Unit, year: int, member_ids) -> list[Registration]:
    """Approve several registrations of the branch at once (the branch's training page), each
    through registration_approve: the same workflow rule, audit event and notice to the
    member as one by one. All or nothing: when any chosen registration cannot be approved,
    nothing is, and the refusal names each one (code `not_approvable`)."""
    check_unlocked(branch, year)
    approvable, refused = registrations_approvable(
        actor=actor, branch=branch, year=year, member_ids=member_ids
    )
    if refused:
        raise ValidationError(refused, code="not_approvable")
    if not approvable:
        raise ValidationError(_("Choose the registrations to approve."), code="empty")
    return [registration_approve(actor=actor, registration=r) for r in approvable]


def _tell_member(registration: Registration, kind: str, actor) -> None:
    titles = {
        Kind.REGISTRATION_APPROVED: _("Your %(year)s registration is approved."),
        Kind.REGISTRATION_RETURNED: _("Your %(year)s registration was returned: see the comment."),
    }
    notify(
        users=account_of(registration.member_id),
        kind=kind,
        title=titles[kind] % {"year": registration.year},
        url=reverse(
            "training:member-training",
            kwargs={"member_id": registration.member_id, "year": registration.year},
        ),
        exclude=actor,
    )


@atomic
def registration_return(*, actor, registration: Registration, comment: str) -> Registration:
    if _own(actor, registration):
        raise PermissionDenied(_("Nobody reviews his own registration."))
    registration = lock_registration(registration)
    check_unlocked(registration.branch, registration.year)
    # Returned after the close, it could never be sent again (services/closing.py).
    check_year_open(registration.year, registration.branch.sector)
    state = workflow.next_state(workflow.REGISTRATION, registration, "return")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the member should change.")})
    if registration.assessed_at:
        raise ValidationError(_("The registration is already assessed: it cannot be returned."))
    before = registration.state
    registration.state, registration.review_comment = state, comment
    registration.save()
    rollup.member_counted(registration.member_id, registration.year)
    record_event(actor, "registration.returned", registration, comment, {"state": [before, state]})
    _tell_member(registration, Kind.REGISTRATION_RETURNED, actor)
    return registration


def registrations_follow(*, member: Member, branch: Unit) -> int:
    """A member who moves keeps his registration: the receiving branch continues it and does the
    evaluation (seed 000 IV.3 note says he need not register again; that the receiving branch
    evaluates him is this product's reading). Years whose results the old branch already
    submitted or had recognised stay with it. Returns how many registrations moved."""
    closed = BranchResult.objects.filter(
        branch=OuterRef("branch"),
        year=OuterRef("year"),
        state__in=[BranchResult.State.SUBMITTED, BranchResult.State.RECOGNISED],
    )
    moving = list(
        Registration.objects.filter(member=member)
        .exclude(branch=branch)
        .exclude(Exists(closed))
        .select_related("branch", "member")
    )
    for registration in moving:
        registration.branch, registration.unit_path = branch, branch.path
        registration.save(update_fields=["branch", "unit_path", "updated_at"])
    return len(moving)


@atomic
def registrations_apply_default(
    *, actor, branch: Unit, year: int, items: list[dict[str, Any]], members
) -> int:
    """Register many members at once with the branch's default set; each member can then adjust
    it. A criterion of the set marked for a member group goes only to the members of that group
    (the others get the rest of the set). Members who already submitted are left alone. Returns
    how many were registered."""
    ids = []
    for item in items:
        try:
            ids.append(int(item.get("criterion")))
        except (TypeError, ValueError):
            continue  # refused by registration_save, which names the item
    group_of = dict(Criterion.objects.filter(pk__in=ids).values_list("pk", "audience"))

    def offered(item: dict[str, Any], member: Member) -> bool:
        try:
            group = group_of.get(int(item.get("criterion")), "")
        except (TypeError, ValueError):
            return True
        return group in ("", member.audience)

    count = 0
    for member in members:
        existing = Registration.objects.filter(member=member, year=year).first()
        if existing and existing.state not in (
            Registration.State.DRAFT,
            Registration.State.RETURNED,
        ):
            continue
        positions = [i for i, item in enumerate(items) if offered(item, member)]
        try:
            registration_save(
                actor=actor,
                member=member,
                year=year,
                items=[items[i] for i in positions],
                by_branch=True,
            )
        except ValidationError as e:
            raise _renumbered(e, positions) from None
        count += 1
    return count


_ITEM_KEY = re.compile(r"^items\[(\d+)\]")


def _renumbered(error: ValidationError, positions: list[int]) -> ValidationError:
    """A member's errors about his part of the default set, numbered as in the whole set."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {}
    for key, errors in error.error_dict.items():
        match = _ITEM_KEY.match(key)
        if match and int(match[1]) < len(positions):
            key = f"items[{positions[int(match[1])]}]" + key[match.end() :]
        renamed[key] = errors
    return ValidationError(renamed)

"""Admission of new members (kết nạp đoàn viên): the branch proposes a youth, with the person who
introduced him and the course he attended; the level above approves with the number and date of
the admission resolution (the member record is created then, in the same transaction, with a
card number) or rejects with a reason; the proposing side may withdraw its open proposal. An
approval is undone only by a recorded annulment (with a reason), which takes the member off the
roll. Every allowed transition is in TRANSITIONS; any other is refused with a clear error (code
"illegal_transition"), never ignored.

Who may do what (access.py; the views and the API check it before calling a service):
- propose and withdraw: the branch's secretary or deputy secretary, or a cadre above the branch;
- approve, reject and annul: the level above the branch (a cadre of the base union or above).
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.transactions import atomic
from doanvien.notifications.models import Kind
from doanvien.notifications.services import cadres_of, notify
from doanvien.units.models import Unit

from ..models import (
    AdmissionRequest,
    DuplicateIdReport,
    Member,
    Movement,
    Status,
    mask_id_number,
)
from ..validation import DATE_FIELDS, clean_member_data
from . import cards, duplicates
from .lifecycle import member_remove
from .movements import movement_record
from .records import member_create

A = AdmissionRequest.State

TRANSITIONS = {
    (A.PROPOSED, "approve"): A.APPROVED,
    (A.PROPOSED, "reject"): A.REJECTED,
    (A.PROPOSED, "withdraw"): A.WITHDRAWN,
    (A.APPROVED, "annul"): A.ANNULLED,
}

ACTIONS = {
    "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"),
    "withdraw": gettext_lazy("withdraw"),
    "annul": gettext_lazy("annul"),
}

# The youth's record fields a proposal holds, in the order they are filled in. The Union data
# (date joined, resolution, card, position, status) come with the approval.
PROPOSAL_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "id_number",
    "id_issued_on",
    "id_issued_place",
    "ethnicity",
    "religion",
    "home_town",
    "permanent_address",
    "phone",
    "email",
    "category",
    "federation_member",
    "occupation",
    "education_level",
    "professional_qualification",
    "political_theory_level",
    "it_level",
    "foreign_language_level",
)


def next_state(admission: AdmissionRequest, action: str) -> str:
    try:
        return TRANSITIONS[(admission.state, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s: it is “%(state)s”.")
            % {"action": ACTIONS[action], "state": admission.get_state_display()},
            code="illegal_transition",
        ) from None


# --- Who may do what --------------------------------------------------------------------------


# --- Reads ------------------------------------------------------------------------------------


def record_value(admission: AdmissionRequest, name: str) -> Any:
    """A field of the proposed record as a typed value (dates as dates)."""
    value = admission.record.get(name)
    if name in DATE_FIELDS and value:
        return parse_date(value)
    return value


# --- Writes -----------------------------------------------------------------------------------


def _plain(clean: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in clean.items()}


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _record(*, actor, admission: AdmissionRequest, action: str, summary: str, changes: dict):
    audit.record(
        actor=actor,
        action=f"admission.{action}",
        target=admission,
        unit_path=admission.branch.path,
        summary=summary,
        changes=changes,
    )


def _locked(admission: AdmissionRequest) -> AdmissionRequest:
    return (
        AdmissionRequest.objects.select_for_update(of=("self",))
        .select_related("branch", "member")
        .get(pk=admission.pk)
    )


def _open_proposal_message(*, actor, id_number: str, branch: Unit, name: str) -> str:
    """The refusal of an ID number on another open proposal: naming its branch only to those
    who see it (services/duplicates.py)."""
    other = (
        AdmissionRequest.objects.filter(id_number=id_number, state=A.PROPOSED)
        .select_related("branch")
        .first()
    )
    if other is None:  # gone meanwhile
        return duplicates.generic_message()
    return duplicates.id_number_taken(
        actor=actor,
        id_number=id_number,
        proposal=other,
        entered_unit=branch,
        name=name,
        source=DuplicateIdReport.Source.ADMISSION,
    )


@atomic
def admission_propose(
    *,
    actor,
    branch: Unit,
    data: dict[str, Any],
    introducer_name: str,
    introducer_is_member: bool,
    course_name: str,
    course_date,
    note: str = "",
    today: date | None = None,
) -> AdmissionRequest:
    """The branch proposes a youth. His record is checked by the member rules as if he were
    admitted today (the admission age of the branch's rules, members/rules.py), and his ID
    number must be on no member and no other open proposal in the country."""
    today = today or timezone.localdate()
    branch = Unit.objects.get(pk=branch.pk)
    errors: dict[str, str] = {}
    if not branch.is_branch:
        errors["branch"] = _("Members belong to a branch; choose a branch.")
    elif not branch.is_active:
        errors["branch"] = _("This branch is inactive.")
    given = {k: v for k, v in data.items() if k in PROPOSAL_FIELDS}
    try:
        clean = clean_member_data(
            {**given, "joined_union_on": today},
            today=today,
            branch=branch,
            actor=actor,
            source=DuplicateIdReport.Source.ADMISSION,
        )
    except ValidationError as e:
        clean = {}
        for name, messages in e.message_dict.items():
            # The admission date is today: an admission age out of the rule is the date of
            # birth's error (the message names the rule, the age and the date).
            errors["date_of_birth" if name == "joined_union_on" else name] = " ".join(messages)
    clean.pop("joined_union_on", None)
    id_number = clean.get("id_number", "")
    if (
        id_number
        and "id_number" not in errors
        and AdmissionRequest.objects.filter(id_number=id_number, state=A.PROPOSED).exists()
    ):
        errors["id_number"] = _open_proposal_message(
            actor=actor, id_number=id_number, branch=branch, name=clean.get("full_name", "")
        )
    introducer_name = " ".join((introducer_name or "").split())
    if not introducer_name:
        errors["introducer_name"] = _("Name the person who introduced the youth.")
    course_name = " ".join((course_name or "").split())
    if not course_name:
        errors["course_name"] = _("Name the course the youth attended.")
    try:
        course_on = parse_date(course_date)
    except ValueError:
        course_on = None
        errors["course_date"] = _("“%(value)s” is not a date in dd/mm/yyyy form.") % {
            "value": course_date
        }
    else:
        born = clean.get("date_of_birth")
        if course_on is None:
            errors["course_date"] = _("Give the date of the course.")
        elif course_on > today:
            errors["course_date"] = _("The course date cannot be in the future.")
        elif isinstance(born, date) and course_on <= born:
            errors["course_date"] = _("The course date must be after the date of birth.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            admission = AdmissionRequest.objects.create(
                branch=branch,
                full_name=clean["full_name"],
                date_of_birth=clean["date_of_birth"],
                id_number=id_number,
                record=_plain(clean),
                introducer_name=introducer_name[:120],
                introducer_is_member=bool(introducer_is_member),
                course_name=course_name[:200],
                course_date=course_on,
                note=(note or "").strip(),
                proposed_by=_actor(actor),
            )
    except IntegrityError:  # the same person proposed at the same moment elsewhere
        message = _open_proposal_message(
            actor=actor, id_number=id_number, branch=branch, name=clean.get("full_name", "")
        )
        raise ValidationError({"id_number": message}) from None
    _record(
        actor=actor,
        admission=admission,
        action="proposed",
        summary=_("Admission of %(name)s proposed") % {"name": admission.full_name},
        changes={
            "state": [None, admission.state],
            "id_number": [None, mask_id_number(id_number)],
        },
    )
    return admission


@atomic
def admission_approve(
    *,
    actor,
    admission: AdmissionRequest,
    resolution_no: str,
    resolution_date,
    card_number: str | None = None,
    assign_card: bool = True,
    today: date | None = None,
) -> AdmissionRequest:
    """The level above approves: the member record is created in the branch, admitted on the
    resolution date, with the resolution number; his card number is typed by hand
    (`card_number`), taken from the ranges (`assign_card`), or left for later."""
    today = today or timezone.localdate()
    admission = _locked(admission)
    new_state = next_state(admission, "approve")
    errors: dict[str, str] = {}
    resolution_no = " ".join((resolution_no or "").split())
    if not resolution_no:
        errors["resolution_no"] = _("Give the number of the admission resolution.")
    elif len(resolution_no) > 40:
        errors["resolution_no"] = _("The resolution number has at most 40 characters.")
    try:
        resolved_on = parse_date(resolution_date)
    except ValueError:
        resolved_on = None
        errors["resolution_date"] = _("“%(value)s” is not a date in dd/mm/yyyy form.") % {
            "value": resolution_date
        }
    else:
        if resolved_on is None:
            errors["resolution_date"] = _("Give the date of the admission resolution.")
        elif resolved_on > today:
            errors["resolution_date"] = _("The resolution date cannot be in the future.")
        elif resolved_on < admission.course_date:
            errors["resolution_date"] = _(
                "The resolution date cannot be before the course (%(date)s)."
            ) % {"date": admission.course_date.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)
    data = {
        **admission.record,
        "joined_union_on": resolved_on,
        "admission_resolution_no": resolution_no,
    }
    try:
        member = member_create(
            actor=actor,
            branch=admission.branch,
            data=data,
            today=today,
            source=DuplicateIdReport.Source.ADMISSION,
        )
    except ValidationError as e:
        if not hasattr(e, "error_dict"):
            raise
        raise ValidationError(
            {
                ("resolution_date" if name == "joined_union_on" else name): " ".join(messages)
                for name, messages in e.message_dict.items()
            }
        ) from None
    if card_number not in (None, "") or assign_card:
        cards.card_assign(actor=actor, member=member, number=card_number or None)
        member.refresh_from_db()
    movement_record(
        member=member,
        kind=Movement.Kind.ADMITTED,
        on=resolved_on,
        branch=admission.branch,
        reason=resolution_no,
    )
    admission.state = new_state
    admission.member = member
    admission.resolution_no = resolution_no
    admission.resolution_date = resolved_on
    admission.decided_by = _actor(actor)
    admission.decided_at = timezone.now()
    admission.save()
    summary = _("Admitted by resolution %(number)s of %(date)s") % {
        "number": resolution_no,
        "date": resolved_on.strftime("%d/%m/%Y"),
    }
    _record(
        actor=actor,
        admission=admission,
        action="approved",
        summary=summary,
        changes={
            "state": [A.PROPOSED, new_state],
            "resolution_no": [None, resolution_no],
            "resolution_date": [None, resolved_on.isoformat()],
            "member": [None, f"{member.member_code} · {member.card_number or '—'}"],
        },
    )
    audit.record(
        actor=actor,
        action="member.admitted",
        target=member,
        unit_path=member.unit_path,
        summary=summary,
        changes={"admission_resolution_no": [None, resolution_no]},
    )
    _tell_branch(admission, actor)
    return admission


def _tell_branch(admission: AdmissionRequest, actor) -> None:
    """The proposing branch's committee learns the decision."""
    title = (
        _("The admission of %(name)s is approved.")
        if admission.state == A.APPROVED
        else _("The admission of %(name)s is rejected.")
    ) % {"name": admission.full_name}
    notify(
        users=cadres_of(admission.branch_id),
        kind=Kind.ADMISSION_DECIDED,
        title=title,
        url=reverse("members:admission-detail", kwargs={"admission_id": admission.pk}),
        exclude=actor,
    )


@atomic
def admission_reject(*, actor, admission: AdmissionRequest, reason: str) -> AdmissionRequest:
    """The level above refuses, with a reason."""
    admission = _locked(admission)
    new_state = next_state(admission, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the proposal.")})
    admission.state = new_state
    admission.decided_by = _actor(actor)
    admission.decided_at = timezone.now()
    admission.decision_note = reason
    admission.save()
    _record(
        actor=actor,
        admission=admission,
        action="rejected",
        summary=reason,
        changes={"state": [A.PROPOSED, new_state]},
    )
    _tell_branch(admission, actor)
    return admission


@atomic
def admission_withdraw(*, actor, admission: AdmissionRequest, note: str = "") -> AdmissionRequest:
    """The proposing side takes its open proposal back."""
    admission = _locked(admission)
    new_state = next_state(admission, "withdraw")
    admission.state = new_state
    admission.decided_by = _actor(actor)
    admission.decided_at = timezone.now()
    admission.decision_note = (note or "").strip()
    admission.save()
    _record(
        actor=actor,
        admission=admission,
        action="withdrawn",
        summary=admission.decision_note or _("Proposal withdrawn"),
        changes={"state": [A.PROPOSED, new_state]},
    )
    return admission


@atomic
def admission_annul(
    *, actor, admission: AdmissionRequest, reason: str, today: date | None = None
) -> AdmissionRequest:
    """Correct an approval made in error: the admission is annulled and the member taken off
    the roll today (a removal: status, span, counts, roll-ups and the movement ledger follow).
    His record and card number stay, so the number is never given again."""
    admission = _locked(admission)
    new_state = next_state(admission, "annul")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for annulling the admission.")})
    member = admission.member
    status_before = member.status if member is not None else None
    if member is not None and member.status == Status.ACTIVE:
        today = today or timezone.localdate()
        member_remove(
            actor=actor,
            member=member,
            on=today,
            reason=_("Admission annulled: %(reason)s") % {"reason": reason},
            today=today,
        )
    admission.state = new_state
    admission.annulled_by = _actor(actor)
    admission.annulled_at = timezone.now()
    admission.annul_reason = reason
    admission.save()
    _record(
        actor=actor,
        admission=admission,
        action="annulled",
        summary=reason,
        changes={"state": [A.APPROVED, new_state]},
    )
    if member is not None:
        member = Member.objects.get(pk=member.pk)
        audit.record(
            actor=actor,
            action="member.admission_annulled",
            target=member,
            unit_path=member.unit_path,
            summary=reason,
            changes={"status": [status_before, member.status]},
        )
    return admission

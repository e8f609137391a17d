"""Approving an admission creates a member, annulling it takes him off the roll: both change
who is counted in the training roll-ups."""

from contextlib import nullcontext
from datetime import date

from doanvien.core.transactions import atomic
from doanvien.members.models import AdmissionRequest
from doanvien.members.services import admissions

from .members import members_added, rollups_follow


@atomic
def admission_annul(
    *, actor, admission: AdmissionRequest, reason: str, today: date | None = None
) -> AdmissionRequest:
    follows = rollups_follow(admission.member) if admission.member_id else nullcontext()
    with follows:
        return admissions.admission_annul(
            actor=actor, admission=admission, reason=reason, today=today
        )


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
    """admissions.admission_approve; the new member counts in the years his span covers."""
    admission = admissions.admission_approve(
        actor=actor,
        admission=admission,
        resolution_no=resolution_no,
        resolution_date=resolution_date,
        card_number=card_number,
        assign_card=assign_card,
        today=today,
    )
    member = admission.member
    members_added([member.branch_id], since=member.memberships.get().started_on)
    return admission

"""Approving an admission creates a member, annulling it takes him off the roll: both change
who is counted in the training roll-ups. A proposal naming a youth of the "1+1" programme is
linked to his referral, and its approval marks the referral admitted (youth.services)."""

from contextlib import nullcontext
from datetime import date

from doanvien.core.transactions import atomic
from doanvien.members.models import AdmissionRequest, Member
from doanvien.members.services import admissions
from doanvien.units.models import Unit
from doanvien.youth import services as youth_services
from doanvien.youth.models import Youth

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
    youth_services.referrals_admitted(actor=actor, admission=admission)
    return admission


@atomic
def admission_propose(
    *,
    actor,
    branch: Unit,
    data: dict,
    introducer_name: str,
    introducer_is_member: bool,
    course_name: str,
    course_date,
    note: str = "",
    youth: Youth | None = None,
    introducer: Member | None = None,
    today: date | None = None,
) -> AdmissionRequest:
    """admissions.admission_propose; a proposal naming a youth of the "1+1" programme takes his
    record's fields (those not given), names the member who introduced him, and is linked to
    his referral (which moves to "proposed" if it was taking part)."""
    referral = None
    if youth is not None:
        referral = youth_services.referral_for_admission(youth=youth, introducer=introducer)
        record = {
            "full_name": youth.full_name,
            "date_of_birth": youth.date_of_birth,
            "sex": youth.sex,
            "phone": youth.phone,
            "federation_member": bool(youth.federation_joined_on),
        }
        given = {k: v for k, v in data.items() if v not in (None, "")}
        data = {**{k: v for k, v in record.items() if v not in (None, "")}, **given}
        introducer = introducer or referral.member
    if introducer is not None:
        introducer_name, introducer_is_member = introducer.full_name, True
    admission = admissions.admission_propose(
        actor=actor,
        branch=branch,
        data=data,
        introducer_name=introducer_name,
        introducer_is_member=introducer_is_member,
        course_name=course_name,
        course_date=course_date,
        note=note,
        today=today,
    )
    if referral is not None:
        youth_services.referral_proposed(actor=actor, referral=referral, admission=admission)
    return admission

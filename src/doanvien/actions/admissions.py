"""Annulling an admission takes the member off the roll, which changes what his registrations
count in the training roll-ups. (Approving one creates a member who has no registration yet: it
stays members.services.admissions.admission_approve.)"""

from contextlib import nullcontext
from datetime import date

from django.db import transaction

from doanvien.members.models import AdmissionRequest
from doanvien.members.services import admissions

from .members import rollups_follow_status


@transaction.atomic
def admission_annul(
    *, actor, admission: AdmissionRequest, reason: str, today: date | None = None
) -> AdmissionRequest:
    follows = rollups_follow_status(admission.member) if admission.member_id else nullcontext()
    with follows:
        return admissions.admission_annul(
            actor=actor, admission=admission, reason=reason, today=today
        )

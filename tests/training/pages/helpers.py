"""Helpers shared by the page tests of the training programme."""

from datetime import date

from django.urls import reverse

from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_save,
    registration_submit,
)

from ..conftest import YEAR, complete_items

AREAS = {"1": "18", "2": "18", "3": "17", "4": "19", "5": "18"}


def as_dmy(value: str) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y")


def form_data(items, action="save") -> dict:
    """What the registration form posts for these items."""
    data = {"action": action, "criterion": [str(i["criterion"]) for i in items]}
    for i in items:
        data[f"plan-{i['criterion']}"] = i["plan"]
        data[f"target-{i['criterion']}"] = as_dmy(i["target_date"]) if i["target_date"] else ""
    return data


def page(member, year=YEAR) -> str:
    return reverse("training:member-training", args=[member.pk, year])


def submitted(member, actor=None):
    registration = registration_save(
        actor=actor, member=member, year=YEAR, items=complete_items(member)
    )
    return registration_submit(actor=actor, registration=registration)


def approved(member, actor=None):
    return registration_approve(actor=actor, registration=submitted(member, actor))


def assessed(member, actor=None, areas=None):
    return assessment_record(
        actor=actor, registration=approved(member, actor), areas=areas or AREAS, comment="Tốt"
    )

"""Helpers shared by the page tests of the training programme."""

from datetime import date

from django.urls import reverse

from doanvien.training import services

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
    return reverse("member-training", args=[member.pk, year])


def submitted(member, actor=None):
    registration = services.registration_save(
        actor=actor, member=member, year=YEAR, items=complete_items(member)
    )
    return services.registration_submit(actor=actor, registration=registration)


def approved(member, actor=None):
    return services.registration_approve(actor=actor, registration=submitted(member, actor))


def assessed(member, actor=None, areas=None):
    return services.assessment_record(
        actor=actor, registration=approved(member, actor), areas=areas or AREAS, comment="Tốt"
    )

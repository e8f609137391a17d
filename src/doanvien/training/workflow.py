"""The states of a registration and of a branch's results, with every allowed transition in one
place. An action not listed here is refused with a clear message, never ignored."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import BranchResult, Registration

R, B = Registration.State, BranchResult.State

REGISTRATION = {
    ("draft", "save"): R.DRAFT,
    ("returned", "save"): R.RETURNED,
    ("draft", "submit"): R.SUBMITTED,
    ("returned", "submit"): R.SUBMITTED,
    ("submitted", "approve"): R.APPROVED,
    ("submitted", "return"): R.RETURNED,
    ("approved", "return"): R.RETURNED,  # only while not assessed (checked by the service)
    ("approved", "self_assess"): R.APPROVED,
    ("approved", "assess"): R.APPROVED,
}

RESULTS = {
    ("open", "submit"): B.SUBMITTED,
    ("submitted", "recognise"): B.RECOGNISED,
    ("submitted", "return"): B.OPEN,
    ("recognised", "reopen"): B.OPEN,
}

ACTIONS = {
    "save": gettext_lazy("change"),
    "submit": gettext_lazy("submit"),
    "approve": gettext_lazy("approve"),
    "return": gettext_lazy("return"),
    "self_assess": gettext_lazy("self-assess"),
    "assess": gettext_lazy("assess"),
    "recognise": gettext_lazy("recognise"),
    "reopen": gettext_lazy("reopen"),
}


def next_state(table: dict, obj, action: str) -> str:
    try:
        return table[(obj.state, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s: it is “%(state)s”.")
            % {"action": ACTIONS[action], "state": obj.get_state_display()},
            code="illegal_transition",
        ) from None

"""The states of a remittance, with every allowed move in one place (like training/workflow.py):
a unit sends; the unit above confirms it received the money, or says it did not."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Remittance

S = Remittance.State

REMITTANCE = {
    ("sent", "confirm"): S.CONFIRMED,
    ("sent", "reject"): S.REJECTED,
}

ACTIONS = {"confirm": gettext_lazy("confirm"), "reject": gettext_lazy("mark as not received")}


def next_state(remittance: Remittance, action: str) -> str:
    try:
        return REMITTANCE[(remittance.state, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s: it is “%(state)s”.")
            % {"action": ACTIONS[action], "state": remittance.get_state_display()},
            code="illegal_transition",
        ) from None

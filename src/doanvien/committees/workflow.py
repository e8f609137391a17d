"""A committee's states and every allowed move, in one table (as the national software's
approval queue: waiting, approved, not approved with a reason). A branch's committee is in
office once recorded; a committee of a base union or above waits for the unit above."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Committee

S = Committee.State

MOVES = {
    ("submitted", "approve"): S.APPROVED,
    ("submitted", "reject"): S.REJECTED,
    ("rejected", "resubmit"): S.SUBMITTED,
    ("approved", "end"): S.ENDED,
}

ACTIONS = {
    "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"),
    "resubmit": gettext_lazy("submit again"),
    "end": gettext_lazy("end"),
}


def next_state(committee: Committee, action: str) -> str:
    try:
        return MOVES[(committee.state, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s this committee: it is “%(state)s”.")
            % {"action": ACTIONS[action], "state": committee.get_state_display()},
            code="illegal_transition",
        ) from None

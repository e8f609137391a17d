"""The states of a unit's statistics return, with every allowed move in one place (the
training programme's shape, training/workflow.py). A move not listed is refused with a clear
message (409 in the API), never ignored.

union-rules §9: the unit fills its typed cells and reports; the unit above sees who has
reported and accepts or returns a return with a comment; a returned return is corrected and
submitted again. "Not started" is a return without a row (None)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Return

R = Return.State

MOVES = {
    (None, "save"): R.DRAFT,
    ("draft", "save"): R.DRAFT,
    ("returned", "save"): R.RETURNED,
    (None, "submit"): R.SUBMITTED,
    ("draft", "submit"): R.SUBMITTED,
    ("returned", "submit"): R.SUBMITTED,
    ("submitted", "accept"): R.ACCEPTED,
    ("submitted", "return"): R.RETURNED,
    ("accepted", "return"): R.RETURNED,
    # The period's status reset day (services.campaigns_reset): a return submitted before it
    # is a draft again, its typed cells kept.
    ("submitted", "reset"): R.DRAFT,
    ("accepted", "reset"): R.DRAFT,
}

ACTIONS = {
    "save": gettext_lazy("save"),
    "submit": gettext_lazy("submit"),
    "accept": gettext_lazy("accept"),
    "return": gettext_lazy("return"),
    "reset": gettext_lazy("reset"),
}

STATES = {None: gettext_lazy("Not started"), **dict(Return.State.choices)}


def next_state(state: str | None, action: str) -> str:
    try:
        return MOVES[(state or None, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s: the return is “%(state)s”.")
            % {"action": ACTIONS[action], "state": STATES[state or None]},
            code="illegal_transition",
        ) from None


def allowed(state: str | None, action: str) -> bool:
    return (state or None, action) in MOVES

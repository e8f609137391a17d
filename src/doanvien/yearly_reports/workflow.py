"""The states of a unit's yearly report, with every allowed move in one place (the shape of
returns/workflow.py). A move not listed is refused with a clear message (409 in the API).

A report is a draft while its cadres write it; submitted, it goes to the level above, which
reads it and may pull its good models into its own. Reopened (by its own cadres or the level
above), it is a draft again. "Not started" is a report without a row (None)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import YearlyReport

S = YearlyReport.State

MOVES = {
    (None, "save"): S.DRAFT,
    ("draft", "save"): S.DRAFT,
    (None, "submit"): S.SUBMITTED,
    ("draft", "submit"): S.SUBMITTED,
    ("submitted", "reopen"): S.DRAFT,
}

ACTIONS = {
    "save": gettext_lazy("save"),
    "submit": gettext_lazy("submit"),
    "reopen": gettext_lazy("reopen"),
}

STATES = {None: gettext_lazy("Not started"), **dict(YearlyReport.State.choices)}


def next_state(state: str | None, action: str) -> str:
    try:
        return MOVES[(state or None, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s: the report is “%(state)s”.")
            % {"action": ACTIONS[action], "state": STATES[state or None]},
            code="illegal_transition",
        ) from None


def allowed(state: str | None, action: str) -> bool:
    return (state or None, action) in MOVES

"""The states of a unit's evaluation, with every allowed move in one place (the training
programme's shape, training/workflow.py). A move not listed here is refused with a clear
message (409 in the API), never ignored.

Seed 001 and union-rules §1: register → self-score → file the dossier (submit) → the upper level
scores, returns or recognises; a unit above the recognising one may reopen, with a reason."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Evaluation

E = Evaluation.State

MOVES = {
    ("registered", "self_assess"): E.REGISTERED,
    ("returned", "self_assess"): E.RETURNED,
    ("registered", "add_evidence"): E.REGISTERED,
    ("returned", "add_evidence"): E.RETURNED,
    ("registered", "submit"): E.SUBMITTED,
    ("returned", "submit"): E.SUBMITTED,
    ("submitted", "assess"): E.SUBMITTED,
    ("submitted", "return"): E.RETURNED,
    ("submitted", "recognise"): E.RECOGNISED,
    ("recognised", "reopen"): E.RETURNED,
}

ACTIONS = {
    "register": gettext_lazy("register"),
    "self_assess": gettext_lazy("self-assess"),
    "add_evidence": gettext_lazy("add evidence"),
    "submit": gettext_lazy("submit"),
    "assess": gettext_lazy("score"),
    "return": gettext_lazy("return"),
    "recognise": gettext_lazy("recognise"),
    "reopen": gettext_lazy("reopen"),
}


def next_state(evaluation: Evaluation, action: str) -> str:
    try:
        return MOVES[(evaluation.state, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s: the evaluation is “%(state)s”.")
            % {"action": ACTIONS[action], "state": evaluation.get_state_display()},
            code="illegal_transition",
        ) from None


def allowed(evaluation: Evaluation | None, action: str) -> bool:
    if evaluation is None:
        return action == "register"
    return (evaluation.state, action) in MOVES

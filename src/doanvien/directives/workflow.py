"""The states of a directive, with every allowed move in one place (training/workflow.py's
shape). A draft is edited, deleted or published; nothing is sent while it is one. A published
directive is never edited: no move edits it. It is read and replied to while published, then
withdrawn (with a reason) or superseded by a new directive that names it. A move not listed
here is refused with a clear message (409 in the API), never ignored."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Directive, State

MOVES = {
    ("draft", "edit"): State.DRAFT,
    ("draft", "publish"): State.PUBLISHED,
    # A deleted draft leaves no row: its state stays what it was until the row goes.
    ("draft", "delete"): State.DRAFT,
    ("published", "read"): State.PUBLISHED,
    ("published", "reply"): State.PUBLISHED,
    ("published", "remind"): State.PUBLISHED,
    ("published", "withdraw"): State.WITHDRAWN,
    ("published", "supersede"): State.SUPERSEDED,
}

ACTIONS = {
    "publish": gettext_lazy("publish"),
    "delete": gettext_lazy("delete"),
    "read": gettext_lazy("record as read"),
    "reply": gettext_lazy("reply to"),
    "remind": gettext_lazy("send a reminder about"),
    "withdraw": gettext_lazy("withdraw"),
    "supersede": gettext_lazy("supersede"),
    "edit": gettext_lazy("change"),
}


def next_state(directive: Directive, action: str) -> str:
    try:
        return MOVES[(directive.state, action)]
    except KeyError:
        raise ValidationError(
            _("Cannot %(action)s this directive: it is “%(state)s”.")
            % {"action": ACTIONS[action], "state": directive.get_state_display()},
            code="illegal_transition",
        ) from None


def allowed(directive: Directive, action: str) -> bool:
    return (directive.state, action) in MOVES

"""Reads of the directives app for pages and the API. The receipts of a directive are counted
per state by one aggregate statement and paged by keyset on (unit path, id): a province's
directive to its whole subtree has tens of thousands of them."""

from datetime import date

from django.db.models import Count, QuerySet

from . import rules
from .access import drafts_q
from .models import Directive, Receipt, ReceiptState, State


def _state_q(directive: Directive, state: str, today: date):
    return rules.state_q(
        state, due_on=directive.due_on, reply_required=directive.reply_required, today=today
    )


def receipt_counts(directive: Directive, today: date) -> dict[str, int]:
    """The directive's receipts per state, and `total`."""
    counts = Receipt.objects.filter(directive=directive).aggregate(
        total=Count("pk"),
        **{s: Count("pk", filter=_state_q(directive, s, today)) for s in ReceiptState.values},
    )
    return counts


def receipts(directive: Directive, today: date, state: str = "") -> QuerySet[Receipt]:
    """The directive's receipts (in one state when given), with their units."""
    rows = Receipt.objects.filter(directive=directive).select_related("unit", "read_by")
    if state in ReceiptState.values:
        rows = rows.filter(_state_q(directive, state, today))
    return rows


def state_of(receipt: Receipt, directive: Directive, today: date) -> str:
    return rules.receipt_state(
        read_at=receipt.read_at,
        replied_at=receipt.replied_at,
        due_on=directive.due_on,
        reply_required=directive.reply_required,
        today=today,
    )


def sent_by(unit_id: int) -> QuerySet[Directive]:
    """The directives the unit published (drafts are not sent)."""
    return Directive.objects.filter(unit_id=unit_id).exclude(state=State.DRAFT).order_by("-id")


def drafts_of(user, unit_id: int) -> QuerySet[Directive]:
    """The unit's drafts the user may see (access.drafts_q), newest first."""
    return Directive.objects.filter(drafts_q(user), unit_id=unit_id).order_by("-id")


def received_by(unit_ids, *, unread: bool = False) -> QuerySet[Receipt]:
    """The receipts of the units (what they received), newest first; `unread`: the published
    directives not opened yet."""
    rows = Receipt.objects.filter(unit_id__in=list(unit_ids)).select_related(
        "directive", "directive__unit", "unit"
    )
    if unread:
        rows = rows.filter(read_at__isnull=True, directive__state=State.PUBLISHED)
    return rows.order_by("-id")

"""The rules of a return's figures as functions of their inputs: what a typed cell accepts,
whether a form adds up (its checks are data on the form), and lateness."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A typed figure is a count (or an amount in đồng): a whole number, at most this.
MAX_FIGURE = 10**12


def parse_figure(value) -> int | None:
    """A typed cell's value: a whole number of 0 or more; None or "" clears the cell. Text or a
    negative number is refused with the cell's message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number of 0 or more."), code="not_a_number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if text.lstrip("-").isdigit() and text.isascii():
            value = int(text)
        else:
            raise ValidationError(_("Enter a whole number of 0 or more."), code="not_a_number")
    if not isinstance(value, int):
        raise ValidationError(_("Enter a whole number of 0 or more."), code="not_a_number")
    if value < 0:
        raise ValidationError(_("A figure cannot be negative."), code="negative")
    if value > MAX_FIGURE:
        raise ValidationError(_("This figure is too large."), code="too_large")
    return value


def failed_checks(checks: list[dict], values: dict[str, int | None]) -> list[dict]:
    """The checks of a form its values fail: a total that is not the sum of its parts (an
    empty cell counts 0; a check whose cells are all empty is not failed)."""
    failed = []
    for check in checks:
        cells = [check["total"], *check["parts"]]
        if all(values.get(key) is None for key in cells):
            continue
        parts = sum(values.get(key) or 0 for key in check["parts"])
        total = values.get(check["total"]) or 0
        if parts != total:
            failed.append({"total": check["total"], "expected": parts, "found": total})
    return failed


def is_late(due_on: date, on: date) -> bool:
    return on > due_on

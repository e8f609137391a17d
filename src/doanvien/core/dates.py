"""Dates as people type them: dd/mm/yyyy, as Vietnamese forms and files write them."""

from datetime import date, datetime
from typing import Any

# The forms of a typed date, tried in order.
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")


def parse_date(value: Any) -> date | None:
    """A date from a date, a datetime or text in dd/mm/yyyy (or ISO yyyy-mm-dd)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)

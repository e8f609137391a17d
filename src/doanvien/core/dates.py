"""Dates as people type them: dd/mm/yyyy, as Vietnamese forms and files write them, and as a
phone's number pad lets them be typed (24.05.2027, 24052027)."""

from datetime import date, datetime
from typing import Any

# The forms of a typed date, tried in order.
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
# Eight digits without separators: day, month, year (never year first).
COMPACT = "%d%m%Y"
# What a form's date field takes (settings.DATE_INPUT_FORMATS and the formats of each language).
INPUT_FORMATS = [*DATE_FORMATS, COMPACT]


def parse_date(value: Any) -> date | None:
    """A date from a date, a datetime or text in dd/mm/yyyy (or ISO yyyy-mm-dd)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    formats = (COMPACT,) if len(text) == 8 and text.isdigit() else DATE_FORMATS
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)

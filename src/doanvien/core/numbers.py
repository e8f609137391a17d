"""Numbers as reports show them (issue 15): grouped by thousands in the interface's language,
Vietnamese 1.355 and 70,26 %, English 1,355 and 70.26%.

Django's own localisation does not group: USE_THOUSAND_SEPARATOR stays off, or every year would
print as 2.027. So counts and shares go through these (the template filters count, number and
percent in core/templatetags/doanvien.py, and the report charts); years, codes and ids do not."""

from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language


def as_number(value) -> int | float | Decimal | None:
    """The value as a number, or None when it is not one (a dash, an empty cell, a word)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def grouped(value, decimals: int | None = None) -> str:
    """1.355 / 1,355; with `decimals`, that many decimals (1.234,50); None keeps the value's."""
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def percent(value, decimals: int = 2) -> str:
    """70,26 % in Vietnamese (a non-breaking space before the sign, as Vietnamese writes it),
    70.26% in English."""
    sign = "\u00a0%" if (get_language() or "").startswith("vi") else "%"
    return grouped(value, decimals) + sign

"""The editable parts of the yearly report (seed 002's sections) and the limits of its text.

Each key names one section's prose: the cadres write it on the page (or PUT it through the
API); the figures around it are filled from the data when the report is shown. A content area's
key is "area_<code>" for each area of the framework that applies to the unit in the year."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from doanvien.core.text import normalize, strip_invisible, text_fault
from doanvien.core.years import is_valid_year

# The sections whose prose is written by hand, in the document's order (the content areas' keys
# come between "deployment" and "process").
BEFORE_AREAS = ("opening", "deployment")
AFTER_AREAS = ("process", "classification", "good_models", "difficulties", "directions")
AREA_PREFIX = "area_"
# The longest text of one section (several paragraphs): a page or two of the document.
PARAGRAPH_MAX = 5000
# The other fields of the report's header and signature block.
FIELD_MAX = {"number": 60, "place": 60, "signer_role": 60, "signer_name": 120}
# A good model's fields.
TITLE_MAX = 200
TEXT_MAX = 4000


def area_key(code: str) -> str:
    return f"{AREA_PREFIX}{code}"


def paragraph_keys(area_codes: list[str]) -> list[str]:
    """Every editable key of a report whose framework has these content areas, in order."""
    return [*BEFORE_AREAS, *(area_key(c) for c in area_codes), *AFTER_AREAS]


def clean_year(year) -> int:
    """A report's or a good model's year, or a refusal naming `year`."""
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not is_valid_year(value):
        # FIRST_YEAR and LAST_YEAR, in words the catalogue already has.
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    return value


_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_multiline(text: str) -> str:
    """Text of several paragraphs as kept: NFC, no invisible character, lines ending with
    "\\n" and trimmed at their ends, at most one empty line in a row, none at either end."""
    text = unicodedata.normalize("NFC", strip_invisible(text.replace("\r\n", "\n")))
    lines = [line.strip(" \t") for line in text.replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def clean_text(value, *, limit: int, multiline: bool = True) -> tuple[str, str | None]:
    """The text as it will be kept (invisible characters out, lines' ends trimmed) and what is
    wrong with it (None when nothing is)."""
    text = "" if value is None else str(value)
    text = normalize_multiline(text) if multiline else normalize(text)
    if fault := text_fault(text):
        return text, capfirst(fault)
    if len(text) > limit:
        return text, _(
            "This text is too long: at most %(limit)s characters (it has %(length)s)."
        ) % {
            "limit": number_format(limit, force_grouping=True),
            "length": number_format(len(text), force_grouping=True),
        }
    return text, None


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a section's text: one per line, empty lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]

"""Vietnamese text helpers: the one rule for text that people give (forms, API and imports
alike), and folding for search and sorting."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")

# Invisible characters that text pasted from a web page or a document often carries, and that
# mean nothing in Vietnamese: zero-width space, non-joiner and joiner, word joiner, byte-order
# mark, soft hyphen. They are taken out of every text (normalize(), an import's cells), so two
# names that look the same are the same.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# What text may not hold (text_fault): the control characters but the tab and the line breaks
# (NUL among them: PostgreSQL refuses it), the other format characters (the bidirectional
# marks, embeddings, overrides and isolates that make text display in another order than it
# is stored, and the like) and lone surrogates.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

# Anything normalize() would change in the spacing: two blanks in a row, a blank other than a
# space, a space at either end, an invisible character.
_UNTIDY = re.compile(f"[{INVISIBLE}]|\\s\\s|[^\\S ]|^ | $")


def forbidden_character(text: str) -> str | None:
    """The first character of `text` that no text may hold, or None. Printable text (nearly
    all of it) is answered by one check in C."""
    if text.isprintable():
        return None
    for ch in text:
        if (
            unicodedata.category(ch) in _REFUSED_CATEGORIES
            and ch not in _ALLOWED_CONTROLS
            and ch not in INVISIBLE
        ):
            return ch
    return None


def character_name(ch: str) -> str:
    """A character as a person can look it up: U+202E, with its Unicode name when it has one."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".strip()


def text_fault(text: str) -> str | None:
    """Why `text` cannot be kept (a sentence in the active language), or None when it can."""
    ch = forbidden_character(text)
    if ch is None:
        return None
    return _(
        "contains a control or invisible character (%(character)s) that text may not hold: "
        "type it again without it."
    ) % {"character": character_name(ch)}


def validate_text(value) -> None:
    """The text rule as a validator (forms): a ValidationError naming the character."""
    if isinstance(value, str) and (fault := text_fault(value)):
        raise ValidationError(capfirst(fault), code="forbidden_character")


def strip_invisible(text: str) -> str:
    """`text` without the invisible characters (INVISIBLE)."""
    return _INVISIBLE_RE.sub("", text) if _INVISIBLE_RE.search(text) else text


def is_spaced_tidily(text: str) -> bool:
    """Whether `text` has no blank but single spaces between words, and no invisible character:
    four checks in C, where a search would look at each character in Python's regex engine.
    Every blank but the space, and every invisible (format) character, is unprintable."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def normalize(text: str) -> str:
    """NFC form with single spaces, no leading or trailing blanks and no invisible characters
    (how names are stored)."""
    text = text or ""
    tidy = is_spaced_tidily(text)
    if not tidy:  # tidy text is printable: it has no invisible character
        text = strip_invisible(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # Most text is tidy already (an import's cells are): checked before it is rewritten.
    if tidy or not _UNTIDY.search(text):
        return text
    return _SPACES.sub(" ", text).strip()


def _fold_slowly(text: str) -> str:
    text = unicodedata.normalize("NFD", normalize(text).lower()).replace("đ", "d")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


# Every Latin letter with diacritics (Latin-1 to Latin Extended Additional, where Vietnamese
# lives) mapped to its folded form once, and the combining marks to nothing: fold() is then a
# str.translate, which matters when an import folds a hundred thousand names.
_FOLDED = {
    code: _fold_slowly(chr(code)) or None
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]
    if _fold_slowly(chr(code)) != chr(code)
}
_FOLDED.update(dict.fromkeys(range(0x0300, 0x0370)))


def fold(text: str) -> str:
    """Lower case, no diacritics, 'đ' → 'd': "Nguyễn Văn Đức" → "nguyen van duc"."""
    folded = normalize(text).lower().translate(_FOLDED)
    return folded if folded.isascii() else _fold_slowly(text)


def sort_key_of_folded(folded: str) -> str:
    """given_name_key() of a name already folded."""
    words = folded.split(" ")
    return " ".join([words[-1], *words[:-1]]) if words else ""


def given_name_key(full_name: str) -> str:
    """Sort key that puts the given name (the last word) first, as Vietnamese lists are sorted."""
    return sort_key_of_folded(fold(full_name))

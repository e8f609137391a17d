"""Vietnamese text helpers: folding for search and sorting."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


# Anything normalize() would change in the spacing: two blanks in a row, a blank other than a
# space, a space at either end.
_UNTIDY = re.compile(r"\s\s|[^\S ]|^ | $")


def is_spaced_tidily(text: str) -> bool:
    """Whether `text` has no blank but single spaces between words, and no invisible character:
    four checks in C, where a search would look at each character in Python's regex engine.
    Every blank but the space, and every invisible (format) character, is unprintable."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def normalize(text: str) -> str:
    """NFC form with single spaces and no leading or trailing blanks (how names are stored)."""
    text = text or ""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # Most text is tidy already (an import's cells are): checked before it is rewritten.
    if is_spaced_tidily(text) or not _UNTIDY.search(text):
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

"""Vietnamese text helpers: folding for search and sorting."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFC form with single spaces and no leading or trailing blanks (how names are stored)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str) -> str:
    """Lower case, no diacritics, 'đ' → 'd': "Nguyễn Văn Đức" → "nguyen van duc"."""
    text = unicodedata.normalize("NFD", normalize(text).lower()).replace("đ", "d")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def given_name_key(full_name: str) -> str:
    """Sort key that puts the given name (the last word) first, as Vietnamese lists are sorted."""
    words = fold(full_name).split(" ")
    return " ".join([words[-1], *words[:-1]]) if words else ""

"""Reading a member list: the member columns of a file (members/columns.py) read into values
ready for the member rules (`validation.clean_member_data`): text in NFC with single spaces,
dates as dates, choices as their codes, ID numbers and phones that Excel turned into numbers
(and so lost their leading zeros) put back as they were typed. What cannot be read is reported
per cell, in the user's language.

`open_member_sheet(path)` opens a file (core.spreadsheets.reading does the reading); its
`prepared()` rows are what the member import checks.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from doanvien.core.spreadsheets.reading import (
    BLANK,
    HeaderSheet,
    cell_bool,
    cell_date,
    cell_text,
    column_key,
    multiline_text,
    open_sheet,
    tidy,
)
from doanvien.core.text import text_fault

from .audiences import audience_named
from .columns import COLUMNS, SPECS, field_label
from .validation import CHOICE_FIELDS

# A number Excel shows rounded, in scientific notation: its last digits are lost.
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def _digits_of_number(value: Any, text: str) -> str | None:
    """The digits of a number cell, or of text made only of digits (a CSV saved by Excel);
    `text` is cell_text(value)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else None
    if isinstance(value, str):
        return text if text.isdigit() else None
    return None


def restore_id_number(value: Any, text: str | None = None) -> tuple[str, bool]:
    """The ID number as text, and whether leading zeros were put back.

    A citizen ID (CCCD) has 12 digits and starts with a province code 001–096, so one that
    became a number has 10 or 11 digits left: it is padded back to 12. An old ID card (CMND)
    has 9 digits; some start with 0, which leaves 8. Shorter numbers are left as they are (and
    fail the member rules). `text`: cell_text(value), when it is known."""
    text = cell_text(value) if text is None else text
    digits = _digits_of_number(value, text)
    if digits is not None and not digits.startswith("0"):
        if len(digits) in (10, 11):
            return digits.zfill(12), True
        if len(digits) == 8:
            return digits.zfill(9), True
        return digits, False
    if digits is not None:
        return digits, False  # digits of text have no blanks to take out
    return re.sub(r"\s", "", text), False


def restore_phone(value: Any, text: str | None = None) -> tuple[str, bool]:
    """Vietnamese phone numbers start with 0: a mobile number that became a number has 9 digits
    left, a landline (02x…) 10 digits starting with 2. `text`: cell_text(value), when known."""
    text = cell_text(value) if text is None else text
    digits = _digits_of_number(value, text)
    if digits is not None and (
        len(digits) == 9 and digits[0] != "0" or len(digits) == 10 and digits[0] == "2"
    ):
        return "0" + digits, True
    return text, False


@cache
def _choice_index() -> dict[str, dict[str, str]]:
    """Per choice field, folded code and labels (in every language of the site) → code."""
    index: dict[str, dict[str, str]] = {}
    for name, choices in CHOICE_FIELDS.items():
        keys: dict[str, str] = {}
        for code, label in choices.choices:
            keys[column_key(code)] = code
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    keys.setdefault(column_key(str(label)), code)
        index[name] = keys
    return index


# Wordings other software uses for the same choices, by a telling part of the folded text.
_CHOICE_HINTS = {
    "sex": (("nu", "female"), ("nam", "male")),
    "category": (("tam thoi", "temporary"), ("cu tru", "residence"), ("chinh", "main")),
    "position": (
        ("pho bi thu", "deputy"),
        ("bi thu", "secretary"),
        ("uy vien", "committee"),
        ("doan vien", "member"),
    ),
}


def _hinted(name: str, key: str) -> str | None:
    """The code other wordings of a choice give: the hints above; for the member's group, the
    group the text names (audiences.audience_named: "Học sinh", "GV", "Cán bộ Đoàn")."""
    if name == "audience":
        return audience_named(key) or None
    words = f" {key} "
    for part, hint in _CHOICE_HINTS.get(name, ()):
        if f" {part} " in words:
            return hint
    return None


@lru_cache(maxsize=4096, typed=True)
def cell_choice(name: str, value: Any) -> str:
    """The code of a choice from its code or its label in any language; other text is
    returned as it is, for the member rules to report."""
    text = cell_text(value)
    key = column_key(text)
    code = _choice_index()[name].get(key)
    if code is not None:
        return code
    return _hinted(name, key) or text


# --- the member sheet ------------------------------------------------------------------------


@dataclass
class PreparedRow:
    number: int  # as in the file, counted from 1
    values: list  # the raw cells
    data: dict[str, Any]  # field → value ready for the member rules; blank cells left out
    # (field, message) for cells that could not be read.
    problems: list[tuple[str, str]] = field(default_factory=list)
    # Fields whose leading zeros were put back.
    restored: list[str] = field(default_factory=list)


# Text cells read so far, as read: most columns repeat a few values (ethnicity, religion,
# branch, place of issue...), which are then tidied once. Kept up to this many per file.
_KEPT_TEXTS = 20_000


def _read_text(row: PreparedRow, name: str, raw: Any, read: dict[str, str]) -> None:
    if raw.__class__ is not str:
        row.data[name] = cell_text(raw)
    elif (text := read.get(raw)) is not None:
        row.data[name] = text
    else:
        row.data[name] = text = tidy(raw)
        if len(read) < _KEPT_TEXTS:
            read[raw] = text


def _read_multiline(row: PreparedRow, name: str, raw: Any, _read: dict[str, str]) -> None:
    row.data[name] = multiline_text(raw)


def _read_date(row: PreparedRow, name: str, raw: Any, _read: dict[str, str]) -> None:
    row.data[name] = raw if raw.__class__ is date else cell_date(raw)


def _read_choice(row: PreparedRow, name: str, raw: Any, _read: dict[str, str]) -> None:
    row.data[name] = cell_choice(name, raw)


def _read_bool(row: PreparedRow, name: str, raw: Any, _read: dict[str, str]) -> None:
    flag = cell_bool(raw)
    if flag is None:
        row.problems.append(
            (name, _("%(field)s: write “Có” (yes) or “Không” (no).") % {"field": field_label(name)})
        )
    else:
        row.data[name] = flag


def _read_number(row: PreparedRow, name: str, raw: Any, _read: dict[str, str]) -> None:
    """An ID, phone or card number: text of digits, with its leading zeros put back."""
    text = cell_text(raw)
    if raw.__class__ is str and _SCIENTIFIC.match(text):
        row.problems.append(
            (
                name,
                _(
                    "%(field)s: “%(value)s” was shown as a rounded number and has lost digits. "
                    "Format the column as Text and type the number again."
                )
                % {"field": field_label(name), "value": text},
            )
        )
        return
    if name == "id_number":
        value, restored = restore_id_number(raw, text)
    elif name == "phone":
        value, restored = restore_phone(raw, text)
    else:
        value, restored = re.sub(r"\s", "", text), False
    row.data[name] = value
    if restored:
        row.restored.append(name)


_Reader = Callable[[PreparedRow, str, Any, dict[str, str]], None]


# How the cells of each kind of column (ColumnSpec.kind) are read into a row.
_READERS: dict[str, _Reader] = {
    "text": _read_text,
    "multiline": _read_multiline,
    "date": _read_date,
    "choice": _read_choice,
    "bool": _read_bool,
    "number": _read_number,
}


@dataclass
class MemberSheet(HeaderSheet):
    """A member list: its rows come prepared for the member rules."""

    def prepared(self) -> Iterator[PreparedRow]:
        """Every non-empty row below the header, prepared."""
        for number, values in self.rows():
            yield self.prepare(number, values)

    @cached_property
    def _readers(self) -> list[tuple[int, str, _Reader]]:
        return [(c.index, c.field, _READERS[SPECS[c.field].kind]) for c in self.columns]

    @cached_property
    def _texts_read(self) -> dict[str, str]:
        return {}

    def prepare(self, number: int, values: list) -> PreparedRow:
        row = PreparedRow(number=number, values=values, data={})
        width = len(values)
        texts = self._texts_read
        for index, name, read in self._readers:
            raw = values[index] if index < width else None
            if raw is None or (isinstance(raw, str) and not raw.strip(BLANK)):
                continue
            if raw.__class__ is str and (fault := text_fault(raw)):
                row.problems.append(
                    (
                        name,
                        _("%(field)s: %(problem)s")
                        % {"field": field_label(name), "problem": fault},
                    )
                )
                continue
            read(row, name, raw, texts)
        return row


def open_member_sheet(path: str | Path) -> MemberSheet:
    """The first sheet of the file that has a header row naming member columns."""
    sheet = open_sheet(
        path, COLUMNS, examples=(SPECS["full_name"].header, SPECS["id_number"].header)
    )
    return MemberSheet(**vars(sheet))

"""Reading spreadsheets for an import: .xlsx, .xls, .ods (python-calamine) and .csv.

A file is read as it is typed in Excel: title rows above the header, merged cells, a header on
two rows, columns in any order and named with or without diacritics, dates as real dates or as
dd/mm/yyyy text, decomposed Unicode, stray spaces, formula cells (read as the value Excel saved
with them).

An import declares its columns (`ColumnSpec`: field, header, aliases, kind); `open_sheet(path,
columns)` opens a file and finds its header row, and the typed readers (`cell_text`,
`cell_date`, `cell_bool`) turn cells into values. A file that cannot be read at all raises
`SpreadsheetError` with one message, in the user's language. Every message is an English
source string; the headers of a column table are a file format, Vietnamese in the code.

A file is never opened by the reader in this process. Its format is told from its bytes and
what it declares is checked here (size, the sizes of a zip file's members, the used range of
each worksheet); then a child process checks what it really holds and reads it within a memory
and a time budget (parsing.py), and the rows come back from a spool file.
"""

import codecs
import re
import string
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.core.dates import parse_date
from doanvien.core.text import INVISIBLE, fold, is_spaced_tidily, normalize

from . import parsing

# Limits of one import (settings may override them; the names are the member import's, the
# first there was, and hold for every import).
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# The header row is looked for among the first rows (title rows come above it).
HEADER_SEARCH_ROWS = 30


# The columns a sheet may use: about twice the widest import's (the member list has 33). With
# the row limit this bounds what the reader allocates for a sheet (it keeps every cell of the
# used range, empty ones included: 64 × 200,030 cells are about 410 MB).
DEFAULT_MAX_COLUMNS = 64
# A zip member (a sheet's XML) may unpack to at most this many times its packed size: sheets
# pack 10 to 25 times; a zip bomb, hundreds of times.
MAX_UNPACK_RATIO = 100
# What reading one file may cost the child process that reads it (parsing.py): address space
# and CPU seconds. The largest file an import takes (200,000 rows × the 33 member columns)
# needs about 700 MB.
DEFAULT_PARSE_MEMORY_MB = 1024
DEFAULT_PARSE_CPU_SECONDS = 60


# An import whose rows are small may take more of them (the tree import: a national unit
# list), set for the time it reads its file with `rows_allowed`.
_ROWS_ALLOWED: ContextVar[int | None] = ContextVar("rows_allowed", default=None)


@contextmanager
def rows_allowed(limit: int) -> Iterator[None]:
    """Within this block, files of up to `limit` rows are read (instead of max_rows())."""
    token = _ROWS_ALLOWED.set(limit)
    try:
        yield
    finally:
        _ROWS_ALLOWED.reset(token)


def max_rows() -> int:
    allowed = _ROWS_ALLOWED.get()
    if allowed is not None:
        return allowed
    return int(getattr(settings, "MEMBER_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def max_bytes() -> int:
    return int(getattr(settings, "MEMBER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_columns() -> int:
    return int(getattr(settings, "IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS))


def max_unpacked() -> int:
    """The most a workbook may unpack to: a sheet's XML is 10 to 15 times its zipped size."""
    return 20 * max_bytes()


def parse_limits() -> parsing.Limits:
    """The limits a file is read within (settings may change the budgets)."""
    memory_mb = getattr(settings, "IMPORT_PARSE_MEMORY_MB", DEFAULT_PARSE_MEMORY_MB)
    cpu = getattr(settings, "IMPORT_PARSE_CPU_SECONDS", DEFAULT_PARSE_CPU_SECONDS)
    return parsing.Limits(
        rows=max_rows() + HEADER_SEARCH_ROWS,
        columns=max_columns(),
        unpacked=max_unpacked(),
        ratio=MAX_UNPACK_RATIO,
        csv_field=max_bytes(),
        memory=int(memory_mb) * 1024 * 1024,
        cpu=int(cpu),
    )


class SpreadsheetError(Exception):
    """The file cannot be read at all; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ColumnSpec:
    """A column of an import's file: the field it fills, the header our files write (a file
    format: Vietnamese), other spellings met in files, and how its cells are read."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    # How the domain reads the cells: "text", "multiline", "date", "bool", "choice" or
    # "number" (digits kept as text, leading zeros put back).
    kind: str = "text"
    # Columns another software's export has but the system computes: accepted, not read.
    computed: bool = False
    # Whether the national software's list has the column (the national export writes these).
    national: bool = False


# Columns a file may have that mean nothing to an import (row numbers, notes): not reported.
SILENT_HEADERS = {"stt", "tt", "so tt", "so thu tu", "ghi chu"}


def column_key(text: str) -> str:
    """How headers are compared: folded, punctuation as spaces, single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(str(text))).split())


def header_index(columns: Iterable[ColumnSpec]) -> dict[str, str]:
    """Folded header and aliases → field, for `match_header` (the first spec wins a name)."""
    index: dict[str, str] = {}
    for spec in columns:
        for name in (spec.header, *spec.aliases):
            index.setdefault(column_key(name), spec.field)
    return index


def match_header(index: dict[str, str], text: Any) -> str | None:
    """The field of `index` (see `header_index`) that a header names, or None. A trailing note
    in brackets or a required mark is allowed: "Ngày sinh (dd/mm/yyyy)", "Họ và tên (*)",
    "Họ và tên *"."""
    if not isinstance(text, str) or not text.strip():
        return None
    key = column_key(text)
    if key in index:
        return index[key]
    bare = column_key(re.sub(r"\([^)]*\)|\[[^\]]*\]|\*", " ", text))
    return index.get(bare)


# --- cell values -----------------------------------------------------------------------------

# Characters that show as nothing: removed from cells, as from all text (core/text.py).
_INVISIBLE = INVISIBLE
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# Characters that count as blank: whitespace and the invisible ones.
BLANK = string.whitespace + "\xa0\u3000" + _INVISIBLE
# Text that needs more than NFC: invisible characters, whitespace other than single spaces
# between words.
_UNTIDY = re.compile(f"[{_INVISIBLE}]|\\s\\s|[^\\S ]|^\\s|\\s$")
_EXCEL_EPOCH = date(1899, 12, 30)
_DOTTED_DATE = re.compile(r"^(\d{1,2})[.](\d{1,2})[.](\d{4})$")
_TIME_SUFFIX = re.compile(r"^(\S+)[ T]00:00(?::00(?:\.0+)?)?$")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(BLANK))


def tidy(text: str) -> str:
    """Text as it is stored: NFC, single spaces, no invisible characters."""
    if not is_spaced_tidily(text) and _UNTIDY.search(text):
        return normalize(_INVISIBLE_RE.sub("", text))
    if not unicodedata.is_normalized("NFC", text):
        return unicodedata.normalize("NFC", text)
    return text


def cell_text(value: Any) -> str:
    """A cell as text, the way a person reads it: numbers without a trailing ".0", dates as
    dd/mm/yyyy, text in NFC with single spaces."""
    if value is None:
        return ""
    if isinstance(value, str):
        return tidy(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return normalize(str(value))


def multiline_text(value: Any) -> str:
    """A cell of several lines: each line tidied, the line breaks kept."""
    if isinstance(value, str):
        lines = unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", value)).splitlines()
        return "\n".join(" ".join(line.split()) for line in lines).strip()
    return cell_text(value)


@lru_cache(maxsize=8192)
def _date_from_text(text: str) -> date | None:
    if m := _DOTTED_DATE.match(text):
        text = f"{m[1]}/{m[2]}/{m[3]}"
    elif m := _TIME_SUFFIX.match(text):
        text = m[1]
    try:
        return parse_date(text)
    except ValueError:
        return None


def cell_date(value: Any) -> date | str:
    """A date from a date cell, an Excel serial number that lost its date format, or text in
    dd/mm/yyyy (also dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd). What is not a date is returned as
    text, for the import's rules to report."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Serial numbers of the dates the imports read (1927 onwards); smaller numbers are
        # more likely a year typed alone, which is not a date.
        if 10_000 <= value < 2_958_466:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return cell_text(value)
    text = cell_text(value)
    return _date_from_text(text) or text


_TRUE = {"co", "x", "v", "1", "true", "yes", "y", "dung", "phai", "da", "la hoi vien", "hoi vien"}
_FALSE = {"khong", "0", "false", "no", "n", "chua", "-"}


@lru_cache(maxsize=1024, typed=True)
def cell_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else None
    key = column_key(cell_text(value)) or cell_text(value)
    if key in _TRUE or key == "✓":
        return True
    if key in _FALSE:
        return False
    return None


# --- reading files ---------------------------------------------------------------------------


@dataclass
class RawSheet:
    """The cells of one sheet, row by row: `rows()` yields (row number counted from 1, values
    with column A at index 0)."""

    kind: str
    height: int
    _rows: Any = None

    def rows(self) -> Iterator[tuple[int, list]]:
        yield from self._rows()


def _too_many_rows(count: int) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file has %(count)s rows; at most %(limit)s rows can be imported at "
            "once. Split it into several files."
        )
        % {"count": count, "limit": max_rows()}
    )


def _too_large(size: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file is too large (%(size)s); the limit is %(limit)s. Split it into several files.")
        % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
    )


def _not_a_spreadsheet() -> SpreadsheetError:
    return SpreadsheetError(
        _("This file is not a spreadsheet. Upload an Excel file (.xlsx or .xls) or a CSV file.")
    )


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file could not be read: it may be damaged or protected by a password. "
            "Open it in Excel and save it again as .xlsx."
        )
    )


def _refused(refusal: parsing.Refused) -> SpreadsheetError:
    """The words for a file that parsing.py refused."""
    code, params = refusal.code, refusal.params
    if code == "too_many_rows":
        return _too_many_rows(params["count"])
    if code == "far_cell":
        values = {
            "cell": params["cell"],
            "sheet": params.get("sheet") or "",
            "last": parsing.column_letters(max_columns()),
            "rows": max_rows() + HEADER_SEARCH_ROWS,
        }
        if values["sheet"]:
            message = _(
                "The sheet “%(sheet)s” reaches cell %(cell)s, far beyond what an import reads "
                "(columns A to %(last)s, %(rows)s rows). Delete the rows and columns beyond "
                "your data (in Excel, Ctrl+End goes to the last cell), save the file and upload "
                "it again."
            )
        else:
            message = _(
                "The file reaches cell %(cell)s, far beyond what an import reads (columns A to "
                "%(last)s, %(rows)s rows). Delete the rows and columns beyond your data (in "
                "Excel, Ctrl+End goes to the last cell), save the file and upload it again."
            )
        return SpreadsheetError(message % values)
    if code == "unpacked":
        return SpreadsheetError(
            _(
                "The workbook holds too much data (%(size)s once unpacked). Split it into "
                "several files."
            )
            % {"size": filesizeformat(params["size"])}
        )
    if code == "ratio":
        return SpreadsheetError(
            _(
                "The part “%(part)s” of the file unpacks to %(ratio)s times its packed size, "
                "far more than a spreadsheet does: the file was not read. Open it in Excel, "
                "save it again and upload it again."
            )
            % {"part": params["part"], "ratio": params["ratio"]}
        )
    if code == "memory":
        return SpreadsheetError(
            _(
                "Reading the file needed more than the %(limit)s of memory an import may use. "
                "Split it into several files, or delete what the import does not need (other "
                "sheets, pictures)."
            )
            % {"limit": filesizeformat(parse_limits().memory)}
        )
    if code == "time":
        seconds = parse_limits().cpu
        return SpreadsheetError(
            ngettext(
                "Reading the file took longer than an import may take (%(seconds)s second of "
                "computing). Split it into several files.",
                "Reading the file took longer than an import may take (%(seconds)s seconds of "
                "computing). Split it into several files.",
                seconds,
            )
            % {"seconds": seconds}
        )
    if code == "csv_encoding":
        return SpreadsheetError(
            _("The CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)”.")
        )
    if code == "not_a_spreadsheet":
        return _not_a_spreadsheet()
    return _unreadable()


# The used range a worksheet declares, at the top of its XML: <dimension ref="A1:XFD200000"/>.
_DIMENSION = re.compile(
    rb"""<(?:\w+:)?dimension\s[^>]*?ref\s*=\s*["'](?:\$?[A-Za-z]+\$?[0-9]+:)?"""
    rb"""\$?([A-Za-z]+)\$?([0-9]+)["']"""
)


def _check_declared(workbook: zipfile.ZipFile) -> None:
    """What an .xlsx or .ods file says of itself, checked before anything is unpacked in full:
    its size unpacked, the packing ratio of each member, and the used range each worksheet
    declares (refused by its last cell). parsing.check_zip then checks what the file holds."""
    limits = parse_limits()
    unpacked = 0
    for info in workbook.infolist():
        unpacked += info.file_size
        packed = max(info.compress_size, 1)
        if info.file_size > parsing.RATIO_GRACE and info.file_size > limits.ratio * packed:
            raise parsing.Refused("ratio", part=info.filename, ratio=info.file_size // packed)
    rows, far = 0, None
    for name in workbook.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with workbook.open(name) as f:
                if m := _DIMENSION.search(f.read(4096)):
                    last_column, last_row = parsing.column_number(m[1].decode()), int(m[2])
                    rows = max(rows, last_row)
                    if far is None and last_column > limits.columns:
                        far = f"{m[1].decode().upper()}{last_row}"
    # A sheet is read whole into memory: one too large is refused before it is read, by the
    # rows it declares, the columns it declares, or else by the size of the unpacked workbook.
    if rows > limits.rows:
        raise parsing.Refused("too_many_rows", count=rows - 1)
    if far is not None:
        raise parsing.Refused("far_cell", cell=far, sheet=_sheet_name(workbook, far))
    if unpacked > limits.unpacked:
        raise parsing.Refused("unpacked", size=unpacked)


def _sheet_name(workbook: zipfile.ZipFile, cell: str) -> str:
    """The name of the first worksheet that declares `cell` as its last, for the message."""
    names = parsing.xlsx_sheet_names(workbook)
    for name in workbook.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with workbook.open(name) as f:
                m = _DIMENSION.search(f.read(4096))
            if m and f"{m[1].decode().upper()}{int(m[2])}" == cell:
                return names.get(name, "")
    return ""


def _sniff_kind(path: Path) -> str:
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetError(_("The file is empty."))
    if size > max_bytes():
        raise _too_large(size)
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(b"PK\x03\x04"):
        if (parsing.central_directory_size(path) or 0) > parsing.MAX_CENTRAL_DIRECTORY:
            raise _unreadable()  # more members than any workbook: their list alone is large
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                mimetype = z.read("mimetype") if "mimetype" in names else b""
                _check_declared(z)
        except parsing.Refused as refusal:
            raise _refused(refusal) from None
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError, ValueError):
            raise _unreadable() from None
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
        raise _not_a_spreadsheet()
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"  # or a Word document, an encrypted workbook: calamine tells
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf")):
        raise _not_a_spreadsheet()
    text_head = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if text_head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        raise SpreadsheetError(
            _(
                "This file is a web page saved with a spreadsheet's name. Open it in Excel and "
                "save it as an Excel workbook (.xlsx)."
            )
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        raise _not_a_spreadsheet()
    return "csv"


def _parsed_sheets(path: Path, kind: str) -> list[RawSheet]:
    """The sheets of a file, read by a child process within the limits (parsing.py)."""
    try:
        parsed = parsing.parse(path, kind, parse_limits())
    except parsing.Refused as refusal:
        raise _refused(refusal) from None
    spool = parsed.spool
    return [
        RawSheet(kind=sheet.kind, height=sheet.height, _rows=lambda sheet=sheet: spool.rows(sheet))
        for sheet in parsed.sheets
    ]


def _calamine_sheets(path: Path, kind: str) -> Iterator[RawSheet]:
    yield from _parsed_sheets(path, kind)


def raw_sheets(path: str | Path) -> Iterator[RawSheet]:
    """The sheets of a file, in order (a CSV file has one). Raises SpreadsheetError."""
    path = Path(path)
    kind = _sniff_kind(path)
    if kind == "csv":
        yield from _parsed_sheets(path, "csv")
    else:
        yield from _calamine_sheets(path, kind)


# --- sheets with a header row ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    index: int  # 0-based, column A is 0
    header: str  # as written in the file
    field: str


@dataclass
class HeaderSheet:
    """A sheet read with an import's columns (`open_sheet`): its header row, the columns found
    in it, and the rows below."""

    raw: RawSheet
    header_row: int
    columns: list[Column]
    unknown_headers: list[str]
    duplicate_headers: list[str]
    # Columns of `ColumnSpec(computed=True)`: recognised, not read.
    computed_headers: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Rows below the header (empty ones included): the total for progress reports."""
        return max(0, self.raw.height - self.header_row)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)

    def header_warnings(self) -> list[str]:
        """What the import tells about the header row: columns it does not read, columns the
        system keeps, columns given twice (in the active language)."""
        found = (
            (self.unknown_headers, _("These columns are not imported: %(columns)s.")),
            (
                self.computed_headers,
                _("These columns are kept by the system and were not imported: %(columns)s."),
            ),
            (
                self.duplicate_headers,
                _("These columns appear twice; only the first of each was read: %(columns)s."),
            ),
        )
        return [
            message % {"columns": ", ".join(f"“{h}”" for h in headers)}
            for headers, message in found
            if headers
        ]

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, raw cells) of every non-empty row below the header."""
        for number, values in self.raw.rows():
            if number <= self.header_row or all(is_blank(v) for v in values):
                continue
            yield number, values


_COLUMN_NUMBER = re.compile(r"^\(?\d{1,3}\)?$")


def _is_numbering(values: list) -> bool:
    """A row that numbers the columns under the header ("1", "2"… or "(1)", "(2)"…)."""
    cells = [cell_text(v) for v in values if not is_blank(v)]
    return len(cells) >= 2 and all(_COLUMN_NUMBER.match(c) for c in cells)


def _merge_sub_header(index: dict[str, str], header: list, below: list) -> list | None:
    """A two-row header ("CMND/CCCD" merged over "Số", "Ngày cấp", "Nơi cấp"): the headers
    read from both rows, or None when the row below is not part of the header. A label on the
    first row spans the blank cells to its right (a merged cell); each label of the second row
    is read with it ("Số" under "CMND/CCCD" is "Số CMND/CCCD") or alone."""
    names: list = list(header) + [""] * max(0, len(below) - len(header))
    group, merged = "", False
    for i, sub in enumerate(below):
        if not is_blank(names[i]):
            group = cell_text(names[i])
        if is_blank(sub):
            continue
        if not isinstance(sub, str):
            return None  # a number or a date: a data row
        sub = cell_text(sub)
        candidates = (f"{sub} {group}", f"{group} {sub}", sub) if group else (sub,)
        name = next((c for c in candidates if match_header(index, c)), None)
        if name is None:
            return None  # text that names no column: a data row
        names[i], merged = name, True
    return names if merged else None


def open_sheet(
    path: str | Path,
    columns: Sequence[ColumnSpec],
    *,
    min_matches: int = 1,
    examples: tuple[str, str] | None = None,
) -> HeaderSheet:
    """The first sheet of the file with a header row naming at least `min_matches` of
    `columns`: the row naming the most of them among the first rows (title rows, merged or
    not, come above it). A header on two rows is read as one; a row numbering the columns
    under it is skipped. Headers are matched ignoring case, diacritics, punctuation and a
    trailing note in brackets. Raises SpreadsheetError for an empty file, a file with no such
    header row (the message names `examples`, by default the first two columns), or too many
    rows."""
    index = header_index(columns)
    computed_fields = {spec.field for spec in columns if spec.computed}
    found_any_rows = False
    for raw in raw_sheets(path):
        first: list[tuple[int, list]] = []
        for number, values in raw.rows():
            if number > HEADER_SEARCH_ROWS + 1:
                break
            first.append((number, values))
        if any(not all(is_blank(v) for v in values) for _n, values in first):
            found_any_rows = True
        best, best_count = None, max(min_matches, 1) - 1
        for number, values in first[:HEADER_SEARCH_ROWS]:
            count = len({f for v in values if (f := match_header(index, v))})
            if count > best_count:
                best, best_count = (number, values), count
        if best is None:
            continue
        number, names = best
        below = next((v for n, v in first if n == number + 1), None)
        if below is not None and (merged := _merge_sub_header(index, names, below)):
            names, number = merged, number + 1
            below = next((v for n, v in first if n == number + 1), None)
        if below is not None and _is_numbering(below):
            number += 1
        if raw.height - number > max_rows():
            raise _too_many_rows(raw.height - number)
        found: list[Column] = []
        unknown, duplicates, computed = [], [], []
        seen: set[str] = set()
        for i, value in enumerate(names):
            if is_blank(value):
                continue
            header_text = cell_text(value)
            name = match_header(index, value)
            if name is None:
                if column_key(header_text) not in SILENT_HEADERS:
                    unknown.append(header_text)
            elif name in computed_fields:
                computed.append(header_text)
            elif name in seen:
                duplicates.append(header_text)
            else:
                seen.add(name)
                found.append(Column(index=i, header=header_text, field=name))
        return HeaderSheet(
            raw=raw,
            header_row=number,
            columns=found,
            unknown_headers=unknown,
            duplicate_headers=duplicates,
            computed_headers=computed,
        )
    if not found_any_rows:
        raise SpreadsheetError(_("The file is empty."))
    first_name, second_name = examples or (
        columns[0].header,
        columns[min(1, len(columns) - 1)].header,
    )
    raise SpreadsheetError(
        _(
            "No header row found: one of the first %(rows)s rows must name the columns, for "
            "example “%(name)s” and “%(id)s”. Download the template to see them all."
        )
        % {"rows": HEADER_SEARCH_ROWS, "name": first_name, "id": second_name}
    )

"""Reading an uploaded spreadsheet in a child process, under a memory and a time budget.

An uploaded file is hostile until read: a sheet holding only A1 and XFD200000 makes the reader
(calamine) allocate rows × 16,384 columns at once, 104 GB, and abort the process; a zip bomb
unpacks a few megabytes into a gigabyte of XML. Such a file must fail its import, never take
the worker down with it. So every file is read by a child process, a new interpreter running
this module as a script, with an address-space limit (RLIMIT_AS) and a CPU limit (RLIMIT_CPU);
the parent also gives it a time on the clock, and reaps it with os.wait4, which tells what it
cost (`Usage`) even when it was killed. The child:

1. checks the file before the reader opens it: every member of a zip file (.xlsx, .ods) is
   unpacked as a stream, its size and its packing ratio checked as it goes (`check_zip`), and
   the sheets' XML is scanned for a cell beyond the columns and rows an import reads
   (`_XlsxScanner`, `_OdsScanner`), which is refused by its name;
2. reads the sheets with calamine (or a CSV file with the csv module);
3. writes their rows, as plain values, to a spool file, and tells the parent where each sheet's
   rows are in it, or why the file was refused (a code and its details, `Refused`).

The parent reads the rows back from the spool (`Spool`) as often as it needs, a thousand at a
time: neither the workbook nor a whole sheet is ever in the worker's memory. The child never
touches the database: it imports calamine and the standard library only, which is why this
module imports nothing of Django, and why a refusal is a code that reading.py words in the
user's language.
"""

import codecs
import csv
import json
import logging
import os
import pickle
import posixpath
import re
import resource
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
import weakref
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine

logger = logging.getLogger(__name__)

# Rows written to the spool at a time (and read back at a time).
FRAME_ROWS = 1000
# Bytes unpacked at a time while checking a zip file.
CHUNK = 1 << 20
# A zip member may unpack to at most `Limits.ratio` times its packed size once it is larger
# than this (small parts such as styles.xml pack tighter than any sheet).
RATIO_GRACE = 1 << 20
# Most bytes a zip file's central directory may take (about 10,000 members): it is read whole
# into memory before any member is, by the parent as well as the child.
MAX_CENTRAL_DIRECTORY = 1 << 20
# What the parent waits on the clock for the child, beyond its CPU budget (a busy machine).
WALL_FACTOR, WALL_EXTRA = 2, 10


@dataclass(frozen=True)
class Limits:
    """What a file may hold and what reading it may cost."""

    rows: int  # rows of a sheet (the import's row limit and the title rows above a header)
    columns: int  # columns of a sheet
    unpacked: int  # bytes a zip file unpacks to, all members together
    ratio: int  # unpacked bytes per packed byte of a zip member
    csv_field: int  # characters of one CSV field
    memory: int  # bytes of address space of the child
    cpu: int  # CPU seconds of the child

    @property
    def wall_seconds(self) -> int:
        return self.cpu * WALL_FACTOR + WALL_EXTRA


class Refused(Exception):
    """The file is refused. `code` says why (reading.py words it), `params` give the details:

    - unreadable, not_a_spreadsheet, csv_encoding: no details;
    - too_many_rows: count (the rows of the sheet, less the header);
    - far_cell: cell ("XFD200000"), sheet (its name, "" when not known);
    - unpacked: size (bytes unpacked so far);
    - ratio: part (the member's name), ratio;
    - memory: limit (bytes); time: seconds.
    """

    def __init__(self, code: str, **params: Any):
        super().__init__(code, params)
        self.code = code
        self.params = params


# --- cells by name ---------------------------------------------------------------------------


def column_letters(number: int) -> str:
    """The letters of a column counted from 1 (1 → A, 27 → AA, 16384 → XFD)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """The number, counted from 1, of a column's letters (either case)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def cell_name(row: int, column: int) -> str:
    """A cell's name from its row and column counted from 1: (200000, 16384) → XFD200000."""
    return f"{column_letters(column)}{row}"


def _digits_above(limit: int) -> str:
    """A regular expression for the numbers above `limit` (written without leading zeros)."""
    text = str(limit)
    alternatives = [f"[1-9][0-9]{{{len(text)},}}"]
    for i, digit in enumerate(text):
        if digit != "9":
            alternatives.append(f"{text[:i]}[{int(digit) + 1}-9][0-9]{{{len(text) - i - 1}}}")
    return "(?:" + "|".join(alternatives) + ")"


def _letters_after(limit: int) -> str:
    """A regular expression for the column letters after column `limit`, in either case."""
    text = column_letters(limit)
    alternatives = [f"[A-Za-z]{{{len(text) + 1},}}"]
    for i, letter in enumerate(text):
        if letter != "Z":
            after = chr(ord(letter) + 1)
            alternatives.append(
                f"{text[:i]}[{after}-Z{after.lower()}-z][A-Za-z]{{{len(text) - i - 1}}}"
            )
    return "(?i:" + "|".join(alternatives) + ")"


# --- checking a zip file before it is read ---------------------------------------------------


def central_directory_size(path: str | Path) -> int | None:
    """The size the end of a zip file gives its central directory (None when it gives none:
    zipfile then says the file is not a zip file)."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 65_557))  # the end record (22 bytes) and a comment of at most 64 KB
        tail = f.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        return None
    directory = struct.unpack("<I", tail[end + 12 : end + 16])[0]
    locator = end - 20  # the zip64 locator comes just before the end record
    if directory == 0xFFFFFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        with open(path, "rb") as f:
            f.seek(struct.unpack("<Q", tail[locator + 8 : locator + 16])[0])
            record = f.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            directory = struct.unpack("<Q", record[40:48])[0]
    return directory


class _XlsxScanner:
    """Finds, in a sheet's XML read in pieces, a cell referenced beyond the limits: `r="…"` of
    a cell whose column is after `columns` or whose row is after `rows`. The reader places a
    cell by its reference, in either case, with or without leading zeros and spaces around the
    equals sign, so the scan does too. (A cell without a reference takes the next column of its
    row: those are real cells, which the memory budget bounds.)"""

    def __init__(self, limits: Limits, sheet: str):
        self.sheet = sheet
        self.tail = b""
        far_column, far_row = _letters_after(limits.columns), _digits_above(limits.rows)
        self.pattern = re.compile(
            # Each part matches in one way only (no leading zero is left for the digits): the scan
            # stays linear whatever the text.
            rf"""r\s*=\s*["'](?:({far_column})0*([1-9][0-9]*)|([A-Za-z]{{1,3}})0*({far_row}))["']""".encode()
        )

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        if m := self.pattern.search(text):
            letters, digits = (m[1], m[2]) if m[1] else (m[3], m[4])
            raise Refused("far_cell", cell=_shown(letters) + _shown(digits), sheet=self.sheet)
        self.tail = text[-64:]  # a reference cut in two is found with the next piece


def _shown(part: bytes) -> str:
    """Part of a cell reference as the message shows it: a reference long enough to be
    meaningless (thousands of letters) is cut."""
    text = part.decode("ascii").upper()
    return text if len(text) <= 10 else f"{text[:10]}…"


class _OdsScanner:
    """Finds, in an OpenDocument spreadsheet's content.xml read in pieces, a cell with content
    beyond the limits, counting the rows and cells that `number-rows-repeated` and
    `number-columns-repeated` repeat (an empty cell repeated 16,000 times costs the reader
    nothing; one with content after them costs 16,000 cells a row)."""

    _TOKEN = re.compile(
        rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^<>]*?)(/?)>"
    )
    # A count of more than twelve digits is read as its first twelve: still far past any limit.
    _ROWS = re.compile(rb"""table:number-rows-repeated\s*=\s*["']\s*0*([0-9]{1,12})""")
    _COLUMNS = re.compile(rb"""table:number-columns-repeated\s*=\s*["']\s*0*([0-9]{1,12})""")
    _NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)""")

    def __init__(self, limits: Limits):
        self.limits = limits
        self.tail = b""
        self.sheet = ""
        self.row = 0  # rows before the current one, counted from 0
        self.repeat = 1  # times the current row is repeated
        self.column = 0

    def _repeat(self, pattern: re.Pattern, attributes: bytes) -> int:
        m = pattern.search(attributes)
        return max(1, int(m[1])) if m else 1

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        cut = text.rfind(b"<")
        if cut < 0 or len(text) - cut > 65_536:
            cut = len(text)  # no tag is that long: the rest is text
        for m in self._TOKEN.finditer(text, 0, cut):
            closing, element, attributes, empty = m[1], m[2], m[3], m[4]
            if element == b"table":
                if not closing:
                    name = self._NAME.search(attributes)
                    self.sheet = name[1].decode("utf-8", "replace") if name else ""
                    self.row = 0
            elif element == b"table-row":
                if closing:
                    self.row += self.repeat
                else:
                    self.repeat, self.column = self._repeat(self._ROWS, attributes), 0
                    if empty:
                        self.row += self.repeat
            elif not closing:
                repeat = self._repeat(self._COLUMNS, attributes)
                if not empty or b"office:value-type" in attributes:
                    last_row, last_column = self.row + self.repeat, self.column + repeat
                    if last_row > self.limits.rows or last_column > self.limits.columns:
                        raise Refused(
                            "far_cell", cell=cell_name(last_row, last_column), sheet=self.sheet
                        )
                self.column += repeat
        self.tail = text[cut:]


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def xlsx_sheet_names(workbook: zipfile.ZipFile) -> dict[str, str]:
    """Member name → sheet name, from the workbook and its relationships (only when both are
    small and well formed: the names are for messages)."""

    def small(name: str) -> ElementTree.Element | None:
        try:
            info = workbook.getinfo(name)
            if info.file_size > CHUNK:
                return None
            return ElementTree.fromstring(workbook.read(info))
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, zlib.error, ValueError):
            return None

    targets = {}
    if (relationships := small("xl/_rels/workbook.xml.rels")) is not None:
        for item in relationships.iter(f"{_RELATIONSHIPS}Relationship"):
            target = item.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[item.get("Id")] = posixpath.normpath(target)
    names = {}
    if (book := small("xl/workbook.xml")) is not None:
        for sheet in book.iter(f"{_MAIN}sheet"):
            if (target := targets.get(sheet.get(_RELATIONSHIP_ID))) is not None:
                names[target] = sheet.get("name", "")
    return names


def check_zip(path: str | Path, kind: str, limits: Limits) -> None:
    """Unpack every member of a zip file as a stream, without keeping it: refused when the
    members unpack to more than `limits.unpacked` together, when one unpacks to more than
    `limits.ratio` times its packed size, when a member is not what the directory says (its
    size or its checksum), and when a sheet has a cell beyond the limits."""
    if (central_directory_size(path) or 0) > MAX_CENTRAL_DIRECTORY:
        raise Refused("unreadable")
    try:
        with zipfile.ZipFile(path) as workbook:
            members = [i for i in workbook.infolist() if not i.is_dir()]
            declared = 0
            for info in members:
                declared += info.file_size
                if declared > limits.unpacked:
                    raise Refused("unpacked", size=declared)
                _check_ratio(info, info.file_size, limits)
            names = xlsx_sheet_names(workbook) if kind == "xlsx" else {}
            unpacked = 0
            for info in members:
                scanner = _scanner(kind, info.filename, names, limits)
                count = 0
                with workbook.open(info) as member:
                    while chunk := member.read(CHUNK):
                        count += len(chunk)
                        unpacked += len(chunk)
                        if unpacked > limits.unpacked:
                            raise Refused("unpacked", size=unpacked)
                        _check_ratio(info, count, limits)
                        if scanner is not None:
                            scanner.feed(chunk)
    except Refused:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError):
        # Not a zip file, a member damaged or not the size its directory says, encrypted.
        raise Refused("unreadable") from None
    except NotImplementedError:  # a compression method zipfile (and so the check) cannot read
        raise Refused("unreadable") from None


def _scanner(kind: str, name: str, sheets: dict[str, str], limits: Limits) -> Any:
    """What scans a member of a zip file for far cells, if anything does."""
    if kind == "ods":
        return _OdsScanner(limits) if name == "content.xml" else None
    if name == "xl/sharedStrings.xml":
        return None  # the text of the cells, not their places
    # Any other part may be a sheet (the workbook's relationships say which): all are scanned.
    return _XlsxScanner(limits, sheets.get(name, ""))


def _check_ratio(info: zipfile.ZipInfo, unpacked: int, limits: Limits) -> None:
    packed = max(info.compress_size, 1)
    if unpacked > RATIO_GRACE and unpacked > limits.ratio * packed:
        raise Refused("ratio", part=info.filename, ratio=unpacked // packed)


# --- reading, in the child -------------------------------------------------------------------


@dataclass
class SheetRows:
    """Where the rows of one sheet are in the spool: (offset, length) of each frame of
    FRAME_ROWS rows, in order, the first row being row 1."""

    kind: str  # "workbook" or "csv"
    height: int  # rows, counted from row 1 to the last with content
    frames: list[tuple[int, int]] = field(default_factory=list)


class _SpoolWriter:
    def __init__(self, out):
        self.out, self.offset = out, 0

    def sheet(self, kind: str, height: int, rows: Iterator[list]) -> SheetRows:
        found = SheetRows(kind=kind, height=height)
        batch: list[list] = []
        for values in rows:
            while values and (values[-1] is None or values[-1] == ""):
                values.pop()  # blank cells at the end of a row: the same as none
            batch.append(values)
            if len(batch) == FRAME_ROWS:
                found.frames.append(self._write(batch))
                batch = []
        if batch:
            found.frames.append(self._write(batch))
        return found

    def _write(self, rows: list[list]) -> tuple[int, int]:
        data = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
        self.out.write(data)
        frame = (self.offset, len(data))
        self.offset += len(data)
        return frame


def _workbook_sheets(path: str, limits: Limits, spool: _SpoolWriter) -> list[SheetRows]:
    # From the bytes, not the name: calamine then tells the format by its content, so a real
    # .xls saved under an .xlsx name (or the other way round) is read as what it is.
    sheets = []
    with open(path, "rb") as f:
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(f)
        except Exception:  # calamine's errors: not a workbook, encrypted, damaged
            raise Refused("unreadable") from None
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_index(index)
            except Exception:
                raise Refused("unreadable") from None
            if sheet.start is None:
                continue
            # Rows come from the first row of the sheet; columns from the first used column.
            height, width = sheet.end[0] + 1, sheet.end[1] + 1
            if height > limits.rows:
                raise Refused("too_many_rows", count=height - 1)
            if width > limits.columns:  # cells without references (.xlsx), or .xls
                raise Refused("far_cell", cell=cell_name(height, width), sheet=meta.name)
            pad = [""] * sheet.start[1]
            rows = ((pad + values) if pad else values for values in sheet.iter_rows())
            sheets.append(spool.sheet("workbook", height, rows))
            del sheet, rows
    return sheets


def _csv_sheet(path: str, limits: Limits, spool: _SpoolWriter) -> SheetRows:
    """A CSV file in UTF-8 (with or without a byte order mark) or UTF-16, with the delimiter
    Excel used (comma, semicolon or tab). Checked whole first, then read as a stream."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)()
    sample, lines, last = "", 0, "\n"
    try:
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                text = decoder.decode(chunk)
                lines += text.count("\n")
                last = text[-1:] or last
                if len(sample) < 65536:
                    sample += text[: 65536 - len(sample)]
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Refused("csv_encoding") from None
    if "\x00" in sample:
        raise Refused("not_a_spreadsheet")
    height = lines + (last != "\n")
    if height > limits.rows:
        raise Refused("too_many_rows", count=height - 1)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        delimiter = max(",;\t|", key=first.count)
    # The csv module stops at 131,072 characters a field: a longer cell is read whole and
    # refused by the rules of its column, as a row error (the file is within its size limit).
    csv.field_size_limit(max(csv.field_size_limit(), limits.csv_field))
    with open(path, encoding=encoding, newline="") as f:
        # A row of the sheet is a record of the file (a quoted cell may hold line breaks).
        return spool.sheet("csv", height, csv.reader(f, delimiter=delimiter))


def read_file(path: str, kind: str, limits: Limits, spool_path: str) -> list[SheetRows]:
    """Check and read a file of `kind` ("xlsx", "ods", "xls" or "csv") into the spool at
    `spool_path`: its sheets, in order. Raises Refused."""
    if kind in ("xlsx", "ods"):
        check_zip(path, kind, limits)
    with open(spool_path, "wb") as out:
        spool = _SpoolWriter(out)
        if kind == "csv":
            return [_csv_sheet(path, limits, spool)]
        return _workbook_sheets(path, limits, spool)


def _limit(kind: int, soft: int, hard: int | None = None) -> None:
    """Set a resource limit, never above the hard limit already set."""
    hard = soft if hard is None else hard
    _soft, current = resource.getrlimit(kind)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(kind, (soft, hard))


def _child_main() -> None:
    """The child: a request on its standard input (JSON: path, kind, limits, spool), its limits
    set first, then the file read; one reply on its standard output (JSON)."""
    request = json.loads(sys.stdin.buffer.read())
    limits = Limits(**request["limits"])
    _limit(resource.RLIMIT_CORE, 0)  # a child stopped by its limits leaves no core file
    _limit(resource.RLIMIT_AS, limits.memory)
    # At the soft limit the child gets SIGXCPU, which stops it; a second later, SIGKILL.
    _limit(resource.RLIMIT_CPU, limits.cpu, limits.cpu + 1)
    try:
        sheets = read_file(request["path"], request["kind"], limits, request["spool"])
        reply: dict[str, Any] = {"sheets": [vars(sheet) for sheet in sheets]}
    except Refused as e:
        reply = {"refused": e.code, "params": e.params}
    except MemoryError:
        reply = {"refused": "memory", "params": {}}
    except BaseException:  # a reader's own failure (calamine's panics are BaseExceptions)
        reply = {"refused": "unreadable", "params": {}}
    reply["peak_kb"] = _peak_kb()
    sys.stdout.buffer.write(json.dumps(reply).encode())


def _peak_kb() -> int | None:
    """This process's peak resident memory since it began running this script, in KB (None
    where the system does not tell). Not getrusage's ru_maxrss: on Linux that also counts the
    parent's peak, whose memory the child shared until it ran the script."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return None


# --- in the parent ---------------------------------------------------------------------------


class Spool:
    """The rows the child wrote, read back a frame at a time, as often as needed. The file is
    unlinked as soon as it is open: it goes when the last sheet reading it goes."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self.fd)

    def rows(self, sheet: SheetRows) -> Iterator[tuple[int, list]]:
        number = 0
        for offset, length in sheet.frames:
            for values in pickle.loads(os.pread(self.fd, length, offset)):
                number += 1
                yield number, values


@dataclass
class Parsed:
    sheets: list[SheetRows]
    spool: Spool


@dataclass
class Usage:
    """What the child cost: its CPU time and exit status from the system (os.wait4), also when
    it was killed; its peak memory as it said (None when it died without a reply: its address
    space limit bounds it)."""

    peak_kb: int | None  # peak resident memory
    cpu_seconds: float
    seconds: float  # on the clock
    exit_status: int  # as os.waitstatus_to_exitcode gives it: minus the signal if killed
    memory_limit_kb: int  # its address space limit, above its peak memory whatever happened

    @property
    def most_kb(self) -> int:
        """The most memory the child can have had: its peak, or its limit when it died."""
        return self.peak_kb if self.peak_kb is not None else self.memory_limit_kb


# What the child keeps of the worker's environment: where Python finds its packages and where
# temporary files go, not the database's address nor any secret.
_ENVIRONMENT = (
    "PATH",
    "PYTHONPATH",
    "PYTHONHOME",
    "LD_LIBRARY_PATH",
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
)


def _child_environment() -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k in _ENVIRONMENT}
    # calamine says on standard error when an allocation fails: one line, no backtrace
    environment["RUST_BACKTRACE"] = "0"
    return environment


def _run_child(request: dict, limits: Limits) -> tuple[dict | None, Usage, bool]:
    """Run this file as a script in a new interpreter (it imports calamine and the standard
    library, nothing else: no database connection, no thread, no Django), give it `request`,
    and wait on the clock for its reply. Returns the reply (None if it gave none), its usage
    and whether it ran out of time on the clock."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-P", __file__],  # -P: the script's folder is not put on sys.path
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        close_fds=True,
        env=_child_environment(),
    )
    output, timed_out, finished = bytearray(), False, False
    try:
        child.stdin.write(json.dumps(request).encode())
        child.stdin.close()
        deadline = started + limits.wall_seconds
        fd = child.stdout.fileno()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _w, _x = select.select([fd], [], [], remaining)
            if ready:
                data = os.read(fd, 65536)
                if not data:
                    break
                output += data
        finished = not timed_out
    except BrokenPipeError:  # died before reading its request
        finished = True
    finally:
        if not finished:  # out of time, or the parent interrupted: the child goes too
            child.kill()
        child.stdout.close()
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    try:
        reply = json.loads(output) if output else None
    except ValueError:
        reply = None
    return (
        reply,
        Usage(
            peak_kb=reply.get("peak_kb") if isinstance(reply, dict) else None,
            cpu_seconds=round(usage.ru_utime + usage.ru_stime, 3),
            seconds=round(time.monotonic() - started, 3),
            exit_status=child.returncode,
            memory_limit_kb=limits.memory // 1024,
        ),
        timed_out,
    )


def _death(exit_status: int, limits: Limits, timed_out: bool) -> Refused:
    """Why a child that did not reply died."""
    if timed_out or exit_status in (-signal.SIGXCPU, -signal.SIGKILL):
        return Refused("time", seconds=limits.cpu)
    if exit_status in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        # calamine aborts when an allocation fails; a crash is most likely one too
        return Refused("memory", limit=limits.memory)
    return Refused("unreadable")


def parse(path: str | Path, kind: str, limits: Limits) -> Parsed:
    """Read the file in a child process within `limits`; raises Refused (also when the child
    runs out of memory or time, or dies). What the child cost is logged (INFO, with the
    `Usage` as the record's `usage`)."""
    handle, spool_path = tempfile.mkstemp(prefix="doanvien-sheet-", suffix=".spool")
    os.close(handle)
    try:
        request = {
            "path": str(Path(path).resolve()),
            "kind": kind,
            "limits": vars(limits),
            "spool": spool_path,
        }
        reply, usage, timed_out = _run_child(request, limits)
        if reply is None:
            refused = _death(usage.exit_status, limits, timed_out)
        elif "refused" in reply:
            refused = Refused(reply["refused"], **reply["params"])
        else:
            refused = None
        logger.info(
            "read %s (%s) in a child process: %s; peak memory %s KB, %s s of CPU, %s s",
            Path(path).name,
            kind,
            refused.code if refused else "read",
            usage.peak_kb,
            usage.cpu_seconds,
            usage.seconds,
            extra={"usage": usage},
        )
        if refused is not None:
            raise refused
        sheets = [
            SheetRows(kind=s["kind"], height=s["height"], frames=[tuple(f) for f in s["frames"]])
            for s in reply["sheets"]
        ]
        return Parsed(sheets=sheets, spool=Spool(spool_path))
    finally:
        os.unlink(spool_path)


if __name__ == "__main__":
    _child_main()

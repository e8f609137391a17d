"""Hostile spreadsheet files, made by the tests (small on disk, a few milliseconds each): sparse
sheets whose used range is huge, zip bombs, OpenDocument sheets with repeated cells, a zip
file of many members. Each is a valid file of its format as far as a reader can tell."""

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

SHEET_NAME = "Danh sách"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEET = "xl/worksheets/sheet1.xml"


def _parts(sheets: int) -> dict[str, bytes]:
    """The parts of a workbook of `sheets` sheets besides the sheets themselves."""
    numbers = range(1, sheets + 1)
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        f'ContentType="{_SPREADSHEETML}.worksheet+xml"/>'
        for n in numbers
    )
    names = "".join(
        f'<sheet name="{SHEET_NAME if n == 1 else f"Trang {n}"}" sheetId="{n}" r:id="rId{n}"/>'
        for n in numbers
    )
    targets = "".join(
        f'<Relationship Id="rId{n}" Type="{_DOCUMENT}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in numbers
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="{_PACKAGE}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            f'ContentType="{_SPREADSHEETML}.sheet.main+xml"/>'
            f"{types}</Types>"
        ).encode(),
        "_rels/.rels": (
            f'{head}<Relationships xmlns="{_PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{_DOCUMENT}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'{head}<workbook xmlns="{_MAIN}" xmlns:r="{_DOCUMENT}"><sheets>{names}</sheets>'
            "</workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'{head}<Relationships xmlns="{_PACKAGE}/relationships">{targets}</Relationships>'
        ).encode(),
    }


def text_cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_row(*names: str) -> bytes:
    """Row 1 with these headers from column A."""
    cells = b"".join(text_cell(f"{chr(ord('A') + i)}1", n) for i, n in enumerate(names))
    return b'<row r="1">' + cells + b"</row>"


def xlsx(path: Path, rows, *, dimension: str | None = None, sheets: int = 1) -> Path:
    """An .xlsx file whose sheets (`sheets` of them, all the same) have `rows` as their
    sheetData (bytes, or pieces of bytes written one after the other), with `dimension`
    declared if given."""
    pieces = [rows] if isinstance(rows, bytes) else rows
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in _parts(sheets).items():
            z.writestr(name, data)
        for n in range(1, sheets + 1):
            with z.open(f"xl/worksheets/sheet{n}.xml", "w") as f:
                f.write(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    + f'<worksheet xmlns="{_MAIN}">'.encode()
                )
                if dimension:
                    f.write(f'<dimension ref="{dimension}"/>'.encode())
                f.write(b"<sheetData>")
                for piece in pieces:
                    f.write(piece)
                f.write(b"</sheetData></worksheet>")
    return path


def sparse_xlsx(path: Path, far: str, *, dimension: str | None = "honest", sheets: int = 1) -> Path:
    """A member list's header in row 1 and one more cell, `far` ("XFD200000"): the used range
    is every row down to it times every column across to it. The sheet declares that range
    ("honest"), nothing (None), or another range (a lie)."""
    row = int("".join(c for c in far if c.isdigit()))
    body = header_row("Họ và tên", "Số CMND/CCCD") + f'<row r="{row}">'.encode()
    body += text_cell(far, "x") + b"</row>"
    declared = f"A1:{far}" if dimension == "honest" else dimension
    return xlsx(path, body, dimension=declared, sheets=sheets)


def zip_bomb(path: Path, megabytes: int, *, dimension: str = "A1:C3") -> Path:
    """A sheet of `megabytes` MB of XML, row after row of the same twenty cells (no references:
    each is a real cell), packed about a thousand times, declaring three rows."""
    row = b"<row>" + b"<c><v>1</v></c>" * 20 + b"</row>"
    count = megabytes * 1024 * 1024 // len(row)
    block = row * 1000
    pieces = [header_row("Họ và tên", "Số CMND/CCCD")]
    pieces += [block] * (count // 1000)
    return xlsx(path, pieces, dimension=dimension)


def lying_zip(path: Path, bomb: Path) -> Path:
    """A copy of zip bomb `bomb` whose headers say its sheet unpacks to 1 MB (packed a little
    over half that): only unpacking it to the end tells."""
    data = bytearray(bomb.read_bytes())
    name = SHEET.encode()
    # (signature, where the name starts, where the unpacked size is) of both headers
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        at = data.index(signature)
        while data[at + name_at : at + name_at + len(name)] != name:
            at = data.index(signature, at + 4)
        struct.pack_into("<I", data, at + size_at, 1 << 20)
    path.write_bytes(bytes(data))
    return path


def many_members(path: Path, count: int) -> Path:
    """A zip file of `count` empty members besides a workbook's: its directory alone is
    megabytes."""
    xlsx(path, header_row("Họ và tên", "Số CMND/CCCD"))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:
        for n in range(count):
            z.writestr(f"xl/media/padding-{n:06d}-{'x' * 40}.bin", b"")
    return path


_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Danh sách">{rows}'
    "</table:table></office:spreadsheet></office:body></office:document-content>"
)
_ODS_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    b'<manifest:file-entry manifest:full-path="/" '
    b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)


def ods_cell(text: str) -> str:
    value = f"<text:p>{text}</text:p>"
    return f'<table:table-cell office:value-type="string">{value}</table:table-cell>'


def ods(path: Path, rows: str) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", _ODS_CONTENT.format(rows=rows), zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
    return path


def sparse_ods(path: Path, rows: int, columns: int) -> Path:
    """A header row, `rows` empty rows (one element, repeated), then a cell with content after
    `columns` empty cells (one element, repeated): under 1 KB."""
    header = ods_cell("Họ và tên") + ods_cell("Số CMND/CCCD")
    return ods(
        path,
        f"<table:table-row>{header}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell/>'
        "</table:table-row><table:table-row>"
        f'<table:table-cell table:number-columns-repeated="{columns}"/>{ods_cell("x")}'
        "</table:table-row>",
    )


# --- the hostile kinds the malformed-file suite reads, and what each is told ----------------

FAR = (
    "The sheet “{sheet}” reaches cell {cell}, far beyond what an import reads (columns A to BL, "
    "200030 rows). Delete the rows and columns beyond your data (in Excel, Ctrl+End goes to "
    "the last cell), save the file and upload it again."
)
UNREADABLE = (
    "The file could not be read: it may be damaged or protected by a password. Open it in Excel "
    "and save it again as .xlsx."
)


def far(cell: str) -> Callable[[Path], str]:
    return lambda path: FAR.format(sheet=SHEET_NAME, cell=cell)


def _ratio(path: Path) -> str:
    info = zipfile.ZipFile(path).getinfo(SHEET)
    return (
        f"The part “{SHEET}” of the file unpacks to {info.file_size // info.compress_size} "
        "times its packed size, far more than a spreadsheet does: the file was not read. Open "
        "it in Excel, save it again and upload it again."
    )


def _bomb(folder: Path) -> Path:
    path = folder / "bomb.xlsx"
    return path if path.exists() else zip_bomb(path, 160)


HEADER = header_row("Họ và tên", "Số CMND/CCCD")
# name → (how the file is made in a folder, the message it gets from the file made)
KINDS: dict[str, tuple[Callable[[Path], Path], Callable[[Path], str]]] = {
    # The sheet of the report: A1 and XFD at three depths, with its range declared, with none,
    # and with a false one (only the cells tell).
    "sparse to XFD2000, declared": (
        lambda d: sparse_xlsx(d / "xfd2000.xlsx", "XFD2000"),
        far("XFD2000"),
    ),
    "sparse to XFD20000, undeclared": (
        lambda d: sparse_xlsx(d / "xfd20000.xlsx", "XFD20000", dimension=None),
        far("XFD20000"),
    ),
    "sparse to XFD200000, declared A1:B3": (
        lambda d: sparse_xlsx(d / "xfd200000.xlsx", "XFD200000", dimension="A1:B3"),
        far("XFD200000"),
    ),
    "far down, undeclared": (
        lambda d: sparse_xlsx(d / "a300000.xlsx", "A300000", dimension=None),
        far("A300000"),
    ),
    "far reference in lower case and spaced": (
        lambda d: xlsx(
            d / "lower.xlsx",
            HEADER + b"<row r='5'><c r = 'xfd5' t='inlineStr'><is><t>x</t></is></c></row>",
        ),
        far("XFD5"),
    ),
    "70 cells without references": (
        lambda d: xlsx(d / "no-refs.xlsx", HEADER + b"<row>" + b"<c><v>1</v></c>" * 70 + b"</row>"),
        far("BR2"),
    ),
    "declared 300,000 rows": (
        lambda d: xlsx(d / "rows.xlsx", HEADER, dimension="A1:B300000"),
        lambda path: (
            "The file has 299999 rows; at most 200000 rows can be imported at once. "
            "Split it into several files."
        ),
    ),
    "zip bomb": (_bomb, _ratio),
    "zip bomb with false sizes": (
        lambda d: lying_zip(d / "lying.xlsx", _bomb(d)),
        lambda path: UNREADABLE,
    ),
    "20,000 zip members": (
        lambda d: many_members(d / "members.xlsx", 20_000),
        lambda path: UNREADABLE,
    ),
    "OpenDocument sheet to XFD2002 in repeated cells": (
        lambda d: sparse_ods(d / "sparse.ods", 2000, 16383),
        far("XFD2002"),
    ),
    "OpenDocument row of content repeated 300,000 times": (
        lambda d: ods(
            d / "rows.ods",
            f"<table:table-row>{ods_cell('Họ và tên')}{ods_cell('Số CMND/CCCD')}"
            '</table:table-row><table:table-row table:number-rows-repeated="300000">'
            f"{ods_cell('x')}</table:table-row>",
        ),
        far("A300001"),
    ),
}


def make_all(folder: Path) -> dict[str, Path]:
    """Every kind, made in `folder`: name → file."""
    return {name: make(folder) for name, (make, _message) in KINDS.items()}

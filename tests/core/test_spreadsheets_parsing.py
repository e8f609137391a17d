"""The child process that reads an uploaded file (core/spreadsheets/parsing.py): where a cell
is, however its reference is written, decides whether the file is read; the checks see a
reference cut between two pieces of the stream and stay quick on text built to slow them; the
rows come back whole, as often as asked."""

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.core.spreadsheets import parsing
from doanvien.core.spreadsheets.reading import _sniff_kind, raw_sheets

from .. import hostile

LIMITS = parsing.Limits(
    rows=200_030,
    columns=64,
    unpacked=1 << 30,
    ratio=100,
    csv_field=50 << 20,
    memory=512 << 20,
    cpu=30,
)
HEADER = hostile.header_row("Họ và tên", "Số CMND/CCCD")


def spellings(letters: str, row: int):
    """The ways a sheet may write a reference that the reader takes for the same cell."""
    yield f'r="{letters}{row}"'
    yield f"r='{letters.lower()}{row}'"
    yield f'r = "{letters}000{row}"'


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(column=st.integers(1, 16_384), row=st.integers(1, 1_048_576), spelling=st.integers(0, 2))
def test_a_cell_is_refused_exactly_when_it_is_past_the_limits(tmp_path, column, row, spelling):
    letters = parsing.column_letters(column)
    assert parsing.column_number(letters) == column
    reference = list(spellings(letters, row))[spelling]
    cell = f"<row r=\"{row}\"><c {reference} t='inlineStr'><is><t>x</t></is></c></row>"
    path = hostile.xlsx(tmp_path / "cell.xlsx", HEADER + cell.encode())
    far = column > LIMITS.columns or row > LIMITS.rows
    if far:
        with pytest.raises(parsing.Refused) as refused:
            parsing.check_zip(path, "xlsx", LIMITS)
        assert (refused.value.code, refused.value.params) == (
            "far_cell",
            {"cell": f"{letters}{row}", "sheet": "Danh sách"},
        )
    else:
        parsing.check_zip(path, "xlsx", LIMITS)


def test_a_reference_cut_between_two_pieces_of_the_stream_is_found(tmp_path):
    # Filler that packs like a sheet (about twice), then the far reference across the end of
    # the first megabyte unpacked.
    filler = b"<row><c><v>" + os.urandom(300_000).hex().encode() + b"</v></c></row>"
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    head += f'<worksheet xmlns="{hostile._MAIN}"><sheetData>'.encode()
    before = parsing.CHUNK - len(head) - len(HEADER) - len(filler) - len(b'<row r="9"><c r="XF')
    cell = b'<row r="9"><c r="XFD9"><v>1</v></c></row>'
    path = hostile.xlsx(tmp_path / "cut.xlsx", [HEADER, filler, b" " * before, cell])
    with pytest.raises(parsing.Refused) as refused:
        parsing.check_zip(path, "xlsx", LIMITS)
    assert refused.value.params["cell"] == "XFD9"


def test_text_built_to_slow_the_scan_is_scanned_quickly(tmp_path):
    rows = [HEADER]
    for n in range(2, 22):  # references that almost match, each a long run to backtrack over
        rows.append(
            f'<row r="{n}"><c r="XFD{"0" * 20_000}x"/><c r="{"A" * 20_000}"/></row>'.encode()
        )
    path = hostile.xlsx(tmp_path / "slow.xlsx", rows)
    started = time.monotonic()
    parsing.check_zip(path, "xlsx", LIMITS)
    assert time.monotonic() - started < 2


def test_a_reference_of_thousands_of_letters_is_refused_and_named_shortly(tmp_path):
    # The reader takes it for a column far past XFD (and asks for 65 GB).
    path = hostile.xlsx(
        tmp_path / "long.xlsx",
        HEADER + f'<row r="2"><c r="{"A" * 20_000}2"><v>1</v></c></row>'.encode(),
    )
    with pytest.raises(parsing.Refused) as refused:
        parsing.check_zip(path, "xlsx", LIMITS)
    assert refused.value.params["cell"] == "AAAAAAAAAA…2"


def test_an_opendocument_cell_after_repeated_empty_cells_is_placed_where_they_end(tmp_path):
    path = hostile.sparse_ods(tmp_path / "wide.ods", 10, 63)  # ends in column 64: read
    parsing.check_zip(path, "ods", LIMITS)
    path = hostile.sparse_ods(tmp_path / "wider.ods", 10, 64)
    with pytest.raises(parsing.Refused) as refused:
        parsing.check_zip(path, "ods", LIMITS)
    assert refused.value.params == {"cell": "BM12", "sheet": "Danh sách"}


def test_the_rows_come_back_whole_as_often_as_asked(tmp_path):
    path = tmp_path / "list.csv"
    lines = [f"Nguyễn Văn {n},0382080{n:05d},,," for n in range(2_500)]
    path.write_text("Họ và tên,Số CMND/CCCD,,,\n" + "\n".join(lines) + "\n")
    [sheet] = raw_sheets(path)
    first, again = list(sheet.rows()), list(sheet.rows())
    assert first == again and len(first) == sheet.height == 2_501
    assert first[-1] == (2_501, ["Nguyễn Văn 2499", "038208002499"])  # blanks at the end go


def test_a_csv_file_with_too_many_lines_is_refused_before_its_rows_are_read(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a\n" * (LIMITS.rows + 1))
    with pytest.raises(parsing.Refused) as refused:
        parsing.parse(path, "csv", LIMITS)
    assert (refused.value.code, refused.value.params) == ("too_many_rows", {"count": LIMITS.rows})


def test_the_child_gets_no_secret_of_the_worker(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://user:secret@db/doanvien")
    monkeypatch.setenv("SECRET_KEY", "secret")
    environment = parsing._child_environment()
    assert "DATABASE_URL" not in environment and "SECRET_KEY" not in environment
    assert Path(parsing.__file__).read_text().count("import django") == 0


def test_a_member_larger_than_its_directory_says_is_caught_by_unpacking_it(hostile_files):
    lying = hostile_files["zip bomb with false sizes"]
    assert _sniff_kind(lying) == "xlsx"  # what the file declares is within every limit
    with pytest.raises(parsing.Refused) as refused:
        parsing.check_zip(lying, "xlsx", LIMITS)
    assert refused.value.code == "unreadable"

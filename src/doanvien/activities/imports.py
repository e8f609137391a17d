"""Recording an activity's participation from an Excel file: one member a row, found by his
member code (the column of the member list's exports, with its usual spellings). The file is
read by the spreadsheet toolkit (core/spreadsheets: checked and parsed in a child process,
within its budgets); the rows are then recorded all or nothing (services.participations_record,
which names every row at fault)."""

import tempfile
from pathlib import Path

from doanvien.core.spreadsheets.reading import ColumnSpec, cell_text, open_sheet

from . import services
from .models import Activity, Participation

COLUMNS = [
    ColumnSpec("member_code", "Mã đoàn viên", ("Mã ĐV", "Mã số đoàn viên", "Mã định danh")),
    ColumnSpec("full_name", "Họ và tên", ("Họ tên",)),
]


def codes_of(path: str | Path) -> list[tuple[int, str]]:
    """(row number in the file, member code) of every row that has a code or a name; raises
    SpreadsheetError for a file the toolkit refuses."""
    sheet = open_sheet(path, COLUMNS, examples=("Mã đoàn viên", "Họ và tên"))
    code = sheet.column("member_code")
    name = sheet.column("full_name")
    found = []
    for number, values in sheet.rows():
        value = cell_text(values[code.index]) if code and code.index < len(values) else ""
        named = cell_text(values[name.index]) if name and name.index < len(values) else ""
        if value or named:
            found.append((number, value))
    return found


def participations_import(
    *, actor, activity: Activity, upload, within: list[str] | None = None
) -> int:
    """Record the participation of the members listed in an uploaded file (all or nothing; for
    a lower unit's committee, only members of its subtree: `within`)."""
    suffix = Path(upload.name or "").suffix.lower()[:8] or ".xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"list{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        rows = codes_of(path)
    return services.participations_record(
        actor=actor,
        activity=activity,
        rows=rows,
        source=Participation.Source.IMPORT,
        within=within,
    )

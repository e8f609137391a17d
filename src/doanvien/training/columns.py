"""The registration list's columns: one row per member and criterion, read by the registration
import and written by its template (training/imports.py)."""

from doanvien.core.spreadsheets.reading import ColumnSpec

# The file's columns. The headers are a file format (Vietnamese in the code, not translated);
# aliases are other spellings met in hand-made files. Matching ignores case, diacritics,
# punctuation and a note in brackets ("Thời gian hoàn thành (dd/mm/yyyy)").
COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("member_code", "Mã đoàn viên", ("Mã ĐV", "Mã số đoàn viên", "Mã định danh")),
    ColumnSpec("full_name", "Họ và tên", ("Họ tên", "Họ và tên đoàn viên", "Tên đoàn viên")),
    ColumnSpec("criterion", "Mã tiêu chí", ("Mã TC", "Mã số tiêu chí")),
    ColumnSpec("criterion_text", "Tiêu chí", ("Tên tiêu chí", "Tiêu chí đăng ký")),
    ColumnSpec(
        "plan",
        "Kế hoạch thực hiện",
        ("Giải pháp thực hiện", "Kế hoạch", "Giải pháp", "Biện pháp thực hiện"),
    ),
    ColumnSpec(
        "target_date",
        "Thời gian hoàn thành",
        ("Ngày hoàn thành", "Thời hạn hoàn thành", "Hạn hoàn thành", "Thời gian thực hiện"),
        kind="date",
    ),
)
SPECS = {spec.field: spec for spec in COLUMNS}
# Columns the import cannot do without; the name and the criterion's text only help the reader.
REQUIRED = ("member_code", "criterion", "plan", "target_date")
# What the template writes as the date column's header (the note is ignored when reading).
DATE_HEADER = "Thời gian hoàn thành (dd/mm/yyyy)"

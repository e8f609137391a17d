"""The columns of the unit tree's spreadsheets (the import, its template and the export), in
the shape of the national software's unit list: code, name, level, sector, the code of the unit
above; the export adds the count of members."""

from django.utils.translation import gettext_lazy as _

from doanvien.core.spreadsheets.reading import ColumnSpec

COLUMNS = (
    ColumnSpec(
        "code",
        "Mã đơn vị",
        aliases=("Mã", "Mã tổ chức", "Mã tổ chức Đoàn", "Mã ĐV", "Unit code", "Code"),
        national=True,
    ),
    ColumnSpec(
        "name",
        "Tên đơn vị",
        aliases=("Tên", "Tên tổ chức", "Tên tổ chức Đoàn", "Unit name", "Name"),
        national=True,
    ),
    ColumnSpec("level", "Cấp", aliases=("Cấp đơn vị", "Cấp tổ chức", "Level"), national=True),
    ColumnSpec("sector", "Khu vực", aliases=("Khối", "Lĩnh vực", "Sector"), national=True),
    ColumnSpec(
        "parent_code",
        "Mã đơn vị cấp trên",
        aliases=("Mã cấp trên", "Mã đơn vị trực thuộc", "Đơn vị cấp trên", "Parent code"),
        national=True,
    ),
    # Written by the export, kept by the system: an import reads past it.
    ColumnSpec(
        "member_count", "Số đoàn viên", aliases=("Số ĐV", "Members"), computed=True, national=True
    ),
)
SPECS = {spec.field: spec for spec in COLUMNS}
IMPORT_COLUMNS = ("code", "name", "level", "sector", "parent_code")
EXPORT_COLUMNS = (*IMPORT_COLUMNS, "member_count")

LABELS = {
    "code": _("Unit code"),
    "name": _("Unit name"),
    "level": _("Level"),
    "sector": _("Sector"),
    "parent_code": _("Code of the unit above"),
    "member_count": _("Members"),
}


def field_label(name: str) -> str:
    return str(LABELS.get(name, name))

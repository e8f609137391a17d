"""The columns of the youth import's file and template (seed 003 Bước 1: the branch's survey
list of the young people around it and their clubs, teams and groups). Headers are the file
format: Vietnamese, with the spellings met in branches' own lists as aliases."""

from django.utils.translation import gettext_lazy as _

from doanvien.core.spreadsheets.reading import ColumnSpec

COLUMNS = (
    ColumnSpec("full_name", "Họ và tên", aliases=("Họ tên", "Tên thanh niên", "Full name")),
    ColumnSpec(
        "date_of_birth",
        "Ngày sinh",
        aliases=("Ngày tháng năm sinh", "Date of birth"),
        kind="date",
    ),
    ColumnSpec("sex", "Giới tính", aliases=("Giới", "Sex"), kind="choice"),
    ColumnSpec("phone", "Điện thoại", aliases=("Số điện thoại", "SĐT", "Liên hệ", "Phone")),
    ColumnSpec(
        "place",
        "Nơi ở, học tập, làm việc",
        aliases=("Nơi ở", "Địa chỉ", "Nơi học tập, làm việc", "Place"),
    ),
    ColumnSpec(
        "situation",
        "Tình trạng",
        aliases=("Đang học, làm việc", "Tình hình", "Situation"),
        kind="choice",
    ),
    ColumnSpec(
        "federation_joined_on",
        "Ngày vào Hội",
        aliases=("Ngày vào Hội LHTN", "Hội viên từ ngày", "Joined the Federation on"),
        kind="date",
    ),
    ColumnSpec("unit_code", "Mã chi đoàn", aliases=("Mã đơn vị", "Unit code")),
    ColumnSpec(
        "group",
        "Nhóm, câu lạc bộ, đội",
        aliases=("Nhóm", "Câu lạc bộ", "Đội, nhóm", "Bộ, tổ, đội, nhóm", "Group"),
    ),
    ColumnSpec("group_kind", "Loại nhóm", aliases=("Loại", "Group kind"), kind="choice"),
    ColumnSpec(
        "group_contact",
        "Người liên hệ của nhóm",
        aliases=("Người liên hệ", "Trưởng nhóm", "Group contact"),
    ),
    ColumnSpec(
        "group_attached_on",
        "Ngày nhóm gắn với hoạt động Đoàn",
        aliases=("Ngày gắn kết", "Gắn với Đoàn từ ngày", "Group attached on"),
        kind="date",
    ),
    ColumnSpec("notes", "Ghi chú", aliases=("Ghi chú thêm", "Notes"), kind="multiline"),
)
SPECS = {spec.field: spec for spec in COLUMNS}

LABELS = {
    "full_name": _("Full name"),
    "date_of_birth": _("Date of birth"),
    "sex": _("Sex"),
    "phone": _("Phone or contact"),
    "place": _("Where he lives, studies or works"),
    "situation": _("Situation"),
    "federation_joined_on": _("Joined the Federation on"),
    "unit_code": _("Unit code"),
    "group": _("Group"),
    "group_kind": _("Kind of group"),
    "group_contact": _("Contact person"),
    "group_attached_on": _("Attached to the Union's activities on"),
    "notes": _("Notes"),
}


def field_label(name: str) -> str:
    return str(LABELS.get(name, name))

"""The member list's columns: the file format shared with the national software (its member
list, in its order, then the columns only we have), read by the member import and written by
the member exports and the import template.

The headers are a file format, so they are Vietnamese in the code, not translated.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from doanvien.core.spreadsheets.reading import ColumnSpec

from .models import Member
from .validation import CHOICE_FIELDS

# The national software's member list, in its order (`national=True`), then the columns only
# we have; each column's kind says how the import reads it. The first header is the one our
# template and exports write; the aliases are other spellings met in files (the national
# export, older templates); matching ignores case, diacritics and punctuation.
COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "full_name", "Họ và tên", ("Họ tên", "Họ và tên đoàn viên", "Full name"), national=True
    ),
    ColumnSpec(
        "member_code", "Mã đoàn viên", ("Mã ĐV", "Mã số đoàn viên", "Mã định danh"), national=True
    ),
    ColumnSpec(
        "date_of_birth",
        "Ngày sinh",
        ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Date of birth"),
        kind="date",
        national=True,
    ),
    ColumnSpec("sex", "Giới tính", ("Giới", "Nam/Nữ", "Sex"), kind="choice", national=True),
    ColumnSpec("ethnicity", "Dân tộc", national=True),
    ColumnSpec("religion", "Tôn giáo", national=True),
    ColumnSpec("home_town", "Quê quán", ("Nguyên quán",), national=True),
    ColumnSpec(
        "permanent_address",
        "Địa chỉ thường trú",
        ("Nơi thường trú", "Thường trú", "Địa chỉ", "Nơi ở hiện nay"),
        national=True,
    ),
    ColumnSpec(
        "id_number",
        "Số CCCD/CMND",
        (
            "Số CMND/CCCD",
            "CMND/CCCD",
            "CCCD/CMND",
            "Số CCCD",
            "Số CMND",
            "CCCD",
            "CMND",
            "Số căn cước",
            "Số căn cước công dân",
            "Căn cước công dân",
            "Số định danh cá nhân",
            "Chứng minh nhân dân",
            "Số chứng minh nhân dân",
            "Số CMND/CCCD/Định danh",
            "ID card number",
        ),
        kind="number",
        national=True,
    ),
    ColumnSpec(
        "id_issued_on",
        "Ngày cấp",
        ("Ngày cấp CMND/CCCD", "Ngày cấp CCCD", "Ngày cấp CMND", "Ngày cấp CCCD/CMND"),
        kind="date",
        national=True,
    ),
    ColumnSpec(
        "id_issued_place",
        "Nơi cấp",
        ("Nơi cấp CMND/CCCD", "Nơi cấp CCCD", "Nơi cấp CMND", "Nơi cấp CCCD/CMND"),
        national=True,
    ),
    ColumnSpec(
        "education_level",
        "Trình độ học vấn",
        (
            "Trình độ văn hóa",
            "Trình độ văn hoá",
            "Trình độ giáo dục phổ thông",
            "Giáo dục phổ thông",
            "Văn hóa",
        ),
        national=True,
    ),
    ColumnSpec(
        "professional_qualification",
        "Trình độ chuyên môn",
        ("Chuyên môn", "Trình độ chuyên môn nghiệp vụ", "Chuyên môn nghiệp vụ"),
        national=True,
    ),
    ColumnSpec(
        "political_theory_level",
        "Trình độ lý luận chính trị",
        ("Lý luận chính trị", "LLCT", "Trình độ LLCT", "Trình độ chính trị"),
        national=True,
    ),
    ColumnSpec("it_level", "Trình độ tin học", ("Tin học",), national=True),
    ColumnSpec("foreign_language_level", "Trình độ ngoại ngữ", ("Ngoại ngữ",), national=True),
    ColumnSpec(
        "joined_union_on",
        "Ngày vào Đoàn",
        ("Ngày kết nạp Đoàn", "Ngày kết nạp", "Ngày kết nạp vào Đoàn", "Ngày vào Đoàn TNCS"),
        kind="date",
        national=True,
    ),
    ColumnSpec(
        "admission_resolution_no",
        "Số nghị quyết kết nạp",
        (
            "Số NQ kết nạp",
            "Số quyết định kết nạp",
            "Số QĐ kết nạp",
            "Nghị quyết kết nạp",
            "Số nghị quyết",
        ),
        national=True,
    ),
    ColumnSpec(
        "card_number",
        "Số thẻ đoàn viên",
        ("Số thẻ đoàn", "Số thẻ", "Thẻ đoàn viên", "Số thẻ ĐV"),
        kind="number",
        national=True,
    ),
    ColumnSpec(
        "joined_party_on",
        "Ngày vào Đảng",
        ("Ngày kết nạp Đảng", "Ngày vào Đảng CSVN"),
        kind="date",
        national=True,
    ),
    ColumnSpec(
        "occupation",
        "Nghề nghiệp hiện nay",
        ("Nghề nghiệp", "Công việc hiện nay", "Nghề nghiệp, công việc hiện nay"),
        national=True,
    ),
    ColumnSpec(
        "category",
        "Loại đoàn viên",
        ("Loại hình sinh hoạt", "Hình thức sinh hoạt", "Đối tượng sinh hoạt", "Loại sinh hoạt"),
        kind="choice",
        national=True,
    ),
    ColumnSpec(
        "training_status",
        "Tình trạng rèn luyện",
        (
            "Chương trình rèn luyện",
            "Trạng thái rèn luyện",
            "Đăng ký rèn luyện",
            "Tình trạng đăng ký rèn luyện",
        ),
        computed=True,
        national=True,
    ),
    ColumnSpec(
        "evaluation_status",
        "Kết quả đánh giá",
        ("Tình trạng đánh giá", "Xếp loại", "Đánh giá xếp loại", "Kết quả xếp loại"),
        computed=True,
        national=True,
    ),
    ColumnSpec("awards", "Khen thưởng", kind="multiline", national=True),
    ColumnSpec("discipline", "Kỷ luật", kind="multiline", national=True),
    ColumnSpec(
        "position",
        "Chức vụ",
        ("Chức vụ Đoàn", "Chức vụ trong chi đoàn", "Chức vụ chi đoàn", "Chức danh"),
        kind="choice",
        national=True,
    ),
    ColumnSpec(
        "federation_member",
        "Hội viên Hội LHTN",
        (
            "Là hội viên Hội LHTN",
            "Hội viên Hội LHTN Việt Nam",
            "Là hội viên Hội LHTN Việt Nam",
            "Hội viên",
            "Tham gia Hội",
        ),
        kind="bool",
        national=True,
    ),
    ColumnSpec(
        "honorary",
        "Đoàn viên danh dự",
        ("Danh dự", "Là đoàn viên danh dự"),
        kind="bool",
        national=True,
    ),
    ColumnSpec(
        "email",
        "Email",
        ("E-mail", "Thư điện tử", "Email liên hệ", "Địa chỉ email", "Mail"),
        national=True,
    ),
    ColumnSpec(
        "phone",
        "Số điện thoại",
        ("Điện thoại", "SĐT", "Số ĐT", "Điện thoại liên hệ", "Số điện thoại liên hệ", "Di động"),
        kind="number",
        national=True,
    ),
    ColumnSpec(
        "branch",
        "Chi đoàn",
        ("Đơn vị", "Tên chi đoàn", "Mã chi đoàn", "Đơn vị sinh hoạt", "Chi đoàn sinh hoạt"),
        national=True,
    ),
    # Ours: the branch's path from the unit imported into (or from higher up), names or codes
    # separated by "/", so that one file fills a whole base union or district even where
    # branch names repeat ("Chi đoàn 10A1" in every school).
    ColumnSpec(
        "branch_path",
        "Đường dẫn chi đoàn",
        (
            "Đường dẫn đơn vị",
            "Chi đoàn (đường dẫn)",
            "Đơn vị (đường dẫn)",
            "Cây đơn vị",
            "Thuộc đơn vị",
            "Branch path",
        ),
    ),
    ColumnSpec("status", "Trạng thái", ("Tình trạng đoàn viên",), computed=True, kind="choice"),
    # Ours: the member's group for the training programme (seed 000 IV.1: "theo đặc thù đối
    # tượng đoàn viên"). A blank cell: for a new member, the group his position and occupation
    # give; for a member already there, his group stays.
    ColumnSpec(
        "audience",
        "Đối tượng đoàn viên",
        ("Đối tượng rèn luyện", "Nhóm đối tượng", "Nhóm đoàn viên", "Member group"),
        kind="choice",
    ),
)

SPECS = {spec.field: spec for spec in COLUMNS}
# The national software's member list, in its order.
NATIONAL_COLUMNS = tuple(s.field for s in COLUMNS if s.national)
# Every column an export may have (the branch path too: the file of a base union or district
# goes back in through the import, every member to his branch, whatever the names repeat).
EXPORT_COLUMNS = tuple(s.field for s in COLUMNS)


def in_list_order(columns) -> list[str]:
    """Chosen columns as an export writes them: in the order of EXPORT_COLUMNS."""
    picked = set(columns)
    return [name for name in EXPORT_COLUMNS if name in picked]


def field_label(name: str) -> str:
    """The field's name as the member form shows it."""
    if name == "branch":
        return capfirst(_("branch"))
    if name == "branch_path":
        return capfirst(_("branch path"))
    return capfirst(str(Member._meta.get_field(name).verbose_name))


def choice_labels(name: str) -> list[str]:
    """The labels of a choice field, in the active language."""
    return [capfirst(str(label)) for _code, label in CHOICE_FIELDS[name].choices]

"""The default campaigns and the nine statistics forms shipped (union-rules §9).

The titles are those of the national software's forms [C1, YUM district manual]; forms 1–5 are
computed from the data, 6–9 typed. The rows and columns of every form are PLACEHOLDERS: the
national layouts were not found (union-rules, open item 8), so a province edits them as data
(the admin's "statistics forms"); each form's `note` says so. The periods' deadlines are the
national software's [C1], and so are the status reset days (31/12 and 31/10, [C1]); the span of
the figures (1/1 to the deadline) is a default [U].

The data migration 0002 installs these rows with `install`; nothing reads this module at run
time.
"""

PLACEHOLDER_NOTE = (
    "Bố cục hàng, cột là tạm thời (chưa tìm thấy mẫu chính thức của phần mềm quốc gia): "
    "tỉnh đoàn có thể sửa. Placeholder layout: the national column layout was not found."
)

PERIODS = [
    {
        "code": "h1",
        "title": "Báo cáo số liệu 6 tháng đầu năm",
        "ends_month": 6,
        "ends_day": 30,
        "due_month": 6,
        "due_day": 30,
        "resets_month": 12,
        "resets_day": 31,
        "note": "Hạn 30/6 (phần mềm quốc gia, C1); kỳ số liệu 1/1–30/6 là mặc định (U).",
    },
    {
        "code": "year",
        "title": "Báo cáo số liệu năm",
        "ends_month": 11,
        "ends_day": 30,
        "due_month": 11,
        "due_day": 30,
        "resets_month": 10,
        "resets_day": 31,
        "note": "Hạn 30/11 (phần mềm quốc gia, C1); kỳ số liệu 1/1–30/11 là mặc định (U).",
    },
]

TOTAL_FEMALE = [{"key": "total", "label": "Tổng số"}, {"key": "female", "label": "Trong đó nữ"}]
COUNT = [{"key": "count", "label": "Số lượng"}]
NOT_TRAINED = ["", "Chưa qua đào tạo"]


def _members_rows():
    """Form 1: (row key, label, members params or another source for the total column)."""
    return [
        ("members", "Tổng số đoàn viên", None),
        ("age_u18", "Dưới 18 tuổi", {"age": [None, 17]}),
        ("age_18_30", "Từ 18 đến 30 tuổi", {"age": [18, 30]}),
        ("age_o30", "Trên 30 tuổi", {"age": [31, None]}),
        ("minority", "Dân tộc thiểu số", {"not_in": {"ethnicity": ["", "Kinh"]}}),
        ("religious", "Có tôn giáo", {"not_in": {"religion": ["", "Không"]}}),
        ("edu_12", "Học vấn 12/12", {"in": {"education_level": ["12/12"]}}),
        (
            "theory",
            "Đã học lý luận chính trị",
            {"not_in": {"political_theory_level": NOT_TRAINED}},
        ),
        ("party", "Là đảng viên", {"party": True}),
    ]


MOVEMENT_ROWS = [
    ("admitted", "Kết nạp mới trong kỳ", ["admitted"]),
    ("removed", "Xóa tên, khai trừ trong kỳ", ["removed", "expelled"]),
    ("matured", "Trưởng thành Đoàn trong kỳ", ["matured_out"]),
    ("transfer_in", "Chuyển sinh hoạt đến", ["transfer_in"]),
    ("transfer_out", "Chuyển sinh hoạt đi", ["transfer_out"]),
]


def form_1() -> dict:
    rows, cells = [], {}
    for key, label, params in _members_rows():
        rows.append({"key": key, "label": label})
        if params is None:
            cells[f"{key}:total"] = {"source": "member_count", "params": {}}
            cells[f"{key}:female"] = {"source": "members", "params": {"sex": "female"}}
        else:
            cells[f"{key}:total"] = {"source": "members", "params": params}
            cells[f"{key}:female"] = {"source": "members", "params": {**params, "sex": "female"}}
    for key, label, kinds in MOVEMENT_ROWS:
        rows.append({"key": key, "label": label})
        cells[f"{key}:total"] = {"source": "movements", "params": {"kinds": kinds}}
        cells[f"{key}:female"] = {
            "source": "movements",
            "params": {"kinds": kinds, "sex": "female"},
        }
    rows.append({"key": "referred", "label": "Thanh niên được giới thiệu qua “1+1”"})
    cells["referred:total"] = {"source": "referrals", "params": {"counter": "youths_referred"}}
    rows.append({"key": "dues", "label": "Đoàn phí thu trong kỳ (đồng)"})
    cells["dues:total"] = {"source": "dues", "params": {}}
    return {
        "number": 1,
        "title": "Công tác đoàn viên",
        "rows": rows,
        "columns": TOTAL_FEMALE,
        "cells": cells,
    }


def form_2() -> dict:
    rows = [
        ("proposed", "Đoàn viên ưu tú được đề nghị", "party_introductions", "proposed"),
        ("introduced", "Đoàn viên ưu tú được giới thiệu", "party_introductions", "introduced"),
        ("admitted", "Được kết nạp Đảng", "party_introductions", "admitted"),
        ("party", "Đoàn viên là đảng viên", "members", None),
    ]
    cells = {}
    for key, _label, name, counter in rows:
        params = {"counter": counter} if counter else {"party": True}
        cells[f"{key}:count"] = {"source": name, "params": params}
    return {
        "number": 2,
        "title": "Công tác phát triển Đảng",
        "rows": [{"key": k, "label": label} for k, label, _n, _c in rows],
        "columns": COUNT,
        "cells": cells,
    }


EV = "evaluations"


def form_3() -> dict:
    rows = [
        ("members", "Đoàn viên của năm", "classification", "members"),
        ("excellent", "Đoàn viên hoàn thành xuất sắc nhiệm vụ", "classification", "excellent"),
        ("good", "Đoàn viên hoàn thành tốt nhiệm vụ", "classification", "good"),
        ("complete", "Đoàn viên hoàn thành nhiệm vụ", "classification", "complete"),
        ("incomplete", "Đoàn viên không hoàn thành nhiệm vụ", "classification", "incomplete"),
        ("not_classified", "Đoàn viên chưa xếp loại", "classification", "not_classified"),
        ("branches_registered", "Chi đoàn đăng ký “Chi đoàn mạnh”", EV, "branches_registered"),
        ("branches_strong", "Chi đoàn được công nhận “Chi đoàn mạnh”", EV, "branches_strong"),
        ("bases_registered", "Đoàn cơ sở đăng ký “3 chủ động”", EV, "bases_registered"),
        ("bases_proactive", "Đoàn cơ sở được công nhận “3 chủ động”", EV, "bases_proactive"),
    ]  # fmt: skip
    return {
        "number": 3,
        "title": "Kết quả đánh giá, xếp loại đoàn viên và tổ chức cơ sở Đoàn",
        "rows": [{"key": k, "label": label} for k, label, _n, _c in rows],
        "columns": COUNT,
        "cells": {
            f"{k}:count": {"source": name, "params": {"counter": c}} for k, _l, name, c in rows
        },
    }


SECTORS = [
    ("school", "Trường học"),
    ("workers", "Công nhân, doanh nghiệp"),
    ("residential", "Địa bàn dân cư"),
    ("armed_forces", "Lực lượng vũ trang"),
    ("public_admin", "Cơ quan hành chính"),
]


def form_4() -> dict:
    rows = [
        ("bases", "Đoàn cơ sở, chi đoàn cơ sở", {"level": "base"}),
        ("unions", "Đơn vị có tổ chức trực thuộc", {"kind": "union"}),
        ("branches", "Chi đoàn", {"kind": "branch"}),
    ]
    columns = [{"key": "total", "label": "Tổng số"}] + [{"key": k, "label": v} for k, v in SECTORS]
    cells = {}
    for key, _label, params in rows:
        cells[f"{key}:total"] = {"source": "units", "params": params}
        for sector, _name in SECTORS:
            cells[f"{key}:{sector}"] = {"source": "units", "params": {**params, "sector": sector}}
    return {
        "number": 4,
        "title": "Số lượng tổ chức Đoàn trực thuộc",
        "rows": [{"key": k, "label": label} for k, label, _p in rows],
        "columns": columns,
        "cells": cells,
    }


BELOW_MIDDLE = [*NOT_TRAINED, "Sơ cấp"]


def form_5() -> dict:
    rows = [
        ("secretary", "Bí thư", ["secretary"]),
        ("deputy", "Phó Bí thư", ["deputy"]),
        ("standing", "Ủy viên Ban Thường vụ", ["standing"]),
        ("member", "Ủy viên Ban Chấp hành", ["member"]),
        ("total", "Tổng số cán bộ", None),
    ]
    columns = [
        ("total", "Tổng số", {}),
        ("age_u30", "Dưới 30 tuổi", {"age": [None, 29]}),
        ("age_o30", "Từ 30 tuổi trở lên", {"age": [30, None]}),
        ("theory", "Lý luận chính trị trung cấp trở lên", {"theory_not_in": BELOW_MIDDLE}),
        ("trained", "Đã qua lớp nghiệp vụ công tác Đoàn", {"trained": True}),
    ]  # fmt: skip
    cells = {}
    for row, _label, posts in rows:
        for col, _name, params in columns:
            spec = {**params, **({"posts": posts} if posts else {})}
            cells[f"{row}:{col}"] = {"source": "cadres", "params": spec}
    return {
        "number": 5,
        "title": "Cán bộ Đoàn các cấp",
        "rows": [{"key": k, "label": label} for k, label, _p in rows],
        "columns": [{"key": k, "label": label} for k, label, _p in columns],
        "cells": cells,
    }


def typed_form(number: int, title: str, rows, columns, *, total_row=None, total_col=None) -> dict:
    """A typed grid: every cell typed; a totals row and/or column checked against its parts."""
    cells = {f"{r}:{c}": {"typed": True} for r, _l in rows for c, _n in columns}
    checks = []
    if total_row:
        parts = [r for r, _l in rows if r != total_row]
        for c, _n in columns:
            checks.append({"total": f"{total_row}:{c}", "parts": [f"{r}:{c}" for r in parts]})
    if total_col:
        parts = [c for c, _n in columns if c != total_col]
        for r, _l in rows:
            checks.append({"total": f"{r}:{total_col}", "parts": [f"{r}:{c}" for c in parts]})
    return {
        "number": number,
        "title": title,
        "rows": [{"key": k, "label": label} for k, label in rows],
        "columns": [{"key": k, "label": label} for k, label in columns],
        "cells": cells,
        "checks": checks,
    }


def form_6() -> dict:
    return typed_form(
        6,
        "Đào tạo cán bộ Đoàn",
        [
            ("senior_theory", "Lý luận chính trị cao cấp"),
            ("middle_theory", "Lý luận chính trị trung cấp"),
            ("university", "Đại học, sau đại học"),
            ("union_work", "Nghiệp vụ công tác Đoàn"),
            ("total", "Tổng số"),
        ],
        [("trained", "Số cán bộ được đào tạo"), ("female", "Trong đó nữ")],
        total_row="total",
    )


def form_7() -> dict:
    return typed_form(
        7,
        "Bồi dưỡng, tập huấn cán bộ Đoàn, Hội, Đội",
        [
            ("doan", "Cán bộ Đoàn"),
            ("hoi", "Cán bộ Hội"),
            ("doi", "Cán bộ Đội"),
            ("total", "Tổng số"),
        ],
        [("classes", "Số lớp"), ("attendees", "Số lượt người dự")],
        total_row="total",
    )


def form_8() -> dict:
    return typed_form(
        8,
        "Cán bộ chuyên trách được luân chuyển, điều động; bầu bổ sung phó bí thư kiêm nhiệm",
        [
            ("rotated", "Cán bộ chuyên trách được luân chuyển"),
            ("transferred", "Cán bộ chuyên trách được điều động"),
            ("by_elected", "Bầu bổ sung phó bí thư kiêm nhiệm"),
        ],
        [
            ("province", "Cấp tỉnh"),
            ("district", "Cấp huyện"),
            ("base", "Cấp cơ sở"),
            ("total", "Tổng số"),
        ],
        total_col="total",
    )


def form_9() -> dict:
    return typed_form(
        9,
        "Tổ chức Đoàn, Hội trong doanh nghiệp ngoài nhà nước",
        [
            ("enterprises", "Số doanh nghiệp"),
            ("doan_orgs", "Số tổ chức Đoàn"),
            ("doan_members", "Số đoàn viên"),
            ("hoi_orgs", "Số tổ chức Hội"),
            ("hoi_members", "Số hội viên"),
        ],
        [
            ("private", "Doanh nghiệp tư nhân, công ty"),
            ("foreign", "Doanh nghiệp có vốn đầu tư nước ngoài"),
            ("total", "Tổng số"),
        ],
        total_col="total",
    )


def forms() -> list[dict]:
    builders = (form_1, form_2, form_3, form_4, form_5, form_6, form_7, form_8, form_9)
    return [build() for build in builders]


def install(PeriodDefault, FormDefinition) -> None:
    """Create the default periods and the nine shared forms that are missing (the migration's
    historical models, or the real ones; a field a historical model does not have yet is left to
    the migration that adds it)."""
    fields = {f.name for f in PeriodDefault._meta.get_fields()}
    for period in PERIODS:
        known = {key: value for key, value in period.items() if key in fields}
        PeriodDefault.objects.get_or_create(code=period["code"], defaults=known)
    for form in forms():
        if not FormDefinition.objects.filter(owner=None, number=form["number"]).exists():
            FormDefinition.objects.create(note=PLACEHOLDER_NOTE, **form)

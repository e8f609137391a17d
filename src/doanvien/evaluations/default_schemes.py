"""The schemes and deadlines a fresh installation ships (data, editable afterwards).

The groups are confirmed (union-rules.md §1: the three dimensions of "Chi đoàn mạnh", [C2];
§2: the three criteria of "Đoàn cơ sở 3 chủ động", [C2]); the items, their points and the pass
mark are PLACEHOLDERS (no points scale was reachable, [U]; 3 groups of about 33 points and a
pass mark of 80 are union-rules' suggestion, [I]): the scheme page says so until a unit
publishes its own. Deadlines: seed 001 (Can Tho 2024 letter, 201-CV/ĐTN, II.3 and III.3),
a placeholder elsewhere [C1]. Recognition: the parent for a branch (§1), the nearest
district-level ancestor for a base union (§2, [C2]); the 100 % strong-branch precondition is
seed 001 II, item 3 [C1], a scheme setting, on by default."""

from decimal import Decimal

SEED_001 = "Seed 001 (201-CV/ĐTN, 16/01/2024)"
PLACEHOLDER = "Danh mục và điểm là tạm thời (chưa có thang điểm chính thức)"

# code, name, recogniser level, all branches strong first, [(group, [(item, points, evidence,
# indicator)])]
SCHEMES = [
    (
        "strong_branch",
        "Chi đoàn mạnh (mặc định)",
        "",
        False,
        [
            (
                "Vững mạnh về chính trị – tư tưởng",
                [
                    (
                        "Đoàn viên học tập, quán triệt nghị quyết của Đảng, của Đoàn",
                        "12",
                        False,
                        "",
                    ),
                    (
                        "Đoàn viên đăng ký và thực hiện Chương trình rèn luyện đoàn viên",
                        "11",
                        True,
                        "training.members_registered",
                    ),
                    ("Không có đoàn viên vi phạm pháp luật, kỷ luật của Đoàn", "10", False, ""),
                ],
            ),
            (
                "Vững mạnh về tổ chức hoạt động",
                [
                    ("Sinh hoạt chi đoàn định kỳ hằng tháng, nội dung thiết thực", "12", True, ""),
                    ("Tổ chức ít nhất một hoạt động phong trào mỗi quý", "11", True, ""),
                    ("Tham gia đầy đủ các hoạt động do Đoàn cấp trên tổ chức", "10", False, ""),
                ],
            ),
            (
                "Vững mạnh về xây dựng tổ chức",
                [
                    ("Quản lý đoàn viên, thu nộp đoàn phí đúng quy định", "12", True, ""),
                    ("Giới thiệu đoàn viên mới (1+1), đoàn viên ưu tú cho Đảng", "11", False, ""),
                    ("Ban Chấp hành chi đoàn đủ số lượng, hoạt động theo quy chế", "11", False, ""),
                ],
            ),
        ],
    ),
    (
        "three_proactive",
        "Đoàn cơ sở “3 chủ động” (mặc định)",
        "district",
        True,
        [
            (
                "Chủ động quản lý đoàn viên, nắm bắt tình hình thanh thiếu nhi",
                [
                    ("Quản lý đầy đủ hồ sơ, dữ liệu đoàn viên trên phần mềm", "12", True, ""),
                    (
                        "Đoàn viên đăng ký Chương trình rèn luyện đoàn viên",
                        "11",
                        False,
                        "training.members_registered",
                    ),
                    ("Nắm tình hình thanh thiếu nhi trên địa bàn, đơn vị", "10", False, ""),
                ],
            ),
            (
                "Chủ động xây dựng và thực hiện chương trình, kế hoạch công tác",
                [
                    ("Xây dựng chương trình, kế hoạch công tác năm", "12", True, ""),
                    ("Hoàn thành các chỉ tiêu được giao", "11", True, ""),
                    ("100% chi đoàn trực thuộc đạt “Chi đoàn mạnh”", "10", False, ""),
                ],
            ),
            (
                "Chủ động tham mưu cấp ủy, phối hợp với chính quyền và các tổ chức",
                [
                    ("Tham mưu cấp ủy ban hành văn bản về công tác thanh niên", "12", True, ""),
                    ("Phối hợp với chính quyền, đoàn thể trong hoạt động", "11", False, ""),
                    ("Giới thiệu đoàn viên ưu tú cho Đảng xem xét kết nạp", "11", False, ""),
                ],
            ),
        ],
    ),
]

# The yearly rating of organisations (union-rules §3): criteria and levels for organisations are
# not found ([U]); the shipped scorecard holds the two check items the sources name (seed 001:
# the strong-branch and 3-proactive results feed the organisation's rating, [C1]), pre-filled
# from those evaluations, and placeholder items; its level bands (90 / 70 / 50, [I]) give one of
# the four levels. Recognised (approved) by the level directly above.
RATING_BANDS = [
    {"min": "90", "label": "excellent"},
    {"min": "70", "label": "good"},
    {"min": "50", "label": "complete"},
    {"min": "0", "label": "incomplete"},
]
UNIT_RATING = (
    "unit_rating",
    "Đánh giá, xếp loại tổ chức Đoàn hằng năm (mặc định)",
    "",
    False,
    [
        (
            "Kết quả xây dựng tổ chức",
            [
                (
                    "Được công nhận “Chi đoàn mạnh” trong năm",
                    "30",
                    False,
                    "evaluations.strong_branch_recognised",
                    "branch",
                ),
                (
                    "Được công nhận Đoàn cơ sở “3 chủ động” trong năm",
                    "30",
                    False,
                    "evaluations.three_proactive_recognised",
                    "base",
                ),
                (
                    "Chỉ đạo các đơn vị trực thuộc xây dựng tổ chức vững mạnh",
                    "30",
                    False,
                    "",
                    "above",
                ),
            ],
        ),
        (
            "Kết quả thực hiện nhiệm vụ trong năm",
            [
                ("Hoàn thành các chỉ tiêu, nhiệm vụ được giao", "40", True, ""),
                ("Thực hiện đúng chế độ báo cáo, quản lý đoàn viên", "30", False, ""),
            ],
        ),
    ],
)
SCHEMES.append(UNIT_RATING)
BANDS = {"unit_rating": RATING_BANDS}
PASS_MARKS = {"unit_rating": Decimal(0)}

# scheme, kind, sector, month, day, year offset (from the evaluation year), source
DEADLINES = [
    ("strong_branch", "registration", "", 11, 10, -1, SEED_001),
    ("strong_branch", "registration", "school", 6, 20, -1, SEED_001),
    ("strong_branch", "dossier", "", 10, 10, 0, SEED_001),
    ("three_proactive", "registration", "", 10, 30, -1, SEED_001),
    ("three_proactive", "dossier", "", 10, 10, 0, SEED_001),
]


def install(scheme_model, group_model, item_model, deadline_model, codes=None) -> None:
    """Create the shipped defaults where missing (the data migrations; `codes`: only those
    schemes, as the migration's models know them)."""
    for code, name, recogniser, all_strong, groups in SCHEMES:
        if codes is not None and code not in codes:
            continue
        if scheme_model.objects.filter(code=code, unit=None, year=None).exists():
            continue
        scheme = scheme_model.objects.create(
            code=code,
            name=name,
            is_placeholder=True,
            source=PLACEHOLDER,
            pass_mark=PASS_MARKS.get(code, Decimal(80)),
            level_bands=BANDS.get(code, []),
            recogniser_level=recogniser,
            requires_all_branches_strong=all_strong,
        )
        for g, (group_name, items) in enumerate(groups):
            group = group_model.objects.create(scheme=scheme, name=group_name, order=g)
            for i, (text, points, evidence, indicator, *kind) in enumerate(items):
                item_model.objects.create(
                    group=group,
                    text=text,
                    max_points=Decimal(points),
                    evidence_required=evidence,
                    indicator=indicator,
                    order=i,
                    **({"unit_kind": kind[0]} if kind else {}),
                )
    for scheme, kind, sector, month, day, offset, source in DEADLINES:
        deadline_model.objects.get_or_create(
            scheme=scheme,
            kind=kind,
            sector=sector,
            defaults={"month": month, "day": day, "year_offset": offset, "source": source},
        )

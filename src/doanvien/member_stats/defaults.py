"""The age bands and the yearly indicators a new installation starts with (editable data).

Age bands: no national definition of the statistics' bands was found (union-rules.md §9: the
forms' column layouts are placeholders) [I]: the age reached in the year, up to 18, 19–25,
26–30, over 30 (members continue past 30 only as elected or full-time cadres, domain.md §6).

Indicators: seed 004 §3 asks for the youth gathering rate, the quality of the base
organisations, of the cadres and of the members, and the members recommended to the Party,
compared year by year and against the resolution's targets. The figures the product keeps are
computed (indicators.sources(): the members, the admissions, the Party; the base organisations'
and the members' ratings and the Party introductions from the evaluations); the youth gathered
and the cadres up to standard, which the product does not know, are typed by each unit [C1 the
list, I the names and the readings of the ratings]."""

AGE_BANDS = [
    (0, 18, "Đến 18 tuổi"),
    (19, 25, "Từ 19 đến 25 tuổi"),
    (26, 30, "Từ 26 đến 30 tuổi"),
    (31, None, "Trên 30 tuổi"),
]

CITATION = "Seed 004 §3 (24-HD/TWĐTN, 16/08/2013)"
# code, name, kind, source ("" = typed), order
INDICATORS = [
    ("members", "Số đoàn viên (cuối năm)", "number", "members_at_year_end", 10),
    ("admitted", "Số đoàn viên mới kết nạp trong năm", "number", "admitted_in_year", 20),
    ("youth_gathered", "Tỉ lệ tập hợp, đoàn kết thanh niên", "percent", "", 30),
    ("strong_bases", "Tỉ lệ cơ sở Đoàn vững mạnh", "percent", "strong_bases_share", 40),
    ("cadres_standard", "Tỉ lệ cán bộ Đoàn cơ sở đạt chuẩn", "percent", "", 50),
    (
        "members_good",
        "Tỉ lệ đoàn viên được xếp loại khá trở lên",
        "percent",
        "members_good_share",
        60,
    ),
    (
        "recommended_party",
        "Số đoàn viên ưu tú giới thiệu cho Đảng xem xét kết nạp",
        "number",
        "introduced_to_party_in_year",
        70,
    ),
    (
        "joined_party",
        "Số đoàn viên được kết nạp Đảng trong năm",
        "number",
        "joined_party_in_year",
        80,
    ),
]


def install(age_band_model, indicator_model) -> None:
    """Create the defaults that are missing (a migration, a test after a flush)."""
    for lowest, highest, label in AGE_BANDS:
        age_band_model.objects.get_or_create(
            lowest=lowest, defaults={"highest": highest, "label": label}
        )
    for code, name, kind, source, order in INDICATORS:
        indicator_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "source": source,
                "order": order,
                "citation": CITATION,
            },
        )

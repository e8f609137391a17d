"""The levels the product ships with (see the glossary); units may add more as data."""

DEFAULT_LEVELS = [
    ("central", "Trung ương", 0),
    ("province", "Tỉnh, thành đoàn và tương đương", 1),
    ("district", "Quận, huyện, thị đoàn và tương đương", 2),
    ("base", "Đoàn cơ sở, chi đoàn cơ sở", 3),
    ("branch", "Chi đoàn", 4),
]


def ensure_default_levels(level_model) -> None:
    for code, name, rank in DEFAULT_LEVELS:
        level_model.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})

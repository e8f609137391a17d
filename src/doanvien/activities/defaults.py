"""The kinds of activity a new installation ships (seed 000 IV.3, seed 002 II.1: political study,
volunteering, culture and sport, skills, youth work projects, the "1+1" drive). Data: a site
edits, hides or adds kinds in the admin."""

# (code, name, is_work)
KINDS = [
    ("political_study", "Học tập chính trị, tư tưởng", False),
    ("volunteering", "Tình nguyện", False),
    ("culture_sport", "Văn hóa, văn nghệ, thể dục thể thao", False),
    ("skills", "Kỹ năng, kiến thức", False),
    ("youth_work", "Công trình, phần việc thanh niên", True),
    ("one_plus_one", "Chủ trương “1+1”", False),
    ("branch_life", "Sinh hoạt chi đoàn, câu lạc bộ, đội, nhóm", False),
    ("other", "Khác", False),
]


def install(kind_model) -> None:
    for position, (code, name, is_work) in enumerate(KINDS, start=1):
        kind_model.objects.get_or_create(
            code=code, defaults={"name": name, "is_work": is_work, "position": position}
        )

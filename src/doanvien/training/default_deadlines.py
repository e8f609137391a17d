"""The deadlines and calendar a fresh installation ships with (data, editable afterwards).

Seed 000 II.2: register by 15/11 (schools: by 15/5 of the year before), evaluate by 15/10
(schools: by 15/5), members admitted during the year register by 15/11. Recognition has no date
in the sources: one month after the evaluation is this product's default. Seed 001 (a province's
2024 letter) is a variant a province enters as its own deadlines; it is not shipped. The school
programme year starts in June (this product's reading of seed 000's 15/5 dates)."""

SEED_000 = "Seed 000 II.2"
OWN = "one month after the evaluation (this product's default)"
# kind, sector, month, day, year offset (from the programme year), source
DEFAULTS = [
    ("registration", "", 11, 15, -1, SEED_000),
    ("registration", "school", 5, 15, -1, SEED_000),
    ("new_member_registration", "", 11, 15, 0, SEED_000),
    ("evaluation", "", 10, 15, 0, SEED_000),
    ("evaluation", "school", 5, 15, 0, SEED_000),
    ("recognition", "", 11, 15, 0, OWN),
    ("recognition", "school", 6, 15, 0, OWN),
]
SCHOOL_YEAR_START_MONTH = 6


def install(default_deadline_model, calendar_model) -> None:
    """Create the shipped defaults where missing (the data migration; tests after a flush)."""
    for kind, sector, month, day, offset, source in DEFAULTS:
        default_deadline_model.objects.get_or_create(
            kind=kind,
            sector=sector,
            defaults={"month": month, "day": day, "year_offset": offset, "source": source},
        )
    calendar_model.objects.get_or_create(
        pk=1, defaults={"school_year_start_month": SCHOOL_YEAR_START_MONTH}
    )

"""Count every opened year again from the membership spans and registrations and list every
difference with what the roll-up rows hold (`manage.py recompute_stats`); with `fix`, write the
counted figures (after an upgrade, or to mend rows changed by hand)."""

from .rollup import expected_rows, opened_years, rebuild


def differences() -> list[str]:
    """Every stored figure that differs from its recounted value, as readable lines."""
    found = []
    for year in opened_years():
        for page in expected_rows(year):
            for row, figures in page:
                for name, want in figures.items():
                    stored = getattr(row, name)
                    if stored != want:
                        found.append(
                            f"{row.unit_path} {year} {name}: stored {stored}, recomputed {want}"
                        )
    return sorted(found)


def fix() -> int:
    """Write the recounted figures on every row that differs; returns how many rows changed."""
    return sum(rebuild(year) for year in opened_years())

"""The years the product accepts for a programme or a report: one bound for the pages (the
`<year:year>` URL converter: anything else is a 404), the API's path parameters and the forms."""

FIRST_YEAR, LAST_YEAR = 2000, 2100


def is_valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


class YearConverter:
    """A four-digit year within FIRST_YEAR..LAST_YEAR; others do not match the URL (404)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not is_valid_year(year):
            raise ValueError(value)
        return year

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"

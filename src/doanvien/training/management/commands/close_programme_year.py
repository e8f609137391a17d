from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doanvien.training.models import YearStats
from doanvien.training.rollup import close_year
from doanvien.training.rules import programme_year_span


def ended_unclosed_years(today) -> list[int]:
    """Years with roll-ups, not closed yet, that have ended for every sector (the latest end is
    the calendar year's, 31/12)."""
    years = YearStats.objects.filter(depth=1, members__isnull=True).values_list("year", flat=True)
    return sorted(
        y for y in set(years) if max(programme_year_span(y, s)[1] for s in ("school", "")) < today
    )


class Command(BaseCommand):
    help = (
        "Keep the members counted for a programme year on the report roll-ups (run once the "
        "year has ended): later arrivals and departures then no longer change its reports. "
        "With --ended, close every year that has ended and is not closed yet: safe to run "
        "every day (see docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, nargs="?")
        parser.add_argument(
            "--ended", action="store_true", help="close every ended year not closed yet"
        )

    def handle(self, *args, year: int | None, ended: bool, **options):
        if (year is None) == (not ended):
            raise CommandError("Give a year, or --ended.")
        years = ended_unclosed_years(timezone.localdate()) if ended else [year]
        if not years:
            self.stdout.write("No ended programme year left to close.")
        for y in years:
            rows = close_year(y)
            self.stdout.write(f"Programme year {y} closed: {rows} unit rows keep their members.")

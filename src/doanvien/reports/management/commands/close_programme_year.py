from django.core.management.base import BaseCommand

from doanvien.reports.rollup import close_year


class Command(BaseCommand):
    help = (
        "Keep the members counted for a programme year on the report roll-ups (run once the "
        "year has ended): later arrivals and departures then no longer change its reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year: int, **options):
        rows = close_year(year)
        self.stdout.write(f"Programme year {year} closed: {rows} unit rows keep their members.")

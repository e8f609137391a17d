import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doanvien.core.years import FIRST_YEAR, LAST_YEAR
from doanvien.training.models import YearStats
from doanvien.training.rollup import is_open, open_year


class Command(BaseCommand):
    help = (
        "Open a programme year: a roll-up row for every unit, every branch counted. The first "
        "page that needs a year not opened yet does it too; on a national tree, run it ahead "
        "(e.g. at the start of the registrations) so that no visitor waits for it."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"Choose a year between {FIRST_YEAR} and {LAST_YEAR}.")
        if is_open(year):
            self.stdout.write(f"{year} is already open.")
            return
        started = time.monotonic()
        with transaction.atomic():
            open_year(year)
        rows = YearStats.objects.filter(year=year).count()
        self.stdout.write(f"{year} opened: {rows} rows in {time.monotonic() - started:.1f} s.")

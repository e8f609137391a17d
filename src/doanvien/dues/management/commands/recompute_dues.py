from django.core.management.base import BaseCommand

from doanvien.dues.recompute import check, years


class Command(BaseCommand):
    help = (
        "Check the dues ledger rows against the payments (and each unit above against its "
        "children) and print every difference; with --fix, write the expected figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", nargs="*", type=int, help="years (default: every year)")
        parser.add_argument("--fix", action="store_true", help="write the expected figures")

    def handle(self, *args, **options):
        found = []
        for year in options["year"] or years():
            if options["fix"]:
                written = len(check(year, fix=True))
                self.stdout.write(f"{year}: {written} row(s) written.")
            found += check(year)
        for line in found:
            self.stdout.write(line)
        self.stdout.write(f"{len(found)} difference(s).")
        if found:
            raise SystemExit(1)

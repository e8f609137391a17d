from django.core.management.base import BaseCommand

from doanvien.meetings import rollup


class Command(BaseCommand):
    help = (
        "Check the meeting roll-ups (every unit and year, with the deltas waiting) against a "
        "count of the meetings and attendance and print every difference; with --fix, fold the "
        "ledger and write the counted figures (after a cadence rule changed, too)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="write the counted figures")

    def handle(self, *args, **options):
        if options["fix"]:
            self.stdout.write(f"{rollup.fix()} meeting row(s) written.")
        found = rollup.differences()
        for line in found:
            self.stdout.write(line)
        self.stdout.write(f"{len(found)} difference(s).")
        if found:
            raise SystemExit(1)

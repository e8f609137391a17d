from django.core.management.base import BaseCommand

from doanvien.member_stats import rollup


class Command(BaseCommand):
    help = (
        "Count the member statistics' roll-ups again from the member records and print every "
        "difference; with --fix, write them again from the records (under the fold lock)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="write the counted figures")

    def handle(self, *args, **options):
        if options["fix"]:
            self.stdout.write(f"{rollup.rebuild()} row(s) written.")
        found = rollup.differences()
        for line in found:
            self.stdout.write(line)
        self.stdout.write(f"{len(found)} difference(s).")
        if found:
            raise SystemExit(1)

from django.core.management.base import BaseCommand

from doanvien.activities import rollup as activity_rollup
from doanvien.evaluations import rollup as evaluations
from doanvien.training.recompute import differences, fix
from doanvien.youth import rollup as referral_rollup


class Command(BaseCommand):
    help = (
        "Count the report roll-ups again from the membership spans and registrations (and the "
        "evaluations' roll-ups from the evaluations) and print every difference; with --fix, "
        "write the counted figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="write the counted figures")

    def handle(self, *args, **options):
        if options["fix"]:
            self.stdout.write(f"{fix() + evaluations.fix()} row(s) written.")
            self.stdout.write(f"{referral_rollup.fix()} “1+1” row(s) written.")
            self.stdout.write(f"{activity_rollup.fix()} activity row(s) written.")
        found = (
            differences()
            + evaluations.differences()
            + referral_rollup.differences()
            + activity_rollup.differences()
        )
        for line in found:
            self.stdout.write(line)
        self.stdout.write(f"{len(found)} difference(s).")
        if found:
            raise SystemExit(1)

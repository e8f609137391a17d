from django.core.management.base import BaseCommand

from doanvien.training.recompute import differences


class Command(BaseCommand):
    help = "Recompute the report roll-ups from member and registration rows; print differences."

    def handle(self, *args, **options):
        found = differences()
        for line in found:
            self.stdout.write(line)
        self.stdout.write(f"{len(found)} difference(s).")
        if found:
            raise SystemExit(1)

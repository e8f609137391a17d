"""The daily erasure of youth records past their retention period (youth/services.py,
`youths_erase_expired`), run once a day by the server's scheduler (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from doanvien.youth.services import youths_erase_expired


class Command(BaseCommand):
    help = "Erase the youth records that led to no admission and are past their retention period."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="records at most a run")

    def handle(self, *args, limit: int, **options):
        erased = youths_erase_expired(limit=limit)
        self.stdout.write(f"{erased}")

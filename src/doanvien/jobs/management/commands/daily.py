"""The daily work by hand (actions/daily.py): the worker runs it itself every night."""

import json

from django.core.management.base import BaseCommand

from doanvien.actions.daily import daily


class Command(BaseCommand):
    help = "Run the daily work now: deadline reminders, erasure of expired youth records."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(daily()))

"""Rewrite audit events written before the trail kept personal data apart (see
core/audit_legacy.py). Migration 0007 does it once; this runs it again, e.g. after restoring
an old dump into a database already migrated."""

from django.apps import apps
from django.core.management.base import BaseCommand

from doanvien.core.audit_legacy import make_impersonal


class Command(BaseCommand):
    help = "Move personal data out of old audit events (names → placeholder, values apart)."

    def handle(self, *args, **options):
        counts = make_impersonal(apps)
        self.stdout.write(
            "rewritten={rewritten} values_moved={values_moved} gone={gone}".format(**counts)
        )

"""The roll-ups' folder: adds the ledger's deltas to the rows of the units above the branches,
a batch per transaction, every second (training/rollup.py). Runs beside the server
(scripts/serve); reads are exact whether it runs or not, but the longer it is stopped, the more
deltas every report above the branches adds up."""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from doanvien.core import heartbeats
from doanvien.training import rollup

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Fold the roll-up deltas into the rows above the branches, every second (or --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="fold what waits, then stop")
        parser.add_argument(
            "--every", type=float, default=1.0, help="seconds between folds when idle (1)"
        )
        parser.add_argument(
            "--batch", type=int, default=rollup.FOLD_BATCH, help="deltas per transaction"
        )

    def handle(self, *args, **options):
        if options["once"]:
            total = 0
            while folded := rollup.fold(options["batch"]):
                total += folded
            self.stdout.write(f"{total} delta(s) folded; {rollup.waiting()} waiting.")
            return
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        logger.info("folding the roll-up deltas every %ss", options["every"])
        while not stopping:
            try:
                close_old_connections()
                heartbeats.beat("folder")
                folded = rollup.fold(options["batch"])
            except DatabaseError as error:  # the database restarting, a failover: try again
                logger.warning("fold failed: %s", error)
                folded = 0
            if folded < options["batch"]:
                time.sleep(options["every"])

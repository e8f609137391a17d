from django.core.management.base import BaseCommand, CommandError

from doanvien.demo import national


class Command(BaseCommand):
    help = (
        "Generate an invented national data set (units, members, a year of the training "
        "programme, the year's branch meetings and dues payments up to this month, their "
        "roll-ups) for load tests and benchmarks. Refuses a database that already has units or "
        "members unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=None,
            help=f"how many members (default {national.POSTGRES_DEFAULT_MEMBERS:,} on PostgreSQL, "
            f"{national.SQLITE_DEFAULT_MEMBERS:,} on SQLite)",
        )
        parser.add_argument(
            "--provinces",
            type=int,
            default=national.MAX_PROVINCES,
            help=f"how many provinces, 1 to {national.MAX_PROVINCES} (default all)",
        )
        parser.add_argument(
            "--year", type=int, default=None, help="the programme year (default: the last one)"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same data")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first delete every unit and member and what hangs off them (registrations, "
            "reports, role grants, transfers, meetings, dues); user accounts are kept",
        )

    def handle(self, *args, members, provinces, year, seed, reset, **options):
        verbose = options["verbosity"] > 0
        try:
            national.generate(
                members=members or national.default_members(),
                provinces=provinces,
                year=year,
                seed=seed,
                reset=reset,
                log=self.stdout.write if verbose else lambda _line: None,
            )
        except national.GenerateError as error:
            raise CommandError(str(error)) from None

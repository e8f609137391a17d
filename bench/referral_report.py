"""The "1+1" report's read: `youth.selectors.report_rows(unit, year)` (what the page, the Excel
and the API call) for the central unit, the province with the most units under it, a base union
and a branch, BENCH_REPEAT times (default 50) after two warm-up calls.

The generated data set has no referrals: every unit gets a row of "1+1" figures for the year
(random own figures on the branches, summed above, as the folder leaves them) and BENCH_TAIL
deltas (default 5,000) wait in the ledger under random branches, so each read adds a tail.

    BENCH_DATABASE_URL=postgres://…/mybench .venv/bin/python bench/referral_report.py

Target (issue 18): p50 ≤ 50 ms, like the programme's report.

It then times what the report page adds: the late reports (`youth.lateness.late_flags`: the
count under each row, the first 200 late units and their number), with every other base
union's report sent and the year's deadline passed. Every province has its own "1+1" settings
(its deadline day), and one of them makes its district-level units report instead of its base
unions, so the reporting level and the deadline are chosen per unit by the CASE on the path.

The tables written are analysed before the timings, as autovacuum would have done.

    BENCH_DATABASE_URL=… BENCH_MEMBERS=1000000 .venv/bin/python bench/referral_report.py
"""

import os
import random
from datetime import date

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
TAIL = int(os.environ.get("BENCH_TAIL", "5000"))


def fill(year: int) -> None:
    from django.db import connection, transaction

    from doanvien.units.models import Unit, paths_to
    from doanvien.youth.models import (
        COUNTERS,
        ReferralSettings,
        ReferralStats,
        ReferralStatsDelta,
        ReportSent,
    )

    rnd = random.Random(_common.SEED)
    with transaction.atomic():
        ReferralStats.objects.filter(year=year).delete()
        ReferralStatsDelta.objects.filter(year=year).delete()
        sums: dict[str, list[int]] = {}
        branches = []
        for path, kind in Unit.objects.values_list("path", "kind").iterator(5000):
            if kind == Unit.Kind.BRANCH:
                own = [rnd.randint(0, 20) for _ in COUNTERS]
                branches.append(path)
                for owner in paths_to(path):
                    total = sums.setdefault(owner, [0] * len(COUNTERS))
                    for i, v in enumerate(own):
                        total[i] += v
        rows = []
        for pk, path in Unit.objects.values_list("pk", "path").iterator(5000):
            values = sums.get(path, [0] * len(COUNTERS))
            rows.append(
                ReferralStats(
                    unit_id=pk,
                    year=year,
                    unit_path=path,
                    **dict(zip(COUNTERS, values, strict=True)),
                )
            )
        ReferralStats.objects.bulk_create(rows, batch_size=5000)
        deltas = [
            ReferralStatsDelta(year=year, unit_path=rnd.choice(branches), youths_referred=1)
            for _ in range(TAIL)
        ]
        ReferralStatsDelta.objects.bulk_create(deltas, batch_size=5000)
        ReportSent.objects.filter(year=year).delete()
        bases = Unit.objects.filter(level__code="base").order_by("pk").values_list("pk", flat=True)
        ReportSent.objects.bulk_create(
            [ReportSent(unit_id=pk, year=year, sent_on=date(year, 10, 1)) for pk in bases[::2]],
            batch_size=5000,
        )
        ReferralSettings.objects.all().delete()
        provinces = list(Unit.objects.filter(depth=2).order_by("path"))
        ReferralSettings.objects.bulk_create(
            [
                ReferralSettings(
                    unit=p,
                    report_day=1 + i % 28,
                    report_month=9 + i % 2,
                    report_level="district" if i == 1 else "base",
                )
                for i, p in enumerate(provinces)
            ]
        )
    with connection.cursor() as cursor:
        for model in (ReferralStats, ReferralStatsDelta, ReportSent, ReferralSettings):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    print(
        f"{len(rows):,} rows, {len(branches):,} branches, {TAIL:,} deltas waiting, "
        f"{len(provinces)} provinces with their own settings."
    )


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from doanvien.units.models import Unit
    from doanvien.youth import lateness
    from doanvien.youth.selectors import report_rows

    year = _common.YEAR
    fill(year)
    central = Unit.objects.get(depth=1)
    provinces = Unit.objects.filter(depth=2)
    province = max(provinces, key=lambda u: u.children().count())
    base = Unit.objects.filter(level__code="base").order_by("pk").first()
    branch = Unit.objects.filter(kind=Unit.Kind.BRANCH).order_by("pk").first()
    print(_common.machine())
    for name, unit in (
        ("central", central),
        ("province", province),
        ("base", base),
        ("branch", branch),
    ):
        samples = _common.timed(lambda unit=unit: report_rows(unit, year), REPEAT)
        rows = len(report_rows(unit, year))
        print(
            f"{name:9} {rows:4} rows  p50 {_common.percentile(samples, 0.5):7.1f} ms  "
            f"p95 {_common.percentile(samples, 0.95):7.1f} ms"
        )
    after = date(year + 1, 1, 15)

    def late_flags(unit):
        return lateness.late_flags(unit, year, after, shown=200)

    for name, unit in (("central", central), ("province", province), ("base", base)):
        samples = _common.timed(lambda unit=unit: late_flags(unit), REPEAT)
        count = late_flags(unit).count
        print(
            f"late {name:9} {count:5} late  p50 {_common.percentile(samples, 0.5):7.1f} ms  "
            f"p95 {_common.percentile(samples, 0.95):7.1f} ms"
        )


if __name__ == "__main__":
    main()

"""The activities' write and read paths on the generated data set:

- a check-in (activities.services.activity_checkin, one member a call, as a scan does) at a
  province-wide activity, BENCH_REPEAT times (default 200) for members of different branches:
  each locks and recounts only the member's branch rows and appends its deltas;
- a list of BENCH_LIST members (default 300, from many branches) recorded at once;
- `activities.selectors.activity_figures` and `stats_rows` (what the stats page, the API and
  the yearly report read) for the central unit and that province, with the deltas of the
  check-ins above still in the ledger (not folded), then after a fold.

    BENCH_DATABASE_URL=postgres://…/mybench .venv/bin/python bench/activity_checkin.py
"""

import os
import time
from datetime import datetime

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))
LIST = int(os.environ.get("BENCH_LIST", "300"))


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from doanvien.activities import rollup, services
    from doanvien.activities.models import Activity, ActivityStats, ActivityStatsDelta
    from doanvien.activities.selectors import activity_figures, stats_rows
    from doanvien.members.models import Member, Status
    from doanvien.units.models import Unit

    year = _common.YEAR
    Activity.objects.filter(title__startswith="Bench ").delete()
    ActivityStats.objects.filter(year=year).delete()
    ActivityStatsDelta.objects.filter(year=year).delete()
    district = Unit.objects.filter(depth=2).order_by("pk").first()  # a province
    central = Unit.objects.get(depth=1)
    activity = services.activity_publish(
        actor=None,
        unit=district,
        data={
            "title": "Bench Chủ nhật xanh",
            "kind": "volunteering",
            "areas": ["2", "4"],
            "starts_at": timezone.make_aware(datetime(year, 3, 1, 7)),
            "ends_at": timezone.make_aware(datetime(year, 3, 1, 11)),
        },
    )
    members = list(
        Member.objects.filter(unit_path__startswith=district.path, status=Status.ACTIVE)
        .order_by("branch_id", "pk")
        .distinct("branch_id")
        .values_list("pk", flat=True)[: REPEAT + LIST]
    )
    if len(members) < REPEAT + LIST:  # a small data set: members of any branch of the tree
        activity.delete()
        ActivityStats.objects.filter(year=year).delete()
        ActivityStatsDelta.objects.filter(year=year).delete()
        district = central
        activity = services.activity_publish(
            actor=None,
            unit=central,
            data={
                "title": "Bench Chủ nhật xanh",
                "kind": "volunteering",
                "areas": ["2", "4"],
                "starts_at": timezone.make_aware(datetime(year, 3, 1, 7)),
                "ends_at": timezone.make_aware(datetime(year, 3, 1, 11)),
            },
        )
        members = list(
            Member.objects.filter(status=Status.ACTIVE)
            .order_by("branch_id", "pk")
            .distinct("branch_id")
            .values_list("pk", flat=True)[: REPEAT + LIST]
        )
    print(_common.machine())
    print(f"{len(members):,} members of as many branches under {district.name}")
    with CaptureQueriesContext(connection) as queries:
        services.activity_checkin(actor=None, activity=activity, member_ids=[members[0]])
    print(f"statements of one check-in: {len(queries)}")
    samples = []
    for pk in members[1:REPEAT]:
        start = time.perf_counter()
        services.activity_checkin(actor=None, activity=activity, member_ids=[pk])
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"check-in, one member   n={len(samples)}  p50 {_common.percentile(samples, 0.5):7.1f} ms"
        f"  p95 {_common.percentile(samples, 0.95):7.1f} ms"
    )
    batch = members[REPEAT:]
    start = time.perf_counter()
    n = services.activity_checkin(actor=None, activity=activity, member_ids=batch)
    print(f"a list of {n} members        {(time.perf_counter() - start) * 1000:7.1f} ms")
    print(f"deltas waiting: {ActivityStatsDelta.objects.count():,}")
    for label in ("ledger not folded", "after a fold"):
        for name, unit in (("central", central), (district.name, district)):
            figures = _common.timed(lambda unit=unit: activity_figures(unit, year), 20)
            rows = _common.timed(lambda unit=unit: stats_rows(unit, year), 20)
            print(
                f"{label:18} {name[:12]:12} figures p50 {_common.percentile(figures, 0.5):6.1f} ms"
                f"  stats rows p50 {_common.percentile(rows, 0.5):6.1f} ms"
            )
        if label == "ledger not folded":
            start = time.perf_counter()
            rollup.fold_all()
            print(f"fold                     {(time.perf_counter() - start) * 1000:7.1f} ms")
    total = activity_figures(central, year).total
    print(f"central: {total}")


if __name__ == "__main__":
    main()

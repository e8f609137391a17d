"""The audit trail at a province's scale: a page of the subtree's events, newest first, by
keyset, on tens of millions of events.

Adds BENCH_EVENTS events (default 20,000,000) to the data set of `_common` in one INSERT …
SELECT (each event on a unit of the tree, one actor in a thousand a named cadre, a year of
times in the order of the ids), once: a later run finds them and reuses them. Then times, for
the central unit, the province with the most members, one of its districts, one of its base
unions and one branch, the API's query (`core.audit.search` and one page of 51 rows) for:
the first page, a page deep in the trail (the cursor at the middle id), the events of one
actor, an action family ("unit."), and a month. BENCH_REPEAT calls each (default 30), p50 and
p95 in milliseconds.

    BENCH_EVENTS=20000000 .venv/bin/python bench/audit_search.py

Target (issue "A province moves in"): a page of a province's year of events in ≤ 100 ms.
"""

import os
from datetime import date, timedelta

import _common

EVENTS = int(os.environ.get("BENCH_EVENTS", "20000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
PAGE = 50
ACTIONS = ("member.updated", "member.created", "unit.updated", "training.submitted", "unit.moved")


def add_events(actor_id: int) -> None:
    from django.db import connection

    from doanvien.core.models import AuditEvent

    have = AuditEvent.objects.count()
    if have >= EVENTS:
        print(f"Using the {have:,} events already in the database.")
        return
    missing = EVENTS - have
    print(f"The database holds {have:,} events: adding {missing:,}.")
    actions = "ARRAY[" + ",".join(f"'{a}'" for a in ACTIONS) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        # A year of events, written in the order of their times.
        cursor.execute(
            f"""
            WITH units AS (SELECT array_agg(id ORDER BY id) AS ids,
                                  array_agg(path ORDER BY id) AS paths,
                                  count(*) AS n FROM units_unit)
            INSERT INTO core_auditevent
                (at, actor_id, action, target_type, target_id, unit_id, unit_path, summary,
                 changes)
            SELECT now() - interval '365 days' + g * (interval '365 days' / %s),
                   CASE WHEN g %% 1000 = 0 THEN %s END,
                   ({actions})[1 + (g * 7) %% {len(ACTIONS)}],
                   'member', g,
                   units.ids[1 + (g * 7919) %% units.n],
                   units.paths[1 + (g * 7919) %% units.n],
                   '', '{{}}'
            FROM units, generate_series(1::bigint, %s) AS g
            """,
            [missing, actor_id, missing],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditevent")


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from django.db import connection, transaction

    from doanvien.accounts.models import User
    from doanvien.core import audit
    from doanvien.core.models import AuditEvent
    from doanvien.units.models import Unit

    actor, _ = User.objects.get_or_create(
        username="bench-auditor", defaults={"full_name": "Cán bộ (benchmark)"}
    )
    with transaction.atomic():
        add_events(actor.pk)
    total = AuditEvent.objects.count()
    middle = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[total // 2]
    root = Unit.objects.get(depth=1)
    province = Unit.objects.filter(level__code="province").order_by("-member_count")[0]
    district = Unit.objects.filter(path__startswith=province.path, level__code="district")[0]
    base = Unit.objects.filter(path__startswith=district.path, level__code="base")[0]
    branch = Unit.objects.filter(path__startswith=base.path, kind=Unit.Kind.BRANCH)[0]
    month = date.today() - timedelta(days=60)
    cases = (
        ("first page", {}, None),
        ("page at the middle of the trail", {}, middle),
        ("one actor", {"actor": actor.username}, None),
        ('action family "unit."', {"action": "unit."}, None),
        ("one month", {"since": month, "until": month + timedelta(days=30)}, None),
    )
    print(
        f"audit trail: {total:,} events, {Unit.objects.count():,} units; "
        f"{REPEAT} calls each, one page of {PAGE} (milliseconds)"
    )
    print(f"{'unit':<10} {'units below':>11} {'query':<34} {'rows':>5} {'p50':>8} {'p95':>8}")
    worst = 0.0
    for where, unit in (
        ("centre", root),
        ("province", province),
        ("district", district),
        ("base", base),
        ("branch", branch),
    ):
        below = Unit.objects.filter(path__startswith=unit.path).count()
        for label, filters, cursor in cases:

            def page(unit=unit, filters=filters, cursor=cursor):
                events = audit.search(unit_path=unit.path, **filters)
                if cursor:
                    events = events.filter(id__lt=cursor)
                return list(events[: PAGE + 1])

            rows = len(page())
            samples = _common.timed(page, REPEAT)
            p50 = _common.percentile(samples, 0.5)
            if where in ("centre", "province") and "actor" not in label:
                worst = max(worst, p50)
            print(
                f"{where:<10} {below:>11,} {label:<34} {rows:>5} {p50:>8.1f} "
                f"{_common.percentile(samples, 0.95):>8.1f}"
            )
    print(
        f"worst p50 of a province's or the centre's page (unfiltered, action, month): "
        f"{worst:.1f} ms (target ≤ 100 ms: {'met' if worst <= 100 else 'MISSED'})"
    )
    print(f"load average {os.getloadavg()[0]:.1f}; {connection.vendor}")
    print(_common.machine())


if __name__ == "__main__":
    main()

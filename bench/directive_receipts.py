"""Directives to a whole subtree: publishing (the receipts written by one INSERT … SELECT), the
counts per state (one aggregate statement), the first page of receipts and a page deep in the
list by its cursor, for the province with the most units under it and for the central unit,
BENCH_REPEAT times each (default 5; each publish adds a directive, deleted at the end).

    BENCH_DATABASE_URL=postgres://…/mybench .venv/bin/python bench/directive_receipts.py

The figures are printed; nothing is asserted (issue 20: receipts must scale to a province's
tens of thousands of units).
"""

import os
import time

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from django.utils import timezone

    from doanvien.core.pagination import keyset_page
    from doanvien.directives import selectors, services
    from doanvien.directives.models import Directive, Receipt
    from doanvien.units.models import Unit

    today = timezone.localdate()
    central = Unit.objects.get(depth=1)
    province = max(
        Unit.objects.filter(depth=2),
        key=lambda u: Unit.objects.filter(path__startswith=u.path).count(),
    )
    print(_common.machine())
    made = []
    try:
        for name, unit in (("province", province), ("central", central)):
            publish, counts, first, deep = [], [], [], []
            for i in range(REPEAT):
                started = time.perf_counter()
                directive = services.directive_publish(
                    actor=None,
                    unit=unit,
                    data={"title": "Đo", "number": f"B-{i}", "audience": "subtree"},
                )
                publish.append((time.perf_counter() - started) * 1000)
                made.append(directive.pk)
                # A third of the units read it: the counts have something to tell apart.
                Receipt.objects.filter(
                    directive=directive,
                    id__in=Receipt.objects.filter(directive=directive)
                    .order_by("id")
                    .values("id")[: directive.recipients // 3],
                ).update(read_at=timezone.now())
                counts += _common.timed(lambda d=directive: selectors.receipt_counts(d, today), 3)
                rows = selectors.receipts(directive, today)
                first += _common.timed(lambda r=rows: keyset_page(r, keys=("unit_path", "id")), 3)
                page = keyset_page(rows, keys=("unit_path", "id"))
                for _ in range(20):  # twenty pages along the cursor
                    page = keyset_page(rows, keys=("unit_path", "id"), cursor=page.next_cursor)
                deep += _common.timed(
                    lambda r=rows, c=page.next_cursor: keyset_page(
                        r, keys=("unit_path", "id"), cursor=c
                    ),
                    3,
                )
            recipients = Directive.objects.get(pk=made[-1]).recipients
            for label, samples in (
                ("publish", publish),
                ("counts", counts),
                ("page 1", first),
                ("page 22", deep),
            ):
                print(
                    f"{name:9} {recipients:7,} units  {label:8} "
                    f"p50 {_common.percentile(samples, 0.5):8.1f} ms  "
                    f"max {max(samples):8.1f} ms"
                )
    finally:
        Receipt.objects.filter(directive_id__in=made).delete()
        Directive.objects.filter(pk__in=made).delete()


if __name__ == "__main__":
    main()

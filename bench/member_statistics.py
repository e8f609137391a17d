"""Member statistics latency: the nation's breakdown by each dimension (and by sex with each),
read from the roll-ups with the children (what the page and the API answer), and the
breakdowns counted from the records (two dimensions neither of which is sex; a past day).

- rebuild: `member_stats.rollup.rebuild()` from the member records (the generator runs it
  after loading; timed again here only when the rows are missing, or with BENCH_REBUILD=1);
- roll-ups: `selectors.statistics(unit, [dimension], today)` for the central unit (the nation,
  with its provinces), BENCH_REPEAT times (default 30) after two warm-up calls; and by sex
  with each dimension; the same for the largest province;
- API: `GET /api/v1/units/{id}/member-statistics?by=sex,age_band` in-process (a superuser's
  token);
- records: ethnicity × religion and a past day (a year ago) by sex, counted with an indexed
  query, for the largest province and the nation, BENCH_QUERY_REPEAT times (default 3).

The roll-up figures of the nation by sex are checked against `Unit.member_count`.

    .venv/bin/python bench/member_statistics.py
    BENCH_MEMBERS=6000000 .venv/bin/python bench/member_statistics.py   # the national set

Target on the national set: the nation by one dimension p50 ≤ 200 ms.
"""

import logging
import os
import time
from datetime import timedelta

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
QUERY_REPEAT = int(os.environ.get("BENCH_QUERY_REPEAT", "3"))
TARGET_MS = 200


def line(label: str, samples: list[float]) -> str:
    p50, p95 = _common.percentile(samples, 0.5), _common.percentile(samples, 0.95)
    return f"  {label:<44} p50 {p50:>8.1f} ms   p95 {p95:>8.1f} ms   (n={len(samples)})"


def main() -> None:
    _common.setup()
    logging.getLogger("doanvien.request").setLevel(logging.WARNING)  # one line a request
    _common.ensure_data()
    from django.db.models import Sum
    from django.test import Client
    from django.utils import timezone

    from doanvien.accounts.models import User
    from doanvien.accounts.services import api_token_issue
    from doanvien.member_stats import rollup
    from doanvien.member_stats.models import MemberStat
    from doanvien.member_stats.selectors import DIMENSIONS, statistics
    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    members = Member.objects.count()
    print(f"member statistics: {members:,} members, {Unit.objects.count():,} units")
    if os.environ.get("BENCH_REBUILD") == "1" or not MemberStat.objects.exists():
        started = time.perf_counter()
        rows = rollup.rebuild()
        print(f"rebuild from the records: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    print(f"roll-up rows: {MemberStat.objects.count():,}; ledger waiting: {rollup.waiting():,}")
    today = timezone.localdate()
    nation = Unit.objects.filter(depth=1).order_by("path").first()
    province = (
        Unit.objects.filter(depth=2).order_by("-member_count", "path").first()
        if nation.member_count
        else None
    )
    table = statistics(nation, ["sex"], today, today)
    counted = table.total(nation.pk)
    expected = Unit.objects.filter(kind="branch").aggregate(n=Sum("member_count"))["n"] or 0
    print(
        f"check: nation by sex {counted:,} = branches' member counts {expected:,}: "
        f"{'ok' if counted == expected else 'DIFFERENT'}"
    )
    print()
    print(f"The nation ({nation.name}, {len(table.children)} units under it), from the roll-ups:")
    worst = 0.0
    for dim in DIMENSIONS:
        samples = _common.timed(lambda d=dim: statistics(nation, [d], today, today), REPEAT)
        worst = max(worst, _common.percentile(samples, 0.5))
        print(line(f"by {dim}", samples))
    for dim in DIMENSIONS:
        if dim in ("sex", "sector"):
            continue
        samples = _common.timed(lambda d=dim: statistics(nation, ["sex", d], today, today), REPEAT)
        print(line(f"by sex, {dim}", samples))
    if province is not None:
        print(f"The largest province ({province.name}, {province.member_count:,} members):")
        for dim in ("sex", "age_band", "ethnicity", "sector"):
            samples = _common.timed(lambda d=dim: statistics(province, [d], today, today), REPEAT)
            print(line(f"by {dim}", samples))
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        username="bench-statistics", password="bench-pass-123", full_name="Bench"
    )
    headers = {"Authorization": f"Bearer {api_token_issue(user=admin)}"}
    client = Client()
    url = f"/api/v1/units/{nation.pk}/member-statistics?by=sex,age_band"
    assert client.get(url, headers=headers).status_code == 200
    samples = _common.timed(lambda: client.get(url, headers=headers), REPEAT)
    print(line("API: nation by sex, age_band", samples))
    print()
    print("Counted from the records (indexed queries):")
    year_ago = today - timedelta(days=365)
    for unit, label in ((province, "province"), (nation, "nation")):
        if unit is None:
            continue
        samples = _common.timed(
            lambda u=unit: statistics(u, ["ethnicity", "religion"], today, today),
            QUERY_REPEAT,
            warm=1,
        )
        print(line(f"{label}: by ethnicity, religion", samples))
        samples = _common.timed(
            lambda u=unit: statistics(u, ["sex"], year_ago, today), QUERY_REPEAT, warm=1
        )
        print(line(f"{label}: by sex a year ago", samples))
    print()
    verdict = "met" if worst <= TARGET_MS else "MISSED"
    print(
        f"worst p50 of the nation by one dimension: {worst:.1f} ms "
        f"(target ≤ {TARGET_MS} ms on the national set: {verdict})"
    )
    print(_common.machine())


if __name__ == "__main__":
    main()

"""Report latency: the yearly report of the central unit, a province, a base union and a branch,
server side, against the same table computed naively from the members in the same run.

- report: `reports.selectors.report(unit, year)` (what the page and the API call: it reads the
  roll-up rows of the unit and its children), with every share computed, BENCH_REPEAT times
  (default 50) after two warm-up calls;
- API: `GET /api/v1/units/{id}/reports/{year}` through Django's test client in-process, with a
  bearer token of a cadre of the central unit (adds the previous years and the JSON);
- naive: one GROUP BY over the subtree's members joined to their registrations, grouped by
  the child unit (a prefix of the path), plus the children's names, BENCH_NAIVE_REPEAT times
  (default 5). Its figures are checked against the report's.

The units: the central unit, the province with the most members, the province with the most
units directly under it (the longest report), the base union with the most members, the biggest
branch.

    .venv/bin/python bench/report_latency.py
    BENCH_MEMBERS=6000000 .venv/bin/python bench/report_latency.py   # on the national set

Targets on the national set: every report p50 ≤ 50 ms and at least 30 times the naive query.
"""

import os

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
NAIVE_REPEAT = int(os.environ.get("BENCH_NAIVE_REPEAT", "5"))
TARGET_MS, TARGET_RATIO = 50, 30

NAIVE = """
SELECT SUBSTR(m.unit_path, 1, %(length)s) AS child,
       COUNT(*) AS members,
       COUNT(*) FILTER (WHERE r.state IN ('submitted', 'approved')) AS registered,
       COUNT(*) FILTER (WHERE r.assessed_at IS NOT NULL AND r.level = 'not_classified'),
       COUNT(*) FILTER (WHERE r.assessed_at IS NOT NULL AND r.level = 'excellent'),
       COUNT(*) FILTER (WHERE r.assessed_at IS NOT NULL AND r.level = 'good'),
       COUNT(*) FILTER (WHERE r.assessed_at IS NOT NULL AND r.level = 'complete')
FROM members_member m
LEFT JOIN training_registration r ON r.member_id = m.id AND r.year = %(year)s
WHERE m.unit_path LIKE %(prefix)s AND m.status = 'active'
GROUP BY 1
"""


def figures(unit_id, total, registered, not_classified, excellent, good, complete):
    """One row of the table as both paths give it: counts, then the four shares."""
    from doanvien.reports.selectors import shares

    incomplete = max(total - not_classified - excellent - good - complete, 0)
    counts = [excellent, good, complete, incomplete]
    return (unit_id, total, registered, not_classified, *counts, *shares(counts))


def from_report(unit, year):
    from doanvien.reports.selectors import report

    table = []
    for row in report(unit, year):
        levels = row.levels
        table.append(
            (
                row.unit.pk,
                row.total,
                row.registered,
                row.not_classified,
                *(levels[k]["count"] for k in ("excellent", "good", "complete", "incomplete")),
                *(levels[k]["share"] for k in ("excellent", "good", "complete", "incomplete")),
            )
        )
    return table


def naive(unit, year):
    from django.db import connection

    from doanvien.units.models import Unit

    unit = Unit.objects.get(pk=unit.pk)
    children = [] if unit.is_branch else list(unit.children().order_by("name"))
    length = len(unit.path) + (0 if unit.is_branch else Unit.steplen)
    with connection.cursor() as cursor:
        cursor.execute(NAIVE, {"length": length, "year": year, "prefix": unit.path + "%"})
        grouped = {row[0]: row[1:] for row in cursor.fetchall()}
    zero = (0,) * 6
    own = [sum(values) for values in zip(zero, *grouped.values(), strict=False)]
    table = [figures(unit.pk, *own)]
    table += [figures(child.pk, *grouped.get(child.path, zero)) for child in children]
    return table


def api_client(root):
    from django.test import Client

    from doanvien.accounts.models import RoleGrant, User
    from doanvien.accounts.services import api_token_issue, role_grant

    user, _created = User.objects.get_or_create(
        username="bench-central", defaults={"full_name": "Cán bộ Trung ương (benchmark)"}
    )
    if not RoleGrant.objects.filter(user=user, unit=root, role="cadre").exists():
        role_grant(actor=None, user=user, unit=root, role="cadre")
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    year = _common.YEAR
    root = Unit.objects.get(depth=1)
    provinces = Unit.objects.filter(level__code="province")
    units = [
        ("central", root),
        ("province", provinces.order_by("-member_count")[0]),
        ("province, most units under it", provinces.order_by("-numchild")[0]),
        (
            "base union",
            Unit.objects.filter(level__code="base", kind="union").order_by("-member_count")[0],
        ),
        ("branch", Unit.objects.filter(kind="branch").order_by("-member_count")[0]),
    ]
    client = api_client(root)
    members = Member.objects.count()
    print(
        f"report latency, year {year}, {members:,} members; report and API: {REPEAT} calls, "
        f"naive: {NAIVE_REPEAT} (milliseconds, server side)"
    )
    header = (
        f"{'unit':<46} {'members':>9} {'rows':>5} {'report p50':>10} {'p95':>7} "
        f"{'API p50':>8} {'p95':>7} {'naive p50':>10} {'p95':>9} {'naive/report':>12}"
    )
    print(header)
    worst_p50, ratios, all_same = 0.0, [], True
    for label, unit in units:
        report_ms = _common.timed(lambda unit=unit: from_report(unit, year), REPEAT)
        path = f"/api/v1/units/{unit.pk}/reports/{year}"
        response = client.get(path)
        assert response.status_code == 200, (response.status_code, response.content[:200])
        api_ms = _common.timed(lambda path=path: client.get(path), REPEAT)
        naive_ms = _common.timed(lambda unit=unit: naive(unit, year), NAIVE_REPEAT, warm=1)
        same = naive(unit, year) == from_report(unit, year)
        all_same = all_same and same
        p50 = _common.percentile(report_ms, 0.5)
        naive_p50 = _common.percentile(naive_ms, 0.5)
        ratio = naive_p50 / p50
        worst_p50 = max(worst_p50, p50)
        ratios.append(f"{label.split(',')[0]} {ratio:.{0 if ratio >= 10 else 1}f}×")
        name = f"{label}: {unit.name}"[:46]
        print(
            f"{name:<46} {unit.member_count:>9,} {len(from_report(unit, year)):>5} "
            f"{p50:>10.2f} {_common.percentile(report_ms, 0.95):>7.2f} "
            f"{_common.percentile(api_ms, 0.5):>8.2f} {_common.percentile(api_ms, 0.95):>7.2f} "
            f"{naive_p50:>10.1f} {_common.percentile(naive_ms, 0.95):>9.1f} "
            f"{ratio:>11.{0 if ratio >= 10 else 1}f}×" + ("" if same else "  (figures differ!)")
        )
    print(
        f"worst report p50 {worst_p50:.2f} ms (target ≤ {TARGET_MS} ms: "
        f"{'met' if worst_p50 <= TARGET_MS else 'MISSED'}); naive/report "
        f"(target ≥ {TARGET_RATIO}×): {', '.join(ratios)}; "
        f"naive and report figures {'identical' if all_same else 'DIFFER'}"
    )
    print(_common.machine())
    if not all_same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

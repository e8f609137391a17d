"""Dues ledger latency: the ledger of the root and of the biggest province over a year of
payments, server side (`dues.selectors.ledger_of`: the unit's monthly rows, its children's, the
deltas waiting below it carried up, the remittances), and through the API
(`GET /api/v1/units/{id}/dues/{year}`).

The data set is the benchmark's (bench/_common.py, BENCH_MEMBERS members, default 200,000);
this script adds a year of payments when the year has none: every active member pays each
quarter (3 months at his rate) in the quarter's second month, written with one INSERT … SELECT
(with the branches' receipt books; without the paid-months rows, which the ledger never reads),
then `recompute_dues --fix` builds the ledger rows from them (and a second pass checks that
nothing differs). Then BENCH_WRITES (default 2,000) more payments go through the service, one
transaction each, leaving their deltas in the ledger for the reads to carry up (as between two
folds); the reads are timed with that tail, then after a fold.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/doanvien_bench \\
        .venv/bin/python bench/dues_ledger.py

Target (issue 19): p50 ≤ 50 ms for a province of ≈ 200,000 members.
"""

import os
import time

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
WRITES = int(os.environ.get("BENCH_WRITES", "2000"))
TARGET_MS = 50

PAYMENTS = """
INSERT INTO dues_payment (unit_id, unit_path, member_id, received_on, amount, category, year,
                          receipt_seq, receipt_no, state, cancel_reason, created_at)
SELECT m.branch_id, m.unit_path, m.id, make_date(%(year)s, q * 3 - 1, (1 + m.id %% 27)::int),
       CASE WHEN u.sector IN ('workers', 'public_admin', 'armed_forces') THEN 15000
            WHEN u.sector = 'overseas' THEN 15000 + 1000 * (m.id %% 3) ELSE 6000 END,
       CASE WHEN u.sector IN ('workers', 'public_admin', 'armed_forces') THEN 'salaried'
            WHEN u.sector = 'overseas' THEN 'overseas' ELSE 'no_salary' END,
       %(year)s,
       ROW_NUMBER() OVER (PARTITION BY m.branch_id ORDER BY q, m.id),
       'B' || m.branch_id || '/' || %(year)s || '/' || ROW_NUMBER() OVER (
           PARTITION BY m.branch_id ORDER BY q, m.id),
       'valid', '', now()
FROM members_member m JOIN units_unit u ON u.id = m.branch_id
CROSS JOIN generate_series(1, 4) AS q
WHERE m.status = 'active'
"""


BOOKS = """
INSERT INTO dues_receiptbook (unit_id, year, last_no)
SELECT unit_id, year, MAX(receipt_seq) FROM dues_payment WHERE year = %(year)s
GROUP BY unit_id, year
ON CONFLICT (unit_id, year) DO UPDATE SET last_no = GREATEST(
    dues_receiptbook.last_no, EXCLUDED.last_no)
"""


def ensure_payments(year: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from doanvien.dues.models import Payment

    if Payment.objects.filter(year=year).exists():
        print(f"Using the payments already there: {Payment.objects.filter(year=year).count():,}.")
        with connection.cursor() as cursor:
            cursor.execute(BOOKS, {"year": year})
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(PAYMENTS, {"year": year})
        cursor.execute(BOOKS, {"year": year})
        cursor.execute("ANALYZE dues_payment")
    print(
        f"{Payment.objects.filter(year=year).count():,} payments written in "
        f"{time.perf_counter() - started:.1f} s."
    )
    started = time.perf_counter()
    try:
        call_command("recompute_dues", str(year), "--fix")
    except SystemExit as exit:
        if exit.code:
            raise
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dues_ledgerrow")
    print(f"Ledger rows built and checked in {time.perf_counter() - started:.1f} s.")


def write_tail(year: int, n: int) -> float:
    """n payments through the service (members not paid yet for December), their deltas left
    waiting; returns the p50 of a payment's transaction in ms."""
    from datetime import date

    from doanvien.dues import services
    from doanvien.dues.models import PaidMonth
    from doanvien.members.models import Member

    paid = PaidMonth.objects.filter(month=date(year, 12, 1)).values("member_id")
    members = list(
        Member.objects.filter(status="active")
        .exclude(pk__in=paid)
        .select_related("branch")
        .order_by("?")[:n]
    )
    samples = []
    for member in members:
        rate = services.rate_on(services.category_of(member), date(year, 12, 1))
        started = time.perf_counter()
        services.payment_record(
            actor=None,
            branch=member.branch,
            member=member,
            months=[f"{year}-12"],
            amount=rate.monthly_amount,
            received_on=date(year, 12, 5),
        )
        samples.append((time.perf_counter() - started) * 1000)
    return _common.percentile(samples, 0.5) if samples else 0.0


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from django.db.models import Count
    from django.test import Client

    from doanvien.accounts.models import User
    from doanvien.accounts.services import api_token_issue, role_grant
    from doanvien.dues import ledger
    from doanvien.dues.models import LedgerDelta
    from doanvien.dues.selectors import ledger_of
    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    year = _common.YEAR
    ensure_payments(year)
    print(f"{WRITES:,} payments through the service…")
    write_p50 = write_tail(year, WRITES)
    print(f"  a payment's transaction p50 {write_p50:.1f} ms")
    root = Unit.objects.filter(depth=1).order_by("path").first()
    biggest = (
        Member.objects.filter(status="active", unit_path__startswith=root.path)
        .extra(select={"top": "SUBSTR(unit_path, 1, 8)"})
        .values("top")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    province = Unit.objects.get(path=biggest["top"])
    members = Member.objects.filter(status="active", unit_path__startswith=province.path).count()
    units = Unit.objects.filter(path__startswith=province.path).count()
    user, _created = User.objects.get_or_create(username="bench-dues", defaults={"full_name": "B"})
    if not user.roles.filter(unit=root).exists():
        role_grant(actor=None, user=user, unit=root, role="cadre")
    client = Client()
    headers = {"Authorization": f"Bearer {api_token_issue(user=user)}"}

    def run(label):
        print(f"\n{label}: {LedgerDelta.objects.count():,} deltas waiting.")
        for name, unit in (("root", root), ("province", province)):
            samples = _common.timed(lambda u=unit: ledger_of(u, year), REPEAT)
            api = _common.timed(
                lambda u=unit: client.get(f"/api/v1/units/{u.pk}/dues/{year}", headers=headers),
                max(5, REPEAT // 5),
            )
            found = ledger_of(unit, year)
            print(
                f"  {name:8} {unit.name[:40]:40} children {len(found.children):4}  "
                f"ledger_of p50 {_common.percentile(samples, 0.5):6.1f} ms  "
                f"p95 {_common.percentile(samples, 0.95):6.1f} ms  "
                f"API p50 {_common.percentile(api, 0.5):6.1f} ms  "
                f"collected {found.total.collected:,} đ"
            )

    print(
        f"\nProvince: {province.name} ({members:,} active members, {units:,} units); "
        f"{_common.machine()}"
    )
    run("With the tail")
    started = time.perf_counter()
    folded = ledger.fold_all()
    print(f"\nFolded {folded:,} deltas in {(time.perf_counter() - started) * 1000:.0f} ms.")
    run("After the fold")
    print(f"\nTarget: p50 ≤ {TARGET_MS} ms.")


if __name__ == "__main__":
    main()

"""Member accounts at scale: activation and log-in of many members, with Argon2.

    .venv/bin/python bench/member_accounts.py                        # 200 members (`make bench`)
    ACCOUNTS_MEMBERS=10000 .venv/bin/python bench/member_accounts.py # the issue's 10,000

On its own PostgreSQL database (BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/doanvien_accounts, created and migrated when missing, with a
generated data set of twice ACCOUNTS_MEMBERS members and at least 2,000; see _common.py):

1. The accounts, codes and log-in failures of an earlier run are deleted.
2. ACCOUNTS_MEMBERS members without an account, taken from the data set's branches in order,
   get an activation code each (member_accounts.services.codes_issue, one call per branch, as
   the branch page and the bulk job do): the time per branch and in all is printed.
3. Each member activates (POST /api/v1/auth/activate: code, date of birth, his member code as
   user name, a password), then each logs in (POST /api/v1/auth/token), one request at a time
   through Django's test client in this process: the whole request (lockout checks, Argon2,
   the writes) is measured, not the network.
4. It prints p50, p95, p99 and max of each, the requests per second, the time of one Argon2
   hash alone on this machine (the floor of both), the load average, and whether p99 is within
   500 ms (issue 14). Each activation hashes the new password once, each log-in checks it once:
   on a 2-CPU machine Argon2's cost (settings ARGON2_*: 19 MiB, 2 passes, 1 lane) is most
   of the time, and a busy machine shows it directly. It exits 1 if any request failed.

10,000 members take about two Argon2 hashes each: count 2 × 10,000 × the hash time printed
(about an hour on an idle 2-CPU machine), hence the small default.
"""

import os
import secrets
import sys
import time
from collections import defaultdict

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/doanvien_accounts")

import _common  # noqa: E402  (reads BENCH_DATABASE_URL as it is imported)

MEMBERS = int(os.environ.get("ACCOUNTS_MEMBERS", "200"))
LIMIT_MS = 500


def figures(name: str, samples: list[float], seconds: float) -> bool:
    p = _common.percentile
    print(
        f"{name:<11} n={len(samples):,}  p50 {p(samples, 0.5):.0f} ms"
        f"  p95 {p(samples, 0.95):.0f} ms  p99 {p(samples, 0.99):.0f} ms  max {max(samples):.0f} ms"
        f"  ({len(samples) / seconds:.1f} requests/s)"
    )
    return p(samples, 0.99) <= LIMIT_MS


def main() -> int:
    _common.setup()
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from doanvien.accounts.models import User
    from doanvien.member_accounts.models import ActivationCode
    from doanvien.member_accounts.services import codes_issue
    from doanvien.members.models import Member, Status

    data_size = max(2 * MEMBERS, 2000)
    if Member.objects.count() < data_size:
        _common.generate(data_size)
    User.objects.filter(member__isnull=False, roles__isnull=True).delete()
    ActivationCode.objects.all().delete()
    AccessAttempt.objects.all().delete()
    AccessFailureLog.objects.all().delete()

    chosen = list(
        Member.objects.filter(status=Status.ACTIVE, user__isnull=True)
        .select_related("branch")
        .order_by("branch_id", "pk")[:MEMBERS]
    )
    if len(chosen) < MEMBERS:
        sys.exit(f"Only {len(chosen):,} members without an account in the data set.")
    by_branch = defaultdict(list)
    for member in chosen:
        by_branch[member.branch].append(member.pk)

    started = time.perf_counter()
    codes = {}
    for branch, ids in by_branch.items():
        for issued in codes_issue(actor=None, branch=branch, member_ids=ids):
            codes[issued.member.pk] = issued.code
    issuing = time.perf_counter() - started
    print(
        f"Issued {len(codes):,} codes for {len(by_branch):,} branches in {issuing:.1f} s "
        f"({1000 * issuing / len(by_branch):.0f} ms per branch)."
    )

    password = "Bench-" + secrets.token_urlsafe(12)
    client = Client()
    client.get("/healthz")  # the first request loads the URLs and the API: not measured
    activations, logins, failures = [], [], 0
    started = time.perf_counter()
    for member in chosen:
        t = time.perf_counter()
        response = client.post(
            "/api/v1/auth/activate",
            {
                "code": codes[member.pk],
                "date_of_birth": member.date_of_birth.isoformat(),
                "username": "",
                "password": password,
            },
            content_type="application/json",
        )
        activations.append((time.perf_counter() - t) * 1000)
        failures += response.status_code != 201
    activating = time.perf_counter() - started
    started = time.perf_counter()
    for member in chosen:
        t = time.perf_counter()
        response = client.post(
            "/api/v1/auth/token",
            {"username": member.member_code.lower(), "password": password},
            content_type="application/json",
        )
        logins.append((time.perf_counter() - t) * 1000)
        failures += response.status_code != 200
    logging_in = time.perf_counter() - started

    hashes = _common.timed(lambda: make_password(password), repeat=5, warm=1)
    print(f"One Argon2 hash alone: median {sorted(hashes)[2]:.0f} ms (of 5).")
    ok = figures("activation", activations, activating)
    ok = figures("log-in", logins, logging_in) and ok
    print(_common.machine())
    print(
        f"p99 within {LIMIT_MS} ms: {'yes' if ok else 'no'}; "
        f"{failures} request(s) failed of {2 * len(chosen):,}."
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

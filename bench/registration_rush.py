"""Registration rush: many members save and submit their registrations at the same moment,
through the production server, and nothing may fail.

    .venv/bin/python bench/registration_rush.py
    RUSH_MEMBERS=5000 RUSH_CONNECTIONS=400 .venv/bin/python bench/registration_rush.py

1. On the benchmark database (BENCH_DATABASE_URL, for this benchmark by default
   postgres://postgres@127.0.0.1:5432/doanvien_rush, so that the rush's writes stay out of the
   other benchmarks' database; the data set of BENCH_MEMBERS members is generated if missing,
   see _common.py), it prepares RUSH_MEMBERS members (default 2,000) of the province with the
   most branches, taken in turn from every branch: programme year RUSH_YEAR (default the data
   set's year + 1, the one being registered) is opened, the province's registration deadline
   for it set ahead of today, the members' registrations for that year from an earlier run
   deleted (and their branches counted again), and each member gets an account and a bearer
   token, and a set of criteria valid for his framework, sector and group (every content area,
   the mandatory criteria, the group's minimum number, a plan and a target date each); the
   tables it changed are analysed, as autovacuum would, and `manage.py recompute_stats` must
   find no difference before the rush.
2. It starts the production server the way `make serve` does (scripts/serve-production:
   gunicorn with deploy/gunicorn.conf.py and a job worker; GUNICORN_WORKERS, GUNICORN_THREADS…
   pass through) on a free port of 127.0.0.1, and warms it up.
3. RUSH_CONNECTIONS connections (default 200) share the members, in random order: each member
   saves his registration (PUT /api/v1/members/{id}/registrations/{year}) then submits it
   (POST …/submit), once. The client is asyncio with aiohttp, not wrk: wrk's Lua hands out
   requests per thread, not per connection, so it cannot keep one member's submit after his
   own save on one connection, nor stop once every member is done.
4. It prints requests per second, latencies (p50, p95, p99, max) of the saves and the submits
   at the client and in the server (the access log), the count of each HTTP status, how many
   database sessions waited for a lock (sampled each second), the CPU time the server's
   processes and the database's sessions used, and the load average, then checks: every
   submit answered 200 is submitted in the database; the server's log has no 5xx, no
   "deadlock detected", no serialization failure and no worker timeout, and PostgreSQL
   counted no deadlock in the database meanwhile; `manage.py recompute_stats` finds no
   difference. It prints the verdict, and exits 1 when any check fails.

The server's log of the last run is kept in var/registration_rush.log (the access log is one
JSON object a line; each request carries an X-Request-ID naming the member and the step).
"""

import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/doanvien_rush")

import _common  # noqa: E402  (reads BENCH_DATABASE_URL as it is imported)

MEMBERS = int(os.environ.get("RUSH_MEMBERS", "2000"))
CONNECTIONS = int(os.environ.get("RUSH_CONNECTIONS", "200"))
YEAR = int(os.environ.get("RUSH_YEAR", str(_common.YEAR + 1)))
SEED = int(os.environ.get("RUSH_SEED", "1"))
REQUEST_TIMEOUT = float(os.environ.get("RUSH_REQUEST_TIMEOUT", "120"))
LOG = _common.ROOT / "var" / "registration_rush.log"
USERNAME = "rush-{}"
# What the server's log must not hold.
BAD_LINES = re.compile(
    r"deadlock detected|could not serialize access|serialization failure|"
    r"Internal Server Error|WORKER TIMEOUT|Traceback|^(DETAIL|CONTEXT): |^Process \d+ waits",
    re.IGNORECASE,
)


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


# --- Preparation (in this process, through Django) --------------------------------------------


def province_with_most_branches():
    from doanvien.units.models import Unit

    provinces = list(Unit.objects.filter(level__code="province").order_by("path"))
    for province in provinces:
        province.branches = Unit.objects.filter(
            kind=Unit.Kind.BRANCH, path__startswith=province.path
        ).count()
    return max(provinces, key=lambda p: p.branches)


def registration_deadline(province, year: int) -> date:
    """The province's registration deadline for the year, set ahead of today if it is not."""
    from doanvien.training.models import Deadline
    from doanvien.training.selectors import deadline_for
    from doanvien.training.services.configuration import deadline_set

    today = date.today()
    current = deadline_for(unit=province, year=year, kind=Deadline.Kind.REGISTRATION, sector="")
    if current is not None and current.effective_date >= today + timedelta(days=7):
        return current.effective_date
    due = min(max(date(year, 1, 31), today + timedelta(days=30)), date(year + 1, 12, 31))
    deadline_set(
        actor=None,
        unit=province,
        year=year,
        kind=Deadline.Kind.REGISTRATION,
        due_on=due.isoformat(),
    )
    return due


def members_in_turn(province, count: int) -> list:
    """`count` active members of the province, one from each branch in turn."""
    from doanvien.members.models import Member, Status

    by_branch: dict[int, list] = {}
    for member in (
        Member.objects.filter(unit_path__startswith=province.path, status=Status.ACTIVE)
        .select_related("branch")
        .order_by("branch__path", "pk")
    ):
        by_branch.setdefault(member.branch_id, []).append(member)
    queues = list(by_branch.values())
    chosen, turn = [], 0
    while len(chosen) < count and any(queues):
        for queue in queues:
            if turn < len(queue) and len(chosen) < count:
                chosen.append(queue[turn])
        turn += 1
    return chosen


def reset(year: int) -> int:
    """Delete the year's registrations of the members with an account of this benchmark (an
    earlier run's) and count their branches again: the roll-up rows are exact again, even where
    an earlier run left them wrong."""
    from django.db import transaction

    from doanvien.training import rollup
    from doanvien.training.models import Registration

    earlier = Registration.objects.filter(
        year=year, member__user__username__startswith=USERNAME.format("")
    )
    with transaction.atomic():
        branches = set(earlier.values_list("branch_id", flat=True))
        deleted = earlier.count()
        earlier.delete()
        rollup.recount(branches, year)
    return deleted


def tokens(members: list) -> dict[int, str]:
    """An account for each member (made once) and a new bearer token; the accounts' older
    tokens are revoked."""
    from doanvien.accounts.models import ApiToken, User
    from doanvien.accounts.services import api_token_issue

    have = set(User.objects.filter(member__in=members).values_list("member_id", flat=True))
    new = []
    for m in members:
        if m.pk not in have:
            user = User(username=USERNAME.format(m.pk), full_name=m.full_name, member=m)
            user.set_unusable_password()
            new.append(user)
    User.objects.bulk_create(new, batch_size=1000)
    users = {u.member_id: u for u in User.objects.filter(member__in=members)}
    ApiToken.objects.filter(user__in=users.values()).delete()
    return {m.pk: api_token_issue(user=users[m.pk]) for m in members}


def items_for(member, year: int, cache: dict) -> list[dict]:
    """A valid registration for the member: the mandatory criteria, one of every content area,
    then more up to his group's minimum, each with a plan and a target date."""
    from doanvien.demo.training import PLANS
    from doanvien.training.rules import programme_year_span
    from doanvien.training.selectors import criteria_for, framework_for

    branch = member.branch
    key = (branch.pk, member.audience)
    if key not in cache:
        framework = framework_for(branch, year)
        offered = list(
            criteria_for(
                framework=framework,
                branch=branch,
                year=year,
                sector=branch.sector,
                audience=member.audience,
            )
        )
        chosen = [c for c in offered if c.mandatory]
        for area in framework.area_list:
            if not any(c.area_code == area.code for c in chosen):
                chosen += [c for c in offered if c.area_code == area.code][:1]
        minimum = framework.min_criteria_for(member.audience)
        chosen += [c for c in offered if c not in chosen][: max(0, minimum - len(chosen))]
        first, last = programme_year_span(year, branch.sector)
        target = (first + (last - first) * 3 // 4).isoformat()
        cache[key] = [
            {"criterion": c.pk, "plan": PLANS[i % len(PLANS)], "target_date": target}
            for i, c in enumerate(chosen)
        ]
    return cache[key]


def analyse() -> None:
    """Fresh planner statistics on the tables the preparation changed, as autovacuum would
    leave them in production: the plans of the rush's statements depend on them (with the
    year's roll-up rows unknown to the planner, its update walks an index in tree order;
    known, it reads the table in the order the rows lie on disk)."""
    from django.db import connection

    from doanvien.accounts.models import ApiToken, User
    from doanvien.training.models import Registration, RegistrationItem, YearStats

    with connection.cursor() as cursor:
        for model in (YearStats, Registration, RegistrationItem, User, ApiToken):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def prepare() -> tuple[list[dict], dict]:
    from doanvien.training import rollup
    from doanvien.training.models import Registration
    from doanvien.training.services.registrations import registration_check

    started = time.monotonic()
    province = province_with_most_branches()
    if not rollup.is_open(YEAR):
        from django.core.management import call_command

        call_command("open_programme_year", str(YEAR))
    due = registration_deadline(province, YEAR)
    members = members_in_turn(province, MEMBERS)
    if not members:
        sys.exit(f"{province.name} has no active member.")
    deleted = reset(YEAR)
    secret = tokens(members)
    cache: dict = {}
    plan = []
    checked = set()
    for m in members:
        items = items_for(m, YEAR, cache)
        kind = (m.branch.sector, m.audience)
        if kind not in checked:  # one member of each sector and group, as the server will
            registration_check(member=m, year=YEAR, items=items)
            checked.add(kind)
        plan.append(
            {"member": m.pk, "branch": m.branch.path, "token": secret[m.pk], "items": items}
        )
    random.Random(SEED).shuffle(plan)
    analyse()
    branches = {m.branch_id for m in members}
    if Registration.objects.filter(member__in=members, year=YEAR).exists():
        sys.exit(f"Some of the members chosen have registered for {YEAR} by other means.")
    about = {
        "province": province.name,
        "branches": len(branches),
        "province_branches": province.branches,
        "deadline": due,
        "reset": deleted,
        "criteria": Counter(len(p["items"]) for p in plan),
        "seconds": time.monotonic() - started,
    }
    return plan, about


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "0",
        "DEMO_MODE": "0",
        # The rush comes from one address, straight to the server.
        "PROXY_COUNT": "0",
    }
    return subprocess.Popen(
        [str(_common.ROOT / "scripts" / "serve-production")],
        cwd=_common.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop_server(server: subprocess.Popen) -> None:
    """Stop the script as `make serve` is stopped (it stops gunicorn and the job worker); kill
    whatever is left after a minute."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            for pid in [*server_processes(server.pid), server.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            server.wait()


async def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 120) -> None:
    import aiohttp

    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                sys.exit(f"The server stopped (exit {server.returncode}): see {LOG}.")
            try:
                async with session.get(f"{base}/api/v1/auth/sessions") as response:
                    if response.status == 401:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
    sys.exit(f"The server did not answer within {seconds:.0f} s: see {LOG}.")


async def warm_up(base: str, plan: list[dict], count: int) -> None:
    """Every worker thread loads what the first requests load (read-only requests)."""
    import aiohttp

    async def one(session, entry):
        url = f"{base}/api/v1/training/{YEAR}/framework?member={entry['member']}"
        headers = {"Authorization": f"Bearer {entry['token']}", "X-Request-ID": "warm-up"}
        async with session.get(url, headers=headers) as response:
            await response.read()
            if response.status != 200:
                sys.exit(f"Warm-up: GET {url} answered {response.status}: see {LOG}.")

    async with aiohttp.ClientSession() as session:
        for start in range(0, count, 20):
            await asyncio.gather(*(one(session, e) for e in plan[start : start + 20]))


# --- The rush ---------------------------------------------------------------------------------


WAITING = """
SELECT count(*) FILTER (WHERE state = 'active'),
       count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')
FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


async def rush(base: str, plan: list[dict]) -> dict:
    import aiohttp
    import psycopg

    queue: asyncio.Queue = asyncio.Queue()
    for entry in plan:
        queue.put_nowait(entry)
    samples: dict[str, list[float]] = {"save": [], "submit": []}
    statuses: dict[str, Counter] = {"save": Counter(), "submit": Counter()}
    submitted_ok: list[int] = []
    loads: list[float] = []
    waits: list[tuple[int, int]] = []

    async def request(session, step: str, method: str, url: str, entry: dict, body=None):
        headers = {
            "Authorization": f"Bearer {entry['token']}",
            "X-Request-ID": f"rush-{entry['member']}-{step}",
        }
        started = time.perf_counter()
        try:
            async with session.request(method, url, json=body, headers=headers) as response:
                await response.read()
                status: int | str = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            status = type(exc).__name__
        samples[step].append((time.perf_counter() - started) * 1000)
        statuses[step][status] += 1
        return status

    async def connection(session):
        while not queue.empty():
            entry = queue.get_nowait()
            url = f"{base}/api/v1/members/{entry['member']}/registrations/{YEAR}"
            if await request(session, "save", "PUT", url, entry, {"items": entry["items"]}) != 200:
                continue
            if await request(session, "submit", "POST", f"{url}/submit", entry) == 200:
                submitted_ok.append(entry["member"])

    async def watch():
        """Each second: the load average, and how many of the database's sessions are active
        and how many wait for a lock (a row another transaction holds)."""
        with psycopg.connect(_common.URL, autocommit=True) as db:
            while True:
                loads.append(os.getloadavg()[0])
                waits.append(db.execute(WAITING).fetchone())
                await asyncio.sleep(1)

    # One connection per client, kept open between its requests.
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    sessions = [
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1), timeout=timeout)
        for _ in range(CONNECTIONS)
    ]
    watcher = asyncio.create_task(watch())
    started = time.perf_counter()
    try:
        await asyncio.gather(*(connection(s) for s in sessions))
    finally:
        seconds = time.perf_counter() - started
        watcher.cancel()
        for s in sessions:
            await s.close()
    return {
        "seconds": seconds,
        "samples": samples,
        "statuses": statuses,
        "submitted_ok": submitted_ok,
        "max_load": max(loads, default=0.0),
        "waits": waits,
    }


# --- The checks -------------------------------------------------------------------------------


def cpu_times(pids) -> dict[int, float]:
    """CPU seconds (user and system) each process has used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


def server_processes(script: int) -> list[int]:
    """The processes the server's script started, and theirs (gunicorn, its workers, the job
    worker)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [script]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def database_backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def cpu_snapshot(server: subprocess.Popen) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by the server's processes and by the database's sessions
    (PostgreSQL on this machine)."""
    return {
        "server": cpu_times(server_processes(server.pid)),
        "database": cpu_times(database_backends()),
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds used between two snapshots (a session that ended meanwhile is missed)."""
    return {
        side: sum(t - before[side].get(pid, 0.0) for pid, t in after[side].items())
        for side in after
    }


def deadlocks() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def read_log(start: int) -> dict:
    """From the log's offset `start` on: the statuses of the rush's requests, their durations
    in the server and when each submit was in the server (access lines), and the bad lines."""
    statuses: Counter = Counter()
    durations: dict[str, list[float]] = {"save": [], "submit": []}
    submits: dict[int, tuple[float, float]] = {}
    bad = []
    with open(LOG, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        for line in f:
            if line.startswith("{"):
                try:
                    entry = json.loads(line)
                except ValueError:
                    entry = None
                if entry and "status" in entry:
                    request_id = str(entry.get("request_id", ""))
                    if request_id.startswith("rush-"):
                        _rush, member, step = request_id.split("-")
                        statuses[entry["status"]] += 1
                        durations[step].append(entry["duration_ms"])
                        if step == "submit":
                            end = datetime.fromisoformat(entry["time"]).timestamp()
                            submits[int(member)] = (end - entry["duration_ms"] / 1000, end)
                    if entry["status"] >= 500:
                        bad.append(line.rstrip())
                    continue
            if BAD_LINES.search(line):
                bad.append(line.rstrip())
    return {"statuses": statuses, "durations": durations, "submits": submits, "bad": bad}


def overlapping(plan: list[dict], submits: dict[int, tuple[float, float]]) -> tuple[int, int]:
    """How many pairs of submits of one branch were in the server at the same time, and in how
    many branches."""
    by_branch: dict[str, list[tuple[float, float]]] = {}
    for entry in plan:
        if entry["member"] in submits:
            by_branch.setdefault(entry["branch"], []).append(submits[entry["member"]])
    pairs, branches = 0, 0
    for spans in by_branch.values():
        spans.sort()
        found = sum(1 for i, a in enumerate(spans) for b in spans[i + 1 :] if b[0] < a[1])
        pairs += found
        branches += bool(found)
    return pairs, branches


def recompute() -> tuple[int, list[str], float]:
    """`manage.py recompute_stats` (every opened year): its differences and its time."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "recompute_stats"],
        cwd=_common.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    found = re.match(r"(\d+) difference", lines[-1]) if lines else None
    if found is None:
        sys.exit(f"recompute_stats failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return int(found[1]), lines[:-1], time.monotonic() - started


def check_database(result: dict, plan: list[dict]) -> tuple[int, int, int]:
    """(submits answered 200 that are not submitted in the database, registrations submitted
    in all, members saved by a 200 without a registration)."""
    from doanvien.training.models import Registration

    ids = [e["member"] for e in plan]
    states = dict(
        Registration.objects.filter(member_id__in=ids, year=YEAR).values_list("member_id", "state")
    )
    missing = sum(1 for pk in result["submitted_ok"] if states.get(pk) != "submitted")
    submitted = sum(1 for s in states.values() if s == "submitted")
    return missing, submitted, len(set(ids) - set(states))


# --- Main -------------------------------------------------------------------------------------


def print_latencies(title: str, by_step: dict[str, list[float]]) -> None:
    print(f"{title:<24} {'requests':>8} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'max ms':>9}")
    everything = []
    for step, samples in [*by_step.items(), ("all", None)]:
        if samples is None:
            samples = everything
        else:
            everything = everything + samples
        if samples:
            p = [_common.percentile(samples, s) for s in (0.5, 0.95, 0.99)]
            print(
                f"  {step:<22} {len(samples):>8,} {p[0]:>9.1f} {p[1]:>9.1f} {p[2]:>9.1f} "
                f"{max(samples):>9.1f}"
            )


def main() -> None:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        sys.exit("The rush's client needs aiohttp, one of the dev extras: pip install -e '.[dev]'.")
    _common.setup()
    _common.ensure_data()
    print(f"load average {load()} before preparing")
    plan, about = prepare()
    criteria = ", ".join(f"{n} criteria: {c}" for n, c in sorted(about["criteria"].items()))
    print(
        f"registration rush, year {YEAR}: {len(plan):,} members of {about['province']} from "
        f"{about['branches']} of its {about['province_branches']} branches ({criteria}); "
        f"registration deadline {about['deadline']:%d/%m/%Y}; "
        f"{about['reset']} registrations of an earlier run deleted; "
        f"prepared in {about['seconds']:.1f} s"
    )

    differences, lines, seconds = recompute()
    if differences:
        sys.exit(
            f"recompute_stats finds {differences} differences before the rush, e.g. "
            f"{lines[0]}: mend them first (manage.py recompute_stats --fix)."
        )
    print(f"recompute_stats before the rush: no difference ({seconds:.1f} s)")

    LOG.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workers = os.environ.get("GUNICORN_WORKERS") or f"{2 * (os.cpu_count() or 1) + 1}"
    threads = os.environ.get("GUNICORN_THREADS") or "4"
    with open(LOG, "wb") as log:
        offset = 0
        server = start_server(port, log)
        try:
            asyncio.run(wait_until_up(base, server))
            asyncio.run(warm_up(base, plan, min(len(plan), 100)))
            deadlocks_before = deadlocks()
            cpu_before = cpu_snapshot(server)
            load_before = load()
            print(
                f"server: scripts/serve-production on {base}, gunicorn gthread, "
                f"{workers} workers × {threads} threads; {CONNECTIONS} connections; "
                f"load average {load_before} at the start"
            )
            result = asyncio.run(rush(base, plan))
            load_after = load()
            cpu = cpu_used(cpu_before, cpu_snapshot(server))
        finally:
            stop_server(server)
    time.sleep(1)  # PostgreSQL's statistics reach the view within a second
    new_deadlocks = deadlocks() - deadlocks_before

    requests = sum(len(s) for s in result["samples"].values())
    logged = read_log(offset)
    print()
    print(
        f"{requests:,} requests in {result['seconds']:.1f} s: "
        f"{requests / result['seconds']:.1f} requests/s, "
        f"{len(plan) / result['seconds']:.1f} members/s (save + submit)"
    )
    print_latencies("latency at the client", result["samples"])
    print_latencies("time in the server", logged["durations"])
    for step, statuses in result["statuses"].items():
        counts = ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items(), key=str))
        print(f"HTTP status, {step}: {counts}")
    waits = result["waits"] or [(0, 0)]
    print(
        f"database sessions, sampled each second: up to {max(a for a, _w in waits)} active, "
        f"up to {max(w for _a, w in waits)} waiting for a lock at once "
        f"(on average {sum(w for _a, w in waits) / len(waits):.1f})"
    )
    per_member = {side: seconds * 1000 / len(plan) for side, seconds in cpu.items()}
    print(
        f"CPU used during the rush: server processes {cpu['server']:.1f} s, PostgreSQL "
        f"sessions {cpu['database']:.1f} s, i.e. {per_member['server']:.0f} + "
        f"{per_member['database']:.0f} ms a member (save + submit); "
        f"{os.cpu_count()} CPUs × {result['seconds']:.0f} s = "
        f"{(os.cpu_count() or 1) * result['seconds']:.0f} CPU seconds went by"
    )
    print(
        f"load average: {load_before} at the start, {load_after} at the end, "
        f"highest 1-minute figure during the rush {result['max_load']:.2f} "
        f"({os.cpu_count()} CPUs)"
    )

    print()
    missing, submitted, unsaved = check_database(result, plan)
    bad = logged["bad"]
    differences, lines, recompute_seconds = recompute()
    year_lines = [line for line in lines if f" {YEAR} " in line]
    pairs, pair_branches = overlapping(plan, logged["submits"])
    print(
        f"database: {submitted:,} registrations submitted; {len(result['submitted_ok']):,} "
        f"submits answered 200, of which {missing} not submitted in the database; "
        f"{unsaved} members without a registration"
    )
    print(
        f"server log ({LOG.relative_to(_common.ROOT)}): statuses "
        + ", ".join(f"{s}: {n:,}" for s, n in sorted(logged["statuses"].items()))
        + f"; {len(bad)} lines with a 5xx, a deadlock, a serialization failure, a worker "
        f"timeout or a traceback; PostgreSQL counted {new_deadlocks} deadlocks"
    )
    for line in list(dict.fromkeys(bad))[:12]:
        print(f"  {line[:300]}")
    print(
        f"recompute_stats: {differences} differences ({len(year_lines)} in {YEAR}), "
        f"in {recompute_seconds:.1f} s; {pairs} pairs of submits of one branch were in the "
        f"server at the same time, in {pair_branches} branches"
    )
    for line in lines[:10]:
        print(f"  {line}")

    answered = sum(result["statuses"]["save"].values())
    failures = []
    errors = {
        f"{step} {status}": n
        for step, statuses in result["statuses"].items()
        for status, n in statuses.items()
        if status != 200
    }
    if errors:
        listed = ", ".join(f"{k}: {n}" for k, n in errors.items())
        failures.append(f"requests not answered 200: {listed}")
    if answered != len(plan):
        failures.append(f"{len(plan) - answered} members not tried")
    if missing:
        failures.append(f"{missing} submits answered 200 are not submitted in the database")
    if bad:
        failures.append(f"{len(bad)} bad lines in the server log")
    if new_deadlocks:
        failures.append(f"{new_deadlocks} deadlocks counted by PostgreSQL")
    if differences:
        failures.append(f"recompute_stats found {differences} differences")
    print()
    print("verdict: " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
    print(_common.machine())
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

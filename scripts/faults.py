"""Faults under load (`make faults`): what a kill -9 or a database restart leaves behind.

    .venv/bin/python scripts/faults.py [--members 20000] [--submitters 400] [--keep]
    .venv/bin/python scripts/faults.py --keep --only database     # one fault (import, export,
                                                                  # server, database)

Everything runs on loopback against a private PostgreSQL cluster that this script makes with
scripts/pg-replica (initdb in var/faults/pg on two free ports; the machine's own cluster is never
restarted) and removes at the end (unless --keep: the next run reuses it and its data). On it,
the generated data set of --members members (`manage.py generate_national`), then four faults,
each followed by its checks:

1. import: a member import of --import-rows rows is previewed, confirmed, and its job worker
   (`manage.py db_worker`) killed with SIGKILL while the chunks are being written. Checks: a
   worker that starts fails the job and undoes the chunks (no member of the file, no chunk row
   left), the unit member counts and the roll-ups equal a recount, and the job tried again
   (`job_retry`) writes every row.
2. export: a member export of the whole tree, its worker killed mid-file. Checks: no output file
   (only the temporary ".part" may be there), the job is failed by the next worker, and tried
   again it gives a complete file with every member.
3. server: --submitters members save (10+ criteria) and submit their registrations through
   `make serve`'s server (scripts/serve-production) on --connections connections; a third of the
   way in one gunicorn worker process is killed with SIGKILL.
4. database: the same with PostgreSQL restarted (`pg_ctl restart -m immediate`, a crash and
   its recovery) a third of the way in.
   Checks for 3 and 4: every submit answered 200 is submitted in the database (no lost write),
   no registration is half-written (each has exactly the items its member sent), the members
   whose requests failed try again and all succeed, the server answers /readyz "ready" again,
   and `recompute_stats` finds no difference.

It prints a table of the results and exits 1 if any check fails.
"""

import argparse
import asyncio
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "faults"
PG_DIR = WORK / "pg"
PORTS = WORK / "ports"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--members", type=int, default=20_000, help="generated data set's size")
parser.add_argument("--import-rows", type=int, default=3_000, help="rows of the import file")
parser.add_argument("--submitters", type=int, default=400, help="members who submit")
parser.add_argument("--connections", type=int, default=40, help="client connections")
parser.add_argument("--keep", action="store_true", help="keep the private cluster afterwards")
parser.add_argument(
    "--only",
    action="append",
    choices=["import", "export", "server", "database"],
    help="run only this fault (may be given more than once)",
)
ARGS = parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0


def pg_env(primary: int, replica: int) -> dict:
    return {
        **os.environ,
        "PG_REPLICA_DIR": str(PG_DIR),
        "PG_PRIMARY_PORT": str(primary),
        "PG_REPLICA_PORT": str(replica),
    }


def cluster_start() -> str:
    """The private cluster's URL: the one kept by an earlier --keep run, or a new one."""
    if PORTS.exists():
        primary, replica = map(int, PORTS.read_text().split())
        if answers(primary):
            print(f"Reusing the private cluster on port {primary} (var/faults/pg).")
            return f"postgres://postgres@127.0.0.1:{primary}/doanvien"
        subprocess.run([ROOT / "scripts" / "pg-replica", "stop"], env=pg_env(primary, replica))
    WORK.mkdir(parents=True, exist_ok=True)
    primary, replica = free_port(), free_port()
    done = subprocess.run(
        [ROOT / "scripts" / "pg-replica", "start"],
        env=pg_env(primary, replica),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"scripts/pg-replica start failed:\n{done.stderr}")
    PORTS.write_text(f"{primary} {replica}")
    print(f"Private cluster: primary on port {primary}, replica on {replica} (var/faults/pg).")
    return done.stdout.split()[0]


def cluster_stop() -> None:
    primary, replica = map(int, PORTS.read_text().split())
    subprocess.run([ROOT / "scripts" / "pg-replica", "stop"], env=pg_env(primary, replica))
    PORTS.unlink(missing_ok=True)


def pg_ctl(*args: str) -> None:
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    command = [str(pg_bin[-1] / "pg_ctl"), "-D", str(PG_DIR / "primary"), *args]
    if os.getuid() == 0:  # PostgreSQL refuses to run as root
        command = ["su", "postgres", "-s", "/bin/bash", "-c", subprocess.list2cmdline(command)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


URL = cluster_start()
os.environ["BENCH_DATABASE_URL"] = URL
os.environ["BENCH_MEMBERS"] = str(ARGS.members)
os.environ["RUSH_MEMBERS"] = str(ARGS.submitters)
os.environ["RUSH_CONNECTIONS"] = str(ARGS.connections)
os.environ["JOB_FILES_DIR"] = str(WORK / "jobs")
os.environ.setdefault("RUSH_REQUEST_TIMEOUT", "60")
sys.path.insert(0, str(ROOT / "bench"))

import _common  # noqa: E402
import registration_rush as rush  # noqa: E402

rush.LOG = WORK / "server.log"
RESULTS: list[tuple[str, str, list[tuple[str, bool]]]] = []


def check(results: list, name: str, ok: bool) -> None:
    results.append((name, bool(ok)))
    print(f"  {'ok  ' if ok else 'FAIL'} {name}")


def recount_clean() -> tuple[bool, str]:
    differences, lines, _seconds = rush.recompute()
    return differences == 0, (lines[0] if lines else "")


def member_counts_exact(units) -> bool:
    from doanvien.members.models import Member, Status
    from doanvien.units import member_counts

    return all(
        member_counts.now(u)
        == Member.objects.filter(unit_path__startswith=u.path, status=Status.ACTIVE).count()
        for u in units
    )


def close_db() -> None:
    from django.db import connections

    connections.close_all()


# --- the job worker -------------------------------------------------------------------------


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": URL, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=open(WORK / "worker.log", "ab"),  # noqa: SIM115
    )


def run_worker_until(job, states, seconds=600) -> str:
    """Run a worker until the job reaches one of `states`; stop the worker; the state."""
    worker = start_worker()
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state in states:
                return job.state
            time.sleep(0.2)
        return job.state
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def kill_worker_when(job, ready, seconds=600) -> bool:
    """Start a worker; SIGKILL it once ready(job) holds. False if the job ended first."""
    worker = start_worker()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                return False
            if ready(job):
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                return True
            time.sleep(0.05)
        return False
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def import_file(branches: list[str], rows: int, offset: int) -> bytes:
    """An .xlsx of `rows` invented members (bench/import_members.py's) in the given branches."""
    import import_members
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Đoàn viên")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, import_members.HEADER)
    invented = import_members.invented_rows(offset + rows)
    for _skip in range(offset):
        next(invented)
    for r, (cells, _fields) in enumerate(invented, start=1):
        cells[-1] = branches[r % len(branches)]
        for c, value in enumerate(cells):
            if hasattr(value, "year"):
                sheet.write_datetime(r, c, value, dates)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def admin():
    from doanvien.accounts.models import User

    user = User.objects.filter(username="faults-admin").first()
    if user is None:
        user = User.objects.create_superuser(
            username="faults-admin", password=None, full_name="Faults"
        )
    return user


def fault_import() -> list:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from doanvien.core.models import ImportChunk
    from doanvien.jobs import services
    from doanvien.jobs.models import Job
    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    print("\n1. kill -9 of the job worker while an import is being written")
    results: list = []
    # bench/import_members.py's invented ID numbers begin with 0 (the generated ones do not):
    # a run on a kept cluster takes the rows after those an earlier run imported.
    offset = Member.objects.filter(id_number__startswith="0").count()
    base = Unit.objects.filter(level__code="base").filter(numchild__gt=1).order_by("path").first()
    branches = list(
        Unit.objects.filter(
            path__startswith=base.path, depth=base.depth + 1, kind=Unit.Kind.BRANCH
        ).values_list("name", flat=True)
    )
    above = list(Unit.objects.filter(path__in=[base.path[:n] for n in range(1, len(base.path))]))
    user = admin()
    before = Member.objects.count()
    upload = SimpleUploadedFile("faults.xlsx", import_file(branches, ARGS.import_rows, offset))
    job = services.job_start(actor=user, kind=Job.Kind.MEMBERS_IMPORT, unit=base, upload=upload)
    state = run_worker_until(job, Job.FINISHED)
    if state != Job.State.AWAITING_CONFIRMATION:
        check(results, f"the preview is ready (state {state}: {job.errors[:1]})", False)
        return results
    services.job_confirm(actor=user, job=job)
    killed = kill_worker_when(job, lambda j: ImportChunk.objects.filter(import_id=j.pk).count() > 1)
    chunks = ImportChunk.objects.filter(import_id=job.pk).count()
    check(results, f"worker killed with {chunks} chunks of the file committed", killed and chunks)
    run_worker_until(job, [Job.State.FAILED], seconds=60)  # a new worker cleans up as it starts
    job.refresh_from_db()
    check(results, "a new worker marks the job failed", job.state == Job.State.FAILED)
    check(
        results,
        "nothing half-written: no member of the file, no chunk row left",
        Member.objects.count() == before
        and not ImportChunk.objects.filter(import_id=job.pk).exists(),
    )
    check(results, "unit member counts equal a recount", member_counts_exact([base, *above]))
    clean, first = recount_clean()
    check(results, f"recompute_stats: no difference {first}".strip(), clean)
    services.job_retry(actor=user, job=job)
    state = run_worker_until(job, Job.FINISHED)
    check(
        results,
        f"tried again: {state}, {Member.objects.count() - before} members written",
        state == Job.State.SUCCEEDED and Member.objects.count() == before + ARGS.import_rows,
    )
    check(results, "unit member counts equal a recount", member_counts_exact([base, *above]))
    clean, first = recount_clean()
    check(results, f"recompute_stats: no difference {first}".strip(), clean)
    return results


def fault_export() -> list:
    import openpyxl
    from django.utils import timezone

    from doanvien.jobs import files, services
    from doanvien.jobs.models import Job
    from doanvien.members.models import Member, Status
    from doanvien.units.models import Unit

    print("\n2. kill -9 of the job worker while an export is being written")
    results: list = []
    centre = Unit.objects.get(depth=1)
    active = Member.objects.filter(status=Status.ACTIVE).count()
    user = admin()
    job = services.job_start(actor=user, kind=Job.Kind.MEMBERS_EXPORT, unit=centre)
    # Killed three seconds into the file (the job reports its rows every few seconds).
    killed = kill_worker_when(
        job,
        lambda j: (
            j.state == Job.State.RUNNING
            and j.started_at is not None
            and (timezone.now() - j.started_at).total_seconds() > 3
        ),
    )
    job.refresh_from_db()
    check(results, f"worker killed with {job.done:,} rows of {active:,} reported", killed)
    check(
        results, "no output file (a partial file is never offered)", files.output_path(job) is None
    )
    run_worker_until(job, [Job.State.FAILED], seconds=60)
    job.refresh_from_db()
    check(results, "a new worker marks the job failed", job.state == Job.State.FAILED)
    services.job_retry(actor=user, job=job)
    state = run_worker_until(job, Job.FINISHED)
    path = files.output_path(job)
    rows = 0
    if path is not None:
        book = openpyxl.load_workbook(path, read_only=True)
        rows = sum(1 for _ in book.worksheets[0].iter_rows()) - 1
    check(
        results,
        f"tried again: {state}, the file has {rows:,} rows for {active:,} active members",
        state == Job.State.SUCCEEDED and path is not None and rows >= active,
    )
    return results


# --- the server under submits --------------------------------------------------------------


async def drive(base: str, plan: list[dict], fault, at: float) -> dict:
    """Every member saves then submits; once `at` of them are done, `fault()` runs."""
    import aiohttp

    queue: asyncio.Queue = asyncio.Queue()
    for entry in plan:
        queue.put_nowait(entry)
    statuses: Counter = Counter()
    ok: set[int] = set()
    done = 0
    fired = asyncio.Event()

    async def request(session, method, url, entry, body=None):
        headers = {"Authorization": f"Bearer {entry['token']}"}
        try:
            async with session.request(method, url, json=body, headers=headers) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return type(exc).__name__

    async def connection(session):
        nonlocal done
        while not queue.empty():
            entry = queue.get_nowait()
            url = f"{base}/api/v1/members/{entry['member']}/registrations/{rush.YEAR}"
            status = await request(session, "PUT", url, entry, {"items": entry["items"]})
            statuses[f"save {status}"] += 1
            if status == 200:
                status = await request(session, "POST", f"{url}/submit", entry)
                statuses[f"submit {status}"] += 1
                if status == 200:
                    ok.add(entry["member"])
            done += 1
            if done >= at * len(plan) and not fired.is_set():
                fired.set()
                await asyncio.get_running_loop().run_in_executor(None, fault)

    timeout = aiohttp.ClientTimeout(total=rush.REQUEST_TIMEOUT)
    sessions = [
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1), timeout=timeout)
        for _ in range(ARGS.connections)
    ]
    started = time.perf_counter()
    try:
        await asyncio.gather(*(connection(s) for s in sessions))
    finally:
        for s in sessions:
            await s.close()
    return {"statuses": statuses, "ok": ok, "seconds": time.perf_counter() - started}


async def ready(base: str, seconds: float = 60) -> float | None:
    """Seconds until /readyz answers 200, or None."""
    import aiohttp

    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        while time.monotonic() - started < seconds:
            try:
                async with session.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
    return None


def registrations_state(plan: list[dict]) -> tuple[dict, int]:
    """({member: state}, registrations whose items differ from what the member sent)."""
    from django.db.models import Count

    from doanvien.training.models import Registration

    wanted = {e["member"]: len(e["items"]) for e in plan}
    found = (
        Registration.objects.filter(member_id__in=wanted, year=rush.YEAR)
        .annotate(n=Count("items"))
        .values_list("member_id", "state", "n")
    )
    states, half = {}, 0
    for member, state, n in found:
        states[member] = state
        half += n != wanted[member]
    return states, half


def fault_server(title: str, make_fault) -> list:
    print(f"\n{title}")
    results: list = []
    close_db()
    # Accounts of an earlier run whose member is gone (the data set was made again) would take
    # the names prepare() gives.
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from doanvien.accounts.models import User

    User.objects.filter(username__startswith="rush-", member=None).update(
        username=Concat(Value("gone-"), F("id"))
    )
    plan, about = rush.prepare()
    clean, first = recount_clean()
    if not clean:
        check(results, f"recompute_stats clean before ({first})", False)
        return results
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(rush.LOG, "ab") as log:
        server = rush.start_server(port, log)
        try:
            asyncio.run(rush.wait_until_up(base, server))
            asyncio.run(rush.warm_up(base, plan, 20))
            fault, said = make_fault(server)
            run = asyncio.run(drive(base, plan, fault, at=1 / 3))
            print(f"  fault: {said[0] if said else 'not fired'}")
            errors = {k: n for k, n in run["statuses"].items() if not k.endswith(" 200")}
            print(
                f"  {len(plan)} members in {run['seconds']:.1f} s; answers: "
                + ", ".join(f"{k}: {n}" for k, n in sorted(run["statuses"].items()))
            )
            back = asyncio.run(ready(base))
            check(
                results,
                f"/readyz ready again ({back:.1f} s after the run)"
                if back is not None
                else "/readyz ready again",
                back is not None,
            )
            close_db()
            states, half = registrations_state(plan)
            lost = sum(1 for m in run["ok"] if states.get(m) != "submitted")
            check(results, f"0 lost writes ({len(run['ok'])} submits answered 200)", lost == 0)
            check(results, "no half-written registration (items as sent)", half == 0)
            # Those whose requests failed try again (a submit that committed but whose answer
            # was lost is submitted already: nothing to do).
            again = [e for e in plan if states.get(e["member"]) != "submitted"]
            retry = asyncio.run(drive(base, again, lambda: None, at=2)) if again else None
            states, half = registrations_state(plan)
            submitted = sum(1 for s in states.values() if s == "submitted")
            check(
                results,
                f"{len(again)} members tried again: {submitted}/{len(plan)} submitted"
                + (
                    " ("
                    + ", ".join(f"{k}: {n}" for k, n in sorted(retry["statuses"].items()))
                    + ")"
                    if retry
                    else ""
                ),
                submitted == len(plan) and half == 0,
            )
        finally:
            rush.stop_server(server)
    clean, first = recount_clean()
    check(results, f"recompute_stats: no difference {first}".strip(), clean)
    results.insert(
        0,
        (
            "failed requests during the fault: "
            + (", ".join(f"{k}: {n}" for k, n in sorted(errors.items())) or "none"),
            True,
        ),
    )
    return results


def gunicorn_kill(server):
    said: list[str] = []

    def fault():
        processes = rush.server_processes(server.pid)
        workers = [
            pid
            for pid in processes
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
            and any(p in processes for p in [parent(pid)])
            and b"gunicorn" in Path(f"/proc/{parent(pid)}/cmdline").read_bytes()
        ]
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            said.append(f"SIGKILL to gunicorn worker {workers[0]} (of {len(workers)})")

    return fault, said


def parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def postgres_restart(server):
    said: list[str] = []

    def fault():
        started = time.monotonic()
        pg_ctl("-m", "immediate", "-w", "-l", str(PG_DIR / "primary.log"), "restart")
        said.append(f"pg_ctl restart -m immediate, back in {time.monotonic() - started:.1f} s")

    return fault, said


def main() -> None:
    started = time.monotonic()
    try:
        _common.setup()
        from doanvien.members.models import Member

        # The imports of an earlier run (--keep) add members: the set is made once only.
        if not Member.objects.exists():
            _common.ensure_data()
        print(f"load average {rush.load()}")
        faults = {
            "import": ("kill -9 job worker, import confirm", fault_import),
            "export": ("kill -9 job worker, export", fault_export),
            "server": (
                "kill -9 gunicorn worker, submits",
                lambda: fault_server(
                    "3. kill -9 of a gunicorn worker during submits", gunicorn_kill
                ),
            ),
            "database": (
                "PostgreSQL restart, submits",
                lambda: fault_server("4. PostgreSQL restarted during submits", postgres_restart),
            ),
        }
        for key, (title, run) in faults.items():
            if not ARGS.only or key in ARGS.only:
                RESULTS.append((title, run()))
    finally:
        close_db()
        if not ARGS.keep:
            cluster_stop()
    print(f"\n{'fault':<38} {'check':<72} result")
    failed = 0
    for fault, results in RESULTS:
        for i, (name, ok) in enumerate(results):
            print(f"{fault if i == 0 else '':<38} {name[:72]:<72} {'ok' if ok else 'FAIL'}")
            failed += not ok
    print(
        f"\n{sum(len(r) for _f, r in RESULTS) - failed} checks passed, {failed} failed, in "
        f"{time.monotonic() - started:.0f} s; load average {rush.load()}; {os.cpu_count()} CPUs"
    )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Member import benchmark: 100,000 invented members from an .xlsx file, imported with
`members_import(confirm=True)` into a base union's branches, next to a raw
`Member.objects.bulk_create` of the same rows in the same run.

    .venv/bin/python bench/import_members.py [--rows 100000] [--paths]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/import_members.py

It works on a throwaway database: a SQLite file in a temporary folder, or, when DATABASE_URL
names a PostgreSQL server, a database `doanvien_bench_import` on it, created and dropped here.
Each measured step runs in its own process, so that its peak memory (ru_maxrss) is its own.
With --paths the file names each branch by its path from the province ("Tỉnh đoàn Đo Đạc /
Đoàn trường Đo Đạc / Chi đoàn 007", column "Đường dẫn chi đoàn") instead of its name.
Targets: import ≤ 30 s, peak RSS ≤ 300 MB, ≤ 3 × the raw insert (the import's own time: on
SQLite it also pauses after each chunk so that a waiting writer goes first, reported apart).
Another writer (a one-row write every 100 ms on a connection of its own) reports how long it
waited meanwhile: the import writes IMPORT_CHUNK_ROWS rows a transaction
(IMPORT_CHUNK_ROWS=100000 writes the whole file in one, as before).
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "doanvien_bench_import"
BRANCHES = 100
RAW_BATCH = 2000
TODAY = date(2026, 11, 22)
TARGET_SECONDS, TARGET_MB, TARGET_RATIO = 30, 300, 3

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc", "Hoài", "Gia", "Thu", "Đức"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Quân", "Thảo"]
PLACES = ["Xã Tân Hòa, huyện Tân An", "Phường 3, quận Bình Minh", "Xã Long Phú, huyện Sơn Hà"]

HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CMND/CCCD",
    "Ngày cấp",
    "Nơi cấp",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Địa chỉ thường trú",
    "Số điện thoại",
    "Email",
    "Ngày vào Đoàn",
    "Số nghị quyết kết nạp",
    "Chức vụ",
    "Loại đoàn viên",
    "Hội viên Hội LHTN",
    "Nghề nghiệp hiện nay",
    "Trình độ văn hóa",
    "Chi đoàn",
]


def invented_rows(count: int):
    """The same invented members on every call: (cells in HEADER order, Member fields)."""
    rng = random.Random(20261122)
    for n in range(count):
        born = date(1996, 1, 1) + timedelta(days=rng.randrange(13 * 365))
        joined = min(born + timedelta(days=16 * 366 + rng.randrange(3 * 365)), TODAY)
        sex = rng.choice(("Nam", "Nữ"))
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        fields = {
            "full_name": name,
            "date_of_birth": born,
            "sex": "male" if sex == "Nam" else "female",
            "id_number": f"0{1 + n % 96:02d}{born.year % 100:03d}{n:06d}",
            "id_issued_on": date(2021, 1, 1) + timedelta(days=n % 900),
            "id_issued_place": "Cục Cảnh sát QLHC về TTXH",
            "ethnicity": "Kinh",
            "religion": "Không",
            "home_town": rng.choice(PLACES),
            "permanent_address": f"Số {n % 300 + 1} đường Lê Lợi, {rng.choice(PLACES)}",
            "phone": f"09{n:08d}",
            "email": f"doanvien{n}@example.com",
            "joined_union_on": joined,
            "admission_resolution_no": f"{n % 500 + 1}/NQ-ĐTN",
            "position": "member",
            "category": "main",
            "federation_member": n % 3 == 0,
            "occupation": "Học sinh",
            "education_level": "12/12",
        }
        cells = [
            name,
            born,
            sex,
            fields["id_number"],
            fields["id_issued_on"],
            fields["id_issued_place"],
            "Kinh",
            "Không",
            fields["home_town"],
            fields["permanent_address"],
            fields["phone"],
            fields["email"],
            joined,
            fields["admission_resolution_no"],
            "Đoàn viên",
            "Sinh hoạt chính",
            "Có" if fields["federation_member"] else "Không",
            "Học sinh",
            "12/12",
            f"Chi đoàn {n % BRANCHES + 1:03d}",
        ]
        yield cells, fields


def write_xlsx(path: Path, count: int) -> None:
    import xlsxwriter

    paths = bool(os.environ.get("BENCH_BRANCH_PATHS"))
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("Đoàn viên")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, [*HEADER[:-1], "Đường dẫn chi đoàn"] if paths else HEADER)
    for r, (cells, _fields) in enumerate(invented_rows(count), start=1):
        if paths:
            cells[-1] = f"Tỉnh đoàn Đo Đạc / Đoàn trường Đo Đạc / {cells[-1]}"
        for c, value in enumerate(cells):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            else:
                sheet.write_string(r, c, value)
    book.close()


# --- steps, each in its own process ----------------------------------------------------------


def _django():
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doanvien.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_setup(workdir: Path, count: int) -> dict:
    _django()
    from django.core.management import call_command

    from doanvien.accounts.models import User
    from doanvien.units.levels import ensure_default_levels
    from doanvien.units.models import Level, Unit
    from doanvien.units.services import unit_create

    call_command("migrate", verbosity=0)
    ensure_default_levels(Level)
    levels = {level.code: level for level in Level.objects.all()}
    province = unit_create(
        actor=None, parent=None, name="Tỉnh đoàn Đo Đạc", code="BENCH", level=levels["province"]
    )
    base = unit_create(
        actor=None,
        parent=province,
        name="Đoàn trường Đo Đạc",
        code="BENCH-BASE",
        level=levels["base"],
        sector="school",
    )
    for n in range(1, BRANCHES + 1):
        unit_create(
            actor=None,
            parent=base,
            name=f"Chi đoàn {n:03d}",
            code=f"BENCH-{n:03d}",
            level=levels["branch"],
            kind=Unit.Kind.BRANCH,
            sector="school",
        )
    User.objects.create_superuser(username="bench", password="bench-pass-123", full_name="Bench")
    started = time.perf_counter()
    write_xlsx(workdir / "members.xlsx", count)
    return {"xlsx_seconds": time.perf_counter() - started}


def step_raw(workdir: Path, count: int) -> dict:
    """Member objects for the same rows, bulk_create into a fresh branch; deleted after."""
    _django()
    from django.db import connection, transaction

    from doanvien.core.text import fold, given_name_key
    from doanvien.members.models import Member
    from doanvien.units.models import Level, Unit
    from doanvien.units.services import unit_create

    base = Unit.objects.get(code="BENCH-BASE")
    branch = unit_create(
        actor=None,
        parent=base,
        name="Chi đoàn Thô",
        code="BENCH-RAW",
        level=Level.objects.get(code="branch"),
        kind=Unit.Kind.BRANCH,
    )
    rows = [fields for _cells, fields in invented_rows(count)]
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        # Built and inserted a batch at a time, as a plain loader would do it.
        for first in range(0, count, RAW_BATCH):
            Member.objects.bulk_create(
                [
                    Member(
                        **fields,
                        name_folded=fold(fields["full_name"]),
                        sort_key=given_name_key(fields["full_name"]),
                        member_code=f"DV{n:010d}",
                        branch=branch,
                        unit_path=branch.path,
                    )
                    for n, fields in enumerate(rows[first : first + RAW_BATCH], start=first)
                ],
                batch_size=500,
            )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Member._meta.db_table} WHERE branch_id = %s", [branch.pk])
    Unit.objects.filter(pk=branch.pk).delete()
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


def step_import(workdir: Path, count: int) -> dict:
    _django()
    import logging

    from doanvien.accounts.models import User
    from doanvien.core.spreadsheets import importing, parsing
    from doanvien.members.imports import members_import
    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    # The file is read by a child process (core/spreadsheets/parsing.py): its cost is logged.
    children = []

    class Usage(logging.Handler):
        def emit(self, record):
            if hasattr(record, "usage"):
                children.append(record.usage)

    logging.getLogger(parsing.__name__).addHandler(Usage())
    logging.getLogger(parsing.__name__).setLevel(logging.INFO)
    base = Unit.objects.get(code="BENCH-BASE")
    actor = User.objects.get(username="bench")
    # On SQLite the import pauses after each chunk so that a waiting writer goes first
    # (importing.let_others_write): that time is counted apart.
    paused = [0.0]
    let_others_write = importing.let_others_write

    def counted_pause(chunk_started: float) -> None:
        began = time.perf_counter()
        let_others_write(chunk_started)
        paused[0] += time.perf_counter() - began

    importing.let_others_write = counted_pause
    probe = WriterProbe()
    probe.start()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        result = members_import(
            actor=actor,
            unit=base,
            path=workdir / "members.xlsx",
            filename="members.xlsx",
            confirm=True,
            today=TODAY,
        )
    finally:
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        probe.stop()
    from doanvien.units import member_counts

    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": _peak_mb(),
        "reading_peak_mb": max((u.most_kb for u in children), default=0) / 1024,
        "reading_seconds": sum(u.seconds for u in children),
        "written": result.written,
        "created": result.to_create,
        "errors": [e.message for e in result.errors[:5]],
        "members": Member.objects.filter(unit_path__startswith=base.path).count(),
        "member_count": member_counts.now(base),
        "probe": probe.figures(),
        "chunk_rows": importing.chunk_rows(),
        "paused": paused[0],
    }


class WriterProbe:
    """Another user writing while the import runs: a thread with its own connection commits a
    one-row write (a heartbeat) every 100 ms and times each one, as a sign-in or a registration
    would wait for the import's write lock on SQLite."""

    def __init__(self):
        import threading

        self.waits: list[float] = []
        self.failures: list[str] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        from django.db import DatabaseError, connection, transaction

        from doanvien.core.heartbeats import beat

        try:
            while not self.done.wait(0.1):
                began = time.perf_counter()
                try:
                    with transaction.atomic():
                        beat("bench-probe", every=0)
                except DatabaseError as e:
                    self.failures.append(str(e)[:80])
                self.waits.append(time.perf_counter() - began)
        finally:
            connection.close()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.done.set()
        self.thread.join()

    def figures(self) -> dict:
        waits = sorted(self.waits) or [0.0]
        return {
            "writes": len(self.waits),
            "longest": waits[-1],
            "p99": waits[min(len(waits) - 1, int(len(waits) * 0.99))],
            "failures": self.failures[:3],
            "failed": len(self.failures),
        }


STEPS = {"setup": step_setup, "raw": step_raw, "import": step_import}


# --- the run ---------------------------------------------------------------------------------


def _postgres_urls(url: str) -> tuple[str, str]:
    """(the server's maintenance database, the bench database) on the server of `url`."""
    parts = urlsplit(url)
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
    )


def _postgres(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(statement)


def _run_step(name: str, workdir: Path, count: int, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, "--workdir", str(workdir), "--rows", str(count)],
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"The step {name!r} failed.")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--step", choices=list(STEPS))
    parser.add_argument("--workdir")
    parser.add_argument("--paths", action="store_true", help="branches named by their path")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](Path(args.workdir), args.rows), default=str))
        return

    workdir = Path(tempfile.mkdtemp(prefix="doanvien-bench-"))
    env = dict(os.environ, DOANVIEN_VAR_DIR=str(workdir), LOG_LEVEL="ERROR")
    if args.paths:
        env["BENCH_BRANCH_PATHS"] = "1"
    url = os.environ.get("DATABASE_URL", "")
    admin_url = ""
    if url.startswith(("postgres://", "postgresql://")):
        admin_url, bench_url = _postgres_urls(url)
        _postgres(admin_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        _postgres(admin_url, f"CREATE DATABASE {BENCH_DB}")
        env["DATABASE_URL"] = bench_url
        database = f"PostgreSQL ({BENCH_DB})"
    else:
        env.pop("DATABASE_URL", None)
        database = f"SQLite ({workdir / 'doanvien.sqlite3'})"
    try:
        named = "branch paths" if args.paths else "branch names"
        print(f"Member import benchmark: {args.rows:,} rows ({named}), {database}")
        setup = _run_step("setup", workdir, args.rows, env)
        size = (workdir / "members.xlsx").stat().st_size / 1024 / 1024
        print(f"  file: {size:.1f} MB, written in {setup['xlsx_seconds']:.1f} s (not timed)")
        raw = _run_step("raw", workdir, args.rows, env)
        imp = _run_step("import", workdir, args.rows, env)
    finally:
        if admin_url:
            _postgres(admin_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        shutil.rmtree(workdir, ignore_errors=True)

    # The import's own time: without the pauses it makes for other writers (SQLite).
    ratio = (imp["seconds"] - imp["paused"]) / raw["seconds"]
    rows = args.rows
    print(f"  {'':34}{'wall s':>9}{'rows/s':>10}{'CPU s':>9}{'peak RSS MB':>13}")
    for label, r in (
        ("raw Member.objects.bulk_create", raw),
        ("members_import(confirm=True)", imp),
    ):
        line = f"{r['seconds']:9.1f}{rows / r['seconds']:10,.0f}{r['cpu']:9.1f}{r['peak_mb']:13.0f}"
        print(f"  {label:34}{line}")
    if imp["paused"]:
        print(
            f"  of the import, paused after its chunks for other writers to go first (SQLite): "
            f"{imp['paused']:.1f} s (not in the ratio below)"
        )
    print(
        f"  of the import, reading the file in a child process: {imp['reading_seconds']:.1f} s, "
        f"peak RSS {imp['reading_peak_mb']:.0f} MB (the CPU s and peak above are the worker's)"
    )
    probe = imp["probe"]
    print(
        f"  another writer meanwhile (a one-row write every 100 ms): {probe['writes']} writes, "
        f"longest wait {probe['longest']:.2f} s, p99 {probe['p99']:.2f} s, "
        f"{probe['failed']} failed {probe['failures']} (the import writes "
        f"{imp['chunk_rows']} rows a transaction: IMPORT_CHUNK_ROWS)"
    )
    # CPU time of this process only (PostgreSQL's own work is not in it): a second view of the
    # ratio when other work shares the machine.
    print(f"  import / raw insert: {ratio:.2f} × wall, {imp['cpu'] / raw['cpu']:.2f} × CPU")
    if not imp["written"] or imp["members"] != rows or imp["member_count"] != rows:
        print(f"  IMPORT WRONG: {imp}")
        sys.exit(1)
    own = imp["seconds"] - imp["paused"]
    missed = [
        f"wall {own:.1f} s (pauses aside) > {TARGET_SECONDS} s" if own > TARGET_SECONDS else "",
        f"peak {imp['peak_mb']:.0f} MB > {TARGET_MB} MB" if imp["peak_mb"] > TARGET_MB else "",
        f"reading peak {imp['reading_peak_mb']:.0f} MB > {TARGET_MB} MB"
        if imp["reading_peak_mb"] > TARGET_MB
        else "",
        f"ratio {ratio:.2f} > {TARGET_RATIO}" if ratio > TARGET_RATIO else "",
    ]
    missed = [m for m in missed if m]
    print("  targets: " + ("met" if not missed else "missed: " + "; ".join(missed)))


if __name__ == "__main__":
    main()

"""Unit tree import benchmark: a national-shaped unit list (63 provinces, 11 districts each,
base unions of 10 branches) in one .xlsx file, imported under the central unit with
`units_import`: the preview (confirm=False), then the write (confirm=True), then the same file
again (every unit already as in the file). The rows are written children first, so every unit
above comes after its units.

    .venv/bin/python bench/tree_import.py                   # 20,000 units (make bench)
    .venv/bin/python bench/tree_import.py --units 350000    # the national list

It runs on PostgreSQL, on a throwaway database `doanvien_bench_tree` of the server named by
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/…), created and dropped here.
Target: the national list written in ≤ 60 s.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "doanvien_bench_tree"
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/doanvien_bench")
PROVINCES, DISTRICTS, BRANCHES = 63, 11, 10
TARGET_SECONDS = 60


def _server(dbname: str) -> str:
    parts = urlsplit(SERVER)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def _recreate(drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    admin = _server("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))


def national_rows(units: int):
    """(code, name, level, sector, parent code) of a national-shaped tree of about `units`
    units, branches first (children before the units above them)."""
    bases = max(PROVINCES * DISTRICTS, (units - PROVINCES * (1 + DISTRICTS)) // (1 + BRANCHES))
    provinces = [
        (f"P{p:02d}", f"Tỉnh đoàn Thử {p:02d}", "province", "", "") for p in range(PROVINCES)
    ]
    districts = [
        (f"P{p:02d}-D{d:02d}", f"Huyện đoàn {p:02d}.{d:02d}", "district", "", f"P{p:02d}")
        for p in range(PROVINCES)
        for d in range(DISTRICTS)
    ]
    base_rows, branch_rows = [], []
    for b in range(bases):
        parent = districts[b % len(districts)][0]
        code = f"{parent}-B{b:05d}"
        sector = ("school", "residential", "workers")[b % 3]
        base_rows.append((code, f"Đoàn cơ sở số {b}", "base", sector, parent))
        for n in range(BRANCHES):
            branch_rows.append((f"{code}-{n}", f"Chi đoàn {b}.{n}", "branch", sector, code))
    return branch_rows + base_rows + districts + provinces


def write_xlsx(path: Path, rows) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("Đơn vị")
    sheet.write_row(0, 0, ["Mã đơn vị", "Tên đơn vị", "Cấp", "Khu vực", "Mã đơn vị cấp trên"])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value:
                sheet.write_string(r, c, value)
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20_000)
    args = parser.parse_args()
    _recreate()
    os.environ["DATABASE_URL"] = _server(BENCH_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "doanvien.settings"
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from doanvien.accounts.models import User
        from doanvien.units.imports import units_import
        from doanvien.units.levels import ensure_default_levels
        from doanvien.units.models import Level, Unit
        from doanvien.units.services import unit_create

        call_command("migrate", verbosity=0)
        ensure_default_levels(Level)
        centre = unit_create(
            actor=None,
            parent=None,
            name="Trung ương Đoàn",
            code="TW",
            level=Level.objects.get(code="central"),
        )
        actor = User.objects.create_superuser(
            username="bench", password="bench-pass-123", full_name="Bench"
        )
        rows = national_rows(args.units)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "don-vi.xlsx"
            started = time.perf_counter()
            write_xlsx(path, rows)
            print(
                f"{len(rows):,} units written to .xlsx in {time.perf_counter() - started:.1f} s "
                f"({path.stat().st_size / 2**20:.1f} MB)."
            )
            figures = {}
            for label, confirm in (("preview", False), ("write", True), ("again", True)):
                started = time.perf_counter()
                result = units_import(
                    actor=actor, unit=centre, path=path, filename=path.name, confirm=confirm
                )
                figures[label] = time.perf_counter() - started
                if not result.ok:
                    sys.exit(f"The import failed: {result.errors[:5]}")
                print(
                    f"{label:8} {figures[label]:6.1f} s  to create {result.to_create:,}, "
                    f"to update {result.to_update:,}, unchanged {result.unchanged:,}"
                )
            assert Unit.objects.count() == len(rows) + 1
        load = os.getloadavg()
        verdict = "within" if figures["write"] <= TARGET_SECONDS else "OVER"
        print(
            f"Tree import of {len(rows):,} units: write {figures['write']:.1f} s "
            f"({verdict} the {TARGET_SECONDS} s target); load average {load[0]:.2f} {load[1]:.2f}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        _recreate(drop_only=True)


if __name__ == "__main__":
    main()

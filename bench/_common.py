"""What the benchmarks share: Django on the benchmark database and the generated data set.

The database is PostgreSQL, named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/doanvien_bench); it is created and migrated when missing. The
data set is `manage.py generate_national` with BENCH_MEMBERS members (default 200,000, a couple of
minutes; the national figures come from BENCH_MEMBERS=6000000) for programme year BENCH_YEAR
(default 2026).
"""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/doanvien_bench"
URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "200000"))
YEAR = int(os.environ.get("BENCH_YEAR", "2026"))
SEED = int(os.environ.get("BENCH_SEED", "1"))


def _create_database() -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(URL)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Creating the database {name}.")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup() -> None:
    """Django on the benchmark database, migrated."""
    if not URL.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks run on PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    os.environ["DATABASE_URL"] = URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "doanvien.settings"
    # The API is called in-process through Django's test client.
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    sys.path.insert(0, str(ROOT / "src"))
    _create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(members: int = MEMBERS) -> dict:
    """(Re)generate the data set (deleting what is there) and return the generator's figures."""
    from doanvien.demo import national

    return national.generate(members=members, year=YEAR, seed=SEED, reset=True, log=print)


def ensure_data(members: int = MEMBERS) -> None:
    """Generate the data set unless the database already holds one of this size and year."""
    from doanvien.members.models import Member
    from doanvien.training.models import YearStats

    have = Member.objects.count()
    if have == members and YearStats.objects.filter(year=YEAR, depth=1).exists():
        print(f"Using the data set already in the database: {have:,} members, year {YEAR}.")
        return
    print(f"The database holds {have:,} members: generating {members:,}.")
    generate(members)


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timed(call, repeat: int, warm: int = 2) -> list[float]:
    """Milliseconds of each of `repeat` calls, after `warm` unmeasured ones."""
    for _ in range(warm):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def machine() -> str:
    """One line on where the figures come from (the machine may be shared)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs, load average {load}; PostgreSQL {version}, "
        f"database {connection.settings_dict['NAME']} ({size})"
    )

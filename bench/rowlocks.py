"""Row locks of the roll-up: how many registration changes a second the database takes, under
concurrency, for four ways of writing what one change does to the roll-up rows (YearStats).

Every transaction is one registration submitted in a random branch (of the year's branches, all
equally likely): its branch's roll-up row gets registered + 1 and waiting + 1, an audit event is
inserted, and the ancestors' rows are kept right as each path does it:

- branch: the branch's own row only (the floor: no ancestor is touched);
- today: what training/rollup.py `_add` did: ONE UPDATE of the branch's row and all its
  ancestors' rows, `WHERE year = Y AND unit_path IN (<every prefix of the branch's path>)`;
- ledger: the branch's row, plus one delta row INSERTed into a ledger table; a folder (a second
  pgbench, one client, bench/rowlocks/fold.sql) runs alongside: every second, in one statement,
  it deletes the oldest 20,000 delta rows, sums them per ancestor and adds the sums to the
  ancestors' rows, locked in path order. After the run a last fold empties the ledger and every
  ancestor row is checked against the sum of the branch rows under it;
- shardsS: the branch's row, plus one of S shard rows of each ancestor (shard = branch number
  mod S; an ancestor's figure is its row plus the sum of its shards), locked in path order.

The rows are copies in the schema `rowlocks` of the benchmark database (bench/_common.py): the
year's rows of reports_yearstats with the same indexes, the numbered branches, an audit table
shaped like core_auditevent, the ledger, the shards. Each run starts from a fresh copy. Each
variant runs with `pgbench -c 8 -j 2` and `-c 32 -j 2` (--clients), --seconds each (default 20),
`--max-tries=1 --failures-detailed`, so a deadlock or a serialization failure counts as a failed
transaction. The table gives tps, the average latency, the failed transactions, tps as a share
of `branch` at the same number of clients, and the load average after the run.

    BENCH_MEMBERS=1000000 .venv/bin/python bench/rowlocks.py [--seconds 30] [--clients 8,32]
        [--variants branch,today,ledger,shards] [--shards 16,64]

(BENCH_MEMBERS must match the data set in the database, or it is generated again.)
Target: `ledger` (or `shards`) at 32 clients at least 50 % of `branch`, with no failed
transaction.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import _common

SCRIPTS = Path(__file__).resolve().parent / "rowlocks"
PGBENCH = os.environ.get("PGBENCH", "pgbench")
STEP = 4  # Unit.steplen
TARGET_SHARE = 50
COUNTERS = [
    "members",
    "registered",
    "assessed",
    "not_classified",
    "excellent",
    "good",
    "complete",
    "incomplete",
    "waiting",
    "recognised",
    "branches",
]
COLUMNS = ", ".join(COUNTERS)
ZERO = ", ".join(f"{c} int NOT NULL DEFAULT 0" for c in COUNTERS)


def branches_table(conn, year: int) -> int:
    """The year's branches numbered 1..N in path order, with the quoted lists of their paths'
    prefixes (all of them, and the proper ones) that the scripts substitute as text."""
    conn.execute("DROP TABLE IF EXISTS rowlocks.branch")
    conn.execute(
        "CREATE TABLE rowlocks.branch (n serial PRIMARY KEY, unit_id bigint NOT NULL,"
        " path varchar(255) NOT NULL, prefixes text NOT NULL, ancestors text NOT NULL)"
    )
    conn.execute(
        f"""
        INSERT INTO rowlocks.branch (unit_id, path, prefixes, ancestors)
        SELECT s.unit_id, s.unit_path,
               (SELECT string_agg(quote_literal(substr(s.unit_path, 1, {STEP} * k)), ','
                                  ORDER BY k)
                FROM generate_series(1, length(s.unit_path) / {STEP}) AS k),
               (SELECT string_agg(quote_literal(substr(s.unit_path, 1, {STEP} * k)), ','
                                  ORDER BY k)
                FROM generate_series(1, length(s.unit_path) / {STEP} - 1) AS k)
        FROM public.reports_yearstats s JOIN public.units_unit u ON u.id = s.unit_id
        WHERE s.year = %s AND u.kind = 'branch'
        ORDER BY s.unit_path
        """,
        [year],
    )
    conn.execute("VACUUM ANALYZE rowlocks.branch")
    return conn.execute("SELECT count(*) FROM rowlocks.branch").fetchone()[0]


def fresh(conn, year: int, shards: int = 0) -> None:
    """The year's roll-up rows copied again (same indexes as reports_yearstats), an empty audit
    table (shaped like core_auditevent), an empty ledger and fold log, and, for the shards
    variant, S zero rows per non-branch unit."""
    for table in ("stats", "audit", "ledger", "fold_log", "shard"):
        conn.execute(f"DROP TABLE IF EXISTS rowlocks.{table}")
    conn.execute("CREATE TABLE rowlocks.stats (LIKE public.reports_yearstats INCLUDING ALL)")
    conn.execute(
        "INSERT INTO rowlocks.stats SELECT * FROM public.reports_yearstats WHERE year = %s",
        [year],
    )
    conn.execute("CREATE TABLE rowlocks.audit (LIKE public.core_auditevent INCLUDING ALL)")
    conn.execute(
        f"CREATE TABLE rowlocks.ledger (id bigserial PRIMARY KEY, year smallint NOT NULL,"
        f" unit_path varchar(255) NOT NULL, {ZERO})"
    )
    conn.execute(
        "CREATE INDEX ledger_year_path ON rowlocks.ledger (year, unit_path varchar_pattern_ops)"
    )
    conn.execute(
        "CREATE TABLE rowlocks.fold_log (id serial PRIMARY KEY,"
        " at timestamptz NOT NULL DEFAULT clock_timestamp(), rows int NOT NULL,"
        " ancestors int NOT NULL, ms float NOT NULL)"
    )
    if shards:
        conn.execute(
            f"CREATE TABLE rowlocks.shard (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            f" unit_id bigint NOT NULL, year smallint NOT NULL, shard smallint NOT NULL,"
            f" unit_path varchar(255) NOT NULL, depth smallint NOT NULL, {ZERO},"
            f" UNIQUE (year, shard, unit_path))"
        )
        conn.execute(
            """
            INSERT INTO rowlocks.shard (unit_id, year, shard, unit_path, depth)
            SELECT s.unit_id, s.year, k, s.unit_path, s.depth
            FROM rowlocks.stats s, generate_series(0, %s - 1) AS k
            WHERE s.year = %s AND s.unit_id NOT IN (SELECT unit_id FROM rowlocks.branch)
            ORDER BY s.unit_path, k
            """,
            [shards, year],
        )
    for table in ("stats", "audit", "ledger", "fold_log") + (("shard",) if shards else ()):
        conn.execute(f"VACUUM ANALYZE rowlocks.{table}")
    conn.execute("CHECKPOINT")


def differing_rows(conn, year: int, shards: bool) -> int:
    """Non-branch rows (their shards added) that differ from the sum of the branch rows under
    them, in any counter."""
    sums = ", ".join(f"sum(b.{c}) AS {c}" for c in COUNTERS)
    held = ", ".join(
        f"s.{c} + coalesce(sh.{c}, 0) AS {c}" if shards else f"s.{c}" for c in COUNTERS
    )
    shard_sums = ", ".join(f"sum({c}) AS {c}" for c in COUNTERS)
    shard_join = (
        f"LEFT JOIN (SELECT unit_path, {shard_sums} FROM rowlocks.shard WHERE year = %(year)s"
        f" GROUP BY unit_path) sh ON sh.unit_path = s.unit_path"
        if shards
        else ""
    )
    left = ", ".join(f"h.{c}" for c in COUNTERS)
    right = ", ".join(f"coalesce(t.{c}, 0)" for c in COUNTERS)
    return conn.execute(
        f"""
        WITH totals AS (
            SELECT substr(b.unit_path, 1, {STEP} * k) AS unit_path, {sums}
            FROM rowlocks.stats b JOIN rowlocks.branch br ON br.unit_id = b.unit_id,
                 generate_series(1, length(b.unit_path) / {STEP} - 1) AS k
            WHERE b.year = %(year)s
            GROUP BY 1
        ), held AS (
            SELECT s.unit_path, {held}
            FROM rowlocks.stats s {shard_join}
            WHERE s.year = %(year)s AND s.unit_id NOT IN (SELECT unit_id FROM rowlocks.branch)
        )
        SELECT count(*) FROM held h FULL JOIN totals t ON t.unit_path = h.unit_path
        WHERE ROW({left}) IS DISTINCT FROM ROW({right})
        """,
        {"year": year},
    ).fetchone()[0]


def fold_statements() -> list[str]:
    """fold.sql's SQL statements, without its pgbench sleep."""
    lines = (SCRIPTS / "fold.sql").read_text().splitlines()
    text = "\n".join(line for line in lines if not line.startswith(("\\", "--")))
    return [statement for statement in text.split(";\n") if statement.strip()]


def pgbench(script: str, clients: int, threads: int, seconds: int, defines: dict):
    command = [PGBENCH, "-n", "-c", str(clients), "-j", str(threads), "-T", str(seconds)]
    command += ["--max-tries=1", "--failures-detailed", "-f", str(SCRIPTS / script)]
    for name, value in defines.items():
        command += ["-D", f"{name}={value}"]
    command.append(_common.URL)
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def parsed(process) -> dict:
    out, err = process.communicate()

    def number(pattern, default=0.0):
        found = re.search(pattern, out)
        return float(found.group(1)) if found else default

    result = {
        "transactions": int(number(r"actually processed: (\d+)")),
        "failed": int(number(r"number of failed transactions: (\d+)")),
        "deadlocks": int(number(r"number of deadlock failures: (\d+)")),
        "serialization": int(number(r"number of serialization failures: (\d+)")),
        "latency": number(r"latency average = ([\d.]+) ms"),
        "tps": number(r"tps = ([\d.]+)"),
        "ok": process.returncode == 0,
    }
    if process.returncode != 0:
        print(f"  pgbench exited with {process.returncode}:\n{err.strip()[-2000:]}")
    return result


def run(conn, variant: str, clients: int, args, year: int, branches: int) -> dict:
    shards = int(variant[len("shards") :]) if variant.startswith("shards") else 0
    fresh(conn, year, shards)
    defines = {"year": year, "branches": branches}
    if shards:
        defines["shards"] = shards
    script = "shards.sql" if shards else f"{variant}.sql"
    writers = pgbench(script, clients, args.threads, args.seconds, defines)
    folder = pgbench("fold.sql", 1, 1, args.seconds, {}) if variant == "ledger" else None
    result = parsed(writers)
    result["load"] = os.getloadavg()
    if folder:
        fold_run = parsed(folder)
        result["ok"] = result["ok"] and fold_run["ok"]
        folds, rows, mean_ms, max_ms = conn.execute(
            "SELECT count(*), coalesce(sum(rows), 0), coalesce(avg(ms), 0), coalesce(max(ms), 0)"
            " FROM rowlocks.fold_log"
        ).fetchone()
        backlog = conn.execute("SELECT count(*) FROM rowlocks.ledger").fetchone()[0]
        started = time.perf_counter()
        fold = fold_statements()
        while conn.execute("SELECT EXISTS (SELECT 1 FROM rowlocks.ledger)").fetchone()[0]:
            for statement in fold:
                conn.execute(statement)
        last_ms = (time.perf_counter() - started) * 1000
        result["folder"] = (
            f"folder: {folds} folds ({folds / args.seconds:.2f}/s), {rows:,} delta rows folded "
            f"during the run, fold {mean_ms:.0f} ms on average (max {max_ms:.0f}), "
            f"{backlog:,} rows left at the end, folded in {last_ms:.0f} ms; "
            f"{fold_run['failed']} failed folds"
        )
    if variant != "branch":
        differ = differing_rows(conn, year, bool(shards))
        result["check"] = "OK" if differ == 0 else f"{differ} rows differ"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", default="8,32")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", default="branch,today,ledger,shards")
    parser.add_argument("--shards", default="16,64")
    args = parser.parse_args()
    _common.setup()
    _common.ensure_data()
    import psycopg

    year = _common.YEAR
    version = subprocess.run([PGBENCH, "--version"], capture_output=True, text=True).stdout
    variants = []
    for variant in args.variants.split(","):
        if variant == "shards":
            variants += [f"shards{s}" for s in args.shards.split(",")]
        else:
            variants.append(variant)
    if "branch" not in variants:
        variants.insert(0, "branch")  # the shares are of it
    clients = [int(c) for c in args.clients.split(",")]
    with psycopg.connect(_common.URL, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS rowlocks")
        branches = branches_table(conn, year)
        fresh(conn, year)
        differ = differing_rows(conn, year, False)
        units = conn.execute("SELECT count(*) FROM rowlocks.stats").fetchone()[0]
        print(
            f"roll-up row locks, year {year}: {units:,} roll-up rows, {branches:,} branches; "
            f"{args.seconds} s a run, -j {args.threads}, --max-tries=1; {version.strip()}; the "
            f"copy's ancestor rows equal the sums of their branches: "
            f"{'OK' if differ == 0 else f'{differ} rows differ'}"
        )
        print(
            f"{'variant':<9} {'clients':>7} {'tps':>8} {'latency ms':>10} {'failed':>8} "
            f"{'failed %':>8} {'deadlocks':>9} {'% of branch':>11}  {'load average':<16} check"
        )
        results = {}
        for count in clients:
            for variant in variants:
                result = run(conn, variant, count, args, year, branches)
                results[variant, count] = result
                base = results[("branch", count)]["tps"]
                share = 100 * result["tps"] / base if base else 0.0
                result["share"] = share
                done = result["transactions"] + result["failed"]
                failed_pct = 100 * result["failed"] / done if done else 0.0
                load = " ".join(f"{x:.2f}" for x in result["load"])
                print(
                    f"{variant:<9} {count:>7} {result['tps']:>8.1f} {result['latency']:>10.2f} "
                    f"{result['failed']:>8} {failed_pct:>8.2f} {result['deadlocks']:>9} "
                    f"{share:>10.0f}%  {load:<16} {result.get('check', '')}"
                    + ("" if result["ok"] else "  (pgbench failed)"),
                    flush=True,
                )
                if "folder" in result:
                    print(f"{'':<9} {result['folder']}", flush=True)
        top = max(clients)
        best = [
            (v, results[v, top])
            for v in variants
            if (v == "ledger" or v.startswith("shards")) and (v, top) in results
        ]
        met = [
            v
            for v, r in best
            if r["share"] >= TARGET_SHARE and r["failed"] == 0 and r.get("check") == "OK"
        ]
        print(
            f"target at {top} clients (ledger or shards ≥ {TARGET_SHARE} % of branch, no failed "
            f"transaction, figures exact): " + (f"met by {', '.join(met)}" if met else "MISSED")
        )
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{os.cpu_count()} CPUs, load average {load}")
    broken = [
        f"{v} at {c}"
        for (v, c), r in results.items()
        if not r["ok"] or r.get("check", "OK") != "OK"
    ]
    if broken:
        sys.exit(f"pgbench failed or the figures are wrong: {', '.join(broken)}")


if __name__ == "__main__":
    main()

"""Generator throughput: `manage.py generate_national` on PostgreSQL, rows per second per table
and in all (it always regenerates: the data set already there is deleted).

    .venv/bin/python bench/generator.py
    BENCH_MEMBERS=6000000 .venv/bin/python bench/generator.py    # the national set

Target: the national set (6 million members) in under 10 minutes.
"""

import _common

TARGET_SECONDS = 600


def main() -> None:
    _common.setup()
    print(f"generate_national: {_common.MEMBERS:,} members, year {_common.YEAR}")
    summary = _common.generate()
    print()
    print(f"{'table':<30} {'rows':>12} {'COPY s':>8} {'rows/s':>10}")
    for table, figures in summary["tables"].items():
        rate = figures["rows"] / figures["seconds"] if figures["seconds"] else 0.0
        print(f"{table:<30} {figures['rows']:>12,} {figures['seconds']:>8.1f} {rate:>10,.0f}")
    print()
    for phase, seconds in summary["phases"].items():
        print(f"  {phase:<28} {seconds:>8.1f} s")
    seconds = summary["seconds"]
    print()
    print(
        f"total: {summary['rows']:,} rows in {seconds:.1f} s = "
        f"{summary['rows_per_second']:,.0f} rows/s "
        f"({summary['members'] / seconds:,.0f} members/s)"
    )
    if summary["members"] >= 6_000_000:
        verdict = "met" if seconds <= TARGET_SECONDS else "MISSED"
        print(f"target: national set in ≤ {TARGET_SECONDS} s: {verdict}")
    print(_common.machine())


if __name__ == "__main__":
    main()

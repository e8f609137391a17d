"""The fixed cost of a call through the production server: gunicorn (deploy/gunicorn.conf.py,
3 workers × 4 threads, as `make serve` runs it) serving the product, and a second gunicorn
with the same configuration serving the bare view (bench/bare_settings.py: a plain function
view reading the same member row by one SQL statement, with Django's security and common
middleware only), driven by wrk (`apt-get install wrk`) over HTTP, one after the other:

- bare view: `GET /bench/bare/members/{id}`;
- authenticated lookup: `GET /api/v1/members/{id}` with the bearer token of the member's branch
  secretary;
- authenticated page: `GET /members/{id}/` with her browser session;
- the bare view again (the machine's drift).

Each for --seconds (default 15) on --connections (default 12) connections, 2 wrk threads.
Requests a second, latency p50/p99, and each as a multiple of the bare view's (the bare view's
requests a second over the call's: what a call costs the server's CPUs, relative to the bare
view). The issue's target: the lookup ≤ 2.5 × the bare view.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/doanvien_bench6m \\
        BENCH_MEMBERS=6000000 .venv/bin/python bench/api_server.py
"""

import argparse
import os
import secrets
import shutil
import subprocess
import sys

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

import _common  # noqa: E402
import deadline_rush  # noqa: E402
import registration_rush as rush  # noqa: E402

WORKERS, THREADS = "3", "4"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=12)
    return parser.parse_args()


def start_bare(port: int, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _common.URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "GUNICORN_WORKERS": WORKERS,
        "GUNICORN_THREADS": THREADS,
    }
    command = [
        sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", "--pythonpath", "src,bench",
        "--env", "DJANGO_SETTINGS_MODULE=bare_settings",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=_common.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def main() -> None:
    args = arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (Debian), then run this again.")
    _common.setup()
    _common.ensure_data()
    from api_cost import granted, sought_member

    from doanvien.accounts.services import api_token_issue
    from doanvien.units.models import Unit

    province = Unit.objects.filter(level__code="province").order_by("-member_count")[0]
    sought = sought_member(province)
    secretary = granted(
        "bench-secretary", "Bí thư chi đoàn (benchmark)", sought.branch, "secretary"
    )
    token = api_token_issue(user=secretary)
    cookie = deadline_rush.session_cookie(secretary)
    files = {
        "bare view": ("bare", f"/bench/bare/members/{sought.pk}", "X-Bench: bare"),
        "lookup": ("product", f"/api/v1/members/{sought.pk}", f"Authorization: Bearer {token}"),
        "page": ("product", f"/members/{sought.pk}/", f"Cookie: {cookie}"),
    }
    lines = {
        name: deadline_rush.write_lines(f"cost-{name}", [("GET", path, header, "", "0")])
        for name, (_server, path, header) in files.items()
    }
    ports = {"product": rush.free_port(), "bare": rush.free_port()}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    os.environ.update(GUNICORN_WORKERS=WORKERS, GUNICORN_THREADS=THREADS)
    rush.LOG = _common.ROOT / "var" / "api_server.log"
    rows = []
    with open(rush.LOG, "wb") as log:
        product = rush.start_server(ports["product"], log)
        bare = start_bare(ports["bare"], log)
        try:
            import asyncio

            for server, base in ((product, bases["product"]), (bare, bases["bare"])):
                asyncio.run(rush.wait_until_up(base, server))
            for name, (server, _path, _header) in files.items():
                path, status = deadline_rush.first_answer(bases[server], lines[name])
                if status != 200:
                    sys.exit(f"{name}: GET {path} answered {status}, not 200: see {rush.LOG}.")
            common = {"seconds": args.seconds, "connections": args.connections, "threads": 2}
            for name in ("bare view", "lookup", "page", "bare view"):
                server = files[name][0]
                for _warm in range(1 if rows else 2):  # every thread of every worker warm
                    deadline_rush.wrk(bases[server], lines[name], mode="cycle", **{
                        **common, "seconds": 3})  # fmt: skip
                result = deadline_rush.wrk(bases[server], lines[name], mode="cycle", **common)
                rows.append((name, result))
        finally:
            rush.stop_server(product)
            bare.terminate()
            bare.wait(timeout=60)
    print(
        f"fixed cost of a call through gunicorn ({WORKERS} workers × {THREADS} threads each), "
        f"wrk {args.connections} connections, {args.seconds} s a line; {_common.machine()}"
    )
    bare_rate = rows[0][1]["rate"]
    bare_p50 = rows[0][1]["p50"]
    for name, r in rows:
        print(
            f"  {name:10} {r['rate']:8.1f} req/s ({bare_rate / r['rate']:4.1f} × the bare "
            f"view's cost)  p50 {r['p50'] / 1000:7.2f} ms ({r['p50'] / bare_p50:4.1f} ×)  "
            f"p99 {r['p99'] / 1000:7.2f} ms  errors {r['errors']}  load {r['load']}"
        )


if __name__ == "__main__":
    main()

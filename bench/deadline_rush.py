"""The deadline rush, measured with wrk against the production server.

    .venv/bin/python bench/deadline_rush.py                  # each step --seconds (20) long
    .venv/bin/python bench/deadline_rush.py --soak 300       # and a 5-minute soak, 200 connections
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/doanvien_deadline BENCH_MEMBERS=200000 …

It needs `wrk` (Debian: `apt-get install wrk`), a compiled load generator whose CPU use is small
beside the server's.

1. On the benchmark database (BENCH_DATABASE_URL, by default …/doanvien_deadline; the data set
   of BENCH_MEMBERS members is generated if missing, see _common.py), bench/registration_rush.py
   prepares RUSH_MEMBERS members (default 3,000) of the province with the most branches: the
   next programme year opened, the registration deadline ahead, each member an account, a
   bearer token and a valid registration (10 or more criteria); earlier runs' registrations of
   the year are deleted. Each of their branches gets a secretary with a token, the province a
   cadre with a token, and 200 of the members a browser session.
2. It starts the production server as `make serve` does (scripts/serve-production: gunicorn with
   deploy/gunicorn.conf.py, the job worker, the roll-ups' folder) on a free loopback port.
3. wrk (bench/wrk/deadline.lua) drives, one step after the other, each for --seconds:
   - baseline: a secretary's `GET /api/v1/members/{id}` (an authenticated one-row lookup);
   - own page: a member's own page `/members/{id}/` in his browser session;
   - search: the province cadre's member search by name (`GET /api/v1/units/{id}/members?q=`);
   - report: the province's report (`GET /api/v1/units/{id}/reports/{year}`);
   - save + submit: each member saves his registration (PUT, 10+ criteria), then submits it
     (POST …/submit), once; one connection a wrk thread, so that a submit follows its save;
   - approve: the branch secretaries approve the registrations submitted (POST …/approve).
   For each: requests/s, p50/p95/p99 latency, errors (connection errors and answers other than
   2xx/3xx), the ratio of requests/s and of p99 to the baseline, the load average.
4. Checks: every submit and approval answered 200 is in the database (no lost write), and
   `manage.py recompute_stats` finds no difference. With --soak SECONDS, the save + submit step
   runs again for that long on --soak-connections (200) connections, with the same checks.
   It exits 1 when a check fails. The server's log is var/deadline_rush.log.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/doanvien_deadline")
os.environ.setdefault("RUSH_MEMBERS", "3000")
# The server and this process (which opens the members' browser sessions) must sign with one
# key: a session signed with another is no session, and the page answers a redirect to log in.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

import _common  # noqa: E402
import registration_rush as rush  # noqa: E402

LUA = Path(__file__).resolve().parent / "wrk" / "deadline.lua"
WORK = _common.ROOT / "var" / "deadline_rush"
rush.LOG = _common.ROOT / "var" / "deadline_rush.log"
YEAR = rush.YEAR


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of each step")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (read steps)")
    parser.add_argument("--soak", type=int, default=0, help="soak seconds (0: none)")
    parser.add_argument("--soak-connections", type=int, default=200)
    return parser.parse_args()


# --- accounts --------------------------------------------------------------------------------


def granted(username: str, full_name: str, unit, role: str):
    from doanvien.accounts.models import RoleGrant, User
    from doanvien.accounts.services import role_grant

    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name}
    )
    if not RoleGrant.objects.filter(user=user, unit=unit, role=role).exists():
        role_grant(actor=None, user=user, unit=unit, role=role)
    return user


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def people(plan: list[dict]) -> dict:
    """Tokens of the branches' secretaries and the province's cadre, and browser sessions."""
    from doanvien.accounts.models import User
    from doanvien.accounts.services import api_token_issue
    from doanvien.members.models import Member

    members = Member.objects.in_bulk([e["member"] for e in plan])
    province = rush.province_with_most_branches()
    secretaries: dict[int, str] = {}
    for member in members.values():
        if member.branch_id not in secretaries:
            user = granted(
                f"deadline-secretary-{member.branch_id}",
                "Bí thư chi đoàn (benchmark)",
                member.branch,
                "secretary",
            )
            secretaries[member.branch_id] = api_token_issue(user=user)
    cadre = granted("deadline-province", "Tỉnh đoàn (benchmark)", province, "cadre")
    users = User.objects.filter(member_id__in=[e["member"] for e in plan[:200]])
    return {
        "members": members,
        "province": province,
        "secretary": secretaries,
        "cadre": api_token_issue(user=cadre),
        "sessions": [(u.member_id, session_cookie(u)) for u in users],
    }


# --- wrk ---------------------------------------------------------------------------------------


def write_lines(name: str, lines: list[tuple]) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"{name}.tsv"
    with open(path, "w", encoding="utf-8") as f:
        for method, url, header, body, key in lines:
            f.write(f"{method}\t{url}\t{header}\t{body}\t{key}\n")
    return path


def wrk(
    base: str,
    lines: Path,
    *,
    mode: str,
    seconds: int,
    connections: int,
    threads: int,
    span: int = 1,
) -> dict:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s",
        "-s", str(LUA), base, "--", str(lines), mode, str(span), str(threads),
    ]  # fmt: skip
    load_before = os.getloadavg()[0]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not found:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    result = json.loads(found[-1][len("RESULT ") :])
    result["failed"] = [
        line.split()[1:] for line in done.stdout.splitlines() if line.startswith("FAILED ")
    ]
    result["seconds"] = result["duration_us"] / 1e6
    result["rate"] = result["requests"] / result["seconds"]
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["load"] = f"{load_before:.1f} → {os.getloadavg()[0]:.1f}"
    return result


def steps(plan: list[dict], who: dict) -> dict[str, Path]:
    members, province = who["members"], who["province"]
    first = members[plan[0]["member"]]
    sought = [members[e["member"]] for e in plan[:200]]
    secretary = lambda m: f"Authorization: Bearer {who['secretary'][m.branch_id]}"  # noqa: E731
    cadre = f"Authorization: Bearer {who['cadre']}"
    registration = "/api/v1/members/{}/registrations/" + str(YEAR)
    return {
        "baseline": write_lines(
            "baseline",
            [("GET", f"/api/v1/members/{m.pk}", secretary(m), "", m.pk) for m in sought],
        ),
        "own page": write_lines(
            "own_page",
            [("GET", f"/members/{pk}/", f"Cookie: {c}", "", pk) for pk, c in who["sessions"]],
        ),
        "search": write_lines(
            "search",
            [
                (
                    "GET",
                    f"/api/v1/units/{province.pk}/members?q={m.name_folded.replace(' ', '+')}",
                    cadre,
                    "",
                    m.pk,
                )
                for m in sought
            ],  # fmt: skip
        ),
        "report": write_lines(
            "report",
            [("GET", f"/api/v1/units/{province.pk}/reports/{YEAR}", cadre, "", first.pk)],
        ),
        "save + submit": write_lines(
            "save_submit",
            [
                line
                for e in plan
                for line in (
                    (
                        "PUT",
                        registration.format(e["member"]),
                        f"Authorization: Bearer {e['token']}",
                        json.dumps({"items": e["items"]}),
                        e["member"],
                    ),
                    (
                        "POST",
                        registration.format(e["member"]) + "/submit",
                        f"Authorization: Bearer {e['token']}",
                        "",
                        e["member"],
                    ),
                )
            ],  # fmt: skip
        ),
    }


def approvals(plan: list[dict], who: dict, submitted: set[int]) -> Path:
    members = who["members"]
    return write_lines(
        "approve",
        [
            (
                "POST",
                f"/api/v1/members/{e['member']}/registrations/{YEAR}/approve",
                f"Authorization: Bearer {who['secretary'][members[e['member']].branch_id]}",
                "",
                e["member"],
            )
            for e in plan
            if e["member"] in submitted
        ],
    )


def first_answer(base: str, lines: Path) -> tuple[str, int]:
    """The first line of a step's file and the status it is answered (redirects not followed:
    a page that sends the member to log in measures nothing)."""
    import http.client

    method, path, header, _body, _key = lines.read_text(encoding="utf-8").split("\n")[0].split("\t")
    host, port = base.split("//")[1].split(":")
    name, value = header.split(": ", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        conn.request(method, path, headers={name: value})
        return path, conn.getresponse().status
    finally:
        conn.close()


# --- checks -----------------------------------------------------------------------------------


def states(plan: list[dict]) -> dict[int, str]:
    from doanvien.training.models import Registration

    return dict(
        Registration.objects.filter(
            member_id__in=[e["member"] for e in plan], year=YEAR
        ).values_list("member_id", "state")
    )


def lost(ok: list[int], wanted: set[str], plan: list[dict]) -> int:
    found = states(plan)
    return sum(1 for pk in ok if found.get(pk) not in wanted)


def print_table(rows: list[tuple[str, dict]]) -> None:
    base = dict(rows)["baseline"]
    print(
        f"{'step':<15} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'req/s ÷ base':>12} {'p99 ÷ base':>10}  load average"
    )
    for name, r in rows:
        print(
            f"{name:<15} {r['requests']:>8,} {r['rate']:>7.1f} {r['p50'] / 1000:>8.1f} "
            f"{r['p95'] / 1000:>8.1f} {r['p99'] / 1000:>8.1f} {r['errors']:>6} "
            f"{r['rate'] / base['rate']:>12.2f} {r['p99'] / max(base['p99'], 1):>10.2f}  "
            f"{r['load']}"
        )


def main() -> None:
    args = arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (Debian), then run this again.")
    _common.setup()
    _common.ensure_data()
    print(f"load average {rush.load()} before preparing")
    plan, about = rush.prepare()
    who = people(plan)
    files = steps(plan, who)
    print(
        f"deadline rush, year {YEAR}: {len(plan):,} members of {about['province']} in "
        f"{about['branches']} branches, {len(who['secretary'])} secretaries; prepared in "
        f"{about['seconds']:.0f} s"
    )
    differences, lines, _s = rush.recompute()
    if differences:
        sys.exit(f"recompute_stats finds {differences} differences before the run: {lines[0]}")

    port = rush.free_port()
    base = f"http://127.0.0.1:{port}"
    rows: list[tuple[str, dict]] = []
    failures: list[str] = []
    with open(rush.LOG, "wb") as log:
        server = rush.start_server(port, log)
        try:
            import asyncio

            asyncio.run(rush.wait_until_up(base, server))
            asyncio.run(rush.warm_up(base, plan, min(len(plan), 40)))
            print(
                f"server: scripts/serve-production on {base}; wrk {args.connections} "
                f"connections, {args.seconds} s a step; {os.cpu_count()} CPUs, shared"
            )
            for name in ("baseline", "own page", "search", "report"):
                path, status = first_answer(base, files[name])
                if status != 200:
                    sys.exit(f"{name}: GET {path} answered {status}, not 200: see {rush.LOG}.")
            common = {"seconds": args.seconds, "connections": args.connections}
            for name in ("baseline", "own page", "search", "report"):
                rows.append(
                    (name, wrk(base, files[name], mode="cycle", threads=args.threads, **common))
                )
                print(f"  {name}: {rows[-1][1]['rate']:.1f} requests/s")
            # One connection a thread: a member's submit leaves after his save is answered.
            submit = wrk(
                base, files["save + submit"], mode="once", span=2,
                threads=args.connections, **common,
            )  # fmt: skip
            rows.append(("save + submit", submit))
            submitted = {int(k) for k in submit["ok"]}
            # Here too one connection a thread: a thread whose lines are done stops with its
            # connections, which must not leave an answer unread.
            approve = wrk(
                base, approvals(plan, who, submitted), mode="once",
                threads=args.connections, **common,
            )  # fmt: skip
            rows.append(("approve", approve))
            approved = {int(k) for k in approve["ok"]}
            soak = None
            if args.soak:
                # Members with no registration yet (a submit still under way when a step
                # ended may have been written without its answer being read).
                have = states(plan)
                rest = [e for e in plan if e["member"] not in have]
                soak = wrk(
                    base, write_lines("soak", [
                        line for e in rest for line in (
                            ("PUT", f"/api/v1/members/{e['member']}/registrations/{YEAR}",
                             f"Authorization: Bearer {e['token']}",
                             json.dumps({"items": e["items"]}), e["member"]),
                            ("POST", f"/api/v1/members/{e['member']}/registrations/{YEAR}"
                             "/submit", f"Authorization: Bearer {e['token']}", "", e["member"]),
                        )
                    ]), mode="once", span=2, seconds=args.soak,
                    connections=args.soak_connections, threads=args.soak_connections,
                )  # fmt: skip
                rows.append((f"soak {args.soak} s", soak))
        finally:
            rush.stop_server(server)

    print()
    print_table(rows)
    print()
    for name, r in rows:
        if r["failed"]:
            failures.append(f"{name}: {len(r['failed'])} not answered 200")
        if r["errors"]:
            failures.append(f"{name}: {r['errors']} errors")
    missing = lost(list(approved), {"approved"}, plan)
    missing += lost([pk for pk in submitted if pk not in approved], {"submitted", "approved"}, plan)
    if soak is not None:
        missing += lost([int(k) for k in soak["ok"]], {"submitted"}, plan)
    differences, lines, seconds = rush.recompute()
    exhausted = [n for n, r in rows if r["threads_finished"] and "submit" in n or n == "approve"]
    print(
        f"submits answered 200: {len(submitted):,} (+{len(soak['ok']) if soak else 0} in the "
        f"soak), approvals answered 200: {len(approved):,}; not in the database: {missing}; "
        f"recompute_stats: {differences} differences ({seconds:.0f} s)"
    )
    if exhausted:
        print(
            "  (a step marked 'once' stops a wrk thread when its members are done: its req/s "
            "counts the whole step's time)"
        )
    if missing:
        failures.append(f"{missing} answered writes not in the database")
    if differences:
        failures.append(f"recompute_stats: {differences} differences, e.g. {lines[0]}")
    print("verdict: " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
    print(_common.machine())
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

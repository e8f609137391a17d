"""The fixed cost of a call: an authenticated one-row API call and an authenticated page against a
bare Django view on the same database, with member search and member lists beside them, all in
one run.

Each request goes through a Django WSGI handler in-process, as a server thread would call it
(no HTTP, no test client): the product's handler with its middleware and URLs, and a second one
with Django's security and common middleware only, which serves the bare view of
bench/_bare_urls.py (a plain function view reading the same member row by one SQL statement).
The calls are made in rounds, each round calling every line once, so that a change in the load
of a shared machine falls on all lines alike; BENCH_REPEAT rounds (default 100) after two
warm-up rounds. Milliseconds per call, p50 and p95, and the p50 as a multiple of the bare
view's and of the authenticated lookup's; then the p50 of the CPU time the benchmark's process
spent on the call (the application's own work, without the database's, and little changed by
the load of a shared machine) and its multiple of the bare view's:

- bare view: `GET /bench/bare/members/{id}` (the benchmark's own URL, not the product's);
- authenticated lookup: `GET /api/v1/members/{id}` with the bearer token of the member's branch
  secretary; authenticated page: `GET /members/{id}/` with her browser session;
- search: `GET /api/v1/units/{id}/members?q=…` by a name typed without diacritics, by member
  code, by phone and by card number, as a cadre of the largest province and as a cadre of the
  central unit (the whole nation);
- list: the unfiltered member list's page 1 and page 50 (reached by following `next`).

    BENCH_MEMBERS=1000000 .venv/bin/python bench/api_cost.py

Targets (issue "Fast at national size"): the authenticated lookup ≤ 2.5 × the bare view;
every search ≤ 5 × the authenticated lookup.
"""

import json
import os
import time
from urllib.parse import urlencode

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "100"))
LOOKUP_TARGET = 2.5
SEARCH_TARGET = 5
BARE_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]


class Answer:
    def __init__(self, status: str, content: bytes):
        self.status_code = int(status.split()[0])
        self.content = content

    def json(self):
        return json.loads(self.content)


class Caller:
    """GET requests to a WSGI handler, with fixed headers (a token, a session cookie)."""

    def __init__(self, handler, **headers):
        from django.test import RequestFactory

        self.handler = handler
        self.factory = RequestFactory(headers=headers)
        self.environs: dict[tuple, dict] = {}

    def get(self, path: str, params: dict | None = None) -> Answer:
        from django.test.client import FakePayload

        key = (path, tuple(sorted((params or {}).items())))
        if key not in self.environs:
            self.environs[key] = self.factory.get(path, params or {}).environ
        environ = {**self.environs[key], "wsgi.input": FakePayload(b"")}
        status = []
        body = self.handler(environ, lambda s, _headers, _exc=None: status.append(s))
        try:
            content = b"".join(body)
        finally:
            body.close()
        return Answer(status[0], content)


def ok(caller: Caller, path: str, params: dict | None = None) -> dict | None:
    answer = caller.get(path, params)
    assert answer.status_code == 200, (path, params, answer.status_code, answer.content[:300])
    return answer.json() if path.startswith(("/api/", "/bench/")) else None


def granted(username: str, full_name: str, unit, role: str):
    from doanvien.accounts.models import RoleGrant, User
    from doanvien.accounts.services import role_grant

    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name}
    )
    if not RoleGrant.objects.filter(user=user, unit=unit, role=role).exists():
        role_grant(actor=None, user=user, unit=unit, role=role)
    return user


def bearer(handler, user) -> Caller:
    from doanvien.accounts.services import api_token_issue

    return Caller(handler, Authorization=f"Bearer {api_token_issue(user=user)}")


def browser(handler, user) -> Caller:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Caller(handler, Cookie=f"{settings.SESSION_COOKIE_NAME}={cookie}")


def sought_member(province):
    """One member of the province with every identifier, chosen the same way in every run."""
    from doanvien.members.models import Member

    in_province = Member.objects.filter(unit_path__startswith=province.path)
    return (
        in_province.exclude(phone="")
        .exclude(card_number=None)
        .exclude(card_number="")
        .order_by("pk")[in_province.count() // 2]
    )


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    settings.ROOT_URLCONF = "_bare_urls"
    product = WSGIHandler()
    with override_settings(MIDDLEWARE=BARE_MIDDLEWARE):
        bare = Caller(WSGIHandler())

    root = Unit.objects.get(depth=1)
    province = Unit.objects.filter(level__code="province").order_by("-member_count")[0]
    sought = sought_member(province)
    secretary = granted(
        "bench-secretary", "Bí thư chi đoàn (benchmark)", sought.branch, "secretary"
    )
    lookup = bearer(product, secretary)
    page = browser(product, secretary)
    cadres = {
        "province": (
            province,
            bearer(product, granted("bench-province", "Tỉnh (bench)", province, "cadre")),
        ),
        "nation": (
            root,
            bearer(product, granted("bench-central", "Trung ương (bench)", root, "cadre")),
        ),
    }

    lines: list[tuple[str, Caller, str, dict]] = [
        ("bare view: one row, one SQL statement", bare, f"/bench/bare/members/{sought.pk}", {}),
        (
            "authenticated lookup: GET /api/v1/members/{id}",
            lookup,
            f"/api/v1/members/{sought.pk}",
            {},
        ),
        ("authenticated page: GET /members/{id}/", page, f"/members/{sought.pk}/", {}),
    ]
    for where, (unit, caller) in cadres.items():
        path = f"/api/v1/units/{unit.pk}/members"
        for label, term in (
            ("name without diacritics", sought.name_folded),
            ("member code", sought.member_code),
            ("phone", sought.phone),
            ("card number", sought.card_number),
        ):
            lines.append((f"{where}: search by {label}", caller, path, {"q": term}))
        lines.append((f"{where}: list, page 1", caller, path, {}))
        body = ok(caller, path)
        for _ in range(49):
            params = {"cursor": body["next"]}
            body = ok(caller, path, params)
        lines.append((f"{where}: list, page 50", caller, path, params))

    for _label, caller, path, params in lines:  # each answers, and is warm
        for _ in range(2):
            ok(caller, path, params)
    load_before = os.getloadavg()
    samples: list[list[float]] = [[] for _ in lines]
    cpu: list[list[float]] = [[] for _ in lines]
    for _ in range(REPEAT):
        for (_label, caller, path, params), times, cpu_times in zip(
            lines, samples, cpu, strict=True
        ):
            started, cpu_started = time.perf_counter(), time.process_time()
            caller.get(path, params)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
    load_after = os.getloadavg()

    print(
        f"fixed cost of a call, member search and lists: {Member.objects.count():,} members; "
        f"province {province.name} ({province.member_count:,} members); {REPEAT} rounds "
        f"(milliseconds per call, in-process WSGI)"
    )
    p50s = [_common.percentile(t, 0.5) for t in samples]
    bare_p50, lookup_p50 = p50s[0], p50s[1]
    cpu50s = [_common.percentile(t, 0.5) for t in cpu]
    print(
        f"{'call':<52} {'p50':>7} {'p95':>7} {'× bare':>7} {'× lookup':>8} "
        f"{'cpu p50':>8} {'× bare':>7}"
    )
    for (label, *_call), times, p50, cpu50 in zip(lines, samples, p50s, cpu50s, strict=True):
        p95 = _common.percentile(times, 0.95)
        print(
            f"{label:<52} {p50:>7.2f} {p95:>7.2f} {p50 / bare_p50:>6.1f}× {p50 / lookup_p50:>7.1f}×"
            f" {cpu50:>8.2f} {cpu50 / cpu50s[0]:>6.1f}×"
        )
    worst = max(
        p50 / lookup_p50 for (label, *_), p50 in zip(lines, p50s, strict=True) if "search" in label
    )
    print(
        f"authenticated lookup: {lookup_p50 / bare_p50:.1f} × the bare view (target ≤ "
        f"{LOOKUP_TARGET}×); authenticated page: {p50s[2] / bare_p50:.1f} ×; worst search: "
        f"{worst:.1f} × the lookup (target ≤ {SEARCH_TARGET}×)"
    )
    print(
        "load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    print(f"searched: {urlencode({'q': sought.name_folded})}; " + _common.machine())


if __name__ == "__main__":
    main()

"""Member search and member lists: server time of the searches and list pages a secretary and a
province office use all day, against an authenticated one-row lookup in the same run.

Through Django's test client in-process, with bearer tokens: a cadre of the province with the
most members (its searches and lists, and the baseline) and a cadre of the central unit (the
same at the national root). Each figure is BENCH_REPEAT calls (default 50) after two warm-up
calls, in milliseconds:

- baseline: `GET /api/v1/members/{id}` (one member of the province, the province cadre);
- search: `GET /api/v1/units/{id}/members?q=…` by a full name typed without diacritics, by
  member code, by phone and by card number (the terms of one member of the province);
- a common name (a family and a middle name shared by many): not an exact look-up, shown for
  what a vague search costs;
- list: the unfiltered list's page 1 and page 50 (reached by following `next` when the API
  gives it, by `?page=50` otherwise).

Each line gives p50, p95, the ratio of the p50 to the baseline's p50 and the load average
when it was measured (the machine may be shared).

    BENCH_MEMBERS=1000000 .venv/bin/python bench/member_search.py

Target (issue "Fast at national size"): every search p50 ≤ 5 × the one-row lookup's p50.
"""

import os

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
TARGET_RATIO = 5


def client_for(username: str, full_name: str, unit):
    from django.test import Client

    from doanvien.accounts.models import RoleGrant, User
    from doanvien.accounts.services import api_token_issue, role_grant

    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name}
    )
    if not RoleGrant.objects.filter(user=user, unit=unit, role="cadre").exists():
        role_grant(actor=None, user=user, unit=unit, role="cadre")
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def get(client, path: str, params: dict | None = None) -> dict:
    response = client.get(path, params or {})
    assert response.status_code == 200, (path, params, response.status_code, response.content)
    return response.json()


def page_50(client, path: str) -> tuple[dict, dict]:
    """The query of the list's 50th page: by following `next` when the API pages by keyset."""
    body = get(client, path)
    if "next" not in body:
        return {"page": 50}, get(client, path, {"page": 50})
    params: dict = {}
    for _ in range(49):
        params = {"cursor": body["next"]}
        body = get(client, path, params)
    return params, body


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    root = Unit.objects.get(depth=1)
    province = Unit.objects.filter(level__code="province").order_by("-member_count")[0]
    nation = client_for("bench-central", "Cán bộ Trung ương (benchmark)", root)
    cadre = client_for("bench-province", "Cán bộ Tỉnh đoàn (benchmark)", province)
    in_province = Member.objects.filter(unit_path__startswith=province.path)
    # One member of the province with every identifier, chosen the same way in every run.
    sought = (
        in_province.exclude(phone="")
        .exclude(card_number=None)
        .exclude(card_number="")
        .order_by("pk")[in_province.count() // 2]
    )
    common = " ".join(sought.name_folded.split()[:2])

    print(
        f"member search and lists, {Member.objects.count():,} members; province: {province.name} "
        f"({province.member_count:,} members); {REPEAT} calls each (milliseconds, server side)"
    )
    rows: list[tuple[str, str, dict]] = []
    baseline_path = f"/api/v1/members/{sought.pk}"
    get(cadre, baseline_path)
    for where, unit, client in (("province", province, cadre), ("nation", root, nation)):
        path = f"/api/v1/units/{unit.pk}/members"
        searches = [
            ("name without diacritics", sought.name_folded),
            ("member code", sought.member_code),
            ("phone", sought.phone),
            ("card number", sought.card_number),
            ("common name (not a target)", common),
        ]
        for label, term in searches:
            body = get(client, path, {"q": term})
            found = body.get("count")
            found = f">{body['more_than']}" if found is None else str(found)
            rows.append((f"{where}: search by {label} «{term}» ({found} found)", path, {"q": term}))
        rows.append((f"{where}: list, page 1", path, {}))
        params, _body = page_50(client, path)
        rows.append((f"{where}: list, page 50", path, params))

    header = f"{'call':<80} {'p50':>8} {'p95':>8} {'× baseline':>10} {'load (1 min)':>12}"
    print(header)

    def measure(label, client, path, params):
        samples = _common.timed(lambda: client.get(path, params), REPEAT)
        return (
            label,
            _common.percentile(samples, 0.5),
            _common.percentile(samples, 0.95),
            os.getloadavg()[0],
        )

    base = measure("baseline: GET /api/v1/members/{id} (one row)", cadre, baseline_path, {})
    print(f"{base[0]:<80} {base[1]:>8.2f} {base[2]:>8.2f} {1:>9.1f}× {base[3]:>12.2f}")
    worst = 0.0
    for label, path, params in rows:
        client = cadre if label.startswith("province") else nation
        _label, p50, p95, load = measure(label, client, path, params)
        ratio = p50 / base[1]
        if "search" in label and "not a target" not in label:
            worst = max(worst, ratio)
        print(f"{label[:80]:<80} {p50:>8.2f} {p95:>8.2f} {ratio:>9.1f}× {load:>12.2f}")
    print(
        f"worst search p50: {worst:.1f} × the one-row lookup (target ≤ {TARGET_RATIO}×: "
        f"{'met' if worst <= TARGET_RATIO else 'MISSED'})"
    )
    print(_common.machine())


if __name__ == "__main__":
    main()

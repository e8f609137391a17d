"""The first page after log-in: each persona's to-do list (`actions.todo.todo_for`) and the whole
unit page that shows it (`GET /units/{id}/` through Django's test client, in-process: server
time, template included), on the generated data set.

Personas: a cadre of the central unit, of the province with the most members, of its biggest
district, of the biggest base union, the secretary of the biggest branch, and a member of it.
Each is given its role (an account made for the benchmark, kept between runs). A member's first
page is his record (`GET /members/{id}/`).

    .venv/bin/python bench/todo_home.py
    BENCH_MEMBERS=6000000 .venv/bin/python bench/todo_home.py   # on the national set

Target on the national set (issue 15): a province cadre's home p50 ≤ 50 ms server time.
"""

import os

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
TARGET_MS = 50


def account(username: str, unit, role: str | None, member=None):
    from doanvien.accounts.models import RoleGrant, User
    from doanvien.accounts.services import role_grant

    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": f"{username} (benchmark)"}
    )
    if member is not None and user.member_id != member.pk:
        user.member = member
        user.save(update_fields=["member"])
    if role and not RoleGrant.objects.filter(user=user, unit=unit, role=role).exists():
        role_grant(actor=None, user=user, unit=unit, role=role)
    return user


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from django.test import Client

    from doanvien.actions.todo import todo_for
    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    root = Unit.objects.get(depth=1)
    province = Unit.objects.filter(level__code="province").order_by("-member_count", "pk")[0]
    district = (
        Unit.objects.filter(path__startswith=province.path, depth=province.depth + 1)
        .order_by("-member_count", "pk")
        .first()
    )
    base = Unit.objects.filter(level__code="base").order_by("-member_count", "pk")[0]
    branch = Unit.objects.filter(kind="branch").order_by("-member_count", "pk")[0]
    member = Member.objects.filter(branch=branch, status="active").order_by("pk").first()
    personas = [
        ("central cadre", root, account("bench-todo-central", root, "cadre")),
        ("province cadre", province, account("bench-todo-province", province, "cadre")),
        ("district cadre", district, account("bench-todo-district", district, "cadre")),
        ("base union cadre", base, account("bench-todo-base", base, "cadre")),
        ("branch secretary", branch, account("bench-todo-branch", branch, "secretary")),
    ]
    if member is not None:
        personas.append(("member", member, account("bench-todo-member", branch, None, member)))

    print(_common.machine())
    print(f"{Member.objects.count():,} members; {REPEAT} calls each after two warm-up calls")
    print(
        f"{'persona':<18} {'unit':<40} {'items':>5} {'to-do p50':>9} {'p95':>7} "
        f"{'page p50':>9} {'p95':>7}"
    )
    province_page = None
    for label, place, user in personas:
        items = todo_for(user)
        todo = _common.timed(lambda user=user: todo_for(user), REPEAT)
        client = Client()
        client.force_login(user)
        # A member's first page is his own record; everyone else's, his unit's page.
        url = f"/members/{place.pk}/" if label == "member" else f"/units/{place.pk}/"
        page = _common.timed(lambda client=client, url=url: client.get(url), REPEAT)
        assert client.get(url).status_code == 200, (label, url)
        p50 = _common.percentile(page, 0.5)
        if label == "province cadre":
            province_page = p50
        print(
            f"{label:<18} {str(place)[:40]:<40} {len(items):>5} "
            f"{_common.percentile(todo, 0.5):>7.1f}ms {_common.percentile(todo, 0.95):>5.1f}ms "
            f"{p50:>7.1f}ms {_common.percentile(page, 0.95):>5.1f}ms"
        )
    verdict = "met" if province_page is not None and province_page <= TARGET_MS else "NOT met"
    print(f"Province cadre's home p50 {province_page:.1f} ms: target ≤ {TARGET_MS} ms {verdict}.")


if __name__ == "__main__":
    main()

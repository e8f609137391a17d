"""The yearly report drafted from the data (yearly_reports.selectors.draft: every figure read
from the roll-ups and reports, the prose kept) for the province with the most units under it and
for the centre, on the generated data set.

The generated set has no activities: the benchmark publishes BENCH_ACTIVITIES (default 20)
activities held by that province (in the programme year, kinds and content areas varied, some in
a campaign) and checks in up to BENCH_CHECKINS members (default 2,000, one a branch of the
province) spread over them, through the services, so the activity roll-ups and campaign totals
are those the product keeps (kept for the next run; BENCH_RESET_ACTIVITIES=1 makes them again).
Then, BENCH_REPEAT times (default 20) after two warm-up calls, server side:

- `draft(unit, year)`: the whole draft as the page, the API and the exports read it;
- the API's draft (`GET /api/v1/units/{id}/yearly-report/{year}`, in-process with a cadre's
  token), which adds the JSON.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/act21_bench BENCH_MEMBERS=200000 \\
        .venv/bin/python bench/yearly_report.py
"""

import logging
import os
from datetime import datetime

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
ACTIVITIES = int(os.environ.get("BENCH_ACTIVITIES", "20"))
CHECKINS = int(os.environ.get("BENCH_CHECKINS", "2000"))
KINDS = ("volunteering", "political_study", "culture_sport", "skills", "youth_work")


def fill(province, year: int) -> None:
    """The province's benchmark activities and their check-ins (made again each run)."""
    from django.utils import timezone

    from doanvien.activities import rollup, services
    from doanvien.activities.models import Activity, ActivityKind, Campaign
    from doanvien.members.models import Member, Status

    old = list(Activity.objects.filter(title__startswith="Bench ").values_list("pk", flat=True))
    if old:
        Activity.objects.filter(pk__in=old).delete()
        Campaign.objects.filter(title__startswith="Bench ").delete()
        rollup.fix()
    kinds = [k for k in KINDS if ActivityKind.objects.filter(code=k, active=True).exists()]
    campaign = services.campaign_create(
        actor=None,
        unit=province,
        data={
            "title": "Bench Tháng Thanh niên",
            "starts_on": f"{year}-03-01",
            "ends_on": f"{year}-03-31",
        },
    )
    activities = []
    for i in range(ACTIVITIES):
        day = 1 + i % 28
        kind = kinds[i % len(kinds)]
        activities.append(
            services.activity_publish(
                actor=None,
                unit=province,
                data={
                    "title": f"Bench hoạt động {i + 1}",
                    "kind": kind,
                    "areas": [str(1 + i % 5)],
                    "starts_at": timezone.make_aware(datetime(year, 3, day, 7)),
                    "ends_at": timezone.make_aware(datetime(year, 3, day, 11)),
                    "value": 5_000_000 if kind == "youth_work" else None,
                    "campaign": campaign.pk if i % 2 else None,
                },
            )
        )
    members = list(
        Member.objects.filter(unit_path__startswith=province.path, status=Status.ACTIVE)
        .order_by("branch_id", "pk")
        .distinct("branch_id")
        .values_list("pk", flat=True)[:CHECKINS]
    )
    step = max(1, len(members) // max(1, len(activities)))
    checked = 0
    for n, activity in enumerate(activities):
        chunk = members[n * step : (n + 1) * step]
        if chunk:
            checked += services.activity_checkin(actor=None, activity=activity, member_ids=chunk)
    print(
        f"filled: {len(activities)} activities of {province.name}, {checked:,} members checked in"
    )


def line(label: str, samples: list[float]) -> str:
    p50, p95 = _common.percentile(samples, 0.5), _common.percentile(samples, 0.95)
    return f"  {label:<34} p50 {p50:>8.1f} ms   p95 {p95:>8.1f} ms"


def main() -> None:
    _common.setup()
    logging.getLogger("doanvien.request").setLevel(logging.WARNING)
    _common.ensure_data()
    from django.test import Client

    from doanvien.accounts.models import RoleGrant, User
    from doanvien.accounts.services import api_token_issue, role_grant
    from doanvien.members.models import Member
    from doanvien.units.models import Unit
    from doanvien.yearly_reports.selectors import draft

    year = _common.YEAR
    root = Unit.objects.get(depth=1)
    province = Unit.objects.filter(level__code="province").order_by("-numchild", "pk")[0]
    from doanvien.activities.models import Activity

    if os.environ.get("BENCH_RESET_ACTIVITIES") == "1" or not (
        Activity.objects.filter(title__startswith="Bench hoạt động", unit=province).exists()
    ):
        fill(province, year)
    else:
        print(
            "Using the activities already in the database (BENCH_RESET_ACTIVITIES=1 redoes them)."
        )
    user, _created = User.objects.get_or_create(
        username="bench-central", defaults={"full_name": "Cán bộ Trung ương (benchmark)"}
    )
    # A draft is read by its own unit's people only (the levels above read it once submitted):
    # the reader is a cadre of the centre and of the province.
    for unit in (root, province):
        if not RoleGrant.objects.filter(user=user, unit=unit, role="cadre").exists():
            role_grant(actor=None, user=user, unit=unit, role="cadre")
    api = Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})
    print(
        f"yearly report draft, year {year}, {Member.objects.count():,} members, "
        f"{Unit.objects.count():,} units; {REPEAT} calls, milliseconds, server side"
    )
    print(_common.machine())
    for label, unit in (("province", province), ("centre", root)):
        below = Unit.objects.filter(path__startswith=unit.path).count()
        acts = draft(unit, year).activities.total
        print(
            f"{label}: {unit.name} ({unit.member_count:,} members, {below:,} units; activities "
            f"{acts['activities']}, participations {acts['participations']:,})"
        )
        print(line("draft (selectors.draft)", _common.timed(lambda u=unit: draft(u, year), REPEAT)))
        url = f"/api/v1/units/{unit.pk}/yearly-report/{year}"
        answer = api.get(url)
        assert answer.status_code == 200, answer.content[:300]
        print(
            line(
                "GET …/yearly-report/{year} (API)",
                _common.timed(lambda url=url: api.get(url), REPEAT),
            )
        )
    print(_common.machine())


if __name__ == "__main__":
    main()

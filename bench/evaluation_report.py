"""The yearly report's rows with the evaluation figures, on the generated set with every member
rated: the centre, the province with the most units under it and the district-level union
with the most members.

The generated set has no evaluations: the benchmark adds them (BENCH_RESET_EVALUATIONS=1 does
it again), in the state the services leave them:

- a yearly rating for every active member of the year: the training programme's level (those
  admitted too recently "assessed, not classified"), approved, one in a hundred still proposed;
- a strong-branch evaluation for three branches in four (registered, submitted or recognised),
  a 3-proactive one for every other base union, and a Party introduction for one branch in ten;
- the roll-up rows of every unit counted from them (`evaluations.rollup` contributions) and
  BENCH_TAIL deltas (default 5,000) waiting in the ledger under random branches (the rows above
  them not yet holding them, as before a fold), so every read adds a tail.

Then, for each unit, BENCH_REPEAT times (default 30) after two warm-up calls, server side:

- report rows: `reports.selectors.report(unit, year)` and `evaluations.report.rows(...)` of the
  same units (what the report page, its Excel and PDF read), and the evaluation rows alone;
- `evaluations.rollup.figures_of(unit, year)` (the unit's evaluation page and API, the
  programme's progress page, the introductions' counts);
- the API's report (`GET /api/v1/units/{id}/reports/{year}`, in-process with a cadre's token);
- the pages, through Django's test client with a cadre's session: the members' rating page of
  the unit (its units' figures and the ratings waiting for it), its evaluations page and its
  Party introductions page;
- naive: the members' rating figures counted from the ratings (one GROUP BY over the subtree,
  by unit below and level), BENCH_NAIVE_REPEAT times (default 3); its figures are checked
  against the report rows'.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_eval17 BENCH_MEMBERS=2000000 \\
        .venv/bin/python bench/evaluation_report.py
"""

import logging
import os
import random
import time
from collections import Counter

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
NAIVE_REPEAT = int(os.environ.get("BENCH_NAIVE_REPEAT", "3"))
TAIL = int(os.environ.get("BENCH_TAIL", "5000"))

RATINGS = """
INSERT INTO evaluations_memberrating (member_id, year, branch_id, unit_path, level,
    programme_level, reason, previous_comment, state, proposed_at, decided_at, decision_reason,
    joined_union_on, eligibility_months)
SELECT m.id, %(year)s, m.branch_id, m.unit_path,
    COALESCE(NULLIF(r.level, ''), 'incomplete'), r.level, '', '',
    CASE WHEN m.id %% 100 = 0 THEN 'proposed' ELSE 'approved' END, now(),
    CASE WHEN m.id %% 100 = 0 THEN NULL ELSE now() END, '',
    CASE WHEN r.level = 'not_classified' THEN m.joined_union_on END,
    CASE WHEN r.level = 'not_classified' THEN 6 END
FROM members_member m
JOIN training_registration r ON r.member_id = m.id AND r.year = %(year)s
WHERE m.status = 'active'
"""

NAIVE = """
SELECT SUBSTR(unit_path, 1, %(length)s), level, COUNT(*)
FROM evaluations_memberrating
WHERE year = %(year)s AND state = 'approved' AND unit_path LIKE %(prefix)s
GROUP BY 1, 2
"""


def fill(year: int) -> None:
    """The evaluations, ratings and introductions of the year and their roll-up rows."""
    from django.db import connection, transaction
    from django.db.models import Count

    from doanvien.evaluations import rollup
    from doanvien.evaluations.models import (
        COUNTERS,
        Evaluation,
        EvaluationStats,
        EvaluationStatsDelta,
        MemberRating,
        PartyIntroduction,
        Scheme,
    )
    from doanvien.members.models import Member
    from doanvien.units.models import Unit, paths_to

    rnd = random.Random(_common.SEED)
    started = time.perf_counter()
    with transaction.atomic():
        for model in (EvaluationStatsDelta, EvaluationStats, PartyIntroduction, Evaluation):
            model.objects.filter(year=year).delete()
        MemberRating.objects.filter(year=year).delete()
        with connection.cursor() as cursor:
            cursor.execute(RATINGS, {"year": year})
            rated = cursor.rowcount
        schemes = {s.code: s for s in Scheme.objects.filter(unit=None, year=None)}
        evaluations = []
        units = Unit.objects.filter(is_active=True).values_list("pk", "path", "kind", "level__code")
        for n, (pk, path, kind, level) in enumerate(units.iterator(5000)):
            if kind == Unit.Kind.BRANCH and n % 4:
                code, state = "strong_branch", ("registered", "submitted", "recognised")[n % 3]
            elif level == "base" and kind != Unit.Kind.BRANCH and n % 2:
                code, state = "three_proactive", ("registered", "submitted")[n % 2]
            else:
                continue
            evaluations.append(
                Evaluation(
                    unit_id=pk,
                    unit_path=path,
                    year=year,
                    scheme_code=code,
                    scheme=schemes[code],
                    state=state,
                )
            )
        Evaluation.objects.bulk_create(evaluations, batch_size=5000)
        chosen = (
            Member.objects.filter(status="active")
            .order_by("branch_id", "pk")
            .distinct("branch_id")
            .values_list("pk", "branch_id", "unit_path")
        )
        introductions = [
            PartyIntroduction(
                member_id=pk,
                year=year,
                branch_id=branch,
                unit_path=path,
                branch_resolution_no="01-NQ/CĐ",
                branch_resolution_date=f"{year}-03-01",
                votes_for=9,
                present=10,
                override_reason="Tiêu biểu",
                introduced_on=f"{year}-04-01" if branch % 2 else None,
            )
            for pk, branch, path in chosen.iterator(5000)
            if branch % 10 == 0
        ]
        PartyIntroduction.objects.bulk_create(introductions, batch_size=5000)
        # Each unit's own figures, from the records (the contributions the services add).
        own: dict[str, Counter] = {}
        for path, state, level, n in (
            MemberRating.objects.filter(year=year)
            .values_list("unit_path", "state", "level")
            .annotate(n=Count("pk"))
            .order_by()
            .iterator(5000)
        ):
            figures = rollup.rating_contribution(state, level)
            own.setdefault(path, Counter()).update({k: v * n for k, v in figures.items() if v})
        for e in evaluations:
            figures = rollup.contribution(e.scheme_code, e.state, "")
            own.setdefault(e.unit_path, Counter()).update({k: v for k, v in figures.items() if v})
        for i in introductions:
            figures = rollup.introduction_contribution(i.introduced_on, None)
            own.setdefault(i.unit_path, Counter()).update({k: v for k, v in figures.items() if v})
        totals: dict[str, Counter] = {}
        for path, figures in own.items():
            for owner in paths_to(path):
                totals.setdefault(owner, Counter()).update(figures)
        # The tail: changes of branches the folder has not carried up yet (their own rows hold
        # them, the rows above not yet).
        branches = [p for p, f in own.items() if f["ratings_good"] > 0]
        deltas = []
        for _ in range(min(TAIL, len(branches))):
            path = rnd.choice(branches)
            deltas.append(EvaluationStatsDelta(year=year, unit_path=path, ratings_good=1))
            for owner in paths_to(path)[:-1]:
                totals[owner]["ratings_good"] -= 1
        ids = dict(Unit.objects.values_list("path", "pk"))
        EvaluationStats.objects.bulk_create(
            [
                EvaluationStats(unit_id=ids[path], year=year, **{k: f[k] for k in COUNTERS})
                for path, f in totals.items()
                if path in ids
            ],
            batch_size=5000,
        )
        EvaluationStatsDelta.objects.bulk_create(deltas, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE evaluations_memberrating, evaluations_evaluation, "
            "evaluations_partyintroduction, evaluations_evaluationstats, "
            "evaluations_evaluationstatsdelta"
        )
    print(
        f"filled in {time.perf_counter() - started:.1f} s: {rated:,} ratings, "
        f"{len(evaluations):,} evaluations, {len(introductions):,} introductions, "
        f"{len(totals):,} roll-up rows, {len(deltas):,} deltas waiting"
    )


def naive(unit, year: int) -> dict[int, dict[str, int]]:
    """Unit id → its approved ratings by level, counted from the ratings (the unit and each unit
    directly under it)."""
    from django.db import connection

    from doanvien.units.models import Unit

    children = list(unit.children())
    length = len(unit.path) + Unit.steplen
    with connection.cursor() as cursor:
        cursor.execute(NAIVE, {"length": length, "year": year, "prefix": unit.path + "%"})
        rows = cursor.fetchall()
    by_path: dict[str, Counter] = {}
    for child, level, n in rows:
        by_path.setdefault(child, Counter())[f"ratings_{level}"] += n
    found = {unit.pk: sum(by_path.values(), Counter())}
    for child in children:
        found[child.pk] = by_path.get(child.path, Counter())
    return {pk: dict(c) for pk, c in found.items()}


def from_rows(rows) -> dict[int, dict[str, int]]:
    return {
        r.unit.pk: {k: v for k, v in r.figures.items() if k.startswith("ratings_") and v}
        for r in rows
    }


def line(label: str, samples: list[float]) -> str:
    p50, p95 = _common.percentile(samples, 0.5), _common.percentile(samples, 0.95)
    return f"  {label:<40} p50 {p50:>8.1f} ms   p95 {p95:>8.1f} ms"


def main() -> None:
    _common.setup()
    logging.getLogger("doanvien.request").setLevel(logging.WARNING)
    _common.ensure_data()
    from django.test import Client

    from doanvien.accounts.models import RoleGrant, User
    from doanvien.accounts.services import api_token_issue, role_grant
    from doanvien.evaluations import report as evaluation_report
    from doanvien.evaluations import rollup
    from doanvien.evaluations.models import EvaluationStats
    from doanvien.members.models import Member
    from doanvien.reports.selectors import report
    from doanvien.units.models import Unit

    year = _common.YEAR
    if os.environ.get("BENCH_RESET_EVALUATIONS") == "1" or not (
        EvaluationStats.objects.filter(year=year, unit__depth=1).exists()
    ):
        fill(year)
    else:
        print(
            "Using the evaluations already in the database (BENCH_RESET_EVALUATIONS=1 redoes them)."
        )
    root = Unit.objects.get(depth=1)
    province = Unit.objects.filter(level__code="province").order_by("-numchild", "pk")[0]
    district = Unit.objects.filter(level__code="district").order_by("-member_count", "pk")[0]
    user, _created = User.objects.get_or_create(
        username="bench-central", defaults={"full_name": "Cán bộ Trung ương (benchmark)"}
    )
    if not RoleGrant.objects.filter(user=user, unit=root, role="cadre").exists():
        role_grant(actor=None, user=user, unit=root, role="cadre")
    api = Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})
    pages = Client()
    pages.force_login(user)
    print(
        f"evaluation report, year {year}, {Member.objects.count():,} members, "
        f"{Unit.objects.count():,} units; {REPEAT} calls (naive: {NAIVE_REPEAT}), "
        "milliseconds, server side"
    )
    print(_common.machine())
    all_same = True
    for label, unit in (("centre", root), ("province", province), ("district", district)):
        rows = report(unit, year)
        units = [r.unit for r in rows]
        evaluations = evaluation_report.rows(units, year)
        print(f"{label}: {unit.name} ({unit.member_count:,} members, {len(rows)} rows)")
        print(
            line(
                "report rows with the evaluation figures",
                _common.timed(
                    lambda unit=unit: evaluation_report.rows(
                        [r.unit for r in report(unit, year)], year
                    ),
                    REPEAT,
                ),
            )
        )
        print(
            line(
                "evaluation rows alone",
                _common.timed(lambda units=units: evaluation_report.rows(units, year), REPEAT),
            )
        )
        print(
            line(
                "rollup.figures_of (the unit alone)",
                _common.timed(lambda unit=unit: rollup.figures_of(unit, year), REPEAT),
            )
        )
        for name, path, client in (
            ("API report", f"/api/v1/units/{unit.pk}/reports/{year}", api),
            ("members' rating page", f"/units/{unit.pk}/ratings/{year}/", pages),
            ("evaluations page", f"/units/{unit.pk}/evaluations/{year}/", pages),
            ("Party introductions page", f"/units/{unit.pk}/party-introductions/{year}/", pages),
        ):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            print(line(name, _common.timed(lambda c=client, p=path: c.get(p), REPEAT)))
        naive_ms = _common.timed(lambda unit=unit: naive(unit, year), NAIVE_REPEAT, warm=1)
        same = naive(unit, year) == from_rows(evaluations)
        all_same = all_same and same
        print(
            line("naive: ratings counted from the records", naive_ms)
            + ("" if same else "   (figures differ!)")
        )
    print(f"naive and roll-up rating figures {'identical' if all_same else 'DIFFER'}")
    print(_common.machine())
    if not all_same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

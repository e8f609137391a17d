"""The activity figures read from the roll-ups equal a recount from the activities and
participations, at every unit, in total, per kind and per content area, after random histories:
activities published and cancelled, sign-ups, check-ins (twice), lists recorded in bulk, members
moving between branches, units moving in the tree, folds at random moments."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from doanvien.actions.members import member_move
from doanvien.actions.units import unit_move
from doanvien.activities import rollup, services
from doanvien.activities.models import COUNTERS, Activity, ActivityStatsDelta, Participation
from doanvien.activities.selectors import activity_figures, stats_rows
from doanvien.members.card_tokens import card_token
from doanvien.units.models import Unit
from tests.factories import make_member, make_unit

YEARS = (2025, 2026)
KINDS = ("volunteering", "youth_work", "skills")


def build():
    root = make_unit(level="province")
    districts = [make_unit(root, level="district"), make_unit(root, level="district")]
    bases = [make_unit(districts[0], level="base"), make_unit(districts[1], level="base")]
    branches = [make_unit(bases[0]), make_unit(bases[0]), make_unit(bases[1])]
    members = [make_member(b) for b in branches for _ in range(2)]
    units = [root, *districts, *bases, *branches]
    return root, units, branches, members


def recount(unit: Unit, year: int) -> dict[str, dict[str, int]]:
    """The unit's subtree's figures counted straight from the rows, by key."""
    found: dict[str, dict[str, int]] = {}

    def add(key, **values):
        row = found.setdefault(key, dict.fromkeys(COUNTERS, 0))
        for k, v in values.items():
            row[k] += v

    held = Activity.objects.filter(unit_path__startswith=unit.path, year=year, cancelled_at=None)
    for a in held.select_related("kind"):
        keys = [
            "",
            f"kind:{a.kind.code}",
            *(f"area:{c}" for c in a.areas.values_list("code", flat=True)),
        ]
        for key in keys:
            add(
                key,
                activities=1,
                works=int(a.kind.is_work),
                works_value=(a.value or 0) if a.kind.is_work else 0,
            )
    rows = Participation.objects.filter(
        member__unit_path__startswith=unit.path,
        activity__year=year,
        activity__cancelled_at=None,
        attended_at__isnull=False,
    ).select_related("activity__kind")
    people: dict[str, set] = {}
    for p in rows:
        a = p.activity
        keys = [
            "",
            f"kind:{a.kind.code}",
            *(f"area:{c}" for c in a.areas.values_list("code", flat=True)),
        ]
        for key in keys:
            add(key, participations=1)
            people.setdefault(key, set()).add(p.member_id)
    for key, who in people.items():
        found[key]["participants"] = len(who)
    return found


def nonzero(figures):
    return {k: v for k, v in figures.items() if any(v.values())}


def check_all(units):
    units = [Unit.objects.get(pk=u.pk) for u in units]
    for year in YEARS:
        read = rollup.figures_of(units, year)
        for unit in units:
            assert nonzero(read[unit.pk]) == recount(unit, year), (unit.path, year)


op = st.one_of(
    st.tuples(
        st.just("publish"),
        st.integers(0, 7),  # the holding unit
        st.sampled_from(YEARS),
        st.sampled_from(KINDS),
        st.lists(st.sampled_from("12345"), max_size=2),
        st.booleans(),  # for the subtree, or for one chosen unit (its first branch)
    ),
    st.tuples(st.just("signup"), st.integers(0, 30), st.integers(0, 5)),
    st.tuples(st.just("checkin"), st.integers(0, 30), st.lists(st.integers(0, 5), max_size=3)),
    st.tuples(st.just("scan"), st.integers(0, 30), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("record"), st.integers(0, 30), st.lists(st.integers(0, 5), max_size=4)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(
        st.just("update"),
        st.integers(0, 30),
        st.sampled_from(YEARS),
        st.sampled_from(KINDS),
        st.lists(st.sampled_from("12345"), max_size=2),
    ),
    st.tuples(st.just("move"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("unit_move"), st.integers(1, 7), st.integers(0, 4)),
    st.tuples(st.just("fold")),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(op, min_size=1, max_size=18))
@example(
    steps=[
        ("publish", 3, 2026, "youth_work", ["1", "3"], True),
        ("checkin", 0, [0, 1, 2]),
        ("checkin", 0, [0, 1]),
        ("fold",),
        ("record", 0, [3, 4, 4]),
        ("move", 0, 2),
        ("unit_move", 3, 2),
        ("scan", 0, 4, 1),
        ("scan", 0, 4, 1),
    ]
)
@example(
    steps=[
        ("publish", 0, 2025, "skills", ["2"], True),
        ("publish", 5, 2025, "skills", ["2"], False),
        ("checkin", 0, [0, 2, 4]),
        ("checkin", 1, [0, 1]),
        ("fold",),
        ("update", 1, 2026, "youth_work", ["1"]),
        ("cancel", 0),
        ("unit_move", 1, 2),
    ]
)
def test_the_figures_equal_a_recount_after_random_operations(db, steps):
    root, units, branches, members = build()
    activities: list[Activity] = []

    def pick(i):
        return Activity.objects.get(pk=activities[i % len(activities)].pk) if activities else None

    for step in steps:
        kind = step[0]
        try:
            if kind == "publish":
                _k, u, year, code, areas, whole = step
                unit = Unit.objects.get(pk=units[u].pk)
                chosen = [
                    b for b in branches if Unit.objects.get(pk=b.pk).path.startswith(unit.path)
                ]
                data = {
                    "title": f"Hoạt động {len(activities) + 1}",
                    "kind": code,
                    "areas": areas,
                    "starts_at": timezone.make_aware(datetime(year, 3, 5, 8)),
                    "ends_at": timezone.make_aware(datetime(year + 1, 3, 5, 11)),
                    "value": 1_500_000 if code == "youth_work" else None,
                    "audience": "subtree" if whole or not chosen else "chosen",
                    "units": [] if whole or not chosen else [chosen[0].pk],
                }
                activities.append(services.activity_publish(actor=None, unit=unit, data=data))
            elif kind == "signup" and activities:
                member = members[step[2]]
                member.refresh_from_db()
                services.activity_signup(actor=None, activity=pick(step[1]), member=member)
            elif kind == "checkin" and activities:
                services.activity_checkin(
                    actor=None, activity=pick(step[1]), member_ids=[members[i].pk for i in step[2]]
                )
            elif kind == "scan" and activities:
                _k, a, i, s = step
                services.activity_scan(
                    actor=None,
                    activity=pick(a),
                    card=card_token(members[i]),
                    scan_id=f"{root.pk}-{a}-{i}-{s}",
                )
            elif kind == "record" and activities:  # a list of member codes, all or nothing
                codes = [members[i].member_code for i in step[2]]
                services.participations_record(actor=None, activity=pick(step[1]), codes=codes)
            elif kind == "update" and activities:  # another year, kind or areas
                _k, a, year, code, areas = step
                services.activity_update(
                    actor=None,
                    activity=pick(a),
                    data={
                        "kind": code,
                        "areas": areas,
                        "starts_at": timezone.make_aware(datetime(year, 6, 5, 8)),
                        "ends_at": timezone.make_aware(datetime(year + 1, 6, 5, 11)),
                        "value": 2_000_000 if code == "youth_work" else None,
                    },
                )
            elif kind == "cancel" and activities:
                services.activity_cancel(actor=None, activity=pick(step[1]))
            elif kind == "move":
                member = members[step[1]]
                member.refresh_from_db()
                branch = Unit.objects.get(pk=branches[step[2]].pk)
                if member.branch_id != branch.pk:
                    member_move(
                        actor=None,
                        member=member,
                        branch=branch,
                        on=timezone.localdate(),
                        reason="Chuyển",
                    )
            elif kind == "unit_move":
                unit, parent = (
                    Unit.objects.get(pk=units[step[1]].pk),
                    Unit.objects.get(pk=units[step[2]].pk),
                )
                unit_move(actor=None, unit=unit, new_parent=parent)
            elif kind == "fold":
                rollup.fold_all()
        except ValidationError:
            pass  # a refused step (not offered, a scan of another activity) changes nothing
    check_all(units)
    root.refresh_from_db()
    for year in YEARS:
        rows = stats_rows(root, year)
        assert rows[0].unit.pk == root.pk
        assert rows[0].participations == recount(root, year).get("", {}).get("participations", 0)
        figures = activity_figures(root, year)
        assert figures.total == recount(root, year).get("", dict.fromkeys(COUNTERS, 0))
    rollup.fold_all()
    assert not ActivityStatsDelta.objects.exists()
    check_all(units)
    assert rollup.differences() == []


def test_recompute_stats_finds_and_mends_a_damaged_row(world):
    from io import StringIO

    import pytest
    from django.core.management import call_command

    from doanvien.activities.models import ActivityStats

    activity = services.activity_publish(
        actor=None,
        unit=world.base,
        data={
            "title": "Hội trại",
            "kind": "culture_sport",
            "areas": ["4"],
            "starts_at": timezone.make_aware(datetime(2026, 3, 26, 8)),
            "ends_at": timezone.make_aware(datetime(2026, 3, 26, 17)),
        },
    )
    services.activity_checkin(
        actor=None, activity=activity, member_ids=[world.member.pk, world.member_in_branch2.pk]
    )
    rollup.fold_all()
    ActivityStats.objects.filter(unit=world.district, year=2026, key="").update(participations=7)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("recompute_stats", stdout=out)
    assert world.district.path in out.getvalue()
    call_command("recompute_stats", "--fix", stdout=StringIO())
    assert rollup.differences() == []
    district = rollup.figures_of([world.district], 2026)[world.district.pk][""]
    assert district["participations"] == 2 and district["activities"] == 1

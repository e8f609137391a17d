"""A campaign's totals are kept on the write path (activities/campaign_stats.py) and equal a
recount from the activities and participations after random histories: activities published in
a campaign or not, moved between campaigns, cancelled; sign-ups, check-ins (twice), lists
recorded in bulk, members moving between branches, units moving in the tree. A reader sees the
totals of the units he sees."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from doanvien.actions.members import member_move
from doanvien.actions.units import unit_move
from doanvien.activities import campaign_stats, services
from doanvien.activities.models import Activity, Participation
from doanvien.activities.selectors import campaign_totals
from doanvien.units.models import Unit
from tests.factories import make_member, make_unit, make_user


def build():
    root = make_unit(level="province", sector="")
    districts = [make_unit(root, level="district"), make_unit(root, level="district")]
    bases = [make_unit(districts[0], level="base"), make_unit(districts[1], level="base")]
    branches = [make_unit(bases[0]), make_unit(bases[0]), make_unit(bases[1])]
    members = [make_member(b) for b in branches for _ in range(2)]
    units = [root, *districts, *bases, *branches]
    campaigns = [
        services.campaign_create(
            actor=None,
            unit=unit,
            data={"title": f"Chiến dịch {i}", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        )
        for i, unit in enumerate((root, bases[0]))
    ]
    return root, units, branches, members, campaigns


def expected(campaign, paths: list[str] | None) -> dict[str, int]:
    """The totals counted from the activities and participations: the activities held by the
    units under `paths` (all when None) and the participations of their members."""
    live = Activity.objects.filter(campaign=campaign, cancelled_at=None)
    rows = Participation.objects.filter(activity__in=live.values("pk"))
    if paths is not None:
        held = Q(pk__in=[])
        mine = Q(pk__in=[])
        for p in paths:
            held |= Q(unit_path__startswith=p)
            mine |= Q(member__branch__path__startswith=p)
        live, rows = live.filter(held), rows.filter(mine)
    attended = ~Q(attended_at=None)
    counted = rows.aggregate(
        signed_up=Count("id", filter=~Q(signed_up_at=None)),
        participations=Count("id", filter=attended),
        participants=Count("member_id", filter=attended, distinct=True),
    )
    return {"activities": live.count(), **counted}


op = st.one_of(
    st.tuples(
        st.just("publish"),
        st.integers(0, 7),  # the holding unit
        st.integers(0, 2),  # the root's campaign, the first base's, or none
    ),
    st.tuples(st.just("signup"), st.integers(0, 30), st.integers(0, 5)),
    st.tuples(st.just("checkin"), st.integers(0, 30), st.lists(st.integers(0, 5), max_size=3)),
    st.tuples(st.just("record"), st.integers(0, 30), st.lists(st.integers(0, 5), max_size=4)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("regroup"), st.integers(0, 30), st.integers(0, 2)),
    st.tuples(st.just("move"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("unit_move"), st.integers(1, 7), st.integers(0, 4)),
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(op, min_size=1, max_size=16))
@example(
    steps=[
        ("publish", 3, 1),
        ("publish", 0, 0),
        ("signup", 0, 0),
        ("checkin", 0, [0, 1, 2]),
        ("checkin", 0, [0, 1]),
        ("checkin", 1, [0, 4]),
        ("record", 1, [3, 4, 4]),
        ("move", 0, 2),
        ("regroup", 0, 2),
        ("unit_move", 3, 2),
        ("cancel", 1),
    ]
)
def test_the_campaign_totals_equal_a_recount_after_random_operations(db, steps):
    root, units, branches, members, campaigns = build()
    activities: list[Activity] = []

    def pick(i):
        return Activity.objects.get(pk=activities[i % len(activities)].pk) if activities else None

    def campaign(i):
        return campaigns[i].pk if i < len(campaigns) else None

    for step in steps:
        kind = step[0]
        try:
            if kind == "publish":
                _k, u, c = step
                unit = Unit.objects.get(pk=units[u].pk)
                data = {
                    "title": f"Hoạt động {len(activities) + 1}",
                    "kind": "volunteering",
                    "starts_at": timezone.make_aware(datetime(2026, 3, 5, 8)),
                    "ends_at": timezone.make_aware(datetime(2027, 3, 5, 11)),
                    "campaign": campaign(c),
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
            elif kind == "record" and activities:
                codes = [members[i].member_code for i in step[2]]
                services.participations_record(actor=None, activity=pick(step[1]), codes=codes)
            elif kind == "regroup" and activities:  # into another campaign, or out of it
                services.activity_update(
                    actor=None, activity=pick(step[1]), data={"campaign": campaign(step[2])}
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
        except ValidationError:
            pass  # a refused step (not offered, outside the campaign's subtree) changes nothing
    assert campaign_stats.differences() == []
    everyone = make_user(f"root-{root.pk}", is_superuser=True, is_staff=True)
    base = Unit.objects.get(pk=units[3].pk)
    cadre = make_user(f"base-{root.pk}", role="cadre", unit=base)
    for c in campaigns:
        assert campaign_totals(c, everyone).as_dict() == expected(c, None), c.title
        assert campaign_totals(c, cadre).as_dict() == expected(c, [base.path]), c.title


def test_a_participation_is_counted_in_the_write(db):
    """Read without any fold or recount: the row is written in the check-in's transaction."""
    root, units, branches, members, campaigns = build()
    activity = services.activity_publish(
        actor=None,
        unit=units[3],
        data={
            "title": "Ngày Chủ nhật xanh",
            "kind": "volunteering",
            "starts_at": timezone.make_aware(datetime(2026, 3, 5, 8)),
            "ends_at": timezone.make_aware(datetime(2027, 3, 5, 11)),
            "campaign": campaigns[1].pk,
        },
    )
    services.activity_checkin(actor=None, activity=activity, member_ids=[members[0].pk])
    services.activity_checkin(actor=None, activity=activity, member_ids=[members[0].pk])
    row = campaigns[1].stats.get(unit=branches[0])
    assert (row.participations, row.participants) == (1, 1)
    held = campaigns[1].stats.get(unit=units[3])
    assert held.activities == 1

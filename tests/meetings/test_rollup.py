"""The meeting roll-ups read at any moment (rows plus the deltas waiting) equal a brute-force
recount from the meetings and attendance rows, over random histories: meetings recorded,
edited, cancelled, attendance taken again, branches deactivated, reactivated and merged,
units moved, folds at random moments; the check command finds nothing and mends a damaged
row; the union page reads the roll-ups."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from doanvien.actions.units import unit_merge, unit_move
from doanvien.meetings import rollup, selectors, services
from doanvien.meetings.models import (
    CADENCE_KINDS,
    COUNTERS,
    Attendance,
    CadenceRule,
    Kind,
    Meeting,
    MeetingStats,
    MeetingStatsDelta,
    Presence,
)
from doanvien.units import services as unit_services
from doanvien.units.models import Unit
from tests.factories import make_member, make_unit

TODAY = date.today()
YEAR = TODAY.year - 1  # a year over: every month is checked


def build():
    root = make_unit(level="province", name="Tỉnh đoàn Họp")
    districts = [make_unit(root, level="district"), make_unit(root, level="district")]
    bases = [make_unit(districts[0], level="base"), make_unit(districts[1], level="base")]
    branches = [make_unit(bases[0]), make_unit(bases[0]), make_unit(bases[1]), make_unit(bases[1])]
    empty = make_unit(bases[1])  # no member: it can be deactivated
    members = [make_member(b) for b in branches for _ in range(2)]
    # A district asks two monthly meetings a month of its branches.
    CadenceRule.objects.create(unit=districts[1], per_month=2)
    units = [root, *districts, *bases, *branches, empty]
    return root, units, [*branches, empty], members


def brute(unit: Unit, year: int) -> dict[str, int]:
    """The unit's figures counted straight from the rows, not through the roll-ups."""
    found = dict.fromkeys(COUNTERS, 0)
    active = list(
        Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.BRANCH, is_active=True)
    )
    found["branches"] = len(active)
    for m in Meeting.objects.filter(unit_path__startswith=unit.path, cancelled=False):
        if m.date.year != year:
            continue
        found["meetings"] += 1
        found[f"kind_{m.kind}"] += 1
        found[f"held_{m.date.month:02d}"] += 1
        if m.attendance_taken:
            for a in Attendance.objects.filter(meeting=m):
                found["expected"] += 1
                found["present"] += a.presence == Presence.PRESENT
                found["excused"] += a.presence == Presence.EXCUSED
    for b in active:
        need = selectors.required_per_month(b)
        for month in range(1, 13):
            n = sum(
                1
                for m in Meeting.objects.filter(unit=b, cancelled=False, kind__in=CADENCE_KINDS)
                if m.date.year == year and m.date.month == month
            )
            found[f"covered_{month:02d}"] += n >= need
    return found


def check(units):
    units = [Unit.objects.get(pk=u.pk) for u in units]
    read = rollup.figures_of(units, YEAR)
    for u in units:
        assert read[u.pk] == brute(u, YEAR), u.path
        # The months without a meeting equal those of the branches' own cadence pages.
        active = Unit.objects.filter(path__startswith=u.path, kind=Unit.Kind.BRANCH, is_active=True)
        want = sum(len(selectors.cadence(b, YEAR, TODAY)["missing"]) for b in active)
        assert rollup.summary(read[u.pk], YEAR, TODAY)["months_without"] == want


op = st.one_of(
    st.tuples(
        st.just("hold"),
        st.integers(0, 4),
        st.integers(1, 12),
        st.sampled_from(Kind.values),
    ),
    st.tuples(st.just("union_meeting"), st.integers(0, 4), st.integers(1, 12)),
    st.tuples(
        st.just("edit"), st.integers(0, 30), st.integers(1, 12), st.sampled_from(Kind.values)
    ),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("attendance"), st.integers(0, 30), st.integers(0, 255)),
    st.tuples(st.just("deactivate"), st.integers(0, 4)),
    st.tuples(st.just("reactivate"), st.integers(0, 4)),
    st.tuples(st.just("unit_move"), st.integers(1, 8), st.integers(0, 4)),
    st.tuples(st.just("merge"), st.integers(5, 9), st.integers(5, 9)),
    st.tuples(st.just("fold")),
)


def _meeting(root, i):
    meetings = list(Meeting.objects.filter(unit_path__startswith=root.path).order_by("pk"))
    return meetings[i % len(meetings)] if meetings else None


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(op, min_size=1, max_size=18))
# Folded figures move with the subtree; a merged branch stops counting; a cancelled meeting
# stops covering its month; attendance retaken after a fold.
@example(steps=[("hold", 0, 3, "regular"), ("fold",), ("unit_move", 3, 2)])
@example(steps=[("hold", 2, 5, "regular"), ("fold",), ("merge", 7, 8), ("fold",)])
@example(steps=[("hold", 4, 2, "themed"), ("deactivate", 4), ("fold",), ("reactivate", 4)])
@example(steps=[("hold", 0, 1, "joint"), ("attendance", 0, 5), ("fold",), ("attendance", 0, 2)])
@example(steps=[("hold", 1, 6, "regular"), ("fold",), ("cancel", 0), ("edit", 0, 7, "congress")])
def test_the_roll_ups_equal_a_recount_after_random_operations(db, steps):
    root, units, branches, members = build()
    for step in steps:
        kind = step[0]
        try:
            if kind == "hold":
                _k, b, month, meeting_kind = step
                services.meeting_create(
                    actor=None,
                    unit=Unit.objects.get(pk=branches[b].pk),
                    data={"date": date(YEAR, month, 10), "kind": meeting_kind},
                )
            elif kind == "union_meeting":
                _k, i, month = step
                services.meeting_create(
                    actor=None,
                    unit=Unit.objects.get(pk=units[i].pk),
                    data={"date": date(YEAR, month, 3), "kind": Kind.EXTRAORDINARY},
                )
            elif kind == "edit":
                _k, i, month, meeting_kind = step
                if m := _meeting(root, i):
                    services.meeting_update(
                        actor=None,
                        meeting=m,
                        data={"date": date(YEAR, month, 20), "kind": meeting_kind},
                    )
            elif kind == "cancel":
                if m := _meeting(root, step[1]):
                    services.meeting_cancel(actor=None, meeting=m, reason="Ghi nhầm")
            elif kind == "attendance":
                _k, i, bits = step
                if m := _meeting(root, i):
                    roll = [p for p, _s in selectors.attendance_list(m)]
                    present = [p.pk for n, p in enumerate(roll) if bits >> (2 * n) & 1]
                    excused = [
                        p.pk
                        for n, p in enumerate(roll)
                        if bits >> (2 * n + 1) & 1 and p.pk not in present
                    ]
                    services.attendance_set(actor=None, meeting=m, present=present, excused=excused)
            elif kind == "deactivate":
                unit = Unit.objects.get(pk=branches[step[1]].pk)
                unit_services.unit_deactivate(actor=None, unit=unit)
            elif kind == "reactivate":
                unit = Unit.objects.get(pk=branches[step[1]].pk)
                if not unit.is_active:
                    unit_services.unit_reactivate(actor=None, unit=unit)
            elif kind == "unit_move":
                _k, i, j = step
                unit, parent = Unit.objects.get(pk=units[i].pk), Unit.objects.get(pk=units[j].pk)
                unit_move(actor=None, unit=unit, new_parent=parent)
            elif kind == "merge":
                _k, i, j = step
                source, target = Unit.objects.get(pk=units[i].pk), Unit.objects.get(pk=units[j].pk)
                if source.is_active:
                    unit_merge(actor=None, source=source, target=target)
            else:
                rollup.fold_all()
        except ValidationError:
            pass  # a refused step (a unit with members, a move the rules refuse) changes nothing
        check(units)
    rollup.fold_all()
    assert not MeetingStatsDelta.objects.exists()
    check(units)
    assert [d for d in rollup.differences() if root.path in d] == []


def test_a_cancelled_meeting_counts_nowhere_and_cannot_change(world):
    m = services.meeting_create(actor=None, unit=world.branch, data={"date": date(YEAR, 4, 2)})
    services.attendance_set(actor=None, meeting=m, present=[world.member.pk], excused=[])
    before = rollup.figures_of([world.province], YEAR)[world.province.pk]
    assert before["meetings"] == 1 and before["covered_04"] == 1 and before["expected"] == 2
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=None, meeting=m, reason="  ")
    services.meeting_cancel(actor=None, meeting=m, reason="Ghi nhầm ngày")
    after = rollup.figures_of([world.province], YEAR)[world.province.pk]
    assert after["meetings"] == 0 and after["covered_04"] == 0 and after["expected"] == 0
    assert 4 in selectors.cadence(world.branch, YEAR, TODAY)["missing"]
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=None, meeting=m, reason="Lần nữa")
    with pytest.raises(ValidationError):
        services.meeting_update(actor=None, meeting=m, data={"kind": "themed"})
    with pytest.raises(ValidationError):
        services.attendance_set(actor=None, meeting=m, present=[], excused=[])


def test_the_check_finds_and_mends_a_damaged_row(world, capsys):
    services.meeting_create(actor=None, unit=world.branch, data={"date": date(YEAR, 2, 3)})
    rollup.fold_all()
    MeetingStats.objects.filter(unit=world.base, year=YEAR).update(meetings=7)
    MeetingStats.objects.filter(unit=world.district, year=0).delete()
    with pytest.raises(SystemExit):
        call_command("recompute_meetings")
    assert "meetings" in capsys.readouterr().out
    call_command("recompute_meetings", "--fix")
    assert [d for d in rollup.differences() if world.province.path in d] == []
    read = rollup.figures_of([world.base, world.district], YEAR)
    assert read[world.base.pk]["meetings"] == 1
    assert read[world.district.pk]["branches"] == 3


def test_the_union_page_reads_the_roll_ups_in_a_query_for_the_children(
    world, client, django_assert_max_num_queries
):
    for month in (1, 2):
        services.meeting_create(actor=None, unit=world.branch, data={"date": date(YEAR, month, 5)})
    services.meeting_create(actor=None, unit=world.other_branch, data={"date": date(YEAR, 1, 9)})
    for _ in range(5):  # more units below: the page's query count does not grow
        make_unit(world.district, level="base")
    client.force_login(world.province_cadre)
    url = reverse("meetings:unit-meetings", args=[world.district.pk]) + f"?year={YEAR}"
    client.get(url)
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    rows = {c.pk: f for c, f in page.context["below"]}
    # Base THPT: two branches, 12A1 met in January and February, 12A2 never.
    assert rows[world.base.pk]["branches"] == 2
    assert rows[world.base.pk]["meetings"] == 2
    assert rows[world.base.pk]["months_without"] == 2 * 12 - 2
    assert rows[world.other_base.pk]["months_without"] == 11
    assert page.context["figures"]["meetings"] == 3


def test_a_meeting_date_moved_to_another_year_leaves_the_first(world):
    m = services.meeting_create(actor=None, unit=world.branch, data={"date": date(YEAR, 12, 30)})
    services.meeting_update(actor=None, meeting=m, data={"date": TODAY - timedelta(days=1)})
    new_year = (TODAY - timedelta(days=1)).year
    read_old = rollup.figures_of([world.province], YEAR)[world.province.pk]
    read_new = rollup.figures_of([world.province], new_year)[world.province.pk]
    assert read_old["meetings"] == (1 if new_year == YEAR else 0)
    assert read_new["meetings"] == 1


def test_branches_made_by_a_unit_import_count_as_active_branches(world, tmp_path):
    from tests.units.test_tree_import import run, sheet

    before = rollup.figures_of([world.district], YEAR)[world.district.pk]["branches"]
    rows = [["TN-TA-TH-A9", "Chi đoàn Ấp 9", "branch", "residential", "TN-TA-TH"]]
    result = run(world, sheet(tmp_path, rows))
    assert result.written, result.errors
    read = rollup.figures_of([world.other_base, world.district], YEAR)
    assert read[world.district.pk]["branches"] == before + 1
    assert read[world.other_base.pk]["branches"] == 2
    assert [d for d in rollup.differences() if world.province.path in d] == []

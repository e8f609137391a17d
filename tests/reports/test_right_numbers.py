"""One definition of the year's figures on every screen (training/counting.py, docs/domain.md
"Counting a programme year"): the branch page, the base union's progress page with its
recognition card, the report, its documents and the API show the same numbers; a recognised
year is frozen; an ended year keeps the tree as it stood."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from doanvien.actions.members import member_move, member_remove, member_update
from doanvien.actions.units import unit_merge, unit_move, unit_update
from doanvien.members.models import Status
from doanvien.reports.selectors import report
from doanvien.training.recompute import differences
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_return,
    registration_save,
    registration_submit,
)
from doanvien.training.services.results import (
    branch_results_recognise,
    branch_results_reopen,
    branch_results_submit,
)

from ..api.conftest import ApiClient
from ..factories import evaluation_passed, make_member
from ..training.conftest import complete_items
from .test_rollup import AREAS, YEAR, _register

LEVELS = ("excellent", "good", "complete", "incomplete")


def _row(rows, unit):
    return next(r for r in rows if r.unit.pk == unit.pk)


def screens(client, world, branch) -> dict[str, dict]:
    """The branch's registered count and levels as each screen shows them."""
    found = {}
    client.force_login(world.secretary)
    page = client.get(reverse("training:branch-training", args=[branch.pk, YEAR]))
    progress = page.context["progress"]
    found["branch page"] = {"members": progress.members, "registered": progress.registered}
    client.force_login(world.base_cadre)
    page = client.get(reverse("training:training-progress", args=[world.base.pk, YEAR]))
    row = next(r for r in page.context["rows"] if r.unit.pk == branch.pk)
    found["progress page"] = {"members": row.members, "registered": row.registered}
    # A card per branch waiting for recognition: (label, count) in the order of the levels.
    cards = {r.branch_id: [n for _label, n in r.levels] for r in page.context["waiting"]}
    if branch.pk in cards:
        found["recognition card"] = dict(zip(LEVELS, cards[branch.pk][:4], strict=True))
    page = client.get(reverse("reports:unit-report", args=[world.base.pk, YEAR]))
    row = _row(page.context["children"], branch)
    found["report page"] = {
        "members": row.total,
        "registered": row.registered,
        **{level: row.counts[level] for level in LEVELS},
    }
    api = ApiClient(world.base_cadre).get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}")
    row = next(r for r in api.json()["rows"] if r["unit"]["id"] == branch.pk)
    found["api"] = {
        "members": row["total"],
        "registered": row["registered"],
        **{level: row["levels"][level]["count"] for level in LEVELS},
    }
    return found


def _same(found: dict[str, dict], expected: dict) -> None:
    for screen, figures in found.items():
        for name, value in figures.items():
            assert value == expected[name], f"{screen}: {name} {value} ≠ {expected[name]}"


def test_every_screen_counts_the_same_members_registrations_and_levels(client, world, framework):
    today = timezone.localdate()
    branch = world.branch
    # Admitted today: under 6 months at the evaluation date (31/05), so not classified.
    recent = make_member(branch, joined_union_on=today)
    drafting = make_member(branch)
    returned = make_member(branch)
    gone = make_member(branch)
    registration_save(
        actor=None, member=drafting, year=YEAR, items=complete_items(drafting, year=YEAR)
    )
    registration_return(actor=None, registration=_register(returned), comment="Bổ sung")
    _register(gone)
    member_remove(actor=None, member=gone, on=today, reason="Chuyển công tác")
    approved = registration_approve(actor=None, registration=_register(world.member))
    assessment_record(actor=None, registration=approved, areas=dict.fromkeys(AREAS, 19))
    _register(world.member2)  # waiting for review
    _register(recent)
    # Members: An, Đào, the recent one, the drafting one, the returned one (not the one gone).
    # Registered: submitted or approved only, so An, Đào and the recent one.
    expected = {"members": 5, "registered": 3, "excellent": 1, "good": 0, "complete": 0}
    expected["incomplete"] = 5 - 1 - 1  # classified (all but the recent one) minus excellent
    found = screens(client, world, branch)
    assert set(found) == {"branch page", "progress page", "report page", "api"}
    _same(found, expected)

    # The branch finishes its work and submits: the recognition card shows the same levels.
    for registration in (world.member2, recent):
        done = registration_approve(
            actor=None, registration=registration.registrations.get(year=YEAR)
        )
        assessment_record(actor=None, registration=done, areas=dict.fromkeys(AREAS, 17))
    registration_save(
        actor=None, member=drafting, year=YEAR, items=complete_items(drafting, year=YEAR)
    )
    branch_results_submit(actor=None, branch=branch, year=YEAR)
    found = screens(client, world, branch)
    assert "recognition card" in found
    # The recent member was assessed good, but he is not classified: not in the levels.
    expected.update(registered=3, excellent=1, good=1, incomplete=2)
    _same(found, expected)
    assert differences() == []


def test_a_recognised_year_keeps_its_figures_until_reopened(world, framework):
    # The evaluation date (31/05) is still to come, so today's changes reach the year.
    registration = registration_approve(actor=None, registration=_register(world.member))
    assessment_record(actor=None, registration=registration, areas=dict.fromkeys(AREAS, 19))
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    branch_results_recognise(actor=None, branch=world.branch, year=YEAR)
    before = [(r.unit.pk, r.total, r.registered, r.counts) for r in report(world.base, YEAR)]
    assert _row(report(world.base, YEAR), world.branch).frozen
    assert not report(world.base, YEAR)[0].frozen  # 12A2 is not recognised yet

    # Later: a member joins, one leaves, one moves in from the other branch.
    make_member(world.branch)
    member_remove(actor=None, member=world.member2, on=timezone.localdate(), reason="Xóa tên")
    member_move(
        actor=None,
        member=world.member_in_branch2,
        branch=world.branch,
        on=timezone.localdate(),
        reason="Chuyển",
    )
    after = {r.unit.pk: (r.total, r.registered, r.counts) for r in report(world.base, YEAR)}
    assert after[world.branch.pk] == next(b[1:] for b in before if b[0] == world.branch.pk)
    assert after[world.branch2.pk][0] == 0  # 12A2 is not frozen: its member left
    assert differences() == []

    # A reopen counts the branch again: now An, the new member and Châu.
    branch_results_reopen(actor=None, branch=world.branch, year=YEAR, reason="Xem lại")
    row = _row(report(world.base, YEAR), world.branch)
    assert (row.frozen, row.total, row.registered) == (False, 3, 1)
    assert differences() == []


PAST = YEAR - 1  # the school year that ended on 31/05/2026


def _past_programme(world):
    """A year that has ended, with a registration in each school branch."""
    for member in (world.member, world.member_in_branch2):
        registration = registration_save(
            actor=None, member=member, year=PAST, items=complete_items(member, year=PAST)
        )
        registration_submit(actor=None, registration=registration, today=date(2025, 9, 1))


def _figures(rows):
    return [(r.unit.pk, r.unit.name, r.total, r.registered, r.counts) for r in rows]


def test_an_ended_year_keeps_the_tree_and_names_it_had(world, framework):
    _past_programme(world)
    district_before = _figures(report(world.district, PAST))
    base_before = _figures(report(world.base, PAST))
    assert [r[1] for r in base_before] == [
        "Đoàn trường THPT Tân An",
        "Chi đoàn 12A1",
        "Chi đoàn 12A2",
    ]

    # Today: 12A2 moves to the commune's union, 12A1 is renamed, the school merges into the
    # commune's union.
    unit_move(actor=None, unit=world.branch2, new_parent=world.other_base)
    world.branch.refresh_from_db()
    unit_update(
        actor=None,
        unit=world.branch,
        name="Chi đoàn 12A1 (mới)",
        code=world.branch.code,
        sector=world.branch.sector,
        level=world.branch.level,
    )
    assert _figures(report(world.base, PAST)) == base_before
    assert _figures(report(world.district, PAST)) == district_before
    world.base.refresh_from_db()
    unit_merge(actor=None, source=world.base, target=world.other_base)
    # The absorbed union's past report is still its own, under its old name and children.
    assert _figures(report(world.base, PAST)) == base_before
    assert _figures(report(world.district, PAST)) == district_before
    assert report(world.base, PAST)[0].total == 3

    # The running year follows today's tree: everything is under the commune's union now.
    running = report(world.other_base, YEAR)
    assert running[0].total == 4
    names = [r.unit.name for r in running[1:]]
    assert "Chi đoàn 12A2" in names
    assert differences() == []


def test_before_the_evaluation_date_no_share_is_a_result(client, world, framework):
    registration = registration_approve(actor=None, registration=_register(world.member))
    assessment_record(actor=None, registration=registration, areas=dict.fromkeys(AREAS, 19))
    client.force_login(world.base_cadre)
    url = reverse("reports:unit-report", args=[world.base.pk, YEAR])
    page = client.get(url)
    own = page.context["own"]
    assert own.pending and own.as_of == date(YEAR, 5, 31)
    html = page.content.decode()
    assert "Chưa đến hạn đánh giá (31/05/2027)" in html
    assert own.shown_levels["incomplete"] == {"count": None, "share": None}
    assert page.context["levels_chart"] == ""
    api = ApiClient(world.base_cadre).get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}")
    assert api.json()["rows"][0]["as_of"] == f"{YEAR}-05-31"

    evaluation_passed(world.province, YEAR)
    page = client.get(url)
    own = page.context["own"]
    assert not own.pending and own.as_of == date(YEAR - 1, 12, 1)
    assert own.shown_levels == own.levels
    assert "Chưa đến hạn đánh giá" not in page.content.decode()
    assert "Năm 2027 chưa kết thúc" in page.content.decode()


@pytest.mark.parametrize("status", [Status.REMOVED, Status.MATURED_OUT])
def test_leaving_today_leaves_past_years_alone(world, framework, status):
    _past_programme(world)
    before = _figures(report(world.district, PAST))
    member_update(actor=None, member=world.member, data={"status": status})
    assert _figures(report(world.district, PAST)) == before
    assert report(world.branch, YEAR)[0].total == 1
    assert differences() == []

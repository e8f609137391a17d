import re
import xml.etree.ElementTree as ET
from datetime import date

from django.urls import reverse

from doanvien.training.models import Deadline
from doanvien.training.progress import (
    box_ticking_flags,
    branch_progress,
    children_progress,
    pending_recognitions,
)
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import registration_save
from doanvien.training.services.results import branch_results_submit

from ..factories import make_member
from .conftest import YEAR, complete_items
from .test_workflow import AREAS, approved

SVG = {"svg": "http://www.w3.org/2000/svg"}


def test_the_branch_sees_who_has_not_done_what(world, items):
    approved(world, items)
    draft = complete_items(world.member2)
    registration_save(actor=None, member=world.member2, year=YEAR, items=draft)
    Deadline.objects.create(unit=world.base, year=YEAR, kind="evaluation", due_on=date(2026, 5, 15))
    progress = branch_progress(world.branch, YEAR, today=date(2026, 5, 1))
    assert progress.members == 2 and progress.registered == 1
    assert [m for m, _r in progress.drafts] == [world.member2]
    assert [m for m, _r in progress.not_assessed] == [world.member]
    assert [(d.kind, d.days_left) for d in progress.deadlines] == [("evaluation", 14)]


def test_progress_per_child_unit_with_late_units(world, items):
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS)
    Deadline.objects.create(
        unit=world.district, year=YEAR, kind="registration", due_on=date(2025, 11, 15)
    )
    rows = children_progress(world.district, YEAR, today=date(2025, 12, 1))
    base, other = rows
    assert (base.unit, base.members, base.registered, base.assessed) == (world.base, 3, 1, 1)
    assert base.registration_rate == 33.3 and base.branches == 2
    assert base.late and other.late  # registration deadline passed with members left


def test_recognitions_waiting_are_listed_for_the_base_union(world, items):
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS)
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    assert [r.branch for r in pending_recognitions(world.base, YEAR)] == [world.branch]
    assert not pending_recognitions(world.other_base, YEAR)


def test_box_ticking_is_flagged(world, items):
    extra = [make_member(world.branch) for _ in range(2)]
    for member in [world.member, world.member2, *extra]:
        own = [{**i, "plan": f"{i['plan']} ({member.pk})"} for i in complete_items(member)]
        registration = approved(world, own, member=member)
        assessment_record(actor=None, registration=registration, areas=AREAS)
    flags = box_ticking_flags(world.branch, YEAR)
    assert len(flags) == 2 and "90.0" in flags[0]  # the same total, and no comments
    assert not box_ticking_flags(world.branch2, YEAR)


def test_identical_plans_are_flagged(world):
    for member in [world.member, world.member2, make_member(world.branch)]:
        approved(world, complete_items(member), member=member)
    flags = box_ticking_flags(world.branch, YEAR)
    assert len(flags) == 1 and "3" in flags[0]


def test_the_progress_page_draws_each_child_units_rates(client, world, items):
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS)
    client.force_login(world.base_cadre)
    response = client.get(reverse("training:training-progress", args=[world.base.pk, YEAR]))
    html = response.content.decode()
    chart = ET.fromstring(re.search(r"<svg\b[^>]*chart-progress.*?</svg>", html, re.S).group(0))
    titles = [g.find("svg:title", SVG).text for g in chart.findall("svg:g", SVG)]
    # 12A1: 1 of its 2 members registered and assessed; 12A2 has none yet.
    assert titles == [
        f"{world.branch.name}: Đã đăng ký 50,0\u00a0%; Đã đánh giá 50,0\u00a0%",
        f"{world.branch2.name}: Đã đăng ký 0,0\u00a0%; Đã đánh giá 0,0\u00a0%",
    ]

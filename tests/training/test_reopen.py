"""A reopening is visible where the results are: who reopened them, for which unit, when and why,
on the branch's pages and on the pages of the unions above; and a return or reopening comment
is labelled with the unit that wrote it, whatever its level."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doanvien.training.models import BranchResult
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.results import (
    branch_results_recognise,
    branch_results_reopen,
    branch_results_return,
    branch_results_submit,
)

from ..factories import make_member, make_unit, make_user
from .conftest import YEAR, complete_items
from .test_workflow import AREAS, approved

REASON = "Đoàn viên khiếu nại điểm nội dung 3"


def recognised(world, items, branch=None, member=None):
    branch = branch or world.branch
    registration = approved(world, items, member=member)
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 5, 1))
    branch_results_submit(actor=None, branch=branch, year=YEAR)
    return branch_results_recognise(actor=world.base_cadre, branch=branch, year=YEAR)


def test_a_reopening_keeps_who_when_why_and_for_which_unit(world, items):
    recognised(world, items)
    result = branch_results_reopen(
        actor=world.province_cadre, branch=world.branch, year=YEAR, reason=REASON
    )
    result = BranchResult.objects.get(pk=result.pk)
    assert result.state == "open"
    assert result.reopened_by == world.province_cadre
    assert result.reopened_by_unit == world.province
    assert result.reopen_reason == REASON
    assert abs(timezone.now() - result.reopened_at).total_seconds() < 60
    assert (result.comment, result.comment_action, result.comment_by_unit) == (
        REASON,
        "reopen",
        world.province,
    )


def test_the_nearest_unit_a_person_acts_for_is_named(world, items):
    both = make_user("both", role="cadre", unit=world.province)
    both.roles.create(unit=world.district, role="cadre")
    recognised(world, items)
    result = branch_results_reopen(actor=both, branch=world.branch, year=YEAR, reason=REASON)
    assert result.reopened_by_unit == world.district


def test_a_return_is_labelled_with_the_unit_that_returned(world, items):
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 5, 1))
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    result = branch_results_return(
        actor=world.base_cadre, branch=world.branch, year=YEAR, comment="Xem lại điểm"
    )
    assert (result.comment_action, result.comment_by_unit) == ("return", world.base)
    assert result.reopened_at is None


def test_a_superuser_without_a_role_is_named_himself(world, items):
    recognised(world, items)
    result = branch_results_reopen(
        actor=world.superuser, branch=world.branch, year=YEAR, reason=REASON
    )
    assert result.reopened_by == world.superuser and result.reopened_by_unit is None


# --- The branch's pages -------------------------------------------------------------------------


def branch_page(world, name="branch-training"):
    return reverse(f"training:{name}", args=[world.branch.pk, YEAR])


@pytest.mark.parametrize("name", ["branch-training", "branch-assessment"])
def test_the_branch_reads_which_unit_reopened_and_why(client, world, items, name):
    recognised(world, items)
    branch_results_reopen(actor=world.province_cadre, branch=world.branch, year=YEAR, reason=REASON)
    client.force_login(world.secretary)
    html = client.get(branch_page(world, name)).content.decode()
    assert "Tỉnh đoàn Thử Nghiệm đã mở lại:" in html and REASON in html
    assert "Tỉnh đoàn Thử Nghiệm (province) đã mở lại lúc" in html
    assert "Đoàn cơ sở đã trả lại" not in html


def test_a_return_reads_the_unit_that_returned(client, world, items):
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 5, 1))
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    district_cadre = make_user("district", role="cadre", unit=world.district)
    branch_results_return(actor=district_cadre, branch=world.branch, year=YEAR, comment="Sửa")
    client.force_login(world.secretary)
    html = client.get(branch_page(world)).content.decode()
    assert "Huyện đoàn Tân An đã trả lại:" in html


def test_the_reopening_stays_visible_once_recognised_again(client, world, items):
    recognised(world, items)
    branch_results_reopen(actor=world.province_cadre, branch=world.branch, year=YEAR, reason=REASON)
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    branch_results_recognise(actor=world.base_cadre, branch=world.branch, year=YEAR)
    client.force_login(world.secretary)
    html = client.get(branch_page(world)).content.decode()
    assert 'id="result-note"' in html and REASON in html
    assert "Tỉnh đoàn Thử Nghiệm (province) đã mở lại lúc" in html


# --- The pages of the unions above ----------------------------------------------------------------


def progress(client, unit):
    return client.get(reverse("training:training-progress", args=[unit.pk, YEAR]))


def test_the_base_union_sees_the_reopened_results_being_assessed_again(client, world, items):
    recognised(world, items)
    branch_results_reopen(actor=world.province_cadre, branch=world.branch, year=YEAR, reason=REASON)
    client.force_login(world.base_cadre)
    response = progress(client, world.base)
    [reopened] = response.context["reopened"]
    assert reopened.branch == world.branch and response.context["reopened_count"] == 1
    html = response.content.decode()
    assert 'id="reopened"' in html and REASON in html
    assert "Tỉnh đoàn Thử Nghiệm (province) đã mở lại lúc" in html


def test_waiting_and_recognised_results_say_they_were_reopened(client, world, items):
    recognised(world, items)
    branch_results_reopen(actor=world.province_cadre, branch=world.branch, year=YEAR, reason=REASON)
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    client.force_login(world.base_cadre)
    response = progress(client, world.base)
    assert [r.branch for r in response.context["waiting"]] == [world.branch]
    assert not response.context["reopened"] and REASON in response.content.decode()
    branch_results_recognise(actor=world.base_cadre, branch=world.branch, year=YEAR)
    response = progress(client, world.base)
    assert [r.branch for r in response.context["recognised"]] == [world.branch]
    assert REASON in response.content.decode()


def test_the_progress_page_reads_the_reopenings_without_a_query_each(client, world, items):
    branches = [
        make_unit(world.base, name=f"Chi đoàn 11A{i}", code=f"TN-TA-THPT-11A{i}") for i in range(3)
    ]
    for branch in branches:
        member = make_member(branch)
        recognised(world, complete_items(member), branch=branch, member=member)
    client.force_login(world.base_cadre)
    counts = []
    for i, branch in enumerate(branches):
        branch_results_reopen(actor=world.province_cadre, branch=branch, year=YEAR, reason=REASON)
        if i in (0, 2):
            with CaptureQueriesContext(connection) as queries:
                response = progress(client, world.base)
            assert len(response.context["reopened"]) == i + 1
            counts.append(len(queries))
    assert counts[0] == counts[1]


def test_reopenings_recorded_before_are_read_back_from_the_audit_trail(world, items):
    backfill = importlib.import_module("doanvien.training.migrations.0007_branchresult_reopen")
    recognised(world, items)
    branch_results_reopen(actor=world.province_cadre, branch=world.branch, year=YEAR, reason=REASON)
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    branch_results_return(
        actor=world.base_cadre, branch=world.branch, year=YEAR, comment="Xem lại biên bản"
    )
    result = BranchResult.objects.get(branch=world.branch)
    at = result.reopened_at
    BranchResult.objects.filter(pk=result.pk).update(  # as before the migration
        comment_action="",
        comment_by_unit=None,
        reopened_at=None,
        reopened_by=None,
        reopened_by_unit=None,
        reopen_reason="",
    )
    backfill.from_the_audit_trail(apps, None)
    result.refresh_from_db()
    assert result.comment_action == "return" and result.comment == "Xem lại biên bản"
    assert (result.reopened_by, result.reopen_reason) == (world.province_cadre, REASON)
    assert abs((result.reopened_at - at).total_seconds()) < 1
    assert result.reopened_by_unit is None  # not in the audit trail: left unknown

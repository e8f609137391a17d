"""The to-do list of the signed-in person (actions/todo.py): each kind appears for the person
who is to act, not for others, and goes away once done; the API and the first pages show it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from doanvien.actions.todo import (
    ADMISSIONS,
    CHANGE_REQUESTS,
    COMMITTEES_TO_APPROVE,
    DEADLINE_MISSED,
    DEADLINE_SOON,
    EVALUATIONS_TO_RECOGNISE,
    IMPORTS_TO_CONFIRM,
    LATE_UNITS,
    MY_REGISTRATION,
    MY_SELF_ASSESSMENT,
    NOT_ME_REPORTS,
    RECOGNISE,
    REGISTER,
    REMITTANCES_TO_CONFIRM,
    RETURNED,
    REVIEW,
    TRANSFERS_IN,
    todo_for,
)
from doanvien.dues.services import remittance_decide, remittance_send
from doanvien.jobs.models import Job
from doanvien.members.services.admissions import admission_propose, admission_reject
from doanvien.members.services.transfers import transfer_reject, transfer_request
from doanvien.profiles.models import ChangeRequest
from doanvien.profiles.services import change_request_reject, change_request_submit
from doanvien.training import rollup
from doanvien.training.lateness import earliest_due
from doanvien.training.models import Deadline
from doanvien.training.rules import programme_year_of
from doanvien.training.services.assessment import self_assessment_record
from doanvien.training.services.configuration import deadline_set
from doanvien.training.services.registrations import (
    registration_approve,
    registration_return,
    registration_save,
    registration_submit,
)
from doanvien.training.services.results import (
    branch_results_recognise,
    branch_results_return,
    branch_results_submit,
)
from doanvien.units.models import Unit
from tests.api.conftest import ApiClient
from tests.factories import make_member, make_user
from tests.training.conftest import YEAR, complete_items


def todo(user) -> list[dict]:
    """The items other than deadlines (those depend on the calendar: tested on their own)."""
    calendar = (DEADLINE_SOON, DEADLINE_MISSED, LATE_UNITS, REGISTER)
    return [i for i in todo_for(user) if i["kind"] not in calendar]


def kinds(user) -> list[str]:
    return [item["kind"] for item in todo(user)]


@pytest.fixture
def submitted(world, framework):
    registration = registration_save(
        actor=None, member=world.member, year=YEAR, items=complete_items(world.member)
    )
    return registration_submit(actor=None, registration=registration, today=date(2025, 11, 1))


def test_a_submitted_registration_waits_for_its_branch_committee_only(world, submitted):
    [item] = todo(world.secretary)
    assert item["kind"] == REVIEW
    assert (item["unit"], item["year"], item["count"]) == (world.branch.name, YEAR, 1)
    assert item["url"] == reverse("training:branch-review", args=[world.branch.pk, YEAR])
    for other in (world.outsider, world.base_cadre, world.province_cadre, world.member_user):
        assert REVIEW not in kinds(other)
    registration_approve(actor=None, registration=submitted)
    assert todo(world.secretary) == []


def test_the_member_sees_his_draft_and_his_returned_registration(world, framework):
    assert todo(world.member_user) == []
    registration = registration_save(
        actor=None, member=world.member, year=YEAR, items=complete_items(world.member)
    )
    [item] = todo(world.member_user)
    assert (item["kind"], item["year"]) == (MY_REGISTRATION, YEAR)
    assert item["url"] == reverse("training:my-training")
    assert MY_REGISTRATION not in kinds(world.secretary)
    registration = registration_submit(
        actor=None, registration=registration, today=date(2025, 11, 1)
    )
    assert todo(world.member_user) == []
    registration_return(actor=None, registration=registration, comment="Bổ sung kế hoạch")
    assert kinds(world.member_user) == [MY_REGISTRATION]
    assert kinds(world.secretary) == []


def test_the_member_is_asked_to_register_then_to_score_himself(world, framework):
    day = date(2025, 11, 1)  # in programme year YEAR
    page = reverse("training:member-training", args=[world.member.pk, YEAR])

    def mine():
        return [(i["kind"], i["year"], i["url"]) for i in todo_for(world.member_user, day)]

    assert mine() == [(REGISTER, YEAR, page)]
    registration = registration_save(
        actor=None, member=world.member, year=YEAR, items=complete_items(world.member)
    )
    assert [k for k, _y, _u in mine()] == [MY_REGISTRATION]  # his draft, not "register" again
    registration = registration_submit(actor=None, registration=registration, today=day)
    assert mine() == []
    registration_approve(actor=None, registration=registration)
    assert mine() == [(MY_SELF_ASSESSMENT, YEAR, page + "#self-assessment")]
    self_assessment_record(
        actor=None, registration=registration, areas=dict.fromkeys("12345", "18"), comment=""
    )
    assert mine() == []


def test_submitted_results_wait_for_the_base_union_and_returned_ones_for_the_branch(world):
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    [item] = todo(world.base_cadre)
    assert (item["kind"], item["unit"], item["year"], item["count"]) == (
        RECOGNISE,
        world.base.name,
        YEAR,
        1,
    )
    assert item["url"] == reverse("training:training-progress", args=[world.base.pk, YEAR])
    # Only the unit directly above recognises; the province and other branches see nothing.
    for other in (world.province_cadre, world.outsider, world.secretary):
        assert RECOGNISE not in kinds(other)
    branch_results_return(actor=None, branch=world.branch, year=YEAR, comment="Thiếu biên bản")
    assert todo(world.base_cadre) == []
    [item] = todo(world.secretary)
    assert (item["kind"], item["unit"]) == (RETURNED, world.branch.name)
    assert RETURNED not in kinds(world.outsider)
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    assert todo(world.secretary) == []
    branch_results_recognise(actor=None, branch=world.branch, year=YEAR)
    assert todo(world.base_cadre) == []


def test_an_incoming_transfer_waits_for_the_receiving_side(world):
    transfer = transfer_request(
        actor=None, member=world.outsider_member, to_unit=world.branch, reason="Chuyển nhà"
    )
    [item] = todo(world.secretary)
    assert (item["kind"], item["unit"], item["count"]) == (TRANSFERS_IN, world.branch.name, 1)
    assert item["url"] == reverse("members:unit-transfers", args=[world.branch.pk])
    # A cadre above sees it once, on his own unit; the sending branch does not decide it.
    [above] = todo(world.province_cadre)
    assert (above["kind"], above["unit"]) == (TRANSFERS_IN, world.province.name)
    assert todo(world.outsider) == []
    transfer_reject(actor=None, transfer=transfer, reason="Không đúng địa bàn")
    assert todo(world.secretary) == []
    assert todo(world.province_cadre) == []


def test_a_change_request_waits_for_the_members_branch(world):
    change_request = change_request_submit(
        actor=world.member_user, member=world.member, changes={"phone": "0987654321"}
    )
    [item] = todo(world.secretary)
    assert (item["kind"], item["unit"], item["count"]) == (CHANGE_REQUESTS, world.branch.name, 1)
    assert item["url"] == reverse("profiles:unit-change-requests", args=[world.branch.pk])
    for other in (world.outsider, world.member_user):
        assert CHANGE_REQUESTS not in kinds(other)
    change_request_reject(actor=world.secretary, change_request=change_request, reason="Sai số")
    assert ChangeRequest.objects.get().state == ChangeRequest.State.REJECTED
    assert todo(world.secretary) == []


def test_a_proposed_admission_waits_for_the_level_above_the_branch(world):
    admission = admission_propose(
        actor=world.secretary,
        branch=world.branch,
        data={
            "full_name": "Võ Thị Hồng Nhung",
            "date_of_birth": date(date.today().year - 18, 2, 14),
            "sex": "female",
            "id_number": "079308001234",
            "ethnicity": "Kinh",
            "phone": "0912000111",
            "category": "main",
        },
        introducer_name="Nguyễn Văn An",
        introducer_is_member=True,
        course_name="Lớp cảm tình Đoàn khóa 3",
        course_date=date.today() - timedelta(days=30),
    )
    [item] = todo(world.base_cadre)
    assert (item["kind"], item["unit"], item["count"]) == (ADMISSIONS, world.base.name, 1)
    assert item["url"] == reverse("members:unit-admissions", args=[world.base.pk])
    for other in (world.secretary, world.province_cadre, world.outsider):
        assert ADMISSIONS not in kinds(other)
    admission_reject(actor=world.base_cadre, admission=admission, reason="Chưa đủ điều kiện")
    assert todo(world.base_cadre) == []


def test_deadlines_soon_and_missed_for_the_branch_in_its_open_year(world):
    today = date.today()
    year = programme_year_of(today, world.branch.sector)
    soon = today + timedelta(days=5)
    deadline_set(
        actor=None,
        unit=world.base,
        year=year,
        kind=Deadline.Kind.REGISTRATION,
        due_on=soon.strftime("%d/%m/%Y"),
    )
    deadline_set(
        actor=None,
        unit=world.base,
        year=year,
        kind=Deadline.Kind.EVALUATION,
        due_on=(today - timedelta(days=3)).strftime("%d/%m/%Y"),
    )
    mine = [(i["kind"], i["unit"], i["year"], i["due_on"]) for i in todo_for(world.secretary)]
    assert (DEADLINE_SOON, world.branch.name, year, soon) in mine
    assert (DEADLINE_MISSED, world.branch.name, year, today - timedelta(days=3)) in mine
    theirs = [(i["unit"], i["due_on"]) for i in todo_for(world.outsider)]
    assert (world.branch.name, soon) not in theirs
    assert all(i["unit"] != world.branch.name for i in todo_for(world.outsider))
    # The day after the registration deadline it is missed: the branch's two members have not
    # registered.
    later = todo_for(world.secretary, today=soon + timedelta(days=1))
    missed = [i for i in later if i["due_on"] == soon]
    assert [(i["kind"], i["count"]) for i in missed] == [(DEADLINE_MISSED, 2)]
    # The missed evaluation deadline goes once the branch has submitted its results.
    branch_results_submit(actor=None, branch=world.branch, year=year)
    assert DEADLINE_MISSED not in [i["kind"] for i in todo_for(world.secretary)]


def test_missed_registrations_count_the_members_not_registered_by_each_deadline(world, submitted):
    for kind, due in (
        (Deadline.Kind.REGISTRATION, "01/12/2025"),
        (Deadline.Kind.NEW_MEMBER_REGISTRATION, "08/12/2025"),
    ):
        deadline_set(actor=None, unit=world.base, year=YEAR, kind=kind, due_on=due)
    make_member(world.branch, full_name="Võ Thị Hạnh", joined_union_on=date(2025, 12, 3))
    missed = {
        i["due_on"]: i["count"]
        for i in todo_for(world.secretary, today=date(2025, 12, 10))
        if i["kind"] == DEADLINE_MISSED
    }
    # By 01/12: the member who submitted is registered, the second is not; the member admitted
    # on 03/12 is counted against the new members' deadline only.
    assert missed == {date(2025, 12, 1): 1, date(2025, 12, 8): 1}
    assert all(i["kind"] != DEADLINE_MISSED for i in todo_for(world.outsider, date(2025, 12, 10)))


def test_a_missed_recognition_deadline_waits_on_the_recognising_unit(world):
    deadline_set(
        actor=None,
        unit=world.district,
        year=YEAR,
        kind=Deadline.Kind.RECOGNITION,
        due_on="05/12/2025",
    )
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    day = date(2025, 12, 10)
    missed = [i for i in todo_for(world.base_cadre, day) if i["kind"] == DEADLINE_MISSED]
    assert [(i["unit"], i["count"], i["due_on"]) for i in missed] == [
        (world.base.name, 1, date(2025, 12, 5))
    ]
    assert DEADLINE_MISSED not in [i["kind"] for i in todo_for(world.base_cadre, date(2025, 12, 4))]


def test_above_the_branches_the_unfinished_branches_show_once_a_deadline_has_passed(world):
    deadline_set(
        actor=None,
        unit=world.district,
        year=YEAR,
        kind=Deadline.Kind.EVALUATION,
        due_on="05/12/2025",
    )
    rollup.ensure_year(YEAR)
    due = earliest_due(world.province, YEAR)
    assert due <= date(2025, 12, 5)

    def late(user, day):
        return [i for i in todo_for(user, day) if i["kind"] == LATE_UNITS and i["year"] == YEAR]

    assert late(world.province_cadre, due) == []  # nothing can be late on the day itself
    after = due + timedelta(days=1)
    branches = Unit.objects.filter(
        path__startswith=world.province.path, kind=Unit.Kind.BRANCH, is_active=True
    ).count()
    [item] = late(world.province_cadre, after)
    assert (item["unit"], item["count"], item["due_on"]) == (world.province.name, branches, due)
    assert item["url"] == reverse("training:training-late", args=[world.province.pk, YEAR])
    # A branch whose results are recognised is finished: one fewer.
    branch_results_submit(actor=None, branch=world.branch2, year=YEAR)
    branch_results_recognise(actor=None, branch=world.branch2, year=YEAR, today=after)
    assert [i["count"] for i in late(world.province_cadre, after)] == [branches - 1]
    # Only for cadres above the branches.
    for other in (world.secretary, world.outsider, world.member_user):
        assert late(other, after) == []


def test_nothing_for_a_user_without_roles_or_signed_out(world, submitted):
    from django.contrib.auth.models import AnonymousUser

    assert todo(make_user("nobody")) == []
    assert todo(AnonymousUser()) == []


def test_the_api_answers_the_signed_in_users_list(world, submitted):
    response = ApiClient(world.secretary).get("/api/v1/me/todo")
    assert response.status_code == 200
    [item] = [i for i in response.json()["items"] if i["kind"] == REVIEW]
    assert set(item) >= {"kind", "title", "url", "unit", "year", "due_on", "count"}
    assert item["title"] == "Đăng ký đang chờ duyệt"
    outsiders = ApiClient(world.outsider).get("/api/v1/me/todo").json()["items"]
    assert REVIEW not in [i["kind"] for i in outsiders]
    assert ApiClient().get("/api/v1/me/todo").status_code == 401


def test_the_unit_page_starts_with_the_list(client, world, submitted):
    client.force_login(world.secretary)
    page = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    todo = page[page.index('id="todo"') :]
    assert "Đăng ký đang chờ duyệt" in todo
    assert reverse("training:branch-review", args=[world.branch.pk, YEAR]) in todo
    assert page.index('id="todo"') < page.index("<h1>")
    client.force_login(world.province_cadre)
    page = client.get(reverse("units:unit-detail", args=[world.province.pk])).content.decode()
    assert "Không có việc nào đang chờ" in page
    assert "Đăng ký đang chờ duyệt" not in page


def test_the_members_own_page_shows_his_list_and_no_one_elses(client, world, framework):
    registration_save(
        actor=None, member=world.member, year=YEAR, items=complete_items(world.member)
    )
    client.force_login(world.member_user)
    page = client.get(reverse("members:member-detail", args=[world.member.pk])).content.decode()
    assert "Bản đăng ký của bạn chưa được gửi" in page
    # His secretary opening the member's record sees no to-do of the member's.
    client.force_login(world.secretary)
    page = client.get(reverse("members:member-detail", args=[world.member.pk])).content.decode()
    assert 'id="todo"' not in page


def test_dues_sent_up_wait_for_the_receiving_units_cadre(world):
    """A district's quarter sent to the province waits for the province's cadre (who confirms
    remittances), nobody else, and goes once confirmed."""
    sent = remittance_send(actor=None, unit=world.district, period=f"{YEAR}-Q1", amount=30000)
    [item] = todo(world.province_cadre)
    assert (item["kind"], item["unit"], item["year"], item["count"]) == (
        REMITTANCES_TO_CONFIRM,
        world.province.name,
        YEAR,
        1,
    )
    assert item["url"] == reverse("dues:unit-ledger", args=[world.province.pk, YEAR])
    assert REMITTANCES_TO_CONFIRM not in kinds(world.base_cadre)
    assert REMITTANCES_TO_CONFIRM not in kinds(world.secretary)
    remittance_decide(actor=world.province_cadre, remittance=sent, action="confirm")
    assert todo(world.province_cadre) == []


def test_an_import_checked_waits_for_the_person_who_started_it(world):
    job = Job.objects.create(
        kind=Job.Kind.MEMBERS_IMPORT,
        unit=world.branch,
        created_by=world.secretary,
        state=Job.State.AWAITING_CONFIRMATION,
    )
    [item] = todo(world.secretary)
    assert item["kind"] == IMPORTS_TO_CONFIRM and item["unit"] == world.branch.name
    assert item["url"] == reverse("jobs:job-detail", args=[job.pk])
    assert todo(world.base_cadre) == []
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED)
    assert todo(world.secretary) == []


def test_a_submitted_evaluation_waits_for_the_unit_that_recognises_it(world):
    from doanvien.evaluations import services as evaluations
    from tests.evaluations.conftest import YEAR as EVALUATION_YEAR
    from tests.evaluations.conftest import full_points, submitted

    evaluation = submitted(world.branch)
    [item] = todo(world.base_cadre)
    assert (item["kind"], item["unit"], item["year"], item["count"]) == (
        EVALUATIONS_TO_RECOGNISE,
        world.base.name,
        EVALUATION_YEAR,
        1,
    )
    assert item["url"] == reverse(
        "evaluations:evaluation-queue", args=[world.base.pk, EVALUATION_YEAR]
    )
    # The province does not recognise a branch's evaluation; the branch does not either.
    assert EVALUATIONS_TO_RECOGNISE not in kinds(world.province_cadre)
    assert EVALUATIONS_TO_RECOGNISE not in kinds(world.secretary)
    evaluations.assessment_record(actor=None, evaluation=evaluation, items=full_points(evaluation))
    evaluations.evaluation_recognise(actor=None, evaluation=evaluation)
    assert todo(world.base_cadre) == []


def test_a_committee_elected_below_waits_for_the_unit_above(world):
    from doanvien.committees import services as committees
    from doanvien.members.models import Member

    committee = committees.committee_create(
        actor=None,
        unit=world.base,
        members=Member.objects.all(),
        term_start=date(2025, 9, 1),
        posts=[{"full_name": "Võ Thị Hạnh", "post": "secretary"}],
    )
    district = make_user("district", role="cadre", unit=world.district)
    [item] = todo(district)
    assert (item["kind"], item["unit"], item["count"]) == (
        COMMITTEES_TO_APPROVE,
        world.district.name,
        1,
    )
    assert item["url"] == reverse("committees:unit-committees", args=[world.district.pk]) + "#queue"
    # Its own unit's cadre does not approve it; the province's queue is its districts'.
    assert COMMITTEES_TO_APPROVE not in kinds(world.base_cadre)
    assert COMMITTEES_TO_APPROVE not in kinds(world.province_cadre)
    committees.committee_approve(actor=district, committee=committee)
    assert todo(district) == []


def test_a_this_was_not_me_report_waits_for_the_base_unions_cadre(world):
    from django.utils import timezone

    from doanvien.member_accounts.models import NotMeReport

    report = NotMeReport.objects.create(
        unit=world.base, unit_path=world.base.path, member=world.member, user=world.member_user
    )
    [item] = todo(world.base_cadre)
    assert (item["kind"], item["unit"], item["count"]) == (NOT_ME_REPORTS, world.base.name, 1)
    assert item["url"] == reverse("member_accounts:not-me-list", args=[world.base.pk])
    assert NOT_ME_REPORTS not in kinds(world.secretary)
    NotMeReport.objects.filter(pk=report.pk).update(closed_at=timezone.now())
    assert todo(world.base_cadre) == []

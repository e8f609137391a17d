"""An ID number already held elsewhere: named only to those who see where; otherwise refused in
the same words whoever holds it, recorded, reported to the lowest unit that sees both records,
and limited per user, through every door (form, API create and change, admission, import).
Every person and number is invented."""

import io
from datetime import date, timedelta

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from doanvien.accounts.services import api_token_issue
from doanvien.core import audit
from doanvien.core.models import AuditEvent
from doanvien.jobs import runner
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start
from doanvien.members.models import AdmissionRequest, DuplicateIdReport, Member
from doanvien.members.services.admissions import admission_propose

from ..factories import make_member, make_user

GENERIC = "Số CCCD/CMND này đã có trong hệ thống; liên hệ Đoàn cấp trên."
TODAY = timezone.localdate()
NEW_NUMBER = "079206007001"


def api(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


def form(**overrides):
    data = {
        "full_name": "Hồ Thị Mai",
        "date_of_birth": "05/09/2005",
        "sex": "female",
        "id_number": NEW_NUMBER,
        "joined_union_on": "26/03/2022",
        "position": "member",
        "category": "main",
    }
    data.update(overrides)
    return data


def youth(**overrides):
    data = {
        "full_name": "Đặng Quốc Bảo",
        "date_of_birth": date(TODAY.year - 19, 9, 2).isoformat(),
        "sex": "male",
        "id_number": NEW_NUMBER,
        "introducer_name": "Trần Thị Đào",
        "introducer_is_member": True,
        "course_name": "Lớp cảm tình Đoàn",
        "course_date": (TODAY - timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data


def refusals():
    return list(AuditEvent.objects.filter(action="member.duplicate_id_refused").order_by("pk"))


# --- Named to those who see where, and to nobody else ------------------------------------------


def test_the_form_names_nothing_out_of_the_users_sight_and_the_refusal_is_reported(client, world):
    """The secretary of 12A1 types the number of a member of 12A2, which she does not see."""
    client.force_login(world.secretary)
    held = world.member_in_branch2

    response = client.post(
        reverse("members:member-create", args=[world.branch.pk]),
        form(id_number=held.id_number),
    )

    page = response.content.decode()
    assert response.status_code == 200 and GENERIC in page
    assert world.branch2.name not in page and held.full_name not in page
    assert not Member.objects.filter(full_name="Hồ Thị Mai").exists()
    report = DuplicateIdReport.objects.get()
    assert (report.unit, report.unit_path) == (world.base, world.base.path)  # sees both
    assert (report.holder, report.entered_unit, report.entered_member) == (
        held,
        world.branch,
        None,
    )
    assert (report.id_number, report.entered_name, report.source) == (
        held.id_number,
        "Hồ Thị Mai",
        "record",
    )
    assert (report.first_by, report.last_by, report.hits, report.is_open) == (
        world.secretary,
        world.secretary,
        1,
        True,
    )
    [event] = refusals()
    assert (event.actor, event.unit_path, event.target_id) == (
        world.secretary,
        world.base.path,
        report.pk,
    )
    assert held.id_number not in event.summary  # masked
    # The holder's branch does not learn who looked for its member.
    assert not audit.history(held).filter(action__contains="duplicate").exists()


def test_those_who_see_the_holder_are_told_where_and_nothing_is_reported(client, world):
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("members:member-create", args=[world.branch.pk]),
        form(id_number=world.member_in_branch2.id_number),
    )
    page = response.content.decode()
    assert response.status_code == 200 and world.branch2.name in page and GENERIC not in page
    assert not DuplicateIdReport.objects.exists() and not refusals()


def test_the_same_number_entered_again_counts_on_the_same_report(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-create", args=[world.branch.pk])
    for _ in range(2):
        client.post(url, form(id_number=world.member_in_branch2.id_number))
    report = DuplicateIdReport.objects.get()
    assert report.hits == 2 and len(refusals()) == 2


def test_an_api_change_names_nothing_and_is_reported_to_the_unit_above_both(client, world):
    """PATCH of a member of 12A1 with the number of a member of Ấp 1 (another base union): the
    district sees both."""
    response = client.patch(
        f"/api/v1/members/{world.member.pk}",
        {"id_number": world.outsider_member.id_number},
        content_type="application/json",
        **api(world.secretary),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "id_number", "message": GENERIC}]
    assert Member.objects.get(pk=world.member.pk).id_number != world.outsider_member.id_number
    report = DuplicateIdReport.objects.get()
    assert (report.unit, report.holder, report.entered_member, report.entered_unit) == (
        world.district,
        world.outsider_member,
        world.member,
        world.branch,
    )
    assert report.entered_name == world.member.full_name


def test_an_admission_proposal_names_neither_member_nor_proposal_out_of_sight(client, world):
    elsewhere = admission_propose(
        actor=world.outsider,
        branch=world.other_branch,
        data={k: youth()[k] for k in ("full_name", "date_of_birth", "sex", "id_number")},
        introducer_name="Trần Thị Đào",
        introducer_is_member=True,
        course_name="Lớp cảm tình Đoàn",
        course_date=TODAY - timedelta(days=30),
    )
    headers = api(world.secretary)
    path = f"/api/v1/units/{world.branch.pk}/admissions"
    on_proposal = client.post(path, youth(), content_type="application/json", **headers)
    on_member = client.post(
        path,
        youth(id_number=world.outsider_member.id_number),
        content_type="application/json",
        **headers,
    )
    for response in (on_proposal, on_member):
        assert response.status_code == 400
        assert response.json()["errors"] == [{"field": "id_number", "message": GENERIC}]
        assert world.other_branch.name not in response.content.decode()
    assert AdmissionRequest.objects.filter(branch=world.branch).count() == 0
    by_proposal, by_member = DuplicateIdReport.objects.order_by("pk")
    assert (by_proposal.holder_proposal, by_proposal.holder) == (elsewhere, None)
    assert (by_member.holder, by_member.holder_proposal) == (world.outsider_member, None)
    assert {r.source for r in (by_proposal, by_member)} == {"admission"}
    assert {r.unit for r in (by_proposal, by_member)} == {world.district}


def test_an_approval_meeting_a_member_created_meanwhile_elsewhere_names_nothing(client, world):
    admission = admission_propose(
        actor=world.secretary,
        branch=world.branch,
        data={k: youth()[k] for k in ("full_name", "date_of_birth", "sex", "id_number")},
        introducer_name="Trần Thị Đào",
        introducer_is_member=True,
        course_name="Lớp cảm tình Đoàn",
        course_date=TODAY - timedelta(days=30),
    )
    elsewhere = make_member(world.other_branch, id_number=NEW_NUMBER)
    response = client.post(
        f"/api/v1/admissions/{admission.pk}/approve",
        {"resolution_no": "15-QĐ/ĐTN", "resolution_date": TODAY.isoformat(), "assign_card": False},
        content_type="application/json",
        **api(world.base_cadre),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "id_number", "message": GENERIC}]
    report = DuplicateIdReport.objects.get()
    assert (report.holder, report.entered_unit, report.source, report.first_by) == (
        elsewhere,
        world.branch,
        "admission",
        world.base_cadre,
    )


# --- Imports: one refusal per number out of sight, then nothing more ------------------------------

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào Đoàn", "Chi đoàn"]


def workbook(rows) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, values in enumerate([HEADER, *rows]):
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    book.close()
    return SimpleUploadedFile("danh-sach.xlsx", buffer.getvalue())


def row(name, number, branch="Chi đoàn 12A1"):
    return [name, "05/09/2005", "Nữ", number, "26/03/2022", branch]


def import_job(actor, unit, rows) -> Job:
    job = job_start(actor=actor, kind=Job.Kind.MEMBERS_IMPORT, unit=unit, upload=workbook(rows))
    runner.run(job.pk)
    job.refresh_from_db()
    return job


def test_an_import_names_nothing_out_of_sight_and_reports_each_number(world):
    held = world.outsider_member
    job = import_job(
        world.base_cadre,
        world.base,
        [
            row("Hồ Thị Mai", "079305001234"),
            row("Lê Thị Na", held.id_number),
            row("Lê Minh Châu", world.member_in_branch2.id_number, "Chi đoàn 12A2"),  # his own
        ],
    )
    assert job.state == Job.State.INVALID
    assert [(e["row"], e["message"]) for e in job.errors] == [(3, GENERIC)]
    assert world.other_branch.name not in str(job.errors) + str(job.result)
    report = DuplicateIdReport.objects.get()
    assert (report.holder, report.entered_unit, report.source, report.entered_name) == (
        held,
        world.branch,
        "import",
        "Lê Thị Na",
    )
    assert report.unit == world.district


def test_after_the_limit_new_numbers_are_refused_without_being_looked_up(client, world, settings):
    """Two hits allowed: after them, a number held elsewhere and a new one get the same words,
    in a file as in a form; nothing more is recorded."""
    settings.DUPLICATE_ID_LIMIT = 2
    others = [make_member(world.other_branch) for _ in range(3)]
    job = import_job(
        world.secretary,
        world.branch,
        [
            row("Một", others[0].id_number),
            row("Hai", "079305002001"),
            row("Ba", others[1].id_number),
            row("Bốn", "079305002002"),
            row("Năm", others[2].id_number),
            row("Sáu", "079305002003"),
        ],
    )
    messages = {e["row"]: e["message"] for e in job.errors}
    assert messages[2] == messages[4] == GENERIC and 3 not in messages
    assert messages[5] == messages[6] == messages[7] != GENERIC
    assert "Quá nhiều số CCCD" in messages[5]
    assert DuplicateIdReport.objects.count() == 2 and len(refusals()) == 2
    assert not Member.objects.filter(full_name__in=["Hai", "Bốn", "Sáu"]).exists()

    client.force_login(world.secretary)
    response = client.post(
        reverse("members:member-create", args=[world.branch.pk]), form(id_number="079305002009")
    )
    assert messages[5] in response.content.decode()  # a new number, not even looked up
    assert not Member.objects.filter(id_number="079305002009").exists()
    changed = client.patch(
        f"/api/v1/members/{world.member.pk}",
        {"id_number": world.member.id_number, "occupation": "Công nhân"},
        content_type="application/json",
        **api(world.secretary),
    )
    assert changed.status_code == 200  # his own number, unchanged, is not a new one
    assert len(refusals()) == 2


def test_a_committee_member_is_not_told_whose_number_he_typed_in_his_own_branch(client, world):
    """He sees his branch's ID numbers masked: trying numbers in a change or an import must not
    tell him which member has one (the number is not confirmed, the member not matched)."""
    committee = make_user("committee", role="committee", unit=world.branch)
    response = client.patch(
        f"/api/v1/members/{world.member2.pk}",
        {"id_number": world.member.id_number},
        content_type="application/json",
        **api(committee),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "id_number", "message": GENERIC}]
    report = DuplicateIdReport.objects.get()
    assert (report.unit, report.holder, report.entered_member) == (
        world.branch,
        world.member,
        world.member2,
    )
    born = world.member.date_of_birth
    job = import_job(committee, world.branch, [row("Nguyễn Văn An", world.member.id_number)])
    assert [(e["row"], e["message"]) for e in job.errors] == [(2, GENERIC)]
    assert Member.objects.get(pk=world.member.pk).date_of_birth == born  # not matched
    assert DuplicateIdReport.objects.get().hits == 2


# --- The to-do of the unit above --------------------------------------------------------------


@pytest.fixture
def report(client, world):
    client.force_login(world.secretary)
    client.post(
        reverse("members:member-create", args=[world.branch.pk]),
        form(id_number=world.member_in_branch2.id_number),
    )
    client.logout()
    return DuplicateIdReport.objects.get()


def test_the_unit_above_lists_and_settles_its_duplicates(client, world, report):
    client.force_login(world.base_cadre)
    unit_page = client.get(reverse("units:unit-detail", args=[world.base.pk])).content.decode()
    listing = reverse("members:unit-duplicates", args=[world.base.pk])
    assert listing in unit_page and "(1)" in unit_page
    page = client.get(listing).content.decode()
    detail = reverse("members:duplicate-detail", args=[report.pk])
    assert detail in page and world.member_in_branch2.full_name in page
    assert report.id_number not in page and report.id_number_masked in page
    shown = client.get(detail).content.decode()
    assert reverse("members:member-detail", args=[world.member_in_branch2.pk]) in shown
    assert "Hồ Thị Mai" in shown and world.branch.name in shown

    refused = client.post(detail, {"resolution": "  "})
    assert refused.status_code == 200 and DuplicateIdReport.objects.get().is_open
    done = client.post(detail, {"resolution": "Gõ nhầm số; đã liên hệ chi đoàn 12A1."})
    assert done.status_code == 302 and done["Location"] == listing
    report.refresh_from_db()
    assert (report.is_open, report.resolved_by) == (False, world.base_cadre)
    assert AuditEvent.objects.filter(
        action="member.duplicate_id_settled", target_id=report.pk, actor=world.base_cadre
    ).exists()
    assert client.get(listing).context["page"].paginator.count == 0
    assert client.post(detail, {"resolution": "again"}).status_code == 200  # settled once


def test_the_units_above_see_it_and_nobody_else_does(client, world, report):
    detail = reverse("members:duplicate-detail", args=[report.pk])
    client.force_login(world.province_cadre)
    listing = client.get(reverse("members:unit-duplicates", args=[world.province.pk]))
    assert listing.context["page"].paginator.count == 1
    assert client.get(detail).status_code == 200
    client.force_login(world.secretary)  # she entered it: it is not hers to settle
    assert client.get(detail).status_code == 404
    assert client.get(reverse("members:unit-duplicates", args=[world.branch.pk])).status_code == 403
    unit_page = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    assert "duplicate-ids" not in unit_page
    client.force_login(world.outsider)
    assert client.get(detail).status_code == 404
    viewer = make_user("viewer", role="viewer", unit=world.base)
    client.force_login(viewer)
    assert client.get(detail).status_code == 403
    assert client.get(reverse("members:unit-duplicates", args=[world.base.pk])).status_code == 403

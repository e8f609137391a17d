"""The API operations added so that a page's capability is also an operation (issue 16,
tests/api/test_api_parity.py): each does what its page does, through the same service, and
answers 404 outside the caller's scope."""

import io
from datetime import date

from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from doanvien.accounts.models import ApiToken, RoleGrant
from doanvien.accounts.services import api_token_issue
from doanvien.accounts.sessions import Session, SessionStore, session_ref
from doanvien.committees.models import Course
from doanvien.committees.services import committee_create
from doanvien.core.models import AuditEvent
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start
from doanvien.meetings.models import Meeting
from doanvien.meetings.services import meeting_create
from doanvien.members.models import DuplicateIdReport, Member
from doanvien.members.services.duplicates import DuplicateHit, duplicate_hits_record
from doanvien.notifications.models import Kind, Notification
from doanvien.notifications.services import notify
from doanvien.training.models import ProgressNote
from doanvien.training.services.registrations import registration_save
from doanvien.units.models import Unit
from doanvien.units.services import unit_deactivate
from doanvien.yearly_reports.models import GoodModel
from doanvien.yearly_reports.services import (
    good_model_create,
    yearly_report_save,
    yearly_report_submit,
)

from ..factories import make_unit, make_user
from ..training.conftest import (
    complete_items,
    framework,  # noqa: F401
)
from .conftest import ApiClient

YEAR = 2026


def test_a_deactivated_unit_is_reactivated(world):
    empty = make_unit(world.base, name="Chi đoàn 12A9", code="TN-TA-THPT-12A9")
    unit_deactivate(actor=None, unit=empty)
    url = f"/api/v1/units/{empty.pk}/reactivate"

    assert ApiClient(world.outsider).post(url).status_code == 404
    response = ApiClient(world.base_cadre).post(url)

    assert response.status_code == 200, response.content
    assert Unit.objects.get(pk=empty.pk).is_active


def test_a_failed_job_is_retried_by_the_one_who_started_it(world):
    job = job_start(
        actor=world.secretary, kind=Job.Kind.REPORT_EXPORT, unit=world.branch, params={"year": 1}
    )
    url = f"/api/v1/jobs/{job.pk}/retry"
    # Not failed: nothing to retry.
    assert ApiClient(world.secretary).post(url).status_code == 409
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)

    assert ApiClient(world.base_cadre).post(url).status_code == 404
    response = ApiClient(world.secretary).post(url)

    assert response.status_code == 200, response.content
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED


def test_all_ones_notifications_are_marked_read_and_nobody_elses(world):
    notify(users=[world.secretary, world.base_cadre], kind=Kind.TRANSFER_ACCEPTED, title="Một")
    notify(users=[world.secretary], kind=Kind.TRANSFER_ACCEPTED, title="Hai")

    response = ApiClient(world.secretary).post("/api/v1/me/notifications/read-all")

    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(user=world.secretary, read_at=None).exists()
    assert Notification.objects.filter(user=world.base_cadre, read_at=None).count() == 1


def _meeting(world) -> Meeting:
    return meeting_create(
        actor=world.secretary,
        unit=world.branch,
        data={"date": date(YEAR, 3, 10), "kind": "regular", "theme_text": "Sinh hoạt tháng 3"},
    )


def test_a_meeting_is_changed_then_cancelled(world):
    meeting = _meeting(world)
    client = ApiClient(world.secretary)
    url = f"/api/v1/meetings/{meeting.pk}"

    assert ApiClient(world.outsider).patch(url, {"minutes": "x"}).status_code == 404
    changed = client.patch(url, {"minutes": "Biên bản", "theme": "Chủ đề mới"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["minutes"] == "Biên bản"
    assert changed.json()["theme"] == "Chủ đề mới"

    assert ApiClient(world.outsider).post(f"{url}/cancel", {"reason": "x"}).status_code == 404
    assert client.post(f"{url}/cancel", {"reason": ""}).status_code == 400
    cancelled = client.post(f"{url}/cancel", {"reason": "Ghi nhầm"})
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["cancelled"] is True
    meeting.refresh_from_db()
    assert (meeting.cancelled, meeting.cancel_reason) == (True, "Ghi nhầm")
    # A cancelled meeting is neither cancelled again nor changed, nor its attendance taken:
    # refused for its state (409), not for what was sent.
    assert client.post(f"{url}/cancel", {"reason": "Lần nữa"}).status_code == 409
    assert client.patch(url, {"minutes": "Sửa"}).status_code == 409
    taken = client.put(f"{url}/attendance", {"present": [world.member.pk], "excused": []})
    assert taken.status_code == 409, taken.content
    meeting.refresh_from_db()
    assert meeting.minutes == "Biên bản" and not meeting.attendance.exists()


def _good_model(world) -> GoodModel:
    yearly_report_save(
        actor=world.secretary,
        unit=world.branch,
        year=YEAR,
        data={"paragraphs": {"opening": "Chi đoàn báo cáo"}},
    )
    return good_model_create(
        actor=world.secretary,
        unit=world.branch,
        data={"year": YEAR, "title": "Chi đoàn mạnh", "description": "Sinh hoạt ghép"},
    )


def test_a_good_model_is_changed_and_deleted_by_its_units_cadres(world):
    good_model = _good_model(world)
    url = f"/api/v1/good-models/{good_model.pk}"

    assert ApiClient(world.outsider).patch(url, {"title": "x"}).status_code == 404
    response = ApiClient(world.secretary).patch(url, {"result": "Tăng 20% đoàn viên"})
    assert response.status_code == 200, response.content
    good_model.refresh_from_db()
    assert (good_model.title, good_model.result) == ("Chi đoàn mạnh", "Tăng 20% đoàn viên")

    assert ApiClient(world.outsider).delete(url).status_code == 404
    assert ApiClient(world.secretary).delete(url).status_code == 204
    assert not GoodModel.objects.filter(pk=good_model.pk).exists()


def test_a_good_model_of_a_submitted_report_below_is_pulled_once(world):
    good_model = _good_model(world)
    url = f"/api/v1/units/{world.base.pk}/yearly-report/{YEAR}/pull/{good_model.pk}"
    # The branch has not submitted its report: the base union may not pull from it.
    assert ApiClient(world.base_cadre).post(url).status_code == 403
    yearly_report_submit(actor=world.secretary, unit=world.branch, year=YEAR)

    assert ApiClient(world.outsider).post(url).status_code == 404
    response = ApiClient(world.base_cadre).post(url)

    assert response.status_code == 201, response.content
    copy = GoodModel.objects.get(pk=response.json()["id"])
    assert (copy.unit_id, copy.source_id, copy.title) == (
        world.base.pk,
        good_model.pk,
        "Chi đoàn mạnh",
    )
    assert ApiClient(world.base_cadre).post(url).status_code == 409


def test_a_member_continues_past_the_age_limit_and_is_kept(world):
    url = f"/api/v1/members/{world.member2.pk}"
    body = {"kind": "elected", "reason": "Bầu vào Ban Chấp hành"}

    assert ApiClient(world.outsider).post(f"{url}/continuation", body).status_code == 404
    assert (
        ApiClient(world.secretary).post(f"{url}/continuation", {"kind": "elected"}).status_code
        == 422
    )
    response = ApiClient(world.secretary).post(f"{url}/continuation", body)
    assert response.status_code == 200, response.content
    assert response.json()["continues_as"] == "elected"
    world.member2.refresh_from_db()
    assert world.member2.continues_as == "elected"

    assert ApiClient(world.outsider).post(f"{url}/keep", {"reason": "x"}).status_code == 404
    # No decision to end yet, and the same continuation twice: refused for the state (409).
    assert ApiClient(world.secretary).post(f"{url}/keep", {"reason": "Kết thúc"}).status_code == 409
    again = ApiClient(world.secretary).post(f"{url}/continuation", body)
    assert again.status_code == 409 and "Bầu vào Ban Chấp hành" not in again.json()["detail"]


def test_a_duplicate_report_is_settled_by_a_cadre_of_its_unit(world):
    hit = DuplicateHit(
        actor=world.secretary,
        id_number=world.member_in_branch2.id_number,
        entered_unit=world.branch,
        source=DuplicateIdReport.Source.RECORD,
        holder=world.member_in_branch2,
        name="Nguyễn Thị Thử",
    )
    report = duplicate_hits_record([hit])[0]
    url = f"/api/v1/duplicate-ids/{report.pk}/resolve"
    body = {"resolution": "Một người, chuyển sinh hoạt không qua thủ tục"}

    assert ApiClient(world.outsider).post(url, body).status_code == 404
    assert ApiClient(world.base_cadre).post(url, {"resolution": ""}).status_code == 400
    response = ApiClient(world.base_cadre).post(url, body)

    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert report.resolution == body["resolution"] and report.resolved_by == world.base_cadre
    assert ApiClient(world.base_cadre).post(url, body).status_code == 409


def test_progress_notes_of_a_branch_and_of_a_registration(world, framework):  # noqa: F811
    url = f"/api/v1/units/{world.branch.pk}/training/{YEAR}/notes"
    note = {"text": "Cả chi đoàn đã đăng ký", "on": f"{YEAR}-03-02"}

    assert ApiClient(world.outsider).post(url, note).status_code == 404
    assert ApiClient(world.secretary).post(url, {"text": ""}).status_code == 400
    response = ApiClient(world.secretary).post(url, note)
    assert response.status_code == 201, response.content
    saved = ProgressNote.objects.get(pk=response.json()["id"])
    assert (saved.branch_id, saved.registration_id, saved.on) == (
        world.branch.pk,
        None,
        date(YEAR, 3, 2),
    )

    member_url = f"/api/v1/members/{world.member.pk}/registrations/{YEAR}/notes"
    # No registration yet.
    assert ApiClient(world.secretary).post(member_url, note).status_code == 404
    registration = registration_save(
        actor=None, member=world.member, year=YEAR, items=complete_items(world.member, year=YEAR)
    )
    assert ApiClient(world.outsider).post(member_url, note).status_code == 404
    response = ApiClient(world.member_user).post(member_url, {"text": "Đã hiến máu"})
    assert response.status_code == 201, response.content
    assert ProgressNote.objects.get(pk=response.json()["id"]).registration_id == registration.pk


def test_a_not_me_report_is_closed_by_a_cadre_who_sees_it(world):
    from doanvien.member_accounts.models import NotMeReport

    report = NotMeReport.objects.create(
        unit=world.base, unit_path=world.base.path, member=world.member2, user=world.secretary
    )
    url = f"/api/v1/not-me-reports/{report.pk}/close"

    assert ApiClient(world.outsider).post(url, {"note": "x"}).status_code == 404
    assert ApiClient(world.base_cadre).post(url, {"note": ""}).status_code == 400
    response = ApiClient(world.base_cadre).post(url, {"note": "Đã gọi điện, cấp mã mới"})

    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert (report.closed_by, report.note) == (world.base_cadre, "Đã gọi điện, cấp mã mới")
    again = ApiClient(world.base_cadre).post(url, {"note": "Lần nữa"})
    assert again.status_code == 409, again.content  # closed already: the state, not the data
    report.refresh_from_db()
    assert report.note == "Đã gọi điện, cấp mã mới"


def test_a_monthly_theme_is_published_for_the_branches_below(world):
    from doanvien.meetings.models import Theme

    url = f"/api/v1/units/{world.base.pk}/meeting-themes"
    body = {"year": YEAR, "month": 3, "title": "Tháng Thanh niên"}

    assert ApiClient(world.outsider).post(url, body).status_code == 404
    # A branch publishes no themes.
    branch_url = f"/api/v1/units/{world.branch.pk}/meeting-themes"
    assert ApiClient(world.secretary).post(branch_url, body).status_code == 403
    assert ApiClient(world.base_cadre).post(url, {**body, "month": 13}).status_code == 400
    response = ApiClient(world.base_cadre).post(url, body)

    assert response.status_code == 201, response.content
    theme = Theme.objects.get(pk=response.json()["id"])
    assert (theme.unit_path, theme.year, theme.month, theme.title) == (
        world.base.path,
        YEAR,
        3,
        "Tháng Thanh niên",
    )


def test_a_union_publishes_its_own_evaluation_scheme_once(world):
    from doanvien.evaluations.models import Scheme

    url = f"/api/v1/units/{world.base.pk}/evaluations/{YEAR}/strong_branch/scheme/publish"

    assert ApiClient(world.outsider).post(url).status_code == 404
    # A branch publishes no scheme.
    branch_url = url.replace(f"/units/{world.base.pk}/", f"/units/{world.branch.pk}/")
    assert ApiClient(world.secretary).post(branch_url).status_code == 403
    response = ApiClient(world.base_cadre).post(url)

    assert response.status_code == 201, response.content
    scheme = Scheme.objects.get(pk=response.json()["id"])
    assert (scheme.unit_id, scheme.code, scheme.year) == (world.base.pk, "strong_branch", YEAR)
    assert ApiClient(world.base_cadre).post(url).status_code == 409


def _picture(kind: str = "PNG") -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (60, 80), (30, 120, 200)).save(data, kind)
    return SimpleUploadedFile(f"anh.{kind.lower()}", data.getvalue())


def _multipart(user, url, body):
    api = ApiClient(user)
    return api.client.post(url, body, headers=api.headers)


def test_a_members_photo_is_given_and_removed_by_who_edits_his_branch(world):
    url = f"/api/v1/members/{world.member2.pk}/photo"

    assert _multipart(world.outsider, url, {"photo": _picture()}).status_code == 404
    # The member sees his own record but does not edit it (his photo waits as a request).
    own = f"/api/v1/members/{world.member.pk}/photo"
    assert _multipart(world.member_user, own, {"photo": _picture()}).status_code == 403
    assert _multipart(world.secretary, url, {}).status_code == 422
    not_a_photo = SimpleUploadedFile("anh.png", b"%PDF-1.4 not a picture")
    refused = _multipart(world.secretary, url, {"photo": not_a_photo})
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["photo"]
    assert not Member.objects.get(pk=world.member2.pk).photo

    response = _multipart(world.secretary, url, {"photo": _picture("JPEG")})
    assert response.status_code == 200, response.content
    assert response.json() == {"id": world.member2.pk, "has_photo": True}
    first = Member.objects.get(pk=world.member2.pk).photo
    assert first
    assert AuditEvent.objects.filter(action="member.photo_set").count() == 1

    assert ApiClient(world.outsider).delete(url).status_code == 404
    removed = ApiClient(world.secretary).delete(url)
    assert removed.status_code == 200, removed.content
    assert removed.json()["has_photo"] is False
    assert not Member.objects.get(pk=world.member2.pk).photo
    assert AuditEvent.objects.filter(action="member.photo_removed").count() == 1


def _browser_session(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store.create()
    return session_ref(store.session_key)


def test_one_of_ones_own_tokens_is_revoked_by_its_id_and_nobody_elses(world):
    api_token_issue(user=world.secretary)
    other = ApiToken.objects.filter(user=world.secretary).latest("pk")
    hers = ApiClient(world.secretary)
    theirs = ApiToken.objects.create(
        user=world.base_cadre, digest=ApiToken.digest_of("x" * 40), expires_at=other.expires_at
    )

    assert hers.delete(f"/api/v1/auth/tokens/{theirs.pk}").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert hers.delete(f"/api/v1/auth/tokens/{other.pk}").status_code == 204
    assert not ApiToken.objects.filter(pk=other.pk).exists()
    assert hers.delete(f"/api/v1/auth/tokens/{other.pk}").status_code == 404
    # The calling token goes on working.
    assert hers.get("/api/v1/auth/sessions").status_code == 200


def test_one_of_ones_own_browser_sessions_ends_by_its_id_and_nobody_elses(world):
    mine = _browser_session(world.secretary)
    kept = _browser_session(world.secretary)
    theirs = _browser_session(world.base_cadre)
    hers = ApiClient(world.secretary)

    assert hers.delete(f"/api/v1/auth/sessions/{theirs}").status_code == 404
    assert hers.delete("/api/v1/auth/sessions/not-a-session").status_code == 404
    assert hers.delete(f"/api/v1/auth/sessions/{mine}").status_code == 204
    left = {session_ref(s.session_key) for s in Session.objects.all()}
    assert mine not in left and {kept, theirs} <= left
    assert hers.delete(f"/api/v1/auth/sessions/{mine}").status_code == 404


def _branch_committee(world):
    return committee_create(
        actor=None,
        unit=world.branch,
        members=Member.objects.all(),
        term_start="2025-09-01",
        posts=[
            {"member": world.member2.pk, "post": "deputy"},
            {"full_name": "Trịnh Văn Khoa", "sex": "male", "post": "member"},
        ],
    )


def test_a_post_holder_is_granted_the_role_his_post_offers(world):
    holder = make_user("pho-bi-thu", member=world.member2)
    committee = _branch_committee(world)
    deputy = committee.posts.get(post="deputy")
    no_account = committee.posts.get(post="member")
    url = f"/api/v1/committee-posts/{deputy.pk}/role"

    assert ApiClient(world.outsider).post(url).status_code == 404
    # The holder of a post without an account has nobody to give the role to.
    assert (
        ApiClient(world.base_cadre)
        .post(f"/api/v1/committee-posts/{no_account.pk}/role")
        .status_code
        == 409
    )
    response = ApiClient(world.base_cadre).post(url)

    assert response.status_code == 200, response.content
    assert (response.json()["role"], response.json()["user"]["id"]) == ("deputy", holder.pk)
    assert RoleGrant.objects.filter(user=holder, unit=world.branch, role="deputy").exists()
    deputy.refresh_from_db()
    assert deputy.granted_role == "deputy"


def test_a_course_of_a_post_holder_is_recorded(world):
    post = _branch_committee(world).posts.get(post="deputy")
    url = f"/api/v1/committee-posts/{post.pk}/courses"
    body = {"name": "Bồi dưỡng cán bộ Đoàn cơ sở", "level": "district", "started_on": "2026-03-02"}

    assert ApiClient(world.outsider).post(url, body).status_code == 404
    assert ApiClient(world.member_user).post(url, body).status_code in (403, 404)
    refused = ApiClient(world.secretary).post(url, {**body, "level": "galaxy"})
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["level"]
    ended_first = {**body, "ended_on": "2026-03-01"}
    assert ApiClient(world.secretary).post(url, ended_first).status_code == 400
    assert not Course.objects.exists()

    response = ApiClient(world.secretary).post(url, {**body, "ended_on": "05/03/2026"})

    assert response.status_code == 201, response.content
    course = Course.objects.get(pk=response.json()["id"])
    assert (course.cadre_id, course.level, course.started_on, course.ended_on) == (
        post.cadre_id,
        "district",
        date(2026, 3, 2),
        date(2026, 3, 5),
    )


def test_youths_are_imported_through_the_imports_operation(world, tmp_path):
    from ..youth.test_import import GOOD, sheet

    url = f"/api/v1/units/{world.branch.pk}/imports"
    with open(sheet(tmp_path, GOOD), "rb") as f:
        data = f.read()

    def upload():
        return SimpleUploadedFile("khao-sat.xlsx", data)

    assert _multipart(world.outsider, url, {"kind": "youths", "file": upload()}).status_code == 404
    assert _multipart(world.member_user, url, {"kind": "youths", "file": upload()}).status_code in (
        403,
        404,
    )
    response = _multipart(world.secretary, url, {"kind": "youths", "file": upload()})

    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"])
    assert (job.kind, job.unit_id, job.created_by_id) == (
        Job.Kind.YOUTHS_IMPORT,
        world.branch.pk,
        world.secretary.pk,
    )
    wrong = _multipart(world.secretary, url, {"kind": "people", "file": upload()})
    assert wrong.status_code == 422
    assert "youths" in wrong.json()["errors"][0]["message"]

"""Every URL and every API operation, tried by people who must not get in.

The walk covers all URL patterns of the site and all operations of the API's OpenAPI schema. A
new URL that takes an object id must appear in OBJECT_KWARGS / API_PARAMS below, and one without
an id must be listed as PUBLIC or PERSONAL: so a page added without scoping makes this test fail.
"""

import io
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from doanvien.accounts.models import ApiToken, RoleGrant
from doanvien.accounts.services import api_token_issue, invitation_issue
from doanvien.accounts.sessions import Session, SessionStore, session_ref
from doanvien.activities.models import Activity, Campaign, CriterionLink, Participation
from doanvien.activities.services import activity_publish, campaign_create
from doanvien.committees.models import Committee, Post, PostChange
from doanvien.committees.services import committee_create
from doanvien.core.models import AuditEvent
from doanvien.directives.models import Attachment, Directive, Receipt
from doanvien.directives.services import directive_publish
from doanvien.dues import defaults as dues_defaults
from doanvien.dues import services as dues_services
from doanvien.dues.models import CategoryDefault, Payment, Rate, Remittance
from doanvien.evaluations.models import MemberRating, PartyIntroduction, RatingPolicy, Scheme
from doanvien.honours.models import Award, Discipline
from doanvien.jobs import files
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start
from doanvien.meetings.models import Attendance, CommitteeAttendance, Meeting, Theme
from doanvien.meetings.services import meeting_create
from doanvien.member_accounts.models import NotMeReport
from doanvien.member_stats.models import IndicatorTarget, IndicatorValue, MemberStatDelta
from doanvien.members.models import (
    AdmissionRequest,
    CardRange,
    DuplicateIdReport,
    Member,
    Transfer,
)
from doanvien.members.services.admissions import admission_propose
from doanvien.members.services.cards import card_range_allocate
from doanvien.members.services.duplicates import DuplicateHit, duplicate_hits_record
from doanvien.members.services.photos import member_photo_set
from doanvien.members.services.transfers import transfer_request
from doanvien.notifications.models import Kind, Notification
from doanvien.notifications.services import notify
from doanvien.profiles.models import ChangeRequest
from doanvien.profiles.services import change_request_submit
from doanvien.returns.models import Campaign as ReturnCampaign
from doanvien.returns.models import FormDefinition, Return
from doanvien.returns.services import campaign_create as return_campaign_create
from doanvien.training import default_framework
from doanvien.training.models import (
    ContentArea,
    Criterion,
    Deadline,
    Framework,
    Phase,
    ProgressNote,
)
from doanvien.training.services.configuration import criterion_add
from doanvien.units.models import Unit
from doanvien.yearly_reports.models import GoodModel, YearlyReport
from doanvien.yearly_reports.services import good_model_create, yearly_report_save
from doanvien.youth.models import (
    Referral,
    ReferralSettings,
    ReportExtension,
    ReportSent,
    ReviewNote,
    Survey,
    Youth,
)
from doanvien.youth.services import referral_create

from .factories import make_user

# URL names that need no object and show nothing scoped (or only the user's own start page).
YEAR = 2026
PUBLIC = {
    "healthz",
    "readyz",
    "metrics",
    "login",
    "logout",
    "set_language",
    "home",
    "accounts:invitation-accept",
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-confirm",
    # The public page a member card's QR code opens (the signed token is its key), and the files
    # that install the site and let it read the member's own pages offline.
    "members:card-verify",
    "profiles:manifest",
    "profiles:service-worker",
    "member_accounts:activate",
}
# URL names that take no object and show only the user's own record.
PERSONAL = {"training:my-training", "member_accounts:notice"}
# URL names that take no object and list only what the user started himself.
OWN = {"jobs:job-list"}
# URL names that take no object and act on the signed-in account only (its password, sessions
# and tokens).
SELF = {
    "accounts:account",
    "accounts:password-change",
    "accounts:sign-out-everywhere",
    "notifications:notification-list",
    "notifications:notifications-read-all",
    "notifications:notification-settings",
}


def _transfer(world) -> Transfer:
    """An open transfer request for member2, from the secretary's branch to its sibling branch:
    visible to both sides, out of the outsider's and the member's reach."""
    existing = Transfer.objects.filter(member=world.member2, state="requested").first()
    return existing or transfer_request(
        actor=world.secretary, member=world.member2, to_unit=world.branch2, reason="Moving"
    )


def _admission(world) -> AdmissionRequest:
    """An open admission proposal of the secretary's branch."""
    from datetime import date, timedelta

    existing = AdmissionRequest.objects.filter(branch=world.branch).first()
    today = date.today()
    return existing or admission_propose(
        actor=world.secretary,
        branch=world.branch,
        data={
            "full_name": "Hồ Thanh Vy",
            "date_of_birth": date(today.year - 17, 6, 1),
            "sex": "female",
            "id_number": "079309005555",
        },
        introducer_name="Nguyễn Văn An",
        introducer_is_member=True,
        course_name="Lớp cảm tình Đoàn",
        course_date=today - timedelta(days=20),
    )


def _referral(world) -> Referral:
    """A referral by member2 (not the member user) of a youth of the secretary's branch."""
    existing = Referral.objects.filter(member=world.member2).first()
    return existing or referral_create(
        actor=world.secretary, member=world.member2, youth_data={"full_name": "Phan Thị Yến"}
    )


def _youth(world) -> Youth:
    return _referral(world).youth


def _card_range(world) -> CardRange:
    """A card-number range of the secretary's base union (above her branch, not above the
    outsider's), handed down from the province through the district."""
    existing = CardRange.objects.filter(unit=world.base).first()
    if existing:
        return existing
    card_range_allocate(actor=None, unit=world.province, first=1, last=100_000)
    card_range_allocate(actor=None, unit=world.district, first=1, last=10_000)
    return card_range_allocate(actor=None, unit=world.base, first=1, last=1_000)


def _duplicate_report(world) -> DuplicateIdReport:
    """A report for the secretary's base union: she entered the ID number of a member of the
    sibling branch, which she does not see."""
    existing = DuplicateIdReport.objects.first()
    if existing:
        return existing
    hit = DuplicateHit(
        actor=world.secretary,
        id_number=world.member_in_branch2.id_number,
        entered_unit=world.branch,
        source=DuplicateIdReport.Source.RECORD,
        holder=world.member_in_branch2,
        name="Nguyễn Thị Thử",
    )
    return duplicate_hits_record([hit])[0]


def _change_request(world) -> ChangeRequest:
    """An open change request of member2 (of the secretary's branch), made by his own account:
    a new phone number and a new photo."""
    existing = ChangeRequest.objects.filter(member=world.member2).first()
    if existing:
        return existing
    own = make_user("member2", member=world.member2)
    picture = io.BytesIO()
    Image.new("RGB", (30, 40), (40, 120, 40)).save(picture, "PNG")
    return change_request_submit(
        actor=own,
        member=world.member2,
        changes={"phone": "0912000222"},
        reason="",
        photo=SimpleUploadedFile("moi.png", picture.getvalue()),
    )


def _job(world) -> Job:
    """A finished export the secretary started in her branch, with its file."""
    existing = Job.objects.filter(created_by=world.secretary).first()
    if existing:
        return existing
    job = job_start(
        actor=world.secretary, kind=Job.Kind.REPORT_EXPORT, unit=world.branch, params={"year": 1}
    )
    with files.writing_output(job, ".xlsx") as path:
        path.write_bytes(b"made for the test")
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED)
    return job


def _introduction(world):
    """A Party introduction proposed by the secretary's branch (member2)."""
    from datetime import date

    from doanvien.evaluations.introductions import introduction_propose
    from doanvien.evaluations.models import PartyIntroduction

    existing = PartyIntroduction.objects.filter(member=world.member2).first()
    return existing or introduction_propose(
        actor=world.secretary,
        member=world.member2,
        year=YEAR,
        branch_resolution_no="01-NQ/CĐ",
        branch_resolution_date=date(YEAR, 3, 1),
        votes_for=9,
        present=10,
        override_reason="Thành tích nổi bật",
    )


def _evidence(world):
    """An evidence file of the strong-branch evaluation of the secretary's branch."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from doanvien.evaluations import services as evaluation_services
    from doanvien.evaluations.models import Evaluation, Evidence
    from doanvien.evaluations.selectors import items_for

    existing = Evidence.objects.filter(evaluation__unit=world.branch).first()
    if existing:
        return existing
    evaluation = Evaluation.objects.filter(unit=world.branch, year=YEAR).first()
    evaluation = evaluation or evaluation_services.evaluation_register(
        actor=world.secretary, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    evaluation_services.evidence_add(
        actor=world.secretary,
        evaluation=evaluation,
        item_id=items_for(evaluation.scheme, world.branch)[0].pk,
        file=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 invented"),
        note="Biên bản",
    )
    return Evidence.objects.get(evaluation=evaluation)


def _session(world) -> str:
    """A browser session of the secretary (her log-in elsewhere), by its name in the URLs."""
    existing = Session.objects.filter(user=world.secretary).first()
    if existing is None:
        store = SessionStore()
        store[SESSION_KEY] = str(world.secretary.pk)
        store.create()
        existing = Session.objects.get(session_key=store.session_key)
    return session_ref(existing.session_key)


def _payment(world) -> Payment:
    """A dues payment of member2 in the secretary's branch."""
    existing = Payment.objects.filter(unit=world.branch).first()
    if existing:
        return existing
    dues_defaults.install(Rate, CategoryDefault)
    return dues_services.payment_record(
        actor=world.secretary,
        branch=world.branch,
        member=world.member2,
        months=["2026-01"],
        amount=2000,
    )


def _remittance(world) -> Remittance:
    """A remittance the secretary's branch sent to its base union."""
    existing = Remittance.objects.filter(from_unit=world.branch).first()
    return existing or dues_services.remittance_send(
        actor=world.secretary, unit=world.branch, period="2026-01", amount=666
    )


def _token(world) -> ApiToken:
    """An API token of the secretary."""
    existing = ApiToken.objects.filter(user=world.secretary).first()
    if existing is None:
        api_token_issue(user=world.secretary)
        existing = ApiToken.objects.get(user=world.secretary)
    return existing


def _notification(world) -> Notification:
    """A notification of the secretary's (a transfer request her branch sent was accepted)."""
    existing = Notification.objects.filter(user=world.secretary).first()
    if existing is None:
        notify(users=[world.secretary], kind=Kind.TRANSFER_ACCEPTED, title="Đã chấp nhận")
        existing = Notification.objects.get(user=world.secretary)
    return existing


def _meeting(world) -> Meeting:
    """A meeting of the secretary's branch, with a minutes file."""
    from datetime import date

    from django.core.files.base import ContentFile

    existing = Meeting.objects.filter(unit=world.branch).first()
    return existing or meeting_create(
        actor=world.secretary,
        unit=world.branch,
        data={"date": date.today(), "kind": "regular"},
        minutes_file=ContentFile(b"minutes", name="minutes.txt"),
    )


def _committee(world) -> Committee:
    """The committee of the secretary's branch (in office), member2 its deputy."""
    existing = Committee.objects.filter(unit=world.branch).first()
    return existing or committee_create(
        actor=None,
        unit=world.branch,
        members=Member.objects.all(),
        term_start="2025-09-01",
        posts=[{"member": world.member2.pk, "post": "deputy"}],
    )


def _change(world) -> PostChange:
    """A change mid-term to the secretary's branch committee, waiting (made as a row: a
    branch's own changes are made at once)."""
    committee = _committee(world)
    existing = PostChange.objects.filter(committee=committee).first()
    return existing or PostChange.objects.create(
        committee=committee,
        unit_path=committee.unit_path,
        kind="end",
        post=committee.posts.get(),
        on="2026-01-10",
        reason="Chuyển công tác",
        state="submitted",
    )


def _not_me(world) -> NotMeReport:
    """A "this was not me" report of member2 on the secretary's base union."""
    existing = NotMeReport.objects.first()
    return existing or NotMeReport.objects.create(
        unit=world.base, unit_path=world.base.path, member=world.member2, user=world.secretary
    )


def _criterion(world) -> Criterion:
    """A custom training criterion of the secretary's base union for the year (applying to her
    branch, changed only by the base union's cadres)."""
    existing = Criterion.objects.filter(unit=world.base).first()
    if existing:
        return existing
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    return criterion_add(
        actor=None, unit=world.base, year=YEAR, custom=True, area_code="1", text="Hiến máu"
    )


def _directive(world) -> Directive:
    """A directive the base union published to its branches (the secretary's among them), with
    a file, asking a reply: out of the outsider's and the member's reach."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    existing = Directive.objects.filter(unit=world.base).first()
    return existing or directive_publish(
        actor=world.base_cadre,
        unit=world.base,
        data={"title": "Kế hoạch tháng", "number": "01-KH", "reply_required": True},
        files=[SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 plan")],
    )


def _return_campaign(world) -> ReturnCampaign:
    """A return the district asked of the unions under it (the secretary's base union among
    them): none of it is the outsider's or the member's."""
    existing = ReturnCampaign.objects.filter(owner=world.district).first()
    return existing or return_campaign_create(
        actor=None,
        unit=world.district,
        data={
            "title": "Khảo sát thanh niên",
            "starts_on": f"{YEAR}-01-01",
            "ends_on": f"{YEAR}-03-31",
            "due_on": f"{YEAR}-04-15",
            "survey_rows": ["Thanh niên"],
            "survey_columns": ["Tổng số"],
        },
    )


def _attachment(world) -> Attachment:
    return _directive(world).files.get()


def _activity(world) -> Activity:
    """An activity of the secretary's branch for chosen units, none chosen yet (so offered to
    nobody: the member user of her branch does not see it)."""
    existing = Activity.objects.filter(unit=world.branch).first()
    return existing or activity_publish(
        actor=world.secretary,
        unit=world.branch,
        data={
            "title": "Sinh hoạt chuyên đề",
            "kind": "political_study",
            "starts_at": f"{YEAR}-03-26T08:00:00",
            "ends_at": f"{YEAR}-03-26T10:00:00",
            "audience": "chosen",
        },
    )


def _good_model(world) -> GoodModel:
    """A good model of the secretary's branch, in the year of its drafted yearly report (whose
    prose is saved): out of the outsider's and the member's reach."""
    existing = GoodModel.objects.filter(unit=world.branch).first()
    if existing:
        return existing
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


def _campaign(world) -> Campaign:
    """A campaign the secretary's branch runs (seen by its committee and the cadres above, not by
    the sibling base union's people nor by a member's own account)."""
    existing = Campaign.objects.filter(unit=world.branch).first()
    return existing or campaign_create(
        actor=world.secretary,
        unit=world.branch,
        data={
            "title": "Tháng Thanh niên",
            "starts_on": f"{YEAR}-03-01",
            "ends_on": f"{YEAR}-03-31",
        },
    )


def _object_kwargs(world):
    """For each URL keyword, an object inside the secretary's branch (never the outsider's)."""
    grant = RoleGrant.objects.get(user=world.secretary, unit=world.branch)
    return {
        "unit_id": world.branch.pk,
        "member_id": world.member2.pk,
        "grant_id": grant.pk,
        "transfer_id": _transfer(world).pk,
        "admission_id": _admission(world).pk,
        "range_id": _card_range(world).pk,
        "job_id": _job(world).pk,
        "report_id": _duplicate_report(world).pk,
        "request_id": _change_request(world).pk,
        "not_me_id": _not_me(world).pk,
        "session_ref": _session(world),
        "token_id": _token(world).pk,
        "notification_id": _notification(world).pk,
        "meeting_id": _meeting(world).pk,
        "committee_id": _committee(world).pk,
        "post_id": _committee(world).posts.get().pk,
        "change_id": _change(world).pk,
        "decision": "approve",
        "payment_id": _payment(world).pk,
        "remittance_id": _remittance(world).pk,
        "youth_id": _youth(world).pk,
        "referral_id": _referral(world).pk,
        "directive_id": _directive(world).pk,
        "attachment_id": _attachment(world).pk,
        "return_campaign_id": _return_campaign(world).pk,
        "activity_id": _activity(world).pk,
        "good_model_id": _good_model(world).pk,
        "campaign_id": _campaign(world).pk,
        "kind": "removed",
        "year": YEAR,
        "scheme": "strong_branch",
        # Statistics returns: the half-year campaign, form 6 (typed).
        "period": "h1",
        "number": 6,
        "evidence_id": _evidence(world).pk,
        "introduction_id": _introduction(world).pk,
    }


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("admin/", "api/")):
                continue
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield p, prefix + str(p.pattern), namespace


def site_urls():
    """(name with its namespace, route, converters) of every page of the site."""
    return [
        (namespace + p.name, route, p.pattern.converters)
        for p, route, namespace in _walk(get_resolver().url_patterns)
    ]


def _snapshot():
    return (
        list(Payment.objects.order_by("pk").values()),
        list(Remittance.objects.order_by("pk").values()),
        list(Unit.objects.order_by("pk").values_list("pk", "name", "path", "is_active")),
        list(Member.objects.order_by("pk").values()),
        list(RoleGrant.objects.order_by("pk").values_list("pk", "user_id", "unit_id", "role")),
        list(Transfer.objects.order_by("pk").values()),
        list(AdmissionRequest.objects.order_by("pk").values()),
        list(Youth.objects.order_by("pk").values()),
        list(Referral.objects.order_by("pk").values()),
        # The "1+1" report's survey, review notes, reports sent, extensions and settings.
        list(Survey.objects.order_by("pk").values()),
        list(ReviewNote.objects.order_by("pk").values()),
        list(ReportSent.objects.order_by("pk").values()),
        list(ReportExtension.objects.order_by("pk").values()),
        list(ReferralSettings.objects.order_by("pk").values()),
        list(CardRange.objects.order_by("pk").values()),
        list(Job.objects.order_by("pk").values()),
        list(DuplicateIdReport.objects.order_by("pk").values()),
        list(ChangeRequest.objects.order_by("pk").values()),
        list(Meeting.objects.order_by("pk").values()),
        list(Committee.objects.order_by("pk").values()),
        list(Award.objects.order_by("pk").values()),
        list(Discipline.objects.order_by("pk").values()),
        list(Post.objects.order_by("pk").values()),
        list(Attendance.objects.order_by("pk").values()),
        list(CommitteeAttendance.objects.order_by("pk").values()),
        list(Framework.objects.order_by("pk").values()),
        list(Criterion.objects.order_by("pk").values()),
        list(Deadline.objects.order_by("pk").values()),
        list(Directive.objects.order_by("pk").values()),
        list(Receipt.objects.order_by("pk").values()),
        list(Attachment.objects.order_by("pk").values()),
        list(Return.objects.order_by("pk").values()),
        list(ReturnCampaign.objects.order_by("pk").values()),
        list(FormDefinition.objects.order_by("pk").values_list("pk", "owner_id", "number")),
        # The member statistics' ledger and the indicators' targets and figures
        # (member_stats: units/<id>/member-statistics, units/<id>/indicators/<year>/…).
        list(MemberStatDelta.objects.order_by("pk").values_list()),
        list(IndicatorTarget.objects.order_by("pk").values_list()),
        list(IndicatorValue.objects.order_by("pk").values_list()),
        list(Activity.objects.order_by("pk").values()),
        list(Participation.objects.order_by("pk").values()),
        list(GoodModel.objects.order_by("pk").values()),
        list(YearlyReport.objects.order_by("pk").values()),
        list(Campaign.objects.order_by("pk").values()),
        list(CriterionLink.objects.order_by("pk").values()),
        # The members' rating policies a unit sets for its subtree, the ratings and the Party
        # introductions (evaluations: units/<id>/rating-policy/, …/ratings/…).
        list(RatingPolicy.objects.order_by("pk").values()),
        list(MemberRating.objects.order_by("pk").values()),
        list(PartyIntroduction.objects.order_by("pk").values()),
        # The settling of duplicate ID-number reports and the programme's progress notes.
        list(DuplicateIdReport.objects.order_by("pk").values()),
        list(ProgressNote.objects.order_by("pk").values()),
        # "This was not me" reports closed, monthly themes and the units' own schemes.
        list(NotMeReport.objects.order_by("pk").values()),
        list(Theme.objects.order_by("pk").values()),
        list(Scheme.objects.order_by("pk").values_list("pk", "unit_id", "code", "year")),
        # The sign-ins last: the account pages' test reads the sessions and notifications as
        # the last two.
        list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "digest")),
        sorted(Session.objects.exclude(user=None).values_list("session_key", "user_id")),
        list(Notification.objects.order_by("pk").values_list("pk", "user_id", "read_at")),
    )


def test_every_site_url_is_known_to_this_matrix(world):
    kwargs = _object_kwargs(world)
    for name, route, _converters in site_urls():
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if name in PUBLIC | PERSONAL | OWN | SELF:
            continue
        assert params, f"URL {route} ({name}) takes no object: list it in PUBLIC if it is public"
        for param in params:
            assert param in kwargs, f"URL {route}: add '{param}' to the permission matrix"


def _scoped_urls(world):
    kwargs = _object_kwargs(world)
    for name, route, _c in site_urls():
        if name in PUBLIC | PERSONAL | OWN | SELF:
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        yield name, reverse(name, kwargs={p: kwargs[p] for p in params})


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_nothing_from_any_page(client, world, method):
    client.force_login(world.outsider)
    _transfer(world)  # exists before the snapshot
    _admission(world)
    _referral(world)
    _card_range(world)
    _job(world)
    _duplicate_report(world)
    _change_request(world)
    _session(world)
    _token(world)
    _notification(world)
    _meeting(world)
    _committee(world)
    _change(world)
    _payment(world)
    _remittance(world)
    _directive(world)
    _return_campaign(world)
    _activity(world)
    _good_model(world)
    _campaign(world)
    _introduction(world)
    _not_me(world)
    before = _snapshot()
    for name, url in _scoped_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404, 405), f"{method.upper()} {url} ({name})"
        assert world.member2.full_name not in response.content.decode()
    assert _snapshot() == before
    # Nothing recorded of what he tried, besides his own log-in (accounts/sign_ins.py).
    assert (
        not AuditEvent.objects.filter(actor=world.outsider)
        .exclude(action="account.logged_in")
        .exists()
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_member_gets_nothing_but_himself(client, world, method):
    client.force_login(world.member_user)
    _transfer(world)  # exists before the snapshot
    _admission(world)
    _referral(world)
    _card_range(world)
    _job(world)
    _duplicate_report(world)
    _change_request(world)
    _session(world)
    _token(world)
    _notification(world)
    _meeting(world)
    _committee(world)
    _change(world)
    _payment(world)
    _remittance(world)
    _directive(world)
    _return_campaign(world)
    _activity(world)
    _good_model(world)
    _campaign(world)
    _introduction(world)
    _not_me(world)
    before = _snapshot()
    for name, url in _scoped_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404, 405), f"{method.upper()} {url} ({name})"
    assert _snapshot() == before
    own = client.get(reverse("members:member-detail", args=[world.member.pk]))
    assert own.status_code == 200
    assert world.member.full_name in own.content.decode()
    edit = client.get(reverse("members:member-edit", args=[world.member.pk]))
    assert edit.status_code == 403


def _photo(member) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 40, 40)).save(picture, "PNG")
    member_photo_set(
        actor=None, member=member, upload=SimpleUploadedFile("a.png", picture.getvalue())
    )


def test_the_secretary_reaches_every_page_of_her_branch(client, world):
    """The other side: the same URLs work for someone in scope (so the 404s above mean scope)."""
    client.force_login(world.secretary)
    _photo(world.member2)  # a member without a photo has none to show (404)
    for name, url in _scoped_urls(world):
        if name in {
            "units:unit-create",
            "units:unit-edit",
            "units:unit-move",
            "units:unit-merge",
            "units:unit-deactivate",
            "units:unit-reactivate",
            "units:unit-tree-import",
            "units:unit-tree-template",
            "units:unit-audit",
            "accounts:user-invite",
            "accounts:role-grant",
            "accounts:role-revoke",
            "members:unit-duplicates",
            "members:duplicate-detail",
            "member_accounts:not-me-list",
            "dues:exemption",
            "directives:directive-publish",
            "directives:directive-edit",
            "evaluations:introduction-step",
        } or name.startswith("returns:"):
            # Managing the tree and roles, settling duplicate ID numbers, the base union's
            # "this was not me" reports, exempting from dues and publishing directives (to the
            # units below: a branch has none) or changing their drafts, and recording a Party
            # introduction's later steps are for the cadres above her; statistics returns are
            # filed by unions, not by branches (tests/returns).
            continue
        response = client.get(url)
        assert response.status_code in (200, 405), f"GET {url} ({name})"


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for name, url in _scoped_urls(world):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], name


def test_personal_pages_show_only_the_users_own_record(client, world):
    for name in PERSONAL:
        client.force_login(world.outsider)  # no member record
        assert client.get(reverse(name)).status_code == 404
        client.force_login(world.member_user)
        response = client.get(reverse(name), follow=True)
        assert response.status_code == 200
        assert world.member.full_name in response.content.decode()
        assert world.member2.full_name not in response.content.decode()


def test_lists_of_ones_own_show_nothing_of_anyone_else(client, world):
    job = _job(world)
    for name in OWN:
        client.force_login(world.outsider)
        assert str(job.pk) not in client.get(reverse(name)).content.decode()
        client.force_login(world.secretary)
        assert str(job.pk) in client.get(reverse(name)).content.decode()


def test_ones_own_account_pages_touch_nobody_else(client, world):
    """The account pages show and end only the signed-in user's sessions and tokens."""
    ref, token = _session(world), _token(world)
    before = _snapshot()
    for name in SELF:
        client.logout()
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"], name
        client.force_login(world.outsider)
        page = client.get(reverse(name))
        assert page.status_code in (200, 405), name
        assert ref not in page.content.decode()
        assert reverse("accounts:token-revoke", args=[token.pk]) not in page.content.decode()
    client.post(reverse("accounts:password-change"), {"old_password": "x"})
    client.post(reverse("accounts:sign-out-everywhere"))
    assert [row for row in _snapshot()[-2] if row[1] == world.secretary.pk] == [
        row for row in before[-2] if row[1] == world.secretary.pk
    ]
    assert [row for row in _snapshot()[-1] if row[1] == world.secretary.pk] == [
        row for row in before[-1] if row[1] == world.secretary.pk
    ]


def test_an_invitation_link_shows_nothing_of_any_unit(client, world):
    secret = invitation_issue(actor=None, user=world.outsider)
    response = client.get(reverse("accounts:invitation-accept", args=[secret]))
    assert response.status_code == 200
    assert world.branch.name not in response.content.decode()


# --- The API ----------------------------------------------------------------------------------


def api_operations():
    from doanvien.api.api import api

    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method in item:
            yield method, path


API_PUBLIC = {("post", "/api/v1/auth/token"), ("post", "/api/v1/auth/activate")}
# Operations on the caller's own sign-ins: his token, his tokens and sessions.
API_SELF = {
    ("get", "/api/v1/me/todo"),
    ("get", "/api/v1/me/directives"),
    ("get", "/api/v1/me/activities"),
    ("get", "/api/v1/me/notifications"),
    ("put", "/api/v1/me/notification-settings"),
    ("post", "/api/v1/me/notifications/read-all"),
    ("get", "/api/v1/me/first-login-notice"),
    ("post", "/api/v1/me/first-login-notice"),
    ("delete", "/api/v1/auth/token"),
    ("get", "/api/v1/auth/sessions"),
    ("delete", "/api/v1/auth/sessions"),
    # One of his own by its id (filled below with the secretary's: 404 for anyone else).
    ("delete", "/api/v1/auth/tokens/{token_id}"),
    ("delete", "/api/v1/auth/sessions/{session_ref}"),
}


def _api_url(world, path: str) -> str:
    """Fill the path's ids with objects inside the secretary's branch."""

    def fill(match):
        name = match.group(1)
        head = path[: match.start()]
        if name in {"id", "unit_id"} and re.search(r"/units/$", head):
            return str(world.branch.pk)
        if name in {"id", "member_id"} and re.search(r"/members/$", head):
            return str(world.member2.pk)
        if name in {"id", "transfer_id"} and re.search(r"/transfers/$", head):
            return str(_transfer(world).pk)
        if name == "admission_id":
            return str(_admission(world).pk)
        if name == "youth_id":
            return str(_youth(world).pk)
        if name == "referral_id":
            return str(_referral(world).pk)
        if name == "range_id":
            return str(_card_range(world).pk)
        if name == "job_id":
            return str(_job(world).pk)
        if name == "notification_id":
            return str(_notification(world).pk)
        if name == "request_id":
            return str(_change_request(world).pk)
        if name == "meeting_id":
            return str(_meeting(world).pk)
        if name == "committee_id":
            return str(_committee(world).pk)
        if name == "change_id":
            return str(_change(world).pk)
        if name == "payment_id":
            return str(_payment(world).pk)
        if name == "remittance_id":
            return str(_remittance(world).pk)
        if name == "grant_id":
            return str(RoleGrant.objects.get(user=world.secretary, unit=world.branch).pk)
        if name == "year":
            return str(YEAR)
        if name == "scheme":
            return "strong_branch"
        if name == "directive_id":
            return str(_directive(world).pk)
        if name == "return_campaign_id":
            return str(_return_campaign(world).pk)
        if name == "period":
            return "h1"
        if name == "number":
            return "6"
        if name == "activity_id":
            return str(_activity(world).pk)
        if name == "campaign_id":
            return str(_campaign(world).pk)
        if name == "introduction_id":
            return str(_introduction(world).pk)
        if name == "criterion_id":
            return str(_criterion(world).pk)
        if name == "evidence_id":
            return str(_evidence(world).pk)
        if name == "not_me_id":
            return str(_not_me(world).pk)
        if name == "report_id":
            return str(_duplicate_report(world).pk)
        if name == "good_model_id":
            return str(_good_model(world).pk)
        if name == "post_id":
            return str(_committee(world).posts.order_by("pk").first().pk)
        if name == "token_id":
            return str(_token(world).pk)
        if name == "session_ref":
            return _session(world)
        raise AssertionError(f"API path {path}: add '{name}' to the permission matrix")

    return re.sub(r"\{(\w+)\}", fill, path)


def test_every_api_operation_is_known_to_this_matrix(world):
    for method, path in api_operations():
        if (method, path) in API_PUBLIC | API_SELF:
            continue
        assert "{" in path or path == "/api/v1/me", f"{method} {path}: unscoped operation"
        _api_url(world, path)


@pytest.mark.parametrize("who", ["outsider", "member_user"])
def test_no_api_operation_gives_them_anything(client, world, who):
    token = api_token_issue(user=getattr(world, who))
    headers = {"Authorization": f"Bearer {token}"}
    _transfer(world)  # exists before the snapshot
    _admission(world)
    _referral(world)
    _card_range(world)
    _job(world)
    _duplicate_report(world)
    _change_request(world)
    _session(world)
    _token(world)
    _notification(world)
    _meeting(world)
    _committee(world)
    _change(world)
    _payment(world)
    _remittance(world)
    _criterion(world)
    _directive(world)
    _return_campaign(world)
    _activity(world)
    _good_model(world)
    _campaign(world)
    _introduction(world)
    _not_me(world)
    before = _snapshot()
    for method, path in api_operations():
        if (method, path) in API_PUBLIC or "{" not in path:
            continue
        url = _api_url(world, path)
        response = getattr(client, method)(
            url, data={}, content_type="application/json", headers=headers
        )
        assert response.status_code in (403, 404), f"{who}: {method.upper()} {url}"
        assert world.member2.full_name not in response.content.decode()
    assert _snapshot() == before


def test_every_api_operation_requires_a_token(client, world):
    for method, path in api_operations():
        if (method, path) in API_PUBLIC:
            continue
        url = _api_url(world, path) if "{" in path else path
        response = getattr(client, method)(url, data={}, content_type="application/json")
        assert response.status_code == 401, f"{method.upper()} {url}"


@pytest.mark.parametrize("who", ["outsider", "member_user"])
def test_the_sign_in_operations_touch_only_the_callers_own(client, world, who):
    ref, token = _session(world), _token(world)
    headers = {"Authorization": f"Bearer {api_token_issue(user=getattr(world, who))}"}
    listed = client.get("/api/v1/auth/sessions", headers=headers).json()
    assert token.pk not in [t["id"] for t in listed["tokens"]]
    assert ref not in [s["id"] for s in listed["sessions"]]
    assert client.delete("/api/v1/auth/sessions", headers=headers).status_code == 204
    headers = {"Authorization": f"Bearer {api_token_issue(user=getattr(world, who))}"}
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/auth/sessions/{ref}", headers=headers).status_code == 404
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert Session.objects.filter(user=world.secretary).count() == 1

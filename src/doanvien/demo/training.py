"""Invented training-programme activity for the demo province, written through the services:
last programme year assessed and mostly recognised, the current one being registered."""

import random
from datetime import date, timedelta
from decimal import Decimal

from doanvien.accounts.models import RoleGrant
from doanvien.members.models import Member, Status
from doanvien.training.models import Deadline, Registration
from doanvien.training.rules import programme_year_span
from doanvien.training.selectors import criteria_offered, framework_for
from doanvien.training.services.assessment import assessment_record, self_assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_return,
    registration_save,
    registration_submit,
)
from doanvien.training.services.results import branch_results_recognise, branch_results_submit
from doanvien.units.models import Unit

PLANS = [
    "Tham gia đầy đủ các buổi sinh hoạt chi đoàn và ghi chép nội dung.",
    "Mỗi tháng đọc ít nhất một tài liệu và chia sẻ lại với chi đoàn.",
    "Đăng ký tham gia chiến dịch tình nguyện hè của đơn vị.",
    "Tập thể dục buổi sáng 3 lần mỗi tuần, tham gia giải chạy của phường.",
    "Học thêm một khóa tin học văn phòng trực tuyến.",
    "Vận động ít nhất một bạn thanh niên tham gia sinh hoạt Hội.",
    "Tham gia lớp bồi dưỡng lý luận chính trị do Đoàn cấp trên tổ chức.",
    "Giữ gìn nếp sống văn minh, không vi phạm luật giao thông.",
    "Đề xuất một sáng kiến cải tiến cách làm trong công việc được giao.",
    "Tham gia câu lạc bộ kỹ năng, rèn luyện kỹ năng thuyết trình.",
    "Theo dõi thời sự hằng ngày trên báo chí chính thống.",
    "Đóng đoàn phí đầy đủ, đúng hạn.",
]
COMMENTS = [
    "Tích cực tham gia hoạt động, hoàn thành tốt các nội dung đăng ký.",
    "Có tinh thần trách nhiệm, cần chủ động hơn trong sinh hoạt.",
    "Hoàn thành các nội dung đã đăng ký, tham gia đầy đủ sinh hoạt.",
    "Gương mẫu, nhiệt tình trong các phong trào của chi đoàn.",
    "Chưa tham gia đầy đủ sinh hoạt chi đoàn, cần cố gắng hơn.",
]
# Base unions whose branches run the programme in the demo (codes of demo.vocab's tree).
ACTIVE_BASES = ("SX-BN-LQD", "SX-BN-AP")


def _deadlines(province: Unit) -> None:
    rows = [
        (2026, "registration", "", date(2025, 11, 15), date(2026, 1, 31)),
        (2026, "registration", "school", date(2025, 5, 15), None),
        (2026, "new_member_registration", "", date(2026, 5, 30), None),
        (2026, "evaluation", "", date(2026, 10, 15), None),
        (2026, "evaluation", "school", date(2026, 5, 15), None),
        (2026, "recognition", "", date(2026, 11, 30), None),
        (2027, "registration", "", date(2026, 11, 15), date(2026, 12, 31)),
        (2027, "registration", "school", date(2026, 10, 15), None),
        (2027, "evaluation", "", date(2027, 10, 15), None),
        (2027, "evaluation", "school", date(2027, 5, 15), None),
    ]
    for year, kind, sector, due, extended in rows:
        Deadline.objects.create(
            unit=province, year=year, kind=kind, sector=sector, due_on=due, extended_to=extended
        )


def _items(rng: random.Random, member: Member, year: int) -> list[dict]:
    """Criteria offered to the member (his branch's sector, his group), at least his group's
    minimum, with every mandatory one and some in each area."""
    branch = member.branch
    framework = framework_for(branch, year)
    criteria = list(criteria_offered(member, framework=framework, branch=branch, year=year))
    first, last = programme_year_span(year, branch.sector)
    chosen = [c for c in criteria if c.mandatory]
    for area in framework.areas.all():
        pool = [c for c in criteria if c.area_code == area.code and c not in chosen]
        chosen += rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3))))
    rest = [c for c in criteria if c not in chosen]
    minimum = framework.min_criteria_for(member.audience)
    chosen += rng.sample(rest, max(0, minimum - len(chosen)))
    span = (last - first).days
    return [
        {
            "criterion": c.pk,
            "plan": rng.choice(PLANS),
            "target_date": first + timedelta(days=rng.randint(span // 3, span)),
        }
        for c in chosen
    ]


def _points(rng: random.Random) -> dict[str, Decimal]:
    base = rng.choices([19, 17, 15, 12], weights=[35, 45, 15, 5])[0]
    return {code: Decimal(min(20, max(8, base + rng.choice((-1, 0, 0, 1))))) for code in "12345"}


def _run_year_done(rng, members, year, branches, secretary_of) -> None:
    for member in members:
        if member.joined_union_on > programme_year_span(year, member.branch.sector)[1]:
            continue  # not a member yet that year
        if rng.random() < 0.04:
            continue  # did not register: classified as incomplete
        registration = registration_save(
            actor=member_user(member), member=member, year=year, items=_items(rng, member, year)
        )
        registration_submit(
            actor=None,
            registration=registration,
            today=date(year - 1, 11, 10)
            if member.branch.sector != "school"
            else date(year - 1, 5, 10),
        )
        actor = secretary_of.get(member.branch_id)
        registration_approve(actor=reviewer_of(member, actor), registration=registration)
        # A few days before the evaluation deadline: inside the assessment window.
        assessed_on = date(year, 5, 10) if member.branch.sector == "school" else date(year, 10, 10)
        self_assessment_record(
            actor=None,
            registration=registration,
            areas=_points(rng),
            comment="",
            today=assessed_on - timedelta(days=3),
        )
        assessment_record(
            actor=actor,
            registration=registration,
            areas=_points(rng),
            comment=rng.choice(COMMENTS),
            today=assessed_on,
        )
    for i, branch in enumerate(branches):
        if i % 7 == 6:
            continue  # still assessing
        branch_results_submit(actor=secretary_of.get(branch.pk), branch=branch, year=year)
        if i % 5 != 4:
            branch_results_recognise(actor=None, branch=branch, year=year)


def _run_year_started(rng, members, year, secretary_of) -> None:
    for member in members:
        roll = rng.random()
        if roll < 0.35:
            continue  # not registered yet
        registration = registration_save(
            actor=None, member=member, year=year, items=_items(rng, member, year)
        )
        if roll < 0.5:
            continue  # a draft
        registration_submit(actor=None, registration=registration, today=date(2026, 11, 10))
        if roll < 0.7:
            continue  # waiting for review
        if roll < 0.75:
            registration_return(
                actor=reviewer_of(member, secretary_of.get(member.branch_id)),
                registration=registration,
                comment="Bổ sung giải pháp cụ thể cho từng tiêu chí.",
            )
            continue
        registration_approve(
            actor=reviewer_of(member, secretary_of.get(member.branch_id)), registration=registration
        )


def member_user(member: Member):
    return getattr(member, "user", None)


def reviewer_of(member: Member, secretary):
    """The secretary reviews her branch's registrations, but not her own (the base union
    does: nobody approves himself)."""
    if secretary is not None and secretary.member_id == member.pk:
        return None
    return secretary


def load_training(*, province: Unit, seed: int = 1) -> int:
    rng = random.Random(seed)
    _deadlines(province)
    branches = list(
        Unit.objects.filter(kind=Unit.Kind.BRANCH, path__startswith=province.path)
        .filter(code__regex=r"^(" + "|".join(ACTIVE_BASES) + r")-")
        .order_by("path")
    )
    members = list(
        Member.objects.filter(branch__in=branches, status=Status.ACTIVE)
        .select_related("branch")
        .order_by("pk")
    )
    secretary_of = {}
    for grant in RoleGrant.objects.filter(unit__in=branches, role="secretary"):
        secretary_of[grant.unit_id] = grant.user
    _run_year_done(rng, members, 2026, branches, secretary_of)
    _run_year_started(rng, members, 2027, secretary_of)
    return Registration.objects.count()

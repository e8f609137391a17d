"""PUT .../registrations/{year}/assessment: the branch scores the member; the total and the
level follow."""

from datetime import date

from django.utils import timezone

from doanvien.members.models import Member
from doanvien.training.models import Deadline, Registration
from doanvien.training.rules import add_months

from ..conftest import fields
from .conftest import AREAS, YEAR, bring_to, registration_url, snapshot


def assess(client, member, areas, **extra):
    return client.put(registration_url(member, "assessment"), {"areas": areas, **extra})


def test_the_secretary_assesses_and_the_level_follows(api_client, world):
    bring_to(world, "approved")

    response = assess(
        api_client(world.secretary),
        world.member,
        {"1": 18, "2": "17,5", "3": 17, "4": 19, "5": 18},
        comment="Tích cực",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["total"] == 89.5 and body["level"] == "good"
    assert body["comment"] == "Tích cực" and body["areas"]["2"] == 17.5
    registration = Registration.objects.get()
    assert str(registration.total) == "89.5" and registration.assessed_by == world.secretary


def test_the_total_is_a_number_with_one_decimal(api_client, world):
    bring_to(world, "approved")

    response = assess(api_client(world.secretary), world.member, AREAS)

    assert response.json()["level"] == "excellent"
    assert '"total": 90.0' in response.content.decode()


def test_every_level_can_be_reached(api_client, world):
    bring_to(world, "approved")
    client = api_client(world.secretary)
    levels = {}
    for total, areas in {
        70: {"1": 14, "2": 14, "3": 14, "4": 14, "5": 14},
        69.9: {"1": 14, "2": 14, "3": 14, "4": 14, "5": "13.9"},
        80: {"1": 16, "2": 16, "3": 16, "4": 16, "5": 16},
    }.items():
        levels[total] = assess(client, world.member, areas).json()["level"]

    assert levels == {70: "complete", 69.9: "incomplete", 80: "good"}


def test_a_member_admitted_too_recently_is_not_classified(api_client, world):
    bring_to(world, "approved")
    Member.objects.filter(pk=world.member.pk).update(joined_union_on=date.today())

    response = assess(api_client(world.secretary), world.member, AREAS)

    assert response.status_code == 200
    assert response.json()["level"] == "not_classified"
    assert response.json()["total"] == 90.0


def test_bad_points_are_named_per_area_and_nothing_is_saved(api_client, world):
    bring_to(world, "approved")
    before = snapshot()

    response = assess(api_client(world.secretary), world.member, {**AREAS, "1": 21, "2": "abc"})

    assert response.status_code == 400
    assert set(fields(response)) == {"areas.1", "areas.2"}
    assert snapshot() == before


def test_without_points_every_area_is_named(api_client, world):
    bring_to(world, "approved")

    response = api_client(world.secretary).put(registration_url(world.member, "assessment"), {})

    assert response.status_code == 400
    assert fields(response) == ["areas.1", "areas.2", "areas.3", "areas.4", "areas.5"]


def test_a_registration_not_approved_gets_409(api_client, world):
    bring_to(world, "submitted")
    before = snapshot()

    response = assess(api_client(world.secretary), world.member, AREAS)

    assert response.status_code == 409
    assert snapshot() == before


def test_submitted_results_lock_the_assessment(api_client, world):
    bring_to(world, "results_submitted")
    before = snapshot()

    response = assess(api_client(world.secretary), world.member, {**AREAS, "1": 5})

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Kết quả năm {YEAR} của {world.branch.name} đã gửi lên {world.base.name}; "
        f"chỉ khi {world.base.name} trả lại mới sửa được.",
        "errors": [],
    }
    assert snapshot() == before


def test_the_member_cannot_assess_himself(api_client, world):
    bring_to(world, "approved")
    before = snapshot()

    response = assess(api_client(world.member_user), world.member, AREAS)

    assert response.status_code == 403
    assert snapshot() == before


def test_the_base_cadre_cannot_assess(api_client, world):
    bring_to(world, "approved")

    response = assess(api_client(world.base_cadre), world.member, AREAS)

    assert response.status_code == 403
    assert Registration.objects.get().total is None


def test_the_outsider_gets_404(api_client, world):
    bring_to(world, "approved")

    response = assess(api_client(world.outsider), world.member, AREAS)

    assert response.status_code == 404
    assert Registration.objects.get().total is None


def test_points_with_two_decimals_are_refused_not_rounded(api_client, world):
    bring_to(world, "approved")
    before = snapshot()

    # 17.95 + 4 × 18 is 89.95: rounding the area to 18.0 would make it an excellent 90.0.
    response = assess(
        api_client(world.secretary), world.member, {"1": 17.95, "2": 18, "3": 18, "4": 18, "5": 18}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "areas.1",
            "message": "Điểm nội dung 1 có nhiều nhất một chữ số thập phân (ví dụ 17,5).",
        }
    ]
    assert snapshot() == before


def test_before_the_assessment_window_it_is_refused_with_the_opening_day(api_client, world):
    bring_to(world, "approved")
    # The evaluation deadline three months away: assessment opens two months before it.
    due = add_months(timezone.localdate(), 3)
    Deadline.objects.create(unit=world.base, year=YEAR, kind="evaluation", due_on=due)
    before = snapshot()

    response = assess(api_client(world.secretary), world.member, AREAS)

    assert response.status_code == 400
    opens = add_months(due, -2).strftime("%d/%m/%Y")
    assert response.json()["errors"] == [
        {"field": "__all__", "message": f"Việc đánh giá năm {YEAR} bắt đầu từ ngày {opens}."}
    ]
    assert snapshot() == before

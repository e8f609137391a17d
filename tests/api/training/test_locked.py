"""Any change to a registration or an assessment of a year whose results are submitted or
recognised answers 409, like the other refusals due to the state of things, with a message that
names the real state."""

import pytest

from doanvien.training.models import Registration
from doanvien.training.services.registrations import registration_save

from .conftest import AREAS, YEAR, bring_to, complete_items, registration_url, snapshot

MESSAGES = {
    "results_submitted": (
        "Kết quả năm 2026 của Chi đoàn 12A1 đã gửi lên Đoàn trường THPT Tân An; chỉ khi Đoàn "
        "trường THPT Tân An trả lại mới sửa được."
    ),
    "recognised": (
        "Kết quả năm 2026 của Chi đoàn 12A1 đã được công nhận; chỉ khi đơn vị cấp trên mở lại "
        "mới sửa được."
    ),
}

# (who, method, the member whose registration, the action, the body, member2's state first)
WRITES = {
    "save": ("secretary", "put", "member2", "", {"items": "complete"}, "draft"),
    "submit": ("secretary", "post", "member2", "submit", None, "returned"),
    "approve": ("secretary", "post", "member2", "approve", None, "submitted"),
    "return": ("secretary", "post", "member2", "return", {"comment": "Sửa"}, "submitted"),
    "self-assess": ("member_user", "put", "member", "self-assessment", {"areas": AREAS}, None),
    "assess": ("secretary", "put", "member", "assessment", {"areas": AREAS}, None),
}


@pytest.mark.parametrize("stage", list(MESSAGES))
@pytest.mark.parametrize("write", list(WRITES))
def test_a_change_to_a_locked_year_gets_409_naming_the_state(
    api_client, world, personas, write, stage
):
    who, method, whose, action, body, state = WRITES[write]
    member2 = world.member2
    registration_save(actor=None, member=member2, year=YEAR, items=complete_items(member2))
    bring_to(world, stage)
    if state:
        Registration.objects.filter(member=member2).update(state=state)
    if body == {"items": "complete"}:
        body = {"items": complete_items(member2)}
    member = getattr(world, whose)
    before = snapshot()

    client = api_client(personas[who])
    response = getattr(client, method)(registration_url(member, action), body or {})

    assert response.status_code == 409, response.json()
    assert response.json() == {"detail": MESSAGES[stage], "errors": []}
    assert snapshot() == before


def test_the_assessment_opens_again_once_the_results_are_returned(api_client, world, personas):
    bring_to(world, "results_submitted")
    base = api_client(world.base_cadre)
    base.post(f"/api/v1/units/{world.branch.pk}/results/{YEAR}/return", {"comment": "Xem lại"})

    response = api_client(world.secretary).put(
        registration_url(world.member, "assessment"), {"areas": {**AREAS, "1": 10}}
    )

    assert response.status_code == 200 and response.json()["level"] == "good"

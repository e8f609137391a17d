"""The member card with its QR code, and the public page the code opens: only the name, the
branch, the base union, whether he is a member today and the date checked."""

import re

import segno
from django.test import Client
from django.urls import reverse

from doanvien.actions.members import member_update
from doanvien.members.card_tokens import card_token

PRIVATE = ("id_number", "date_of_birth", "phone")


def verify_path(member) -> str:
    return reverse("members:card-verify", args=[card_token(member)])


def private_values(member) -> list[str]:
    return [
        member.id_number,
        member.date_of_birth.strftime("%d/%m/%Y"),
        member.date_of_birth.isoformat(),
        member.phone,
    ]


def test_the_member_sees_his_card_with_a_qr_code_of_the_verification_address(client, world):
    client.force_login(world.member_user)
    page = client.get(reverse("members:member-card", args=[world.member.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg viewBox="0 0' in html and 'class="qr"' in html
    face = page.context["face"]
    assert face["verify_url"] == "http://testserver" + verify_path(world.member)
    assert world.base.name in html and world.branch.name in html
    assert world.member.member_code in html
    # The modules drawn are those of the verification address (and nothing else).
    code = segno.make(face["verify_url"], error="m", micro=False)
    expected = code.svg_inline(border=4, light="#fff")
    assert _modules(str(face["qr_svg"])) == _modules(expected)


def _modules(svg: str) -> list[str]:
    return re.findall(r'<path[^>]* d="([^"]+)"', svg)


def test_an_outsider_verifies_a_card_and_sees_nothing_private(world):
    outsider = Client()  # not signed in
    page = outsider.get(verify_path(world.member))
    html = page.content.decode()
    assert page.status_code == 200
    assert world.member.full_name in html and world.branch.name in html
    assert world.base.name in html
    assert page.context["status"] == "active"
    for value in private_values(world.member):
        assert value not in html
    assert world.member.member_code not in html


def test_the_json_answer_has_three_fields(world):
    response = Client().get(verify_path(world.member), headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {
        "full_name": world.member.full_name,
        "branch": world.branch.name,
        "status": "active",
    }


def test_a_member_who_left_is_answered_as_no_longer_a_member(world):
    member_update(actor=None, member=world.member, data={"status": "removed"})
    response = Client().get(verify_path(world.member), headers={"Accept": "application/json"})
    assert response.json()["status"] == "not_member"
    page = Client().get(verify_path(world.member))
    assert page.context["status"] == "not_member"


def test_a_tampered_token_is_refused_clearly(world):
    token = card_token(world.member)
    # another record's id under this token's signature
    forged = f"{world.member2.pk}:{token.split(':', 1)[1]}"
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (changed, forged, "made-up", token.split(":")[0]):
        page = Client().get(reverse("members:card-verify", args=[bad]))
        assert page.status_code == 400
        assert world.member.full_name not in page.content.decode()
        assert page.context["problem"]
        answer = Client().get(
            reverse("members:card-verify", args=[bad]), headers={"Accept": "application/json"}
        )
        assert answer.status_code == 400 and answer.json()["detail"]


def test_the_verification_page_is_rate_limited_per_address(world, settings):
    settings.VERIFY_LIMIT = 3
    path = verify_path(world.member)
    here, there = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    assert [here.get(path).status_code for _ in range(3)] == [200, 200, 200]
    refused = here.get(path, HTTP_ACCEPT="application/json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "quá nhiều thẻ" in refused.json()["detail"]  # in Vietnamese by default
    assert world.member.full_name not in refused.content.decode()
    # Another connection is not slowed down by the first.
    assert there.get(path).status_code == 200

"""GET /api/v1/members/{id}/card: the number, the verification address and its QR code."""

from django.urls import reverse

from doanvien.members.card_tokens import card_token


def test_the_member_reads_his_card(api_client, world):
    response = api_client(world.member_user).get(f"/api/v1/members/{world.member.pk}/card")
    body = response.json()
    assert response.status_code == 200
    path = reverse("members:card-verify", args=[card_token(world.member)])
    assert body["verify_url"] == "http://testserver" + path
    assert body["qr_svg"].startswith("<svg") and body["number"] is None


def test_another_member_answers_404(api_client, world):
    response = api_client(world.member_user).get(f"/api/v1/members/{world.member2.pk}/card")
    assert response.status_code == 404
    assert world.member2.full_name not in response.content.decode()

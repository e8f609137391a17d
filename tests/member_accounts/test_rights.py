"""A member account has exactly the member's rights: his record, his registration, his
transfers; nothing of anyone else, and no unit page."""

from django.urls import reverse

from doanvien.accounts.models import User
from doanvien.members.models import Transfer

from .conftest import activate_form


def test_an_activated_account_reaches_his_own_and_nothing_else(client, world, code2):
    activate_form(client, code2, world.member2.date_of_birth)
    user = User.objects.get(member=world.member2)
    client.post(reverse("member_accounts:notice"), {"answer": "me"})
    own = world.member2.pk
    assert client.get(reverse("members:member-detail", args=[own])).status_code == 200
    assert client.get(reverse("members:member-edit", args=[own])).status_code == 403
    training = client.get(reverse("training:my-training"), follow=True)
    assert training.status_code == 200
    assert world.member2.full_name in training.content.decode()
    response = client.post(
        reverse("members:member-transfer", args=[own]),
        {"kind": "transfer", "to_unit": world.other_branch.code, "reason": "Chuyển nơi ở"},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(member=world.member2)
    assert client.get(reverse("members:transfer-detail", args=[transfer.pk])).status_code == 200
    for url in [
        reverse("members:member-detail", args=[world.member.pk]),
        reverse("members:member-transfer", args=[world.member.pk]),
        reverse("units:unit-detail", args=[world.branch.pk]),
        reverse("members:member-list", args=[world.branch.pk]),
        reverse("member_accounts:unit-codes", args=[world.branch.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert not user.roles.exists()

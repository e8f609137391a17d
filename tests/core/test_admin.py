import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "name",
    [
        "units_unit",
        "members_member",
        "accounts_user",
        "accounts_rolegrant",
        "core_auditevent",
        "units_level",
        "members_duplicateidreport",
        "youth_referralsettings",
    ],
)
def test_the_superuser_browses_the_admin(client, world, name):
    client.force_login(world.superuser)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_admin_is_closed_to_cadres(client, world):
    client.force_login(world.province_cadre)
    response = client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_does_not_show_id_numbers(client, world):
    client.force_login(world.superuser)
    html = client.get(reverse("admin:members_member_change", args=[world.member.pk])).content
    assert world.member.id_number.encode() not in html

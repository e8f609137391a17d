from django.urls import reverse

from doanvien.accounts.models import RoleGrant, User
from doanvien.core.models import AuditEvent

from ..factories import make_user


def test_a_base_cadre_grants_a_role_on_a_branch_below(client, world):
    newcomer = make_user("newcomer")
    client.force_login(world.base_cadre)
    client.post(
        reverse("accounts:role-grant", args=[world.branch2.pk]),
        {"username": "newcomer", "role": "secretary"},
    )
    assert RoleGrant.objects.filter(user=newcomer, unit=world.branch2, role="secretary").exists()
    assert AuditEvent.objects.filter(action="role.granted", target_id=world.branch2.pk).exists()
    client.force_login(newcomer)
    assert client.get(reverse("units:unit-detail", args=[world.branch2.pk])).status_code == 200
    assert client.get(reverse("units:unit-detail", args=[world.branch.pk])).status_code == 404


def test_nobody_grants_a_role_on_their_own_unit_or_above(client, world):
    make_user("newcomer")
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("accounts:role-grant", args=[world.base.pk]),
        {"username": "newcomer", "role": "cadre"},
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("accounts:role-grant", args=[world.district.pk]),
            {"username": "newcomer", "role": "cadre"},
        ).status_code
        == 404
    )


def test_a_union_role_cannot_be_held_on_a_branch(client, world):
    make_user("newcomer")
    client.force_login(world.base_cadre)
    client.post(
        reverse("accounts:role-grant", args=[world.branch.pk]),
        {"username": "newcomer", "role": "cadre"},
    )
    assert not RoleGrant.objects.filter(user__username="newcomer").exists()


def test_a_secretary_appoints_her_deputy_but_not_a_secretary(client, world):
    make_user("deputy")
    client.force_login(world.secretary)
    client.post(
        reverse("accounts:role-grant", args=[world.branch.pk]),
        {"username": "deputy", "role": "secretary"},
    )
    assert not RoleGrant.objects.filter(user__username="deputy").exists()
    client.post(
        reverse("accounts:role-grant", args=[world.branch.pk]),
        {"username": "deputy", "role": "deputy"},
    )
    assert RoleGrant.objects.filter(user__username="deputy", role="deputy").exists()


def test_revoking_a_role_ends_the_access(client, world):
    grant = RoleGrant.objects.get(user=world.secretary)
    client.force_login(world.base_cadre)
    client.post(reverse("accounts:role-revoke", args=[grant.pk]))
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoked").count() == 2
    client.force_login(world.secretary)
    assert client.get(reverse("units:unit-detail", args=[world.branch.pk])).status_code == 404


def test_an_invitation_creates_an_account_without_a_password(client, world):
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("accounts:user-invite", args=[world.branch2.pk]),
        {
            "full_name": "Lê Minh Châu",
            "username": "chau",
            "role": "secretary",
            "member_code": world.member_in_branch2.member_code,
        },
    )
    link = response.context["link"]
    user = User.objects.get(username="chau")
    assert not user.has_usable_password()
    assert user.member == world.member_in_branch2
    client.logout()
    path = link.split("testserver", 1)[1]
    assert client.post(path, {"password1": "short", "password2": "short"}).status_code == 200
    response = client.post(
        path, {"password1": "Mot-mat-khau-dai-2026", "password2": "Mot-mat-khau-dai-2026"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("login"), {"username": "chau", "password": "Mot-mat-khau-dai-2026"}
    )
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    assert client.get(path).status_code == 404  # used once


def test_an_invitation_cannot_link_a_member_outside_the_scope(client, world):
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("accounts:user-invite", args=[world.branch2.pk]),
        {
            "full_name": "X",
            "username": "x",
            "role": "secretary",
            "member_code": world.outsider_member.member_code,
        },
    )
    assert "member_code" in response.context["form"].errors
    assert not User.objects.filter(username="x").exists()

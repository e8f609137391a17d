import re
import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from doanvien.accounts.models import Invitation, RoleGrant, User
from doanvien.core.models import AuditEvent

from ..factories import make_user


def mail_outbox():
    return list(mail.outbox)


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


def invite(client, world, **overrides):
    data = {
        "full_name": "Lê Minh Châu",
        "username": "chau",
        "email": "chau@example.org",
        "role": "secretary",
        "member_code": world.member_in_branch2.member_code,
        **overrides,
    }
    return client.post(reverse("accounts:user-invite", args=[world.branch2.pk]), data)


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://testserver(/invite/[^/\s\"'<]+/)", text)


def test_an_invitation_creates_an_account_and_mails_its_owner_the_link(client, world):
    client.force_login(world.base_cadre)
    response = invite(client, world)

    assert response.status_code == 200
    user = User.objects.get(username="chau")
    assert not user.has_usable_password()
    assert user.member == world.member_in_branch2
    assert RoleGrant.objects.filter(user=user, unit=world.branch2, role="secretary").exists()
    assert "chau@example.org" in response.content.decode()
    [mail] = mail_outbox()
    assert mail.to == ["chau@example.org"]
    assert "chau" in mail.body
    [path] = links_in(mail.body)
    client.logout()
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


def test_the_inviter_never_holds_a_working_link(client, world):
    """The issue: the cadre saw the link, set the password himself and acted as the new
    account. Now nothing he sees opens it: the page, the unit's page, the account's history."""
    client.force_login(world.base_cadre)
    seen = invite(client, world).content.decode()
    seen += client.get(reverse("units:unit-detail", args=[world.branch2.pk])).content.decode()
    seen += " ".join(str(e.changes) + e.summary for e in AuditEvent.objects.all())

    assert links_in(seen) == []
    [mail] = mail_outbox()
    [path] = links_in(mail.body)
    secret = path.split("/")[2]
    assert secret not in seen
    assert world.base_cadre.email not in mail.to


def test_an_invitation_needs_the_persons_e_mail_address(client, world):
    client.force_login(world.base_cadre)
    response = invite(client, world, email="")

    assert response.context["form"].errors["email"]
    assert not User.objects.filter(username="chau").exists()
    assert mail_outbox() == []


def test_an_invitation_cannot_go_to_another_accounts_address(client, world):
    world.base_cadre.email = "canbo@example.org"
    world.base_cadre.save()
    client.force_login(world.base_cadre)

    response = invite(client, world, email="CanBo@example.org")

    assert response.context["form"].errors["email"]
    assert not User.objects.filter(username="chau").exists()
    assert mail_outbox() == []


class UnreachableMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"chau@example.org": (550, b"No such user")})


def test_an_invitation_that_cannot_be_mailed_creates_nothing(client, world, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.UnreachableMailServer"}}
    client.force_login(world.base_cadre)
    events = AuditEvent.objects.count()
    response = invite(client, world)

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not User.objects.filter(username="chau").exists()
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_invitation_cannot_link_a_member_outside_the_scope(client, world):
    client.force_login(world.base_cadre)
    response = invite(client, world, username="x", member_code=world.outsider_member.member_code)
    assert "member_code" in response.context["form"].errors
    assert not User.objects.filter(username="x").exists()


def test_an_expired_invitation_is_replaced_by_a_reset_link_to_the_same_address(client, world):
    client.force_login(world.base_cadre)
    invite(client, world)
    Invitation.objects.update(expires_at=timezone.now())
    client.logout()
    mail.outbox.clear()

    client.post(reverse("accounts:password-reset"), {"email": "chau@example.org"})

    [message] = mail_outbox()
    assert message.to == ["chau@example.org"]
    path = re.search(r"https?://testserver(/password-reset/\S+/)", message.body).group(1)
    form = client.get(path, follow=True)
    assert form.status_code == 200 and form.context["validlink"]

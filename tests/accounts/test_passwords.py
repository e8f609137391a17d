"""Changing one's password, and setting a new one from a link sent by e-mail when it is
forgotten (which no failed log-in can lock)."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from doanvien.accounts.models import ApiToken, User
from doanvien.accounts.services import api_token_issue, api_token_user
from doanvien.core.models import AuditEvent

from ..factories import make_user

PASSWORD = "secret-pass-123"  # tests/factories.make_user's
NEW = "Mot-mat-khau-moi-2026"


def logged_in(username, password=PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def is_logged_in(client) -> bool:
    return client.get(reverse("accounts:account")).status_code == 200


# --- Change -------------------------------------------------------------------------------------


def change(client, old, new=NEW, repeat=None):
    return client.post(
        reverse("accounts:password-change"),
        {"old_password": old, "new_password1": new, "new_password2": repeat or new},
    )


def test_a_user_changes_his_password(world):
    client = logged_in("secretary")

    response = change(client, PASSWORD)

    assert response.status_code == 302
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(NEW)
    assert is_logged_in(client)  # this browser stays
    assert AuditEvent.objects.filter(action="user.password_changed").exists()
    logged_in("secretary", NEW)


def test_a_change_ends_the_other_sessions_and_the_api_tokens(world):
    phone, laptop = logged_in("secretary"), logged_in("secretary")
    token = api_token_issue(user=world.secretary)

    change(laptop, PASSWORD)

    assert is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert api_token_user(token) is None


def test_a_change_needs_the_current_password_and_a_good_new_one(world):
    client = logged_in("secretary")

    wrong = change(client, "not-the-password")
    assert "old_password" in wrong.context["form"].errors
    assert "Mật khẩu cũ không chính xác" in wrong.content.decode()
    weak = change(client, PASSWORD, new="12345678")
    assert "new_password2" in weak.context["form"].errors
    differ = change(client, PASSWORD, repeat="Something-else-2026")
    assert "new_password2" in differ.context["form"].errors

    world.secretary.refresh_from_db()
    assert world.secretary.check_password(PASSWORD)


def test_guessing_the_current_password_counts_like_a_log_in(world, settings):
    """A borrowed session cannot try passwords on the change form without limit."""
    client = logged_in("secretary")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change(client, "a-guess")

    response = change(client, PASSWORD)

    assert response.status_code == 200
    assert "Quá nhiều lần nhập sai mật khẩu" in response.content.decode()
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(PASSWORD)


# --- Reset --------------------------------------------------------------------------------------


def ask(client, email):
    return client.post(reverse("accounts:password-reset"), {"email": email})


def reset_link(message) -> str:
    return re.search(r"https?://testserver(/password-reset/\S+/)", message.body).group(1)


def set_new(client, path, password=NEW):
    form = client.get(path)  # the link redirects to a URL without the token
    assert form.status_code == 302
    return client.post(form["Location"], {"new_password1": password, "new_password2": password})


def test_a_forgotten_password_is_reset_with_a_link_sent_by_e_mail(world):
    world.secretary.email = "bithu@example.org"
    world.secretary.save()
    client = Client()

    response = ask(client, "BiThu@example.org")

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["bithu@example.org"]
    response = set_new(client, reset_link(message))
    assert response.status_code == 302
    assert is_logged_in(client)
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(NEW)
    assert AuditEvent.objects.filter(action="user.password_reset").exists()


def test_a_reset_link_works_once(world):
    world.secretary.email = "bithu@example.org"
    world.secretary.save()
    client = Client()
    ask(client, "bithu@example.org")
    path = reset_link(mail.outbox[0])
    set_new(client, path)

    again = Client().get(path, follow=True)

    assert again.status_code == 200 and not again.context["validlink"]


def test_the_answer_does_not_tell_whether_an_address_has_an_account(world):
    world.secretary.email = "bithu@example.org"
    world.secretary.save()

    known = ask(Client(), "bithu@example.org")
    unknown = ask(Client(), "nobody@example.org")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    page = Client().get(known["Location"])
    assert "Nếu có tài khoản mang địa chỉ này" in page.content.decode()


def test_no_link_goes_to_inactive_or_demo_accounts(world):
    world.secretary.email = "bithu@example.org"
    world.secretary.is_active = False
    world.secretary.save()
    demo = make_user("demo-x", email="demo@example.org")
    User.objects.filter(pk=demo.pk).update(is_demo=True)

    ask(Client(), "bithu@example.org")
    ask(Client(), "demo@example.org")

    assert mail.outbox == []


def test_a_bad_address_is_refused_in_vietnamese(world):
    response = ask(Client(), "not-an-address")

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "Nhập một địa chỉ e-mail hợp lệ" in response.content.decode()
    assert mail.outbox == []


def test_strangers_cannot_lock_an_account_out_of_its_password_reset(world, settings):
    """However many wrong passwords strangers try, the owner gets a link, sets a new password
    with it and is in, with the failures forgotten."""
    world.secretary.email = "bithu@example.org"
    world.secretary.save()
    stranger = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        stranger.post(reverse("login"), {"username": "secretary", "password": "guess"})
    assert (
        stranger.post(reverse("login"), {"username": "secretary", "password": PASSWORD}).status_code
        == 429
    )

    owner = Client()
    ask(owner, "bithu@example.org")
    set_new(owner, reset_link(mail.outbox[0]))

    assert is_logged_in(owner)
    assert logged_in("secretary", NEW)


def test_a_reset_ends_every_other_session_and_token(world):
    world.secretary.email = "bithu@example.org"
    world.secretary.save()
    thief = logged_in("secretary")
    token = api_token_issue(user=world.secretary)

    owner = Client()
    ask(owner, "bithu@example.org")
    set_new(owner, reset_link(mail.outbox[0]))

    assert not is_logged_in(thief)
    assert not ApiToken.objects.filter(digest=ApiToken.digest_of(token)).exists()

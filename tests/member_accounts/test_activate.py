"""Activating: code + date of birth → a login of his choice (his member identifier by default)
and a password passing Django's validators, hashed with Argon2; every other case a clear
answer, and a wrong code or date one generic message."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doanvien.accounts.models import ApiToken, User
from doanvien.accounts.services import api_token_issue
from doanvien.member_accounts.models import ActivationCode
from doanvien.member_accounts.services import ActivationRefused, account_activate, codes_issue

from .conftest import PASSWORD, activate_form, issue

ARGON2 = "doanvien.accounts.hashers.Argon2Hasher"


def act(code, dob, **kw):
    return account_activate(
        code=code,
        date_of_birth=dob,
        username=kw.pop("username", ""),
        password=kw.pop("password", PASSWORD),
        **kw,
    )


def test_a_member_opens_his_account_with_argon2(world, code2, settings):
    settings.PASSWORD_HASHERS = [ARGON2]
    user = act(code2.lower().replace("-", " "), world.member2.date_of_birth)
    assert user.username == world.member2.member_code.lower()
    assert user.member == world.member2 and user.full_name == world.member2.full_name
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)
    code = ActivationCode.objects.get(member=world.member2)
    assert code.used_at is not None and code.user == user


def test_he_may_choose_his_login_and_his_email_on_record_comes_along(world):
    world.member2.email = "dao@example.org"
    world.member2.save()
    user = act(issue(world, world.member2), world.member2.date_of_birth, username="Dao.Tran")
    assert user.username == "dao.tran" and user.email == "dao@example.org"


def test_a_wrong_code_and_a_wrong_date_answer_the_same(world, code2):
    with pytest.raises(ActivationRefused) as wrong_date:
        act(code2, world.member2.date_of_birth + timedelta(days=1))
    with pytest.raises(ActivationRefused) as wrong_code:
        act("7KQ2M-XW9TD", world.member2.date_of_birth)
    assert wrong_date.value.messages == wrong_code.value.messages
    assert not User.objects.filter(member=world.member2).exists()


@pytest.mark.parametrize(
    "case, expected",
    [
        ("used", "already used"),
        ("revoked", "replaced by a newer one"),
        ("expired", "expired on"),
        ("active", "already have an account"),
        ("removed", "no longer on the roll"),
    ],
)
def test_clear_answers_once_code_and_date_are_right(world, case, expected):
    from django.utils import translation

    code = issue(world, world.member2)
    dob = world.member2.date_of_birth
    if case == "used":
        act(code, dob)
    elif case == "revoked":
        issue(world, world.member2)
    elif case == "expired":
        ActivationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "active":
        # The account was made another way (an invitation, the admin) after the code.
        User.objects.create_user(username="dao", password="x", member=world.member2)
    elif case == "removed":
        ActivationCode.objects.filter(member=world.member2)  # the code stays open
        type(world.member2).objects.filter(pk=world.member2.pk).update(status="removed")
    with translation.override("en"), pytest.raises(ValidationError) as e:
        act(code, dob, username="someone-else")
    assert not isinstance(e.value, ActivationRefused)
    assert expected in " ".join(e.value.messages)


def test_a_weak_password_or_a_taken_name_keeps_the_code(world, code2):
    dob = world.member2.date_of_birth
    with pytest.raises(ValidationError) as e:
        act(code2, dob, password="12345678")
    assert "password" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        act(code2, dob, username="SECRETARY")
    assert "username" in e.value.message_dict
    assert act(code2, dob).member == world.member2


def test_a_code_for_a_member_with_an_account_sets_a_new_password(world):
    """ "Quên mật khẩu" without an e-mail address: the secretary issues a new code."""
    user = world.member_user
    token = api_token_issue(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)  # locked after "this was not me"
    code = issue(world, world.member)
    again = act(code, world.member.date_of_birth, username="ignored", password="Mới-hẳn-2026")
    assert again == user
    again.refresh_from_db()
    assert again.username == "member" and again.is_active
    assert again.check_password("Mới-hẳn-2026")
    assert not ApiToken.objects.filter(user=user).exists(), token


def test_the_page_logs_him_in_and_shows_who_issued_the_code(client, world, code2):
    response = activate_form(client, code2, world.member2.date_of_birth)
    assert response.status_code == 302
    assert response["Location"] == reverse("member_accounts:notice")
    page = client.get(reverse("home"), follow=True)
    assert world.secretary.full_name in page.content.decode()
    assert page.context["code"].issued_by == world.secretary


def test_the_page_answers_a_wrong_date_with_the_generic_message(client, world, code2):
    response = activate_form(client, code2, world.member2.date_of_birth - timedelta(days=3))
    assert response.status_code == 200
    assert "Mã kích hoạt hoặc ngày sinh không đúng" in response.content.decode()
    assert not User.objects.filter(member=world.member2).exists()


def test_the_page_is_public_and_shows_no_member(client, world, code2):
    page = client.get(reverse("member_accounts:activate"))
    assert page.status_code == 200
    assert world.member2.full_name not in page.content.decode()


def test_codes_issued_for_a_union_are_refused(world):
    with pytest.raises(ValidationError):
        codes_issue(actor=world.base_cadre, branch=world.base)

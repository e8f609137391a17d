import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.test import RequestFactory
from django.urls import reverse

from doanvien.accounts.models import User

from ..conftest import ARGON2


def test_it_logs_in_and_lands_on_the_users_unit(client, world):
    response = client.post(
        reverse("login"), {"username": "secretary", "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse(
        "units:unit-detail", args=[world.branch.pk]
    )


def test_a_member_lands_on_his_own_record(client, world):
    client.force_login(world.member_user)
    assert client.get(reverse("home"))["Location"] == reverse(
        "members:member-detail", args=[world.member.pk]
    )


def test_an_account_without_roles_sees_an_explanation(client, db):
    client.force_login(User.objects.create_user("lonely", password="x-123456789"))
    assert client.get(reverse("home")).status_code == 200


def test_repeated_failures_lock_the_account(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "secretary", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "secretary", "password": "secret-pass-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2id_at_the_configured_cost(db, settings):
    settings.PASSWORD_HASHERS = [ARGON2]
    user = User.objects.create_user("hashed", password="a-long-password")
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    settings.ARGON2_MEMORY_KIB = 8192
    user.set_password("a-long-password")
    assert "$m=8192,t=2,p=1$" in user.password


def test_a_password_hashed_at_django_s_default_cost_verifies_and_is_hashed_again(db, settings):
    settings.PASSWORD_HASHERS = [ARGON2, "django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("older", password="x")
    settings.ARGON2_MEMORY_KIB = 102400  # Django's own cost, as before this setting
    user.password = make_password("a-long-password")
    user.save()
    settings.ARGON2_MEMORY_KIB = 19456
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="older", password="a-long-password") == user
    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password


@pytest.mark.parametrize("demo_mode,works", [(True, True), (False, False)])
def test_demo_accounts_work_only_in_demo_mode(db, settings, demo_mode, works):
    settings.DEMO_MODE = demo_mode
    user = User(username="demo-x", is_demo=True)
    user.set_password("demo")
    user.save()
    request = RequestFactory().post("/login/")
    assert (authenticate(request, username="demo-x", password="demo") is not None) == works


def test_logout_needs_a_post(client, world):
    client.force_login(world.secretary)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session

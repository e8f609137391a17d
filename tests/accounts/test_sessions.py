"""One's browser sessions and API tokens: listed on the account page, each can be ended, all at
once ("log out everywhere"); a browser session ends after SESSION_IDLE_HOURS without use."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doanvien.accounts.models import ApiToken
from doanvien.accounts.services import api_token_issue, api_token_user
from doanvien.accounts.sessions import Session, session_ref

PASSWORD = "secret-pass-123"  # tests/factories.make_user's


def logged_in(username="secretary", browser="Firefox/140.0") -> Client:
    client = Client(headers={"User-Agent": browser})
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_logged_in(client) -> bool:
    return client.get(reverse("accounts:account")).status_code == 200


def session_of(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_account_page_lists_ones_sessions_and_tokens(world):
    phone = logged_in(browser="Mobile Safari/605.1")
    laptop = logged_in(browser="Firefox/140.0")
    logged_in("base", browser="Someone-elses-browser/1.0")
    api_token_issue(user=world.secretary)
    token = ApiToken.objects.get(user=world.secretary)

    html = laptop.get(reverse("accounts:account")).content.decode()

    assert "Mobile Safari/605.1" in html and "Firefox/140.0" in html
    assert "Someone-elses-browser" not in html
    assert session_ref(phone.session.session_key) in html
    assert phone.session.session_key not in html  # the cookie itself is never shown
    assert reverse("accounts:token-revoke", args=[token.pk]) in html


def test_ending_a_session_logs_that_browser_out(world):
    phone, laptop = logged_in(), logged_in()

    response = laptop.post(
        reverse("accounts:session-end", args=[session_ref(phone.session.session_key)])
    )

    assert response.status_code == 302
    assert not is_logged_in(phone)
    assert is_logged_in(laptop)


def test_nobody_ends_anyone_elses_session(world):
    victim, other = logged_in("secretary"), logged_in("base")

    response = other.post(
        reverse("accounts:session-end", args=[session_ref(victim.session.session_key)])
    )

    assert response.status_code == 404
    assert is_logged_in(victim)


def test_revoking_a_token_stops_it(world):
    client = logged_in()
    kept, revoked = api_token_issue(user=world.secretary), api_token_issue(user=world.secretary)
    token = ApiToken.objects.get(digest=ApiToken.digest_of(revoked))

    client.post(reverse("accounts:token-revoke", args=[token.pk]))

    assert api_token_user(revoked) is None
    assert api_token_user(kept) == world.secretary
    other = logged_in("base")
    kept_token = ApiToken.objects.get(digest=ApiToken.digest_of(kept))
    assert other.post(reverse("accounts:token-revoke", args=[kept_token.pk])).status_code == 404
    assert api_token_user(kept) == world.secretary


def test_log_out_everywhere_ends_every_session_and_token(world):
    phone, laptop = logged_in(), logged_in()
    token = api_token_issue(user=world.secretary)
    someone_else = logged_in("base")

    response = laptop.post(reverse("accounts:sign-out-everywhere"))

    assert response.status_code == 302
    assert not is_logged_in(laptop) and not is_logged_in(phone)
    assert api_token_user(token) is None
    assert is_logged_in(someone_else)


def test_a_session_ends_after_twelve_hours_without_use(world, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    client = logged_in()
    session = session_of(client)
    assert abs(session.expire_date - (timezone.now() + timedelta(hours=12))) < timedelta(minutes=1)

    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    assert not is_logged_in(client)


def test_using_a_session_keeps_it_going(world):
    client = logged_in()
    session = session_of(client)
    # Eleven hours without use: an hour left.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(hours=1))

    assert is_logged_in(client)

    session.refresh_from_db()
    assert session.expire_date > timezone.now() + timedelta(hours=11, minutes=59)
    assert session.last_seen > timezone.now() - timedelta(minutes=1)

"""The log-in lockout (accounts/lockout.py): an account waits progressively longer after
repeated failures, an address that sprays guesses over many accounts is stopped, and behind the
reverse proxy each client is counted on its own address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from doanvien.accounts.lockout import account_delay, client_address

PASSWORD = "secret-pass-123"  # tests/factories.make_user's
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.5"
NEIGHBOUR = "198.51.100.7"


def log_in(client, username, password="wrong", *, address="127.0.0.1", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )
    client.logout()
    return response


def later(seconds: float) -> None:
    """Time passes: every recorded failure becomes `seconds` older."""
    for model in (AccessAttempt, AccessFailureLog):
        model.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def wait_of(response) -> int:
    assert response.status_code == 429
    return int(response["Retry-After"])


# --- An address ---------------------------------------------------------------------------------


def spray(client, settings, **where):
    """LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords over four accounts, none of them reaching
    the account limit."""
    accounts = ["secretary", "base", "province", "outsider"]
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT / len(accounts) < settings.AXES_FAILURE_LIMIT
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    statuses = [log_in(client, accounts[i % 4], **where).status_code for i in range(limit)]
    assert statuses == [200] * (limit - 1) + [429]  # the failure that reaches the limit waits


def test_one_address_spraying_guesses_over_several_accounts_is_stopped(client, world, settings):
    spray(client, settings, address=ATTACKER)

    response = log_in(client, "member", PASSWORD, address=ATTACKER)
    assert wait_of(response) > 0
    assert log_in(client, "member", PASSWORD, address=NEIGHBOUR).status_code == 302


def test_a_success_on_an_account_of_its_own_does_not_clear_the_addresss_failures(
    client, world, settings
):
    others = ["secretary", "base", "province"]
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        assert log_in(client, others[i % 3], address=ATTACKER).status_code == 200
    assert log_in(client, "member", PASSWORD, address=ATTACKER).status_code == 302

    assert log_in(client, "outsider", address=ATTACKER).status_code == 429
    assert log_in(client, "member", PASSWORD, address=ATTACKER).status_code == 429


def test_an_address_gets_a_try_back_as_its_failures_age(client, world, settings):
    spray(client, settings, address=ATTACKER)
    assert log_in(client, "member", PASSWORD, address=ATTACKER).status_code == 429

    later(settings.LOGIN_MAX_DELAY.total_seconds() + 1)

    assert log_in(client, "member", PASSWORD, address=ATTACKER).status_code == 302


# --- Behind the reverse proxy -------------------------------------------------------------------


def test_behind_the_proxy_each_client_is_counted_on_its_own_address(client, world, settings):
    assert settings.PROXY_COUNT == 1  # the default: docs/operations.md's one reverse proxy
    spray(client, settings, address=PROXY, forwarded=ATTACKER)

    assert log_in(client, "member", PASSWORD, address=PROXY, forwarded=ATTACKER).status_code == 429
    assert log_in(client, "member", PASSWORD, address=PROXY, forwarded=NEIGHBOUR).status_code == 302


def test_a_client_cannot_hide_behind_a_forwarded_for_of_its_own(client, world, settings):
    """The proxy appends the address it was called from: what the client wrote is further
    left, and changing it changes nothing."""
    settings.PROXY_COUNT = 1
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        log_in(client, f"guess{i}", address=PROXY, forwarded=f"192.0.2.{i}, {ATTACKER}")

    forwarded = f"192.0.2.99, {ATTACKER}"
    assert log_in(client, "member", PASSWORD, address=PROXY, forwarded=forwarded).status_code == 429


def test_without_a_proxy_a_forwarded_for_is_not_read(client, world, settings):
    settings.PROXY_COUNT = 0
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        log_in(client, f"guess{i}", address=ATTACKER, forwarded=f"192.0.2.{i}")

    response = log_in(client, "member", PASSWORD, address=ATTACKER, forwarded=NEIGHBOUR)
    assert response.status_code == 429


@pytest.mark.parametrize(
    "proxies,remote,forwarded,client",
    [
        (0, "203.0.113.5", "198.51.100.7", "203.0.113.5"),
        (1, PROXY, "203.0.113.5", "203.0.113.5"),
        (1, PROXY, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (2, PROXY, "1.2.3.4, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (1, PROXY, " 2001:db8::1 ", "2001:db8::1"),
        # Fewer entries than proxies: the request did not come through them all.
        (2, "203.0.113.5", "198.51.100.7", "203.0.113.5"),
        (1, PROXY, "", PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "203.0.113.5:4711", "203.0.113.5"),
        (1, PROXY, "[2001:db8::1]:4711", "2001:db8::1"),
        (1, PROXY, "unknown", PROXY),
    ],
)
def test_the_client_address(settings, proxies, remote, forwarded, client):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == client


# --- An account ---------------------------------------------------------------------------------


def fail_from_many_addresses(client, username, count):
    """Failures from as many different addresses: the account's counter, never an address's."""
    for i in range(count):
        log_in(client, username, address=f"192.0.2.{i + 1}")


def test_strangers_hold_an_account_up_for_a_minute_not_half_an_hour(client, world, settings):
    """The issue: behind the proxy every client had its address, and five wrong passwords
    locked the account for thirty minutes."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "secretary")

    assert wait_of(log_in(client, "secretary", PASSWORD)) <= 60
    later(61)
    assert log_in(client, "secretary", PASSWORD).status_code == 302


def test_an_account_waits_longer_with_each_further_failure(client, world, settings):
    fail_from_many_addresses(client, "secretary", settings.AXES_FAILURE_LIMIT)
    assert wait_of(log_in(client, "secretary", PASSWORD, address=NEIGHBOUR)) == 60

    later(61)
    assert log_in(client, "secretary", address="192.0.2.200").status_code == 429
    assert 110 < wait_of(log_in(client, "secretary", PASSWORD, address=NEIGHBOUR)) <= 120
    later(61)
    assert log_in(client, "secretary", PASSWORD, address=NEIGHBOUR).status_code == 429
    later(60)
    assert log_in(client, "secretary", PASSWORD, address=NEIGHBOUR).status_code == 302


def test_the_delay_doubles_up_to_the_longest_wait(settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert account_delay(limit - 1) == timedelta(0)
    assert [account_delay(limit + i).total_seconds() for i in range(5)] == [60, 120, 240, 480, 960]
    assert account_delay(limit + 5) == settings.LOGIN_MAX_DELAY == timedelta(minutes=30)
    assert account_delay(limit + 1000) == settings.LOGIN_MAX_DELAY


def test_attempts_refused_while_an_account_waits_do_not_lengthen_the_wait(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "secretary")
    for _ in range(3 * settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        assert log_in(client, "secretary").status_code == 429

    later(61)

    assert log_in(client, "secretary", PASSWORD).status_code == 302


def test_a_successful_log_in_forgets_the_accounts_failures(client, world, settings):
    fail_from_many_addresses(client, "secretary", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "secretary", PASSWORD).status_code == 302

    fail_from_many_addresses(client, "secretary", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "secretary", PASSWORD).status_code == 302


def test_failures_are_forgotten_a_day_after_the_last(client, world, settings):
    fail_from_many_addresses(client, "secretary", settings.AXES_FAILURE_LIMIT - 1)
    later(settings.LOGIN_FAILURE_MEMORY.total_seconds() + 1)

    log_in(client, "secretary", address=NEIGHBOUR)

    assert log_in(client, "secretary", PASSWORD, address=NEIGHBOUR).status_code == 302


def test_the_wait_page_says_how_long_and_offers_the_password_reset(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "secretary")

    response = log_in(client, "secretary", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "1 phút" in html
    assert reverse("accounts:password-reset") in html

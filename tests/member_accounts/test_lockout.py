"""Guessing codes: wrong codes and wrong dates count against the log-in lockout (django-axes),
per code and per client, and 50 wrong tries do not open an account."""

from datetime import timedelta

from django.urls import reverse

from doanvien.accounts.models import User
from doanvien.member_accounts import codes

from .conftest import activate_form

ATTACKER = "203.0.113.5"


def test_fifty_wrong_tries_do_not_open_an_account(client, world, code2, settings):
    """An attacker who has the right code (a slip seen over a shoulder) guesses the date of
    birth from 50 addresses, then sprays 50 made-up codes from one: nothing opens, and the right
    answer itself is refused while the code waits."""
    dob = world.member2.date_of_birth
    statuses = []
    for n in range(50):
        wrong = dob + timedelta(days=n + 1)
        statuses.append(activate_form(client, code2, wrong, address=f"198.51.100.{n}").status_code)
    for _ in range(50):
        statuses.append(activate_form(client, codes.new_code(), dob, address=ATTACKER).status_code)
    assert not User.objects.filter(member=world.member2).exists()
    # Per code: after AXES_FAILURE_LIMIT wrong dates, the code waits whatever the address.
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[:limit] == [200] * limit and set(statuses[limit:50]) == {429}
    # Per client: after LOGIN_ADDRESS_FAILURE_LIMIT wrong codes, the address waits.
    per_address = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert set(statuses[50 + per_address :]) == {429}
    # The right code and date, during the wait: refused, and not counted.
    response = activate_form(client, code2, dob, address="192.0.2.1")
    assert response.status_code == 429
    assert not User.objects.filter(member=world.member2).exists()


def test_a_wrong_code_from_an_address_counts_like_a_wrong_password(client, world, settings):
    """The same allowance for both: wrong passwords then wrong codes from one address."""
    per_address = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    accounts = ["secretary", "base", "province", "outsider"]  # none reaches its own limit
    for n in range(per_address - 1):
        client.post(
            reverse("login"),
            {"username": accounts[n % 4], "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
        )
    code = codes.new_code()
    last = activate_form(client, code, world.member2.date_of_birth, address=ATTACKER)
    assert last.status_code == 200  # this failure reaches the limit
    assert (
        activate_form(client, code, world.member2.date_of_birth, address=ATTACKER).status_code
        == 429
    )


def test_the_right_answer_forgets_the_codes_failures(client, world, code2, settings):
    dob = world.member2.date_of_birth
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        activate_form(client, code2, dob + timedelta(days=n + 1), address=f"192.0.2.{n}")
    response = activate_form(client, code2, dob, address="192.0.2.200")
    assert response.status_code == 302
    assert User.objects.filter(member=world.member2).exists()


def test_the_stored_attempts_do_not_hold_the_code(client, world, code2):
    from axes.models import AccessAttempt

    wrong = world.member2.date_of_birth + timedelta(days=1)
    activate_form(client, code2, wrong)
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username.startswith("activation:")
    stored = attempt.username + attempt.post_data
    assert codes.normalize(code2) not in stored and code2 not in stored
    assert "Mật-khẩu" not in stored and wrong.strftime("%d/%m/%Y") not in stored

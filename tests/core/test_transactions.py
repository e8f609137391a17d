"""The services' transaction helper: a write refused only because of another one at the same
moment is tried again; still refused, it answers 503 with Retry-After, never a 500. (A real
PostgreSQL deadlock, retried: tests/training/test_rollup_ledger.py.)"""

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.urls import reverse

from doanvien.core.transactions import atomic, retryable

from ..api.test_unit_member_create import new_member

LOCKED = "database is locked"  # SQLite's answer once its busy timeout has passed


def test_what_may_be_tried_again():
    assert retryable(OperationalError(LOCKED))
    assert not retryable(OperationalError("no such table: x"))
    assert not retryable(IntegrityError(LOCKED))


@pytest.mark.django_db(transaction=True)
def test_a_locked_database_is_tried_again_then_the_answer_comes():
    calls = []

    @atomic
    def service():
        calls.append(connection.in_atomic_block)
        if len(calls) < 3:
            raise OperationalError(LOCKED)
        return "done"

    assert service() == "done"
    assert calls == [True, True, True]  # each attempt in its own transaction


@pytest.mark.django_db(transaction=True)
def test_the_helper_gives_up_after_three_attempts_and_never_retries_a_fault():
    calls = []

    @atomic
    def locked():
        calls.append(1)
        raise OperationalError(LOCKED)

    with pytest.raises(OperationalError):
        locked()
    assert len(calls) == 3

    @atomic
    def broken():
        calls.append(2)
        raise OperationalError("no such column: y")

    with pytest.raises(OperationalError):
        broken()
    assert calls.count(2) == 1


def _always_locked(**kwargs):
    raise OperationalError(LOCKED)


def test_a_page_answers_503_with_the_message(client, world, monkeypatch):
    monkeypatch.setattr("doanvien.members.views.records.member_create", _always_locked)
    client.force_login(world.secretary)
    form = {k: v for k, v in new_member().items() if v is not None}

    response = client.post(reverse("members:member-create", args=[world.branch.pk]), form)

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "Hệ thống đang bận" in response.content.decode()

"""A page costs the session no write unless it moves the session's end by SAVE_STEP or more, or
changes its data; the session's user and scope are read by one query (accounts.tokens), so a
withdrawn role or a deactivated user holds on the next page."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doanvien.accounts.models import RoleGrant
from doanvien.accounts.services import role_revoke
from doanvien.accounts.sessions import SAVE_STEP, Session, SessionStore


def signed_in(user) -> tuple[Client, Session]:
    client = Client()
    client.force_login(user)
    return client, Session.objects.get(session_key=client.session.session_key)


def ends_in(session: Session, delta: timedelta) -> None:
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + delta)


def test_a_page_soon_after_the_last_save_writes_nothing(world, settings):
    client, session = signed_in(world.secretary)
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ends_in(session, age - SAVE_STEP / 2)
    before = Session.objects.get(pk=session.pk).expire_date

    assert client.get(reverse("members:member-detail", args=[world.member.pk])).status_code == 200

    assert Session.objects.get(pk=session.pk).expire_date == before


def test_a_page_later_moves_the_sessions_end(world, settings):
    client, session = signed_in(world.secretary)
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ends_in(session, age - 2 * SAVE_STEP)

    assert client.get(reverse("members:member-detail", args=[world.member.pk])).status_code == 200

    moved = Session.objects.get(pk=session.pk)
    assert moved.expire_date > timezone.now() + age - timedelta(minutes=1)
    assert moved.last_seen > timezone.now() - timedelta(minutes=1)


def test_a_change_to_the_session_is_saved_at_once(world):
    _client, session = signed_in(world.secretary)
    store = SessionStore(session_key=session.session_key)
    store["chosen"] = "something"
    store.save()

    assert SessionStore(session_key=session.session_key)["chosen"] == "something"


def test_a_withdrawn_role_hides_the_page_on_the_next_request(world):
    client, _session = signed_in(world.secretary)
    url = reverse("members:member-detail", args=[world.member.pk])
    assert client.get(url).status_code == 200

    role_revoke(actor=None, grant=RoleGrant.objects.get(user=world.secretary))

    assert client.get(url).status_code == 404


def test_a_deactivated_user_is_signed_out_on_the_next_request(world):
    client, _session = signed_in(world.secretary)
    url = reverse("members:member-detail", args=[world.member.pk])
    assert client.get(url).status_code == 200

    type(world.secretary).objects.filter(pk=world.secretary.pk).update(is_active=False)

    assert client.get(url).status_code == 302  # to the log-in page

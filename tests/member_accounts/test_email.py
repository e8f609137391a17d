""" "Quên mật khẩu" for a member: the reset link goes by e-mail to the address on his record
(copied to his account when he activates it); the mail goes through Django's e-mail framework,
whose SMTP settings come from the environment (one test sends through a real SMTP server)."""

import email
import importlib.util
import re
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client
from django.urls import reverse

import doanvien.settings

from .conftest import activate_form

NEW = "Một-mật-khẩu-mới-2026"


def reset_link(body: str) -> str:
    return re.search(r"https?://testserver(/password-reset/\S+/)", body).group(1)


def set_new(client, path):
    form = client.get(path)
    assert form.status_code == 302
    return client.post(form["Location"], {"new_password1": NEW, "new_password2": NEW})


@pytest.fixture
def member_with_address(world, code2):
    world.member2.email = "dao.tran@example.org"
    world.member2.save()
    activate_form(Client(), code2, world.member2.date_of_birth)
    return world.member2.user


def test_a_member_with_an_address_on_record_gets_a_reset_link(world, member_with_address):
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": "Dao.Tran@example.org"})
    [message] = mail.outbox
    assert message.to == ["dao.tran@example.org"]
    assert set_new(client, reset_link(message.body)).status_code == 302
    member_with_address.refresh_from_db()
    assert member_with_address.check_password(NEW)


def test_a_member_without_an_address_is_told_to_ask_for_a_new_code(client, world, code2):
    activate_form(Client(), code2, world.member2.date_of_birth)
    page = client.get(reverse("accounts:password-reset"))
    assert "mã kích hoạt mới" in page.content.decode()
    client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert mail.outbox == []


# --- A real SMTP server ---------------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mailers_from(monkeypatch, **environment) -> dict:
    """settings.MAILERS as settings.py makes it from these environment variables."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "settings_from_environment", Path(doanvien.settings.__file__)
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MAILERS


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_the_reset_link_goes_through_the_smtp_server_named_by_the_environment(
    world, member_with_address, smtp_server, monkeypatch, settings
):
    controller, inbox = smtp_server
    settings.MAILERS = mailers_from(
        monkeypatch,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(controller.port),
        EMAIL_USE_TLS="0",
        DEFAULT_FROM_EMAIL="doanvien@example.org",
    )
    assert settings.MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend")
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": "dao.tran@example.org"})
    assert mail.outbox == []  # not the test outbox: the real server
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["dao.tran@example.org"]
    message = email.message_from_bytes(envelope.content)
    body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
    assert set_new(client, reset_link(body)).status_code == 302

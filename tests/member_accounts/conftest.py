from datetime import date

import pytest
from django.urls import reverse

from doanvien.member_accounts.services import codes_issue

PASSWORD = "Mật-khẩu-riêng-2026"


def issue(world, member, actor=None):
    """A code for one member of the secretary's branch, as the member gets it on his slip."""
    [issued] = codes_issue(
        actor=actor or world.secretary, branch=member.branch, member_ids=[member.pk]
    )
    return issued.code


def activate_form(client, code, dob: date, *, username="", password=PASSWORD, address=None):
    extra = {"REMOTE_ADDR": address} if address else {}
    return client.post(
        reverse("member_accounts:activate"),
        {
            "code": code,
            "date_of_birth": dob.strftime("%d/%m/%Y"),
            "username": username,
            "password1": password,
            "password2": password,
        },
        **extra,
    )


@pytest.fixture
def code2(world):
    """An activation code for member2 (no account yet) of the secretary's branch."""
    return issue(world, world.member2)

"""Builders for test data. Everything goes through the services, like in production."""

import itertools
from datetime import date

from doanvien.accounts.models import User
from doanvien.accounts.services import role_grant
from doanvien.actions.members import member_create
from doanvien.training.models import Deadline
from doanvien.training.services.configuration import deadline_set
from doanvien.units.levels import ensure_default_levels
from doanvien.units.models import Level, Unit
from doanvien.units.services import unit_create

_seq = itertools.count(1)


def get_level(code: str) -> Level:
    """A data migration creates the levels, but a test that runs after a flushed transactional
    test (the browser tests) may find the table empty: create them again if needed."""
    try:
        return Level.objects.get(code=code)
    except Level.DoesNotExist:
        ensure_default_levels(Level)
        return Level.objects.get(code=code)


def make_unit(parent=None, *, name=None, code=None, level="branch", kind=None, sector="school"):
    n = next(_seq)
    kind = kind or (Unit.Kind.BRANCH if level == "branch" else Unit.Kind.UNION)
    return unit_create(
        actor=None,
        parent=parent,
        name=name or f"Đơn vị {n}",
        code=code or f"U{n}",
        level=get_level(level),
        kind=kind,
        sector=sector if level in ("base", "branch") else "",
    )


def member_data(**overrides):
    n = next(_seq)
    data = {
        "full_name": f"Nguyễn Văn Thử {n}",
        "date_of_birth": date(2004, 3, 15),
        "sex": "male",
        "id_number": f"{79_204_000_000 + n:012d}",
        "joined_union_on": date(2020, 3, 26),
        "phone": f"09{n:08d}",
    }
    data.update(overrides)
    return data


def make_member(branch, **overrides):
    return member_create(actor=None, branch=branch, data=member_data(**overrides))


def make_user(username, *, role=None, unit=None, member=None, password="secret-pass-123", **extra):
    user = User.objects.create_user(
        username=username,
        password=password,
        full_name=extra.pop("full_name", username),
        member=member,
        **extra,
    )
    if role:
        role_grant(actor=None, user=user, unit=unit, role=role)
    return user


def evaluation_passed(unit, year: int):
    """Set the year's evaluation deadline on `unit` to a day already past (1 December of the
    year before), so the year's shares are results on the pages and documents."""
    return deadline_set(
        actor=None,
        unit=unit,
        year=year,
        kind=Deadline.Kind.EVALUATION,
        due_on=date(year - 1, 12, 1).strftime("%d/%m/%Y"),
    )

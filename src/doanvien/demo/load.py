"""Loads the invented demo province through the services, as a user would build it."""

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from doanvien.accounts.models import Role, User
from doanvien.accounts.services import role_grant
from doanvien.actions.members import member_create, member_update
from doanvien.members.models import Member, Position, Status
from doanvien.training import rollup
from doanvien.units.models import Level, Unit
from doanvien.units.services import unit_create

from . import vocab
from .training import load_training

DEMO_PASSWORD = "demo"
# username → (full name, role, unit code or None, link to a member of this branch code)
DEMO_USERS = {
    "demo-province": ("Võ Thành Trung", Role.CADRE, "SX", None),
    "demo-base": ("Lê Thị Hồng Nhung", Role.CADRE, "SX-BN-LQD", None),
    "demo-branch": (None, Role.SECRETARY, "SX-BN-LQD-12A1", "SX-BN-LQD-12A1"),
    "demo-outsider": (None, Role.SECRETARY, "SX-BN-AP-KP1", "SX-BN-AP-KP1"),
    "demo-member": (None, None, None, "SX-BN-LQD-12A1"),
}


def _ages(branch: dict, base_name: str) -> tuple[int, int]:
    if branch["sector"] == "school" and "THPT" in base_name:
        return (18, 30) if branch["name"].endswith("Giáo viên") else (16, 18)
    if branch["sector"] == "school":
        return (18, 23)
    return (18, 30)


def _create_units(tree: dict) -> dict[str, Unit]:
    levels = {level.code: level for level in Level.objects.all()}
    units: dict[str, Unit] = {}
    for spec, parent in vocab.iter_units(tree):
        units[spec["code"]] = unit_create(
            actor=None,
            parent=units[parent["code"]] if parent else None,
            name=spec["name"],
            code=spec["code"],
            level=levels[spec["level"]],
            kind=spec["kind"],
            sector=spec["sector"],
        )
    return units


def _member_data(rng: random.Random, ages: tuple[int, int], sector: str, today: date) -> dict:
    person = vocab.person(rng, age_min=ages[0], age_max=ages[1], today=today, sector=sector)
    while Member.objects.filter(id_number=person["id_number"]).exists():
        person["id_number"] = vocab.person(rng, today=today)["id_number"]
    return person


def _fill_branch(
    rng, branch: Unit, spec: dict, base_name: str, today: date, per_branch: int | None
) -> list[Member]:
    """The branch's members; with `per_branch`, only the first ones are made, each as the whole
    demo makes it (every member's data is drawn, so the ones made, and the branches after, are
    the same people as in the whole demo)."""
    ages = _ages(spec, base_name)
    drawn = []
    for i in range(vocab.members_per_branch(rng, spec)):
        data = _member_data(rng, ages, spec["sector"], today)
        data["position"] = (
            Position.SECRETARY
            if i == 0
            else Position.DEPUTY
            if i == 1
            else Position.COMMITTEE
            if i < 4
            else Position.MEMBER
        )
        data["federation_member"] = rng.random() < 0.3
        drawn.append(data)
    made = drawn[:per_branch] if per_branch else drawn
    members = [member_create(actor=None, branch=branch, data=d, today=today) for d in made]
    rolls = [rng.random() for _ in drawn[5:]]  # drawn for all, as the whole demo draws them
    for member, roll in zip(members[5:], rolls, strict=False):
        if roll < 0.02:
            member_update(actor=None, member=member, data={"status": Status.REMOVED}, today=today)
        elif roll < 0.05:
            member_update(
                actor=None, member=member, data={"status": Status.MATURED_OUT}, today=today
            )
    return members


def _settled(pool: list[Member], today: date) -> Member:
    year_ago = today.replace(year=today.year - 1, day=min(today.day, 28))
    active = [m for m in pool if m.status == Status.ACTIVE]
    settled = [m for m in active if m.joined_union_on <= year_ago]
    return (settled or active)[-1]


@transaction.atomic
def load_demo(
    *,
    seed: int = 1,
    today: date | None = None,
    training: bool = True,
    per_branch: int | None = None,
) -> dict[str, int]:
    """The demo province: its tree, members, logins and (`training`) programme data.
    `per_branch` caps the members of each branch (the same tree and logins, a smaller roll: the
    browser tests' province)."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    tree = vocab.demo_tree(rng)
    units = _create_units(tree)
    base_names = {}
    branch_members: dict[str, list[Member]] = {}
    for spec, parent in vocab.iter_units(tree):
        if spec["kind"] != "branch":
            base_names[spec["code"]] = spec["name"]
            continue
        base_name = base_names.get(parent["code"], "") if parent else ""
        branch_members[spec["code"]] = _fill_branch(
            rng, units[spec["code"]], spec, base_name, today, per_branch
        )
    for username, (full_name, role, unit_code, member_of) in DEMO_USERS.items():
        member = None
        if member_of:
            pool = branch_members[member_of]
            # The secretary's account is linked to the branch secretary's record; a member's,
            # to the last one on the roll who joined over a year ago (his programme year is
            # classified, whichever members the demo drew).
            member = pool[0] if role == Role.SECRETARY else _settled(pool, today)
        user = User(
            username=username,
            full_name=full_name or member.full_name,
            member=member,
            is_demo=True,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role:
            role_grant(actor=None, user=user, unit=units[unit_code], role=role)
    registrations = load_training(province=units[tree["code"]], seed=seed) if training else 0
    rollup.fold_all()  # the demo starts with the counts above the branches folded
    return {
        "units": len(units),
        "members": sum(len(m) for m in branch_members.values()),
        "registrations": registrations,
    }

"""The audit trail: log-ins, failed log-ins and lockouts are events of the account's unit, and
the application only ever adds events: no write of the product deletes or changes one."""

import re
from datetime import date
from pathlib import Path

from django.urls import reverse

from doanvien.accounts.models import RoleGrant
from doanvien.accounts.services import role_grant, role_revoke
from doanvien.actions.members import member_reinstate, member_remove
from doanvien.actions.units import unit_merge, unit_move, unit_update
from doanvien.core import audit
from doanvien.core.models import AuditEvent

from ..factories import make_unit, make_user

SRC = Path(__file__).resolve().parents[2] / "src" / "doanvien"


def events():
    return list(AuditEvent.objects.order_by("pk").values())


def test_log_ins_failures_and_lockouts_are_recorded_on_the_accounts_unit(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    url = reverse("login")
    client.post(url, {"username": "secretary", "password": "secret-pass-123"})
    client.logout()
    client.post(url, {"username": "secretary", "password": "wrong"})
    client.post(url, {"username": "secretary", "password": "wrong"})
    client.post(url, {"username": "nobody-at-all", "password": "wrong"})
    found = list(
        AuditEvent.objects.filter(action__startswith="account.").values_list(
            "action", "target_id", "unit_path"
        )
    )
    secretary = (world.secretary.pk, world.branch.path)
    assert ("account.logged_in", *secretary) in found
    assert ("account.login_failed", *secretary) in found
    assert ("account.locked_out", *secretary) in found
    assert ("account.login_failed", 0, "") in found  # an unknown name: no unit, no name kept
    assert not AuditEvent.objects.filter(summary__icontains="nobody-at-all").exists()


def test_the_products_writes_only_ever_add_events(world):
    """Edits, lifecycle acts, roles and a merge of branches: every event there before is still
    there, unchanged."""
    before = events()
    assert before
    unit_update(
        actor=world.province_cadre,
        unit=world.base,
        name="Đoàn trường THPT Tân An Mới",
        code=world.base.code,
        sector=world.base.sector,
        level=world.base.level,
    )
    member_remove(
        actor=world.secretary, member=world.member2, on=date(2026, 11, 20), reason="Bỏ sinh hoạt"
    )
    member_reinstate(actor=world.secretary, member=world.member2, reason="Ghi nhầm")
    deputy = make_user("deputy")
    role_grant(actor=world.base_cadre, user=deputy, unit=world.branch, role="deputy")
    role_revoke(actor=world.base_cadre, grant=RoleGrant.objects.get(user=deputy))
    unit_merge(actor=world.province_cadre, source=world.branch2, target=world.branch)
    after = events()
    assert after[: len(before)] == before
    assert len(after) > len(before)


def test_no_code_deletes_or_updates_audit_events():
    """Nothing in the product calls delete() or update() on the events (the admin shows them
    read-only), and a unit move rewrites none (the events name their unit by id). The one
    rewrite is the migration that took personal data out of events written before it was kept
    apart (core/audit_legacy.py), run once at upgrade, never by the application."""
    offenders = []
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        if re.search(r"AuditEvent\.objects[^\n]*\.(delete|update|bulk_update)\(", text):
            offenders.append(str(path))
    assert offenders == []


def test_a_unit_move_rewrites_no_event_and_its_history_follows_it(world):
    """The events of a moved subtree stay as they were written (their paths are history), and
    the search finds them under the unit's new place, not under the old one."""
    district2 = make_unit(
        world.province, name="Huyện đoàn Bình Minh", code="TN-BM", level="district"
    )
    before = events()
    moved = {e["id"] for e in before if e["unit_path"].startswith(world.base.path)}
    assert moved
    unit_move(actor=world.province_cadre, unit=world.base, new_parent=district2)
    world.base.refresh_from_db()
    assert events()[: len(before)] == before
    under_new = set(audit.search(unit_path=district2.path).values_list("id", flat=True))
    under_old = set(audit.search(unit_path=world.district.path).values_list("id", flat=True))
    assert moved <= under_new
    assert not moved & under_old
    # And the events written after the move belong to the unit where it now is.
    audit.record(
        actor=world.province_cadre,
        action="unit.updated",
        target=world.base,
        unit_path=world.base.path,
    )
    newest = AuditEvent.objects.latest("id")
    assert newest.unit_id == world.base.pk and newest.unit_path.startswith(district2.path)

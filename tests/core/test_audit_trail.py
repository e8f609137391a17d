"""The audit trail: log-ins, failed log-ins and lockouts are events of the account's unit, and
the application only ever adds events: no write of the product deletes or changes one."""

import re
from datetime import date
from pathlib import Path

from django.urls import reverse

from doanvien.accounts.models import RoleGrant
from doanvien.accounts.services import role_grant, role_revoke
from doanvien.actions.members import member_reinstate, member_remove
from doanvien.actions.units import unit_merge, unit_update
from doanvien.core.models import AuditEvent

from ..factories import make_user

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
    read-only); the one rewrite left is that of the unit paths a move copies (TreePathField)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        if re.search(r"AuditEvent\.objects[^\n]*\.(delete|update)\(", text):
            offenders.append(str(path))
    assert offenders == []

"""Roles, invitations, the member lifecycle's acts, a unit's transfers and its audit trail
through the API: the same services as the pages, the same scoping."""

from datetime import date

from django.core import mail

from doanvien.accounts.models import RoleGrant, User
from doanvien.core.models import AuditEvent
from doanvien.members.models import Member
from doanvien.members.services.transfers import transfer_request
from doanvien.units import member_counts

from ..factories import make_user


def test_roles_are_listed_granted_and_revoked(api_client, world):
    api = api_client(world.base_cadre)
    listed = api.get(f"/api/v1/units/{world.branch.pk}/roles").json()
    assert [(g["user"]["username"], g["role"]) for g in listed] == [("secretary", "secretary")]
    make_user("deputy")
    granted = api.post(
        f"/api/v1/units/{world.branch.pk}/roles", {"user": "deputy", "role": "deputy"}
    )
    assert granted.status_code == 201, granted.json()
    grant = RoleGrant.objects.get(pk=granted.json()["id"])
    assert (grant.user.username, grant.unit_id, grant.role) == ("deputy", world.branch.pk, "deputy")
    # The outsider (another base union's secretary) cannot see it, nor revoke it.
    outsider = api_client(world.outsider)
    url = f"/api/v1/roles/{grant.pk}"
    assert outsider.client.delete(url, headers=outsider.headers).status_code == 404
    assert api.client.delete(url, headers=api.headers).status_code == 204
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoked").exists()


def test_a_role_one_may_not_grant_is_refused(api_client, world):
    make_user("someone")
    answer = api_client(world.secretary).post(
        f"/api/v1/units/{world.branch.pk}/roles", {"user": "someone", "role": "cadre"}
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "role"
    assert not RoleGrant.objects.filter(user__username="someone").exists()


def test_an_invitation_creates_the_account_and_mails_the_person(api_client, world):
    answer = api_client(world.base_cadre).post(
        f"/api/v1/units/{world.branch.pk}/invitations",
        {"full_name": "Vũ Thị Mai", "email": "mai.example@example.com", "role": "deputy"},
    )
    assert answer.status_code == 201, answer.json()
    user = User.objects.get(pk=answer.json()["id"])
    assert user.email == "mai.example@example.com" and not user.has_usable_password()
    assert RoleGrant.objects.filter(user=user, unit=world.branch, role="deputy").exists()
    assert [m.to for m in mail.outbox] == [["mai.example@example.com"]]
    assert "/" not in answer.content.decode()  # no link in the answer


def test_a_member_leaves_the_roll_and_comes_back(api_client, world):
    api = api_client(world.secretary)
    url = f"/api/v1/members/{world.member2.pk}"
    missing = api.post(f"{url}/remove", {"reason": "Chuyển đi nơi khác"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "on"
    removed = api.post(f"{url}/remove", {"reason": "Tự ý bỏ sinh hoạt", "on": "2026-11-20"})
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
    assert member_counts.now(world.branch) == 1
    # Off the roll already: refused for his state, and the roll's count stays.
    twice = api.post(f"{url}/remove", {"reason": "Tự ý bỏ sinh hoạt", "on": "2026-11-20"})
    assert twice.status_code == 409 and member_counts.now(world.branch) == 1
    back = api.post(f"{url}/reinstate", {"reason": "Ghi nhầm"})
    assert back.status_code == 200 and back.json()["status"] == "active"
    assert member_counts.now(world.branch) == 2
    honorary = api.post(f"{url}/honorary", {"reason": "Nhiều đóng góp", "honorary": True})
    assert honorary.status_code == 200 and honorary.json()["honorary"] is True
    again = api.post(f"{url}/reinstate", {"reason": "Ghi nhầm"})
    assert again.status_code == 409
    same = api.post(f"{url}/honorary", {"reason": "Nhiều đóng góp", "honorary": True})
    assert same.status_code == 409
    matured = api.post(f"{url}/mature-out", {"on": str(date(2026, 11, 26))})
    assert matured.status_code in (200, 400)  # the age rules decide; never a half-done write
    # Out of scope: the outsider reaches nothing.
    other = api_client(world.outsider)
    assert other.post(f"{url}/remove", {"reason": "x", "on": "2026-11-20"}).status_code == 404
    assert Member.objects.get(pk=world.member2.pk).honorary


def test_a_units_open_transfers_in_and_out(api_client, world):
    transfer = transfer_request(
        actor=world.secretary, member=world.member2, to_unit=world.other_branch, reason="Chuyển"
    )
    cadre = api_client(world.province_cadre)
    incoming = cadre.get(f"/api/v1/units/{world.other_base.pk}/transfers", {"direction": "in"})
    assert [t["id"] for t in incoming.json()] == [transfer.pk]
    outgoing = cadre.get(f"/api/v1/units/{world.base.pk}/transfers", {"direction": "out"})
    assert [t["id"] for t in outgoing.json()] == [transfer.pk]
    assert cadre.get(f"/api/v1/units/{world.base.pk}/transfers").json() == []  # nothing in
    bad = cadre.get(f"/api/v1/units/{world.base.pk}/transfers", {"direction": "sideways"})
    assert bad.status_code == 422
    assert (
        api_client(world.outsider).get(f"/api/v1/units/{world.base.pk}/transfers").status_code
        == 404
    )


def test_the_audit_trail_is_for_cadres_of_their_subtree(api_client, world):
    cadre = api_client(world.base_cadre)
    events = cadre.get(f"/api/v1/units/{world.base.pk}/audit").json()["results"]
    assert events and all(
        e["target_id"] != world.outsider_member.pk or e["target_type"] != "member" for e in events
    )
    assert (
        api_client(world.secretary).get(f"/api/v1/units/{world.branch.pk}/audit").status_code == 403
    )
    assert cadre.get(f"/api/v1/units/{world.district.pk}/audit").status_code == 404
    # Keyset pages: the cursor of a page leads to the events before it, none twice.
    seen = []
    page = api_client(world.province_cadre).get(f"/api/v1/units/{world.province.pk}/audit").json()
    seen += [e["id"] for e in page["results"]]
    while page["next"]:
        page = (
            api_client(world.province_cadre)
            .get(f"/api/v1/units/{world.province.pk}/audit", {"cursor": page["next"]})
            .json()
        )
        seen += [e["id"] for e in page["results"]]
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen))
    assert (
        len(seen) == AuditEvent.objects.filter(unit__path__startswith=world.province.path).count()
    )
    # One object's events.
    one = cadre.get(
        f"/api/v1/units/{world.base.pk}/audit",
        {"object_type": "member", "object_id": world.member.pk},
    ).json()["results"]
    assert one and {(e["target_type"], e["target_id"]) for e in one} == {
        ("member", world.member.pk)
    }
    assert cadre.get(f"/api/v1/units/{world.base.pk}/audit", {"object_id": 0}).status_code == 422

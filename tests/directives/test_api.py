"""The directive API: publishing with files (multipart), the receiving units' list, reading,
replying, the receipts (issuing unit only), reminders and withdrawal; 404 out of scope, 403 in
scope but not allowed, 409 for a move the state does not allow, 422 for refused data (a field,
a file)."""

from datetime import date, timedelta

import pytest
from django.test import Client

from doanvien.accounts.services import api_token_issue
from doanvien.directives.models import Directive, Receipt

from ..factories import make_user
from . import files


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api(user):
    client = Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})
    return client


def publish(world, user=None, unit=None, **data):
    fields = {"title": "Hướng dẫn đại hội", "number": "7-HD/TĐTN", "audience": "children", **data}
    unit = unit or world.base
    return api(user or world.base_cadre).post(f"/api/v1/units/{unit.pk}/directives", fields)


def test_a_union_publishes_with_files_and_the_branch_reads_and_replies(world):
    response = publish(
        world,
        reply_required="true",
        due_on=str(date.today() + timedelta(days=7)),
        files=[files.pdf(), files.docx()],
    )
    assert response.status_code == 201, response.content
    directive = Directive.objects.get(pk=response.json()["id"])
    assert directive.files.count() == 2 and directive.reply_required
    assert response.json()["recipients"] == 2

    secretary = api(world.secretary)
    unread = secretary.get("/api/v1/me/directives", {"unread": 1}).json()["items"]
    assert [d["id"] for d in unread] == [directive.pk]
    assert unread[0]["from_unit"]["id"] == world.base.pk and unread[0]["unit"]["id"] == (
        world.branch.pk
    )
    detail = secretary.get(f"/api/v1/directives/{directive.pk}").json()
    assert [f["name"] for f in detail["files"]] == ["cong-van.pdf", "ke-hoach.docx"]
    assert detail["mine"][0]["state"] == "unread"  # a GET records nothing

    assert secretary.post(f"/api/v1/directives/{directive.pk}/read").json() == {"marked": 1}
    assert secretary.post(f"/api/v1/directives/{directive.pk}/read").json() == {"marked": 0}
    assert secretary.get("/api/v1/me/directives", {"unread": 1}).json()["items"] == []

    reply = secretary.post(
        f"/api/v1/directives/{directive.pk}/reply",
        {"reply": "Chi đoàn đã tổ chức", "files": [files.xlsx()]},
    )
    assert reply.status_code == 201, reply.content
    assert reply.json()["state"] == "replied" and reply.json()["files"][0]["name"] == (
        "bieu-mau.xlsx"
    )
    again = secretary.post(f"/api/v1/directives/{directive.pk}/reply", {"reply": "Lần nữa"})
    assert again.status_code == 409

    receipts = api(world.base_cadre).get(f"/api/v1/directives/{directive.pk}/receipts").json()
    states = {i["unit"]["id"]: i["state"] for i in receipts["items"]}
    assert states == {world.branch.pk: "replied", world.branch2.pk: "unread"}
    assert receipts["counts"] == {"total": 2, "unread": 1, "read": 0, "replied": 1, "late": 0}
    mine = next(i for i in receipts["items"] if i["unit"]["id"] == world.branch.pk)
    assert mine["read_at"] is not None


def test_receipts_show_late_units_and_filter_by_state(world):
    response = publish(
        world,
        issued_on=str(date.today() - timedelta(days=9)),
        due_on=str(date.today() - timedelta(days=2)),
    )
    pk = response.json()["id"]
    api(world.secretary).post(f"/api/v1/directives/{pk}/read")
    cadre = api(world.base_cadre)
    late = cadre.get(f"/api/v1/directives/{pk}/receipts", {"state": "late"}).json()
    assert [(i["unit"]["id"], i["state"]) for i in late["items"]] == [(world.branch2.pk, "late")]
    assert cadre.get(f"/api/v1/directives/{pk}/receipts", {"state": "x"}).status_code == 422
    reminded = cadre.post(f"/api/v1/directives/{pk}/remind")
    assert reminded.json() == {"reminded": 1}
    assert Receipt.objects.get(directive_id=pk, unit=world.branch2).reminded_at is not None


def test_only_the_issuing_units_cadres_see_the_receipts(world):
    pk = publish(world).json()["id"]
    url = f"/api/v1/directives/{pk}/receipts"
    assert api(world.base_cadre).get(url).status_code == 200
    assert api(world.province_cadre).get(url).status_code == 200  # a cadre above
    assert api(world.secretary).get(url).status_code == 403  # a receiving unit
    assert api(world.outsider).get(url).status_code == 404
    assert api(world.member_user).get(url).status_code == 404
    assert api(world.member_user).get("/api/v1/me/directives").json()["items"] == []
    for user in (world.outsider, world.member_user):
        client = api(user)
        assert client.get(f"/api/v1/directives/{pk}").status_code == 404
        assert client.post(f"/api/v1/directives/{pk}/read").status_code == 404
        assert client.post(f"/api/v1/directives/{pk}/reply", {"reply": "x"}).status_code == 404
    assert publish(world, user=world.outsider).status_code == 404
    assert publish(world, user=world.secretary, unit=world.branch).status_code == 403
    # The issuing cadre acts for no receiving unit: reading and replying are not his.
    assert api(world.base_cadre).post(f"/api/v1/directives/{pk}/read").status_code == 403


def test_bad_input_answers_with_field_errors(world):
    refused = publish(world, files=[files.upload("bao-cao.docx", files.PDF)])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "files"
    assert "Word" in refused.json()["errors"][0]["message"]
    missing = publish(world, title="", number="")
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"title", "number"}
    outside = publish(world, audience="units", units=[str(world.other_branch.pk)])
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "units"
    chosen = publish(world, audience="units", units=[str(world.branch2.pk)])
    assert chosen.status_code == 201 and chosen.json()["recipients"] == 1
    assert Directive.objects.count() == 1


def test_withdrawal_needs_a_reason_and_ends_replies(world):
    pk = publish(world, reply_required="true").json()["id"]
    cadre = api(world.base_cadre)
    url = f"/api/v1/directives/{pk}/withdraw"
    assert cadre.post(url, {}, content_type="application/json").status_code == 422
    done = cadre.post(url, {"reason": "Ban hành nhầm"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "withdrawn"
    again = cadre.post(url, {"reason": "Lần nữa"}, content_type="application/json")
    assert again.status_code == 409
    reply = api(world.secretary).post(f"/api/v1/directives/{pk}/reply", {"reply": "Muộn"})
    assert reply.status_code == 409
    assert (
        api(world.secretary).post(url, {"reason": "x"}, content_type="application/json").status_code
        == 403
    )


def test_a_deputy_of_the_branch_reads_for_it_too(world):
    pk = publish(world).json()["id"]
    deputy = make_user("deputy", role="deputy", unit=world.branch)
    assert api(deputy).post(f"/api/v1/directives/{pk}/read").json() == {"marked": 1}
    assert Receipt.objects.get(directive_id=pk, unit=world.branch).read_by == deputy

"""POST /api/v1/units/{id}/admissions, GET /api/v1/admissions/{id} and its approve, reject,
withdraw and annul; card-number ranges and a member's card."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from doanvien.members.models import AdmissionRequest, CardRange, Member
from doanvien.members.services.admissions import admission_propose, admission_reject
from doanvien.members.services.cards import card_range_allocate

from .conftest import fields

A = AdmissionRequest.State
TODAY = timezone.localdate()
COURSE_ON = TODAY - timedelta(days=30)
RESOLVED_ON = TODAY - timedelta(days=7)


def body(**overrides):
    data = {
        "full_name": "Đặng Quốc Bảo",
        "date_of_birth": date(TODAY.year - 19, 9, 2).isoformat(),
        "sex": "male",
        "id_number": "079207004321",
        "introducer_name": "Trần Thị Đào",
        "introducer_is_member": True,
        "course_name": "Lớp cảm tình Đoàn 2026",
        "course_date": COURSE_ON.isoformat(),
    }
    data.update(overrides)
    return data


def open_proposal(world, **overrides):
    data = body(**overrides)
    return admission_propose(
        actor=world.secretary,
        branch=world.branch,
        data={k: data[k] for k in ("full_name", "date_of_birth", "sex", "id_number")},
        introducer_name=data["introducer_name"],
        introducer_is_member=True,
        course_name=data["course_name"],
        course_date=data["course_date"],
    )


@pytest.fixture
def ranges(world):
    card_range_allocate(actor=None, unit=world.province, first=1, last=1_000_000)
    card_range_allocate(actor=None, unit=world.district, first=1, last=100_000)
    return card_range_allocate(actor=None, unit=world.base, first=1, last=1_000)


def url(admission, action=""):
    return f"/api/v1/admissions/{admission.pk}" + (f"/{action}" if action else "")


def test_the_secretary_proposes_a_youth(api_client, world):
    response = api_client(world.secretary).post(
        f"/api/v1/units/{world.branch.pk}/admissions", body()
    )

    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "proposed" and data["branch"]["id"] == world.branch.pk
    assert data["full_name"] == "Đặng Quốc Bảo" and data["id_number_masked"].endswith("321")
    assert "id_number" not in data["record"] and "079207004321" not in response.content.decode()
    assert data["member_id"] is None and data["course_date"] == COURSE_ON.isoformat()


def test_a_proposal_is_checked_by_the_member_rules(api_client, world):
    client = api_client(world.secretary)
    path = f"/api/v1/units/{world.branch.pk}/admissions"
    young = client.post(path, body(date_of_birth=date(TODAY.year - 14, 1, 1).isoformat()))
    assert young.status_code == 400 and fields(young) == ["date_of_birth"]
    missing = client.post(path, body(course_name="", introducer_name=""))
    assert missing.status_code == 400
    assert set(fields(missing)) == {"course_name", "introducer_name"}
    unknown = client.post(path, body(card_number="1"))
    assert unknown.status_code == 422 and fields(unknown) == ["card_number"]
    taken = client.post(path, body(id_number=world.member.id_number))
    assert taken.status_code == 400 and fields(taken) == ["id_number"]
    assert not AdmissionRequest.objects.exists()


def test_only_the_branch_committee_and_cadres_above_propose(api_client, world):
    assert (
        api_client(world.base_cadre)
        .post(f"/api/v1/units/{world.base.pk}/admissions", body())
        .status_code
        == 403
    )
    assert (
        api_client(world.outsider)
        .post(f"/api/v1/units/{world.branch.pk}/admissions", body())
        .status_code
        == 404
    )
    assert not AdmissionRequest.objects.exists()


def test_the_base_cadre_approves_and_the_member_appears_with_a_card(api_client, world, ranges):
    admission = open_proposal(world)
    client = api_client(world.base_cadre)
    assert client.get(url(admission)).json()["state"] == "proposed"

    response = client.post(
        url(admission, "approve"),
        {"resolution_no": "27-QĐ/ĐTN", "resolution_date": RESOLVED_ON.strftime("%d/%m/%Y")},
    )

    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "approved" and data["card_number"] == "0000000001"
    assert data["resolution_date"] == RESOLVED_ON.isoformat()
    member = client.get(f"/api/v1/members/{data['member_id']}").json()
    assert member["joined_union_on"] == RESOLVED_ON.isoformat()
    assert member["admission_resolution_no"] == "27-QĐ/ĐTN"
    assert member["branch"]["id"] == world.branch.pk


def test_an_approval_with_a_number_by_hand_or_none(api_client, world, ranges):
    client = api_client(world.province_cadre)
    first = open_proposal(world)
    by_hand = client.post(
        url(first, "approve"),
        {"resolution_no": "1", "resolution_date": RESOLVED_ON.isoformat(), "card_number": "42"},
    )
    assert by_hand.json()["card_number"] == "0000000042"
    second = open_proposal(world, id_number="079207004322")
    later = client.post(
        url(second, "approve"),
        {"resolution_no": "2", "resolution_date": RESOLVED_ON.isoformat(), "assign_card": False},
    )
    assert later.status_code == 200 and later.json()["card_number"] is None


def test_an_approval_needs_its_resolution_and_a_free_number(api_client, world):
    admission = open_proposal(world)
    client = api_client(world.base_cadre)
    missing = client.post(url(admission, "approve"), {})
    assert missing.status_code == 400
    assert set(fields(missing)) == {"resolution_no", "resolution_date"}
    no_range = client.post(
        url(admission, "approve"), {"resolution_no": "1", "resolution_date": str(RESOLVED_ON)}
    )
    assert no_range.status_code == 400 and fields(no_range) == ["card_number"]
    assert AdmissionRequest.objects.get(pk=admission.pk).state == A.PROPOSED
    assert not Member.objects.filter(id_number="079207004321").exists()


def test_the_secretary_cannot_decide(api_client, world):
    admission = open_proposal(world)
    client = api_client(world.secretary)
    assert client.post(url(admission, "reject"), {"reason": "x"}).status_code == 403
    assert client.post(url(admission, "withdraw"), {}).json()["state"] == "withdrawn"


def test_reject_needs_a_reason_and_illegal_moves_answer_409(api_client, world):
    admission = open_proposal(world)
    client = api_client(world.base_cadre)
    no_reason = client.post(url(admission, "reject"), {})
    assert no_reason.status_code == 400 and fields(no_reason) == ["reason"]
    assert client.post(url(admission, "reject"), {"reason": "Too young"}).status_code == 200
    again = client.post(
        url(admission, "approve"), {"resolution_no": "1", "resolution_date": str(RESOLVED_ON)}
    )
    assert again.status_code == 409 and again.json()["detail"]
    assert client.post(url(admission, "annul"), {"reason": "x"}).status_code == 409


def test_an_annulment_takes_the_member_off_the_roll(api_client, world, ranges):
    admission = open_proposal(world)
    client = api_client(world.base_cadre)
    approved = client.post(
        url(admission, "approve"), {"resolution_no": "1", "resolution_date": str(RESOLVED_ON)}
    ).json()
    no_reason = client.post(url(admission, "annul"), {"reason": ""})
    assert no_reason.status_code == 400 and fields(no_reason) == ["reason"]
    done = client.post(url(admission, "annul"), {"reason": "Approved by mistake"})
    assert done.status_code == 200 and done.json()["state"] == "annulled"
    member = Member.objects.get(pk=approved["member_id"])
    assert member.status == "removed" and member.card_number == "0000000001"


def test_the_list_filters_by_state_and_pages(api_client, world):
    first = open_proposal(world)
    admission_reject(actor=world.base_cadre, admission=first, reason="No")
    second = open_proposal(world)
    client = api_client(world.province_cadre)
    path = f"/api/v1/units/{world.district.pk}/admissions"
    everything = client.get(path).json()
    assert everything["count"] == 2
    assert [a["id"] for a in everything["results"]] == [second.pk, first.pk]
    pending = client.get(path, {"state": "proposed"}).json()
    assert [a["id"] for a in pending["results"]] == [second.pk]
    assert client.get(path, {"state": "nope"}).status_code == 422
    assert client.get(path, {"page": 5}).status_code == 404
    outside = client.get(f"/api/v1/units/{world.other_base.pk}/admissions").json()
    assert outside["count"] == 0


def test_outsiders_see_no_proposal(api_client, world):
    admission = open_proposal(world)
    assert api_client(world.outsider).get(url(admission)).status_code == 404
    assert api_client(world.member_user).get(url(admission)).status_code == 404


# --- Card ranges ------------------------------------------------------------------------------


def test_the_root_cadre_opens_a_block_and_hands_part_of_it_down(api_client, world):
    client = api_client(world.province_cadre)
    root = client.post(
        f"/api/v1/units/{world.province.pk}/card-ranges", {"first": 1, "last": "1000000"}
    )
    assert root.status_code == 201
    assert root.json()["first"] == "0000000001" and root.json()["parent_id"] is None
    district = client.post(
        f"/api/v1/units/{world.district.pk}/card-ranges", {"first": "1", "last": "5000"}
    )
    assert district.status_code == 201 and district.json()["parent_id"] == root.json()["id"]
    listing = client.get(f"/api/v1/units/{world.province.pk}/card-ranges").json()
    assert listing[0]["children"][0]["unit"]["id"] == world.district.pk
    assert listing[0]["next_free"] == "0000005001"
    overlap = client.post(
        f"/api/v1/units/{world.district.pk}/card-ranges", {"first": "4000", "last": "6000"}
    )
    assert overlap.status_code == 400 and fields(overlap) == ["first"]


def test_a_cadre_cannot_give_his_own_unit_a_range(api_client, world, ranges):
    response = api_client(world.base_cadre).post(
        f"/api/v1/units/{world.base.pk}/card-ranges", {"first": "2000", "last": "3000"}
    )
    assert response.status_code == 403
    assert CardRange.objects.filter(unit=world.base).count() == 1


def test_a_range_is_released_with_a_reason(api_client, world, ranges):
    client = api_client(world.province_cadre)
    no_reason = client.post(f"/api/v1/card-ranges/{ranges.pk}/release", {})
    assert no_reason.status_code == 400 and fields(no_reason) == ["reason"]
    done = client.post(f"/api/v1/card-ranges/{ranges.pk}/release", {"reason": "Typo"})
    assert done.status_code == 200 and done.json()["is_active"] is False
    again = client.post(f"/api/v1/card-ranges/{ranges.pk}/release", {"reason": "Typo"})
    assert again.status_code == 409


def test_the_level_above_assigns_a_members_card_number(api_client, world, ranges):
    path = f"/api/v1/members/{world.member.pk}/card"
    assert api_client(world.secretary).post(path, {}).status_code == 403
    client = api_client(world.base_cadre)
    assert client.post(path, {}).json()["card_number"] == "0000000001"
    again = client.post(path, {"card_number": "7"})
    assert again.status_code == 400 and fields(again) == ["card_number"]
    other = client.post(f"/api/v1/members/{world.member2.pk}/card", {"card_number": "5000000"})
    assert other.status_code == 400 and fields(other) == ["card_number"]

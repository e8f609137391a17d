"""The "1+1" API: youths and groups of a unit, a member's referrals, their steps, the admission
that names the youth, erasure and the report."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from doanvien.core.models import AuditEvent
from doanvien.members.models import AdmissionRequest
from doanvien.members.services.cards import card_range_allocate
from doanvien.training import rollup as training_rollup
from doanvien.youth.models import Referral, ReferralStep, Youth

from ..api.conftest import ApiClient as BaseClient

TODAY = timezone.localdate()


class ApiClient(BaseClient):
    def delete(self, path):
        return self.client.delete(path, headers=self.headers)


@pytest.fixture
def secretary(world):
    return ApiClient(world.secretary)


def new_youth(secretary, world, **extra):
    body = {
        "full_name": "Võ Thị Hồng Nhung",
        "date_of_birth": date(TODAY.year - 18, 3, 4).isoformat(),
        "sex": "female",
        "phone": "0901234567",
        "situation": "studying",
        **extra,
    }
    answer = secretary.post(f"/api/v1/units/{world.branch.pk}/youths", body)
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def test_youths_are_found_without_diacritics_and_only_in_scope(world, secretary):
    youth_id = new_youth(secretary, world)
    found = secretary.get(f"/api/v1/units/{world.branch.pk}/youths", {"q": "hong nhung"}).json()
    assert [y["id"] for y in found] == [youth_id]
    assert secretary.get(f"/api/v1/units/{world.branch.pk}/youths", {"q": "hoa"}).json() == []
    outsider = ApiClient(world.outsider)
    assert outsider.get(f"/api/v1/units/{world.branch.pk}/youths").status_code == 404
    assert outsider.delete(f"/api/v1/youths/{youth_id}").status_code == 404


def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(world, secretary):
    answer = secretary.post(
        f"/api/v1/units/{world.branch.pk}/youths",
        {"full_name": "", "date_of_birth": "31/02/2009"},
    )
    assert answer.status_code == 400
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"full_name", "date_of_birth"} <= fields
    assert not Youth.objects.exists()


def test_a_group_is_recorded(world, secretary):
    answer = secretary.post(
        f"/api/v1/units/{world.branch.pk}/groups", {"name": "CLB Bóng rổ", "kind": "club"}
    )
    assert answer.status_code == 201
    assert (
        secretary.post(
            f"/api/v1/units/{world.branch.pk}/groups", {"name": "X", "kind": "band"}
        ).status_code
        == 422
    )


def test_a_member_introduces_only_in_his_own_name(world):
    member = ApiClient(world.member_user)
    own = member.post(
        f"/api/v1/members/{world.member.pk}/referrals",
        {"new_youth": {"full_name": "Lý Gia Huy", "sex": "male"}},
    )
    assert own.status_code == 201, own.content
    assert own.json()["state"] == "introduced"
    referral = Referral.objects.get(pk=own.json()["id"])
    assert referral.member == world.member and referral.branch == world.branch
    other = member.post(
        f"/api/v1/members/{world.member2.pk}/referrals", {"new_youth": {"full_name": "Lý Huy"}}
    )
    assert other.status_code == 404
    # He moves no step himself: the branch committee does.
    step = member.post(
        f"/api/v1/referrals/{referral.pk}/progress", {"state": "taking_part", "on": str(TODAY)}
    )
    assert step.status_code == 403


def test_steps_admission_and_report(world, secretary):
    youth_id = new_youth(secretary, world)
    made = secretary.post(
        f"/api/v1/members/{world.member.pk}/referrals",
        {"youth": youth_id, "on": (TODAY - timedelta(days=60)).isoformat()},
    )
    assert made.status_code == 201
    referral_id = made.json()["id"]
    progress = f"/api/v1/referrals/{referral_id}/progress"
    on = (TODAY - timedelta(days=40)).isoformat()
    # Proposed before taking part, or admitted by hand: 409.
    assert secretary.post(progress, {"state": "proposed", "on": on}).status_code == 409
    assert secretary.post(progress, {"state": "admitted", "on": on}).status_code == 409
    assert secretary.post(progress, {"state": "taking_part", "on": on}).status_code == 200
    fed = secretary.post(progress, {"state": "joined_federation", "on": on, "note": "Hội"})
    assert fed.json()["state"] == "taking_part" and fed.json()["federation_on"] == on
    assert secretary.post(progress, {"state": "joined_federation", "on": on}).status_code == 409
    # The admission names the youth and the member who introduced him.
    answer = secretary.post(
        f"/api/v1/units/{world.branch.pk}/admissions",
        {
            "youth": youth_id,
            "introducer": world.member.pk,
            "id_number": "079309001234",
            "course_name": "Lớp cảm tình Đoàn",
            "course_date": (TODAY - timedelta(days=20)).isoformat(),
        },
    )
    assert answer.status_code == 201, answer.content
    proposal = answer.json()
    assert proposal["full_name"] == "Võ Thị Hồng Nhung"
    assert proposal["introducer_name"] == world.member.full_name
    assert Referral.objects.get(pk=referral_id).state == "proposed"
    card_range_allocate(actor=None, unit=world.province, first=1, last=100_000)
    card_range_allocate(actor=None, unit=world.district, first=1, last=10_000)
    card_range_allocate(actor=None, unit=world.base, first=1, last=1_000)
    approved = ApiClient(world.base_cadre).post(
        f"/api/v1/admissions/{proposal['id']}/approve",
        {"resolution_no": "12-QĐ/ĐTN", "resolution_date": (TODAY - timedelta(days=2)).isoformat()},
    )
    assert approved.status_code == 200, approved.content
    referral = Referral.objects.get(pk=referral_id)
    assert referral.state == "admitted"
    assert referral.admitted_on == TODAY - timedelta(days=2)
    admission = AdmissionRequest.objects.get(pk=proposal["id"])
    assert Youth.objects.get(pk=youth_id).member == admission.member
    # The admitted youth's record is the member's history: not erased.
    assert secretary.delete(f"/api/v1/youths/{youth_id}").status_code == 409
    training_rollup.fold_all()
    report = ApiClient(world.province_cadre).get(
        f"/api/v1/units/{world.district.pk}/referrals/{referral.admitted_on.year}"
    )
    assert report.status_code == 200
    rows = report.json()["rows"]
    assert rows[0]["unit"] == world.district.name
    assert rows[0]["admitted"] == 1
    assert rows[0]["members_referring"] == (
        1 if referral.introduced_on.year == referral.admitted_on.year else 0
    )
    base_row = next(r for r in rows if r["unit_id"] == world.base.pk)
    assert base_row["admitted"] == 1
    other = next(r for r in rows if r["unit_id"] == world.other_base.pk)
    assert other["admitted"] == 0


def test_erasure_keeps_the_counts_and_no_personal_data(world, secretary):
    youth_id = new_youth(secretary, world, notes="Con bà Tư, nhà số 5")
    referral_id = secretary.post(
        f"/api/v1/members/{world.member.pk}/referrals", {"youth": youth_id, "note": "Bạn cùng xóm"}
    ).json()["id"]
    year = TODAY.year
    cadre = ApiClient(world.base_cadre)
    before = cadre.get(f"/api/v1/units/{world.base.pk}/referrals/{year}").json()["rows"]
    assert before[0]["youths_referred"] == 1
    assert secretary.delete(f"/api/v1/youths/{youth_id}").status_code == 204
    youth = Youth.objects.get(pk=youth_id)
    assert (youth.full_name, youth.phone, youth.date_of_birth, youth.notes) == ("", "", None, "")
    assert youth.erased_at is not None
    assert not ReferralStep.objects.filter(referral_id=referral_id).exclude(note="").exists()
    after = cadre.get(f"/api/v1/units/{world.base.pk}/referrals/{year}").json()["rows"]
    assert after == before
    trail = list(AuditEvent.objects.values_list("summary", "changes"))
    assert any(f"#{youth_id}" in summary for summary, _c in trail)
    for personal in ("Hồng Nhung", "0901234567", "Con bà Tư", "Bạn cùng xóm"):
        assert not any(
            personal in summary or personal in str(changes) for summary, changes in trail
        )
    assert secretary.get(f"/api/v1/units/{world.branch.pk}/youths").json() == []

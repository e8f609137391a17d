"""Admission of new members: the service's state machine and rules, and the pages."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from doanvien.actions.admissions import admission_annul
from doanvien.core.models import AuditEvent
from doanvien.members.access import (
    admissions_visible_to,
    can_decide_admission,
    can_propose_admission,
)
from doanvien.members.models import AdmissionRequest, Member, Membership, Movement, Status
from doanvien.members.selectors import unit_admissions
from doanvien.members.services.admissions import (
    TRANSITIONS,
    admission_approve,
    admission_propose,
    admission_reject,
    admission_withdraw,
)
from doanvien.members.services.cards import card_range_allocate
from doanvien.units import member_counts

from ..factories import make_user

A = AdmissionRequest.State
TODAY = timezone.localdate()
COURSE_ON = TODAY - timedelta(days=30)
RESOLVED_ON = TODAY - timedelta(days=7)


def youth(**overrides):
    data = {
        "full_name": "Võ Thị Hồng Nhung",
        "date_of_birth": date(TODAY.year - 18, 2, 14),
        "sex": "female",
        "id_number": "079308001234",
        "ethnicity": "Kinh",
        "phone": "0912000111",
        "category": "main",
    }
    data.update(overrides)
    return data


def propose(world, *, actor=None, branch=None, **overrides):
    args = {
        "actor": actor or world.secretary,
        "branch": branch or world.branch,
        "data": youth(**overrides.pop("data", {})),
        "introducer_name": "Nguyễn Văn An",
        "introducer_is_member": True,
        "course_name": "Lớp cảm tình Đoàn khóa 3",
        "course_date": COURSE_ON,
    }
    args.update(overrides)
    return admission_propose(**args)


def approve(world, admission, **overrides):
    args = {
        "actor": world.base_cadre,
        "admission": admission,
        "resolution_no": "15-QĐ/ĐTN",
        "resolution_date": RESOLVED_ON,
    }
    args.update(overrides)
    return admission_approve(**args)


@pytest.fixture
def ranges(world):
    card_range_allocate(actor=None, unit=world.province, first=1, last=1_000_000)
    card_range_allocate(actor=None, unit=world.district, first=1, last=100_000)
    return card_range_allocate(actor=None, unit=world.base, first=501, last=1_000)


def count(unit):
    return member_counts.now(unit)


# --- Proposing --------------------------------------------------------------------------------


def test_a_proposal_holds_the_youth_the_introducer_and_the_course(world):
    before = count(world.branch)
    admission = propose(world)

    assert admission.state == A.PROPOSED and admission.branch == world.branch
    assert admission.full_name == "Võ Thị Hồng Nhung" and admission.id_number == "079308001234"
    assert admission.record["date_of_birth"] == youth()["date_of_birth"].isoformat()
    assert admission.record["ethnicity"] == "Kinh"
    assert admission.introducer_name == "Nguyễn Văn An" and admission.introducer_is_member
    assert admission.course_date == COURSE_ON and admission.proposed_by == world.secretary
    assert admission.member is None and count(world.branch) == before
    event = AuditEvent.objects.get(action="admission.proposed", target_id=admission.pk)
    assert "079308001234" not in str(event.changes)  # kept masked


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"data": {"date_of_birth": date(TODAY.year - 14, 1, 1)}}, "date_of_birth"),
        ({"data": {"date_of_birth": date(TODAY.year - 40, 1, 1)}}, "date_of_birth"),
        ({"data": {"full_name": ""}}, "full_name"),
        ({"data": {"id_number": "12345"}}, "id_number"),
        ({"data": {"phone": "12"}}, "phone"),
        ({"introducer_name": "  "}, "introducer_name"),
        ({"course_name": ""}, "course_name"),
        ({"course_date": None}, "course_date"),
        ({"course_date": "31/02/2025"}, "course_date"),
        ({"course_date": TODAY + timedelta(days=1)}, "course_date"),
    ],
)
def test_a_proposal_follows_the_member_rules(world, overrides, field):
    with pytest.raises(ValidationError) as e:
        propose(world, **overrides)
    assert field in e.value.message_dict
    assert not AdmissionRequest.objects.exists()


def test_only_a_branch_takes_proposals(world):
    with pytest.raises(ValidationError) as e:
        propose(world, branch=world.base, actor=world.base_cadre)
    assert "branch" in e.value.message_dict


def test_the_id_number_is_unique_against_members_and_open_proposals(world):
    with pytest.raises(ValidationError) as member:
        propose(world, data={"id_number": world.member.id_number})
    assert "id_number" in member.value.message_dict
    first = propose(world)
    with pytest.raises(ValidationError) as pending:
        propose(world, branch=world.branch2, actor=world.base_cadre)
    assert world.branch.name in pending.value.message_dict["id_number"][0]  # he sees it
    with pytest.raises(ValidationError) as elsewhere:
        propose(world, actor=world.outsider, branch=world.other_branch)
    assert elsewhere.value.message_dict["id_number"] == [
        "Số CCCD/CMND này đã có trong hệ thống; liên hệ Đoàn cấp trên."
    ]
    admission_withdraw(actor=world.secretary, admission=first)
    assert propose(world, branch=world.branch2, actor=world.base_cadre).state == A.PROPOSED


def test_the_database_keeps_one_open_proposal_per_person(world):
    admission = propose(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdmissionRequest.objects.create(
            branch=world.branch2,
            full_name="x",
            date_of_birth=admission.date_of_birth,
            id_number=admission.id_number,
            introducer_name="x",
            course_name="x",
            course_date=COURSE_ON,
        )


# --- The state machine ------------------------------------------------------------------------


def test_the_transition_table_is_exactly_the_workflow():
    assert TRANSITIONS == {
        (A.PROPOSED, "approve"): A.APPROVED,
        (A.PROPOSED, "reject"): A.REJECTED,
        (A.PROPOSED, "withdraw"): A.WITHDRAWN,
        (A.APPROVED, "annul"): A.ANNULLED,
    }


ALL = [(s, a) for s in A.values for a in ("approve", "reject", "withdraw", "annul")]


@pytest.mark.parametrize("state,action", ALL)
def test_every_action_is_allowed_only_from_its_state(world, state, action):
    admission = propose(world)
    if state in (A.APPROVED, A.ANNULLED):
        approve(world, admission, assign_card=False)
    AdmissionRequest.objects.filter(pk=admission.pk).update(state=state)
    admission.refresh_from_db()
    calls = {
        "approve": lambda: approve(world, admission, assign_card=False),
        "reject": lambda: admission_reject(
            actor=world.base_cadre, admission=admission, reason="Not yet ready"
        ),
        "withdraw": lambda: admission_withdraw(actor=world.secretary, admission=admission),
        "annul": lambda: admission_annul(
            actor=world.base_cadre, admission=admission, reason="Approved by mistake"
        ),
    }
    if (state, action) in TRANSITIONS:
        assert calls[action]().state == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(ValidationError) as e:
            calls[action]()
        assert e.value.code == "illegal_transition"
        assert AdmissionRequest.objects.get(pk=admission.pk).state == state


# --- Approving --------------------------------------------------------------------------------


def test_approval_creates_the_member_admitted_on_the_resolution_date(world, ranges):
    before = {u.pk: count(u) for u in (world.branch, world.base, world.district, world.province)}
    admission = approve(world, propose(world))

    assert admission.state == A.APPROVED and admission.decided_by == world.base_cadre
    assert admission.resolution_no == "15-QĐ/ĐTN" and admission.resolution_date == RESOLVED_ON
    member = Member.objects.get(pk=admission.member_id)
    assert member.full_name == "Võ Thị Hồng Nhung" and member.branch == world.branch
    assert member.joined_union_on == RESOLVED_ON
    assert member.admission_resolution_no == "15-QĐ/ĐTN"
    assert member.id_number == "079308001234" and member.ethnicity == "Kinh"
    assert member.status == Status.ACTIVE
    assert member.card_number == "0000000501"  # the base union's range
    span = Membership.objects.get(member=member)
    assert span.branch == world.branch and span.started_on == RESOLVED_ON
    for unit in (world.branch, world.base, world.district, world.province):
        assert count(unit) == before[unit.pk] + 1
    for action in ("admission.approved", "member.created", "member.admitted"):
        assert AuditEvent.objects.filter(action=action).exists(), action
    movement = Movement.objects.get(member=member)
    assert (movement.kind, movement.on, movement.branch) == ("admitted", RESOLVED_ON, world.branch)


def test_approval_takes_a_number_typed_by_hand(world, ranges):
    admission = approve(world, propose(world), card_number="777")
    assert admission.member.card_number == "0000000777"


def test_a_wrong_card_number_undoes_the_whole_approval(world, ranges):
    admission = propose(world)
    with pytest.raises(ValidationError) as e:
        approve(world, admission, card_number="5000000")
    assert "card_number" in e.value.message_dict
    assert AdmissionRequest.objects.get(pk=admission.pk).state == A.PROPOSED
    assert not Member.objects.filter(id_number="079308001234").exists()


def test_without_a_range_the_card_waits_or_the_approval_is_refused(world):
    admission = propose(world)
    with pytest.raises(ValidationError) as e:
        approve(world, admission)
    assert "card_number" in e.value.message_dict
    assert not Member.objects.filter(id_number="079308001234").exists()
    done = approve(world, admission, assign_card=False)
    assert done.member.card_number is None


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"resolution_no": " "}, "resolution_no"),
        ({"resolution_no": "x" * 41}, "resolution_no"),
        ({"resolution_date": None}, "resolution_date"),
        ({"resolution_date": "hôm qua"}, "resolution_date"),
        ({"resolution_date": TODAY + timedelta(days=1)}, "resolution_date"),
        ({"resolution_date": COURSE_ON - timedelta(days=1)}, "resolution_date"),
    ],
)
def test_approval_needs_the_resolution_number_and_date(world, overrides, field):
    admission = propose(world)
    with pytest.raises(ValidationError) as e:
        approve(world, admission, assign_card=False, **overrides)
    assert field in e.value.message_dict
    assert AdmissionRequest.objects.get(pk=admission.pk).state == A.PROPOSED


def test_the_age_is_checked_again_on_the_resolution_date(world):
    born = date(TODAY.year - 16, TODAY.month, 1) - timedelta(days=1)  # 16 a few weeks ago
    admission = propose(world, data={"date_of_birth": born}, course_date=born + timedelta(1))
    with pytest.raises(ValidationError) as e:
        approve(world, admission, resolution_date=born.replace(year=born.year + 15))
    assert "resolution_date" in e.value.message_dict


def test_a_member_created_meanwhile_with_the_same_id_number_blocks_the_approval(world):
    from ..factories import make_member

    admission = propose(world)
    make_member(world.branch2, id_number="079308001234")
    with pytest.raises(ValidationError) as e:
        approve(world, admission, assign_card=False)
    assert "id_number" in e.value.message_dict


# --- Rejecting, withdrawing, annulling --------------------------------------------------------


def test_a_rejection_needs_a_reason(world):
    admission = propose(world)
    with pytest.raises(ValidationError) as e:
        admission_reject(actor=world.base_cadre, admission=admission, reason="")
    assert "reason" in e.value.message_dict
    done = admission_reject(actor=world.base_cadre, admission=admission, reason="Too young")
    assert done.state == A.REJECTED and done.decision_note == "Too young"
    assert not Member.objects.filter(id_number="079308001234").exists()


def test_the_branch_withdraws_its_proposal(world):
    done = admission_withdraw(actor=world.secretary, admission=propose(world), note="Moved away")
    assert done.state == A.WITHDRAWN and done.decision_note == "Moved away"
    assert AuditEvent.objects.filter(action="admission.withdrawn", target_id=done.pk).exists()


def test_an_annulment_takes_the_member_off_the_roll_and_keeps_his_card(world, ranges):
    admission = approve(world, propose(world))
    before = count(world.branch)
    with pytest.raises(ValidationError) as e:
        admission_annul(actor=world.base_cadre, admission=admission, reason="")
    assert "reason" in e.value.message_dict

    done = admission_annul(actor=world.province_cadre, admission=admission, reason="Underage")

    assert done.state == A.ANNULLED and done.annul_reason == "Underage"
    assert done.annulled_by == world.province_cadre and done.annulled_at
    member = Member.objects.get(pk=admission.member_id)
    assert member.status == Status.REMOVED and member.left_on == TODAY
    assert member.card_number == "0000000501"
    assert count(world.branch) == before - 1
    assert Membership.objects.get(member=member).ended_on == TODAY
    kinds = list(
        Movement.objects.filter(member=member).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["admitted", "removed"]
    assert AuditEvent.objects.filter(
        action="member.admission_annulled", target_id=member.pk
    ).exists()
    assert AuditEvent.objects.filter(action="admission.annulled", target_id=done.pk).exists()


# --- Who may, who sees ------------------------------------------------------------------------


def test_the_branch_committee_or_cadres_above_propose(world):
    deputy = make_user("deputy", role="deputy", unit=world.branch)
    committee = make_user("committee", role="committee", unit=world.branch)
    for user in (world.secretary, deputy, world.base_cadre, world.province_cadre, world.superuser):
        assert can_propose_admission(user, world.branch), user
    for user in (committee, world.outsider, world.member_user):
        assert not can_propose_admission(user, world.branch), user
    assert not can_propose_admission(world.base_cadre, world.base)


def test_the_level_above_the_branch_decides(world):
    admission = propose(world)
    for user in (world.base_cadre, world.province_cadre, world.superuser):
        assert can_decide_admission(user, admission), user
    for user in (world.secretary, world.outsider, world.member_user):
        assert not can_decide_admission(user, admission), user


def test_proposals_are_seen_in_the_branchs_scope_only(world):
    admission = propose(world)
    assert list(admissions_visible_to(world.base_cadre)) == [admission]
    assert list(admissions_visible_to(world.outsider)) == []
    assert list(admissions_visible_to(world.member_user)) == []
    assert list(unit_admissions(world.province_cadre, world.district, A.PROPOSED)) == [admission]
    assert list(unit_admissions(world.province_cadre, world.other_base)) == []


# --- The pages --------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "full_name": "Võ Thị Hồng Nhung",
        "date_of_birth": date(TODAY.year - 18, 2, 14).strftime("%d/%m/%Y"),
        "sex": "female",
        "id_number": "079308001234",
        "category": "main",
        "introducer_name": "Nguyễn Văn An",
        "introducer_is_member": "on",
        "course_name": "Lớp cảm tình Đoàn khóa 3",
        "course_date": COURSE_ON.strftime("%d/%m/%Y"),
    }
    data.update(overrides)
    return data


def test_the_secretary_proposes_a_youth_from_her_branch_page(client, world):
    client.force_login(world.secretary)
    unit_page = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    assert reverse("members:unit-admissions", args=[world.branch.pk]) in unit_page
    listing = client.get(reverse("members:unit-admissions", args=[world.branch.pk]))
    assert listing.status_code == 200
    assert reverse("members:admission-create", args=[world.branch.pk]) in listing.content.decode()
    url = reverse("members:admission-create", args=[world.branch.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, form_data())

    admission = AdmissionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:admission-detail", args=[admission.pk])
    assert admission.state == A.PROPOSED and admission.proposed_by == world.secretary
    detail = client.get(response["Location"])
    assert detail.context["can_withdraw"] and not detail.context["can_decide"]
    assert "079308001234" not in detail.content.decode()  # masked


def test_a_proposal_with_broken_rules_shows_every_error(client, world):
    client.force_login(world.secretary)
    url = reverse("members:admission-create", args=[world.branch.pk])
    response = client.post(url, form_data(full_name="", course_date="", id_number="1"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"full_name", "course_date", "id_number"} <= set(errors)
    assert not AdmissionRequest.objects.exists()


def test_a_committee_member_or_a_cadre_at_the_base_page_cannot_propose_there(client, world):
    committee = make_user("committee", role="committee", unit=world.branch)
    client.force_login(committee)
    assert (
        client.get(reverse("members:admission-create", args=[world.branch.pk])).status_code == 403
    )
    client.force_login(world.base_cadre)
    assert client.get(reverse("members:admission-create", args=[world.base.pk])).status_code == 403


def test_the_base_cadre_approves_from_the_pending_list(client, world, ranges):
    admission = propose(world)
    client.force_login(world.base_cadre)
    listing = client.get(reverse("members:unit-admissions", args=[world.base.pk]))
    assert listing.status_code == 200 and admission.full_name in listing.content.decode()
    detail = client.get(reverse("members:admission-detail", args=[admission.pk]))
    assert detail.context["can_decide"] and detail.context["approve_form"] is not None

    response = client.post(
        reverse("members:admission-approve", args=[admission.pk]),
        {
            "resolution_no": "15-QĐ/ĐTN",
            "resolution_date": RESOLVED_ON.strftime("%d/%m/%Y"),
            "card": "auto",
        },
    )

    admission.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:member-detail", args=[admission.member_id])
    assert admission.state == A.APPROVED and admission.member.card_number == "0000000501"
    pending = client.get(reverse("members:unit-admissions", args=[world.base.pk]))
    assert list(pending.context["page"].object_list) == []  # no longer waiting
    everything = client.get(reverse("members:unit-admissions", args=[world.base.pk]), {"state": ""})
    assert list(everything.context["page"].object_list) == [admission]


def test_without_a_range_the_page_offers_no_automatic_card_and_preselects_later(client, world):
    admission = propose(world)
    client.force_login(world.base_cadre)
    detail = client.get(reverse("members:admission-detail", args=[admission.pk]))
    page = detail.content.decode()
    assert 'value="auto"' not in page
    assert re.search(r'value="later"[^>]*checked', page)
    url = reverse("members:admission-approve", args=[admission.pk])
    form = {"resolution_no": "15-QĐ/ĐTN", "resolution_date": RESOLVED_ON.strftime("%d/%m/%Y")}
    refused = client.post(url, {**form, "card": "auto"})
    assert refused.status_code == 400 and "card" in refused.context["approve_form"].errors
    admission.refresh_from_db()
    assert admission.state == A.PROPOSED
    done = client.post(url, {**form, "card": "later"})
    admission.refresh_from_db()
    assert done.status_code == 302 and admission.state == A.APPROVED
    assert not admission.member.card_number


def test_with_a_range_the_automatic_card_is_offered_and_preselected(client, world, ranges):
    admission = propose(world)
    client.force_login(world.base_cadre)
    detail = client.get(reverse("members:admission-detail", args=[admission.pk]))
    assert 'value="auto"' in detail.content.decode()
    assert detail.context["approve_form"]["card"].initial == "auto"


def test_an_approval_with_errors_shows_the_page_again(client, world):
    admission = propose(world)
    client.force_login(world.base_cadre)
    url = reverse("members:admission-approve", args=[admission.pk])
    response = client.post(url, {"resolution_no": "", "resolution_date": "", "card": "manual"})
    assert response.status_code == 400
    errors = response.context["approve_form"].errors
    assert {"resolution_no", "resolution_date", "card_number"} <= set(errors)
    resolved = RESOLVED_ON.strftime("%d/%m/%Y")
    no_range = client.post(
        url, {"resolution_no": "15", "resolution_date": resolved, "card": "auto"}
    )
    assert no_range.status_code == 400
    assert no_range.context["approve_form"].errors["card"]  # the option is not offered
    assert AdmissionRequest.objects.get(pk=admission.pk).state == A.PROPOSED


def test_a_decided_proposal_cannot_be_decided_again(client, world):
    admission = admission_reject(actor=world.base_cadre, admission=propose(world), reason="No")
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("members:admission-approve", args=[admission.pk]),
        {"resolution_no": "1", "resolution_date": RESOLVED_ON.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:admission-detail", args=[admission.pk])
    assert AdmissionRequest.objects.get(pk=admission.pk).state == A.REJECTED


def test_reject_withdraw_and_annul_from_the_detail_page(client, world):
    first = propose(world)
    client.force_login(world.base_cadre)
    missing = client.post(reverse("members:admission-reject", args=[first.pk]), {"reason": ""})
    assert missing.status_code == 400
    client.post(reverse("members:admission-reject", args=[first.pk]), {"reason": "Too young"})
    assert AdmissionRequest.objects.get(pk=first.pk).state == A.REJECTED

    second = propose(world)
    client.force_login(world.secretary)
    client.post(reverse("members:admission-withdraw", args=[second.pk]), {"note": ""})
    assert AdmissionRequest.objects.get(pk=second.pk).state == A.WITHDRAWN

    third = approve(world, propose(world), assign_card=False)
    annul = reverse("members:admission-annul", args=[third.pk])
    assert client.post(annul, {"reason": "x"}).status_code == 403
    client.force_login(world.base_cadre)
    detail = client.get(reverse("members:admission-detail", args=[third.pk]))
    assert detail.context["can_annul"]
    client.post(annul, {"reason": "Approved by mistake"})
    assert AdmissionRequest.objects.get(pk=third.pk).state == A.ANNULLED
    assert Member.objects.get(pk=third.member_id).status == Status.REMOVED


def test_the_secretary_cannot_decide_and_outsiders_see_nothing(client, world):
    admission = propose(world)
    client.force_login(world.secretary)
    url = reverse("members:admission-approve", args=[admission.pk])
    data = {"resolution_no": "1", "resolution_date": RESOLVED_ON.strftime("%d/%m/%Y")}
    assert client.post(url, data).status_code == 403
    client.force_login(world.outsider)
    assert client.get(reverse("members:admission-detail", args=[admission.pk])).status_code == 404
    assert client.get(reverse("members:unit-admissions", args=[world.branch.pk])).status_code == 404
    assert AdmissionRequest.objects.get(pk=admission.pk).state == A.PROPOSED


def test_the_list_pages_and_says_when_it_is_empty(client, world, settings):
    settings.PAGE_SIZE = 2
    client.force_login(world.base_cadre)
    empty = client.get(reverse("members:unit-admissions", args=[world.base.pk]))
    assert empty.status_code == 200 and not empty.context["page"].object_list
    for n in range(3):
        propose(world, data={"id_number": f"07930800123{n}", "full_name": f"Thanh Niên {n}"})
    first = client.get(reverse("members:unit-admissions", args=[world.base.pk]))
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(reverse("members:unit-admissions", args=[world.base.pk]), {"page": 2})
    assert len(second.context["page"].object_list) == 1
    url = reverse("members:unit-admissions", args=[world.base.pk])
    assert client.get(url, {"page": 9}).status_code == 404

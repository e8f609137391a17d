"""The branch committee's review of registrations: one at a time on the review page (its place
in the queue, previous and next, the decision, on to the next one once decided, the empty
state), and several approved at once from the branch's training page after a confirmation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.training.models import BranchResult, Registration
from doanvien.training.services.registrations import registration_save, registrations_approve

from ...factories import make_member, make_user
from ..conftest import YEAR, complete_items
from .helpers import approved, submitted


def review(world, member=None) -> str:
    if member is None:
        return reverse("training:branch-review", args=[world.branch.pk, YEAR])
    return reverse("training:branch-review-member", args=[world.branch.pk, YEAR, member.pk])


def approve_many(world) -> str:
    return reverse("training:branch-review-approve", args=[world.branch.pk, YEAR])


def state(member) -> str:
    return Registration.objects.get(member=member, year=YEAR).state


@pytest.fixture
def three(world, framework):
    """Three registrations waiting, in the order of the members' given names: An, Bình, Đào."""
    binh = make_member(world.branch, full_name="Lê Văn Bình")
    for member in (world.member, binh, world.member2):
        submitted(member)
    return world.member, binh, world.member2


# --- One at a time ----------------------------------------------------------------------------


def test_the_page_opens_on_the_first_waiting_with_its_place_and_the_decision(client, world, three):
    an, binh, _dao = three
    client.force_login(world.secretary)
    response = client.get(review(world))
    assert response.status_code == 200
    context = response.context
    assert context["member"] == an and context["position"] == 1 and len(context["queue"]) == 3
    assert context["previous"] is None and context["next"] == binh
    html = response.content.decode()
    assert "1 / 3" in html and an.full_name in html
    assert 'name="decision" value="approve"' in html and 'name="decision" value="return"' in html
    # The criteria fold away under one line, before the decision: nothing long above it.
    assert '<details class="review-criteria" id="criteria">' in html
    assert html.index('id="criteria"') < html.index('id="review-approve"')
    assert html.count("Kế hoạch thực hiện") == len(complete_items(an))


def test_previous_and_next_follow_the_members_names(client, world, three):
    an, binh, dao = three
    client.force_login(world.secretary)
    context = client.get(review(world, binh)).context
    assert (context["previous"], context["position"], context["next"]) == (an, 2, dao)
    context = client.get(review(world, dao)).context
    assert (context["previous"], context["position"], context["next"]) == (binh, 3, None)


def test_approving_moves_on_to_the_next_one_waiting(client, world, three):
    an, binh, dao = three
    client.force_login(world.secretary)
    response = client.post(review(world, binh), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == review(world, dao)
    assert state(binh) == "approved"
    assert AuditEvent.objects.filter(action="registration.approved").count() == 1
    # The last one decided: back to the first still waiting.
    response = client.post(review(world, dao), {"decision": "approve"})
    assert response["Location"] == review(world, an)
    context = client.get(response["Location"]).context
    assert (context["position"], len(context["queue"])) == (1, 1)


def test_a_return_needs_a_reason_then_moves_on(client, world, three):
    an, binh, _dao = three
    client.force_login(world.secretary)
    response = client.post(review(world, an), {"decision": "return", "comment": "  "})
    assert response.status_code == 200
    assert "comment" in response.context["return_form"].errors
    assert state(an) == "submitted"
    response = client.post(
        review(world, an), {"decision": "return", "comment": "Bổ sung thời hạn cụ thể."}
    )
    assert response["Location"] == review(world, binh)
    registration = Registration.objects.get(member=an)
    assert registration.state == "returned"
    assert registration.review_comment == "Bổ sung thời hạn cụ thể."


def test_the_last_decision_leads_to_the_empty_state(client, world, framework):
    submitted(world.member)
    client.force_login(world.secretary)
    response = client.post(review(world, world.member), {"decision": "approve"})
    assert response["Location"] == review(world)
    response = client.get(review(world))
    assert response.status_code == 200 and response.context["member"] is None
    html = response.content.decode()
    assert "Không còn đăng ký nào chờ duyệt." in html and 'value="approve"' not in html


def test_a_registration_no_longer_waiting_says_so_and_points_to_the_next(client, world, three):
    an, binh, _dao = three
    approved(make_member(world.branch, full_name="Võ Thị Xuân"))
    client.force_login(world.secretary)
    xuan = Registration.objects.get(state="approved").member
    response = client.get(review(world, xuan))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="not-waiting"' in html and 'value="approve"' not in html
    assert response.context["first_waiting"] == an
    # Deciding it again is refused with the workflow's reason, and nothing changes.
    response = client.post(review(world, xuan), {"decision": "approve"}, follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert state(xuan) == "approved" and state(binh) == "submitted"


def test_only_the_branch_committee_reviews_here(client, world, three):
    an, _binh, _dao = three
    for user, status in (
        (world.outsider, 404),  # another base union's branch: not in his scope
        (world.base_cadre, 403),  # sees the branch, is not on its committee
        (world.member_user, 404),
    ):
        client.force_login(user)
        assert client.get(review(world)).status_code == status, user
        assert client.get(review(world, an)).status_code == status, user
        assert client.post(review(world, an), {"decision": "approve"}).status_code == status
        assert client.post(approve_many(world), {"member": [an.pk]}).status_code == status
    assert state(an) == "submitted"
    # A member of another branch is not reviewed from this one.
    submitted(world.member_in_branch2)
    client.force_login(world.secretary)
    assert client.get(review(world, world.member_in_branch2)).status_code == 404
    client.force_login(world.superuser)
    assert client.get(review(world, world.member_in_branch2)).status_code == 404


def test_a_committee_member_does_not_review_his_own_registration(client, world, three):
    an, binh, _dao = three
    deputy = make_user("deputy", role="deputy", unit=world.branch, member=binh)
    client.force_login(deputy)
    context = client.get(review(world)).context
    assert [r.member for r in context["queue"]] == [an, world.member2]
    assert client.get(review(world, binh)).context["can_decide"] is False
    assert client.post(review(world, binh), {"decision": "approve"}).status_code == 403
    assert state(binh) == "submitted"


# --- Several at once --------------------------------------------------------------------------


def test_the_branch_page_ticks_registrations_to_approve_together(client, world, three):
    client.force_login(world.secretary)
    html = client.get(reverse("training:branch-training", args=[world.branch.pk, YEAR]))
    html = html.content.decode()
    assert f'action="{approve_many(world)}"' in html and 'data-select-all="member"' in html
    for member in three:
        assert f'name="member" value="{member.pk}"' in html
        assert review(world, member) in html
    assert "Duyệt các đăng ký đã chọn" in html and review(world) in html
    client.force_login(world.base_cadre)  # reads the page, does not approve
    html = client.get(reverse("training:branch-training", args=[world.branch.pk, YEAR]))
    assert 'data-select-all="member"' not in html.content.decode()


def test_approving_the_chosen_asks_first_then_approves_them_all(client, world, three):
    an, binh, dao = three
    client.force_login(world.secretary)
    response = client.post(approve_many(world), {"member": [an.pk, dao.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sẽ duyệt 2 đăng ký" in html and "Duyệt 2 đăng ký" in html
    assert [state(m) for m in three] == ["submitted"] * 3  # only asked so far
    response = client.post(approve_many(world), {"member": [an.pk, dao.pk], "confirm": "1"})
    assert response.status_code == 302
    assert [state(m) for m in three] == ["approved", "submitted", "approved"]
    # Each one as the single approval does: its own audit event.
    events = AuditEvent.objects.filter(action="registration.approved", actor=world.secretary)
    expected = Registration.objects.filter(member__in=[an, dao]).values_list("pk", flat=True)
    assert sorted(e.target_id for e in events) == sorted(expected)
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert "Đã duyệt 2 đăng ký." in messages


def test_select_all_takes_every_registration_waiting(client, world, three):
    client.force_login(world.secretary)
    response = client.post(approve_many(world), {"all": "1"})
    assert len(response.context["approvable"]) == 3
    client.post(approve_many(world), {"all": "1", "confirm": "1"})
    assert [state(m) for m in three] == ["approved"] * 3


def test_rows_that_cannot_be_approved_are_named_and_nothing_is_approved(client, world, three):
    an, binh, dao = three
    approved(extra := make_member(world.branch, full_name="Võ Thị Xuân"))
    draft = make_member(world.branch, full_name="Đỗ Văn Yên")
    registration_save(actor=None, member=draft, year=YEAR, items=complete_items(draft)[:2])
    chosen = [an.pk, extra.pk, draft.pk, world.member_in_branch2.pk]
    client.force_login(world.secretary)
    response = client.post(approve_many(world), {"member": chosen})
    assert [r.member for r in response.context["approvable"]] == [an]
    refusals = response.context["refusals"]
    assert len(refusals) == 3
    assert any(r.startswith("Võ Thị Xuân:") for r in refusals)
    assert any(r.startswith("Đỗ Văn Yên:") for r in refusals)
    assert "1 đoàn viên đã chọn không có đăng ký năm" in refusals[-1]
    # Confirmed anyway (a page left open while someone else decided): all or nothing.
    response = client.post(approve_many(world), {"member": chosen, "confirm": "1"})
    assert response.status_code == 200 and len(response.context["errors"]) == 3
    assert state(an) == "submitted" and state(draft) == "draft"
    assert not AuditEvent.objects.filter(action="registration.approved", actor=world.secretary)


def test_nothing_chosen_is_said(client, world, three):
    client.force_login(world.secretary)
    response = client.post(approve_many(world), {"confirm": "1"}, follow=True)
    assert "Hãy chọn các đăng ký cần duyệt." in [str(m) for m in response.context["messages"]]
    assert [state(m) for m in three] == ["submitted"] * 3


def test_the_service_refuses_the_reviewers_own_among_the_chosen(world, three):
    an, binh, _dao = three
    deputy = make_user("deputy", role="deputy", unit=world.branch, member=binh)
    with pytest.raises(ValidationError) as refusal:
        registrations_approve(
            actor=deputy, branch=world.branch, year=YEAR, member_ids=[an.pk, binh.pk]
        )
    assert "Lê Văn Bình" in str(refusal.value)
    assert state(an) == "submitted"


def test_a_submitted_year_is_read_not_decided(client, world, three):
    an, _binh, _dao = three
    BranchResult.objects.create(
        branch=world.branch, unit_path=world.branch.path, year=YEAR, state="submitted"
    )
    client.force_login(world.secretary)
    response = client.get(review(world))
    html = response.content.decode()
    assert response.context["member"] == an and 'value="approve"' not in html
    assert response.context["locked_because"] in html
    response = client.post(approve_many(world), {"member": [an.pk], "confirm": "1"}, follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert state(an) == "submitted"


def test_the_member_page_links_the_reviewer_to_the_review_page(client, world, three):
    an, _binh, _dao = three
    client.force_login(world.secretary)
    html = client.get(reverse("training:member-training", args=[an.pk, YEAR])).content.decode()
    assert review(world, an) in html

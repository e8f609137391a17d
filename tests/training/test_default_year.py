"""The programme year a unit's pages open on is the one with work still open there (issue 15:
a base union's recognitions of the ended year must not hide behind the new year's page)."""

from django.urls import reverse
from django.utils import timezone

from doanvien.training.models import BranchResult, Registration
from doanvien.training.rules import programme_year_of
from doanvien.training.selectors import member_year_with_work, year_with_work
from doanvien.training.services.registrations import registration_save, registration_submit
from doanvien.training.services.results import branch_results_recognise, branch_results_submit

from .conftest import complete_items


def test_results_waiting_for_recognition_keep_the_base_union_on_their_year(client, world):
    current = programme_year_of(timezone.localdate(), world.base.sector)
    earlier = current - 1
    assert year_with_work(world.base) == current
    branch_results_submit(actor=None, branch=world.branch, year=earlier)
    assert year_with_work(world.base) == earlier
    district_now = programme_year_of(timezone.localdate(), world.district.sector)
    assert year_with_work(world.district) == district_now  # not its recognition to make
    client.force_login(world.base_cadre)
    html = client.get(reverse("units:unit-detail", args=[world.base.pk])).content.decode()
    assert reverse("training:training-progress", args=[world.base.pk, earlier]) in html
    branch_results_recognise(actor=None, branch=world.branch, year=earlier)
    assert year_with_work(world.base) == current
    html = client.get(reverse("units:unit-detail", args=[world.base.pk])).content.decode()
    assert reverse("training:training-progress", args=[world.base.pk, current]) in html


def test_a_branch_opens_on_a_year_with_registrations_to_review_or_results_returned(world):
    current = programme_year_of(timezone.localdate(), world.branch.sector)
    earlier = current - 1
    registration = registration_save(
        actor=None,
        member=world.member,
        year=earlier,
        items=complete_items(world.member, year=earlier),
    )
    assert year_with_work(world.branch) == current  # a draft is the member's work
    registration_submit(actor=None, registration=registration)
    assert year_with_work(world.branch) == earlier
    assert year_with_work(world.branch2) == current
    Registration.objects.filter(pk=registration.pk).update(state=Registration.State.APPROVED)
    assert year_with_work(world.branch) == current
    BranchResult.objects.create(
        branch=world.branch,
        unit_path=world.branch.path,
        year=earlier - 1,
        state=BranchResult.State.OPEN,
        comment_action="return",
    )
    assert year_with_work(world.branch) == earlier - 1


def test_the_members_own_page_opens_on_his_unfinished_earlier_registration(client, world):
    current = programme_year_of(timezone.localdate(), world.branch.sector)
    earlier = current - 1
    client.force_login(world.member_user)
    own = client.get(reverse("training:my-training"))
    assert own["Location"] == reverse("training:member-training", args=[world.member.pk, current])
    registration_save(
        actor=None,
        member=world.member,
        year=earlier,
        items=complete_items(world.member, year=earlier),
    )
    assert member_year_with_work(world.member) == earlier
    own = client.get(reverse("training:my-training"))
    assert own["Location"] == reverse("training:member-training", args=[world.member.pk, earlier])

"""The yearly rating pages: the branch committee proposes, the units above approve or reject;
the optional quota on "excellent" (policy data, off by default); a member transferred in less
than the policy's months before the year's end is rated with the previous branch's comments."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from doanvien.evaluations import ratings, rules
from doanvien.evaluations.models import MemberRating, RatingPolicy
from doanvien.members.models import Transfer
from tests.factories import make_member

from .conftest import YEAR


def page(unit):
    return reverse("evaluations:ratings", args=[unit.pk, YEAR])


def action(name, unit, member):
    return reverse(f"evaluations:rating-{name}", args=[unit.pk, YEAR, member.pk])


def test_the_branch_proposes_and_the_base_union_approves_on_the_pages(client, world):
    client.force_login(world.secretary)
    shown = client.get(page(world.branch)).content.decode()
    assert world.member.full_name in shown and world.member2.full_name in shown
    client.post(action("propose", world.branch, world.member), {"level": "good", "reason": "Tốt"})
    rating = MemberRating.objects.get(member=world.member, year=YEAR)
    assert (rating.level, rating.state) == ("good", "proposed")
    # The secretary cannot decide her own branch's ratings.
    assert client.post(action("approve", world.branch, world.member)).status_code == 403
    client.force_login(world.base_cadre)
    waiting = client.get(page(world.base)).content.decode()
    assert world.member.full_name in waiting
    assert action("approve", world.base, world.member) in waiting
    client.post(action("reject", world.base, world.member), {"reason": ""})
    assert MemberRating.objects.get(pk=rating.pk).state == "proposed"  # a reason is needed
    client.post(action("approve", world.base, world.member))
    assert MemberRating.objects.get(pk=rating.pk).state == "approved"
    figures = client.get(page(world.base)).content.decode()
    waiting = figures.split('id="waiting"')[1].split('id="figures"')[0]
    assert world.member.full_name not in waiting
    total = figures.split('<tr class="total">')[1].split("</tr>")[0]
    assert total.count('<td class="num">') == 5 and '<td class="num">1</td>' in total


def test_out_of_scope_is_404(client, world):
    client.force_login(world.outsider)
    assert client.get(page(world.branch)).status_code == 404
    assert (
        client.post(action("propose", world.branch, world.member), {"level": "good"}).status_code
        == 404
    )
    client.force_login(world.secretary)
    # A member of another branch through this branch's page.
    assert (
        client.post(
            action("propose", world.branch, world.member_in_branch2), {"level": "good"}
        ).status_code
        == 404
    )
    assert not MemberRating.objects.exists()


@given(st.integers(0, 50), st.integers(0, 50), st.one_of(st.none(), st.integers(0, 100)))
def test_the_quota_rule(excellent, others, percent):
    base = excellent + others
    fault = rules.quota_fault(excellent=excellent, good_or_above=base, percent=percent)
    assert fault is (percent is not None and excellent / max(base, 1) * 100 > percent)


def test_the_quota_is_off_by_default_and_set_as_data(world):
    third = make_member(world.branch, full_name="Hồ Thị Lan")
    for member in (world.member, world.member2, third):
        ratings.rating_propose(
            actor=None, member=member, year=YEAR, level="excellent", reason="Xuất sắc"
        )
    assert MemberRating.objects.filter(level="excellent").count() == 3
    RatingPolicy.objects.create(unit=world.province, excellent_quota_percent=50)
    # Now 3 of 3: approving is refused, lowering two brings it within the quota.
    rating = MemberRating.objects.get(member=third)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        ratings.rating_decide(actor=None, rating=rating, approve=True)
    assert "(3 of 3 with this one)" in " ".join(refused.value.messages)
    ratings.rating_propose(actor=None, member=world.member, year=YEAR, level="good", reason="Tốt")
    with pytest.raises(ValidationError):  # 2 of 3
        ratings.rating_decide(actor=None, rating=rating, approve=True)
    ratings.rating_propose(actor=None, member=world.member2, year=YEAR, level="good", reason="Tốt")
    assert ratings.rating_decide(actor=None, rating=rating, approve=True).state == "approved"
    with pytest.raises(ValidationError):  # a second excellent: 2 of 3 again
        ratings.rating_propose(
            actor=None, member=world.member, year=YEAR, level="excellent", reason="Xuất sắc"
        )


def transfer_in(world, member, day):
    return Transfer.objects.create(
        member=member,
        from_branch=world.other_branch,
        to_unit=world.branch,
        to_branch=world.branch,
        state=Transfer.State.ACCEPTED,
        reason="Chuyển nơi ở",
        decided_at=timezone.make_aware(day),
        unit_path=world.other_branch.path,
        to_path=world.branch.path,
    )


def test_a_member_transferred_in_late_is_rated_with_the_old_branchs_comments(client, world):
    transfer_in(world, world.member, datetime(YEAR, 9, 15, 10))
    with pytest.raises(ValidationError) as refused:
        ratings.rating_propose(actor=None, member=world.member, year=YEAR, level="good", reason="x")
    assert "previous_comment" in refused.value.message_dict
    assert world.other_branch.name in refused.value.message_dict["previous_comment"][0]
    rating = ratings.rating_propose(
        actor=None,
        member=world.member,
        year=YEAR,
        level="good",
        reason="Tốt",
        previous_comment="Chi đoàn Ấp 1: tích cực, gương mẫu",
    )
    assert rating.previous_branch == world.other_branch
    client.force_login(world.secretary)
    shown = client.get(page(world.branch)).content.decode()
    assert "Chi đoàn Ấp 1: tích cực, gương mẫu" in shown


def test_a_transfer_before_the_last_months_needs_no_comments(world):
    transfer_in(world, world.member2, datetime(YEAR, 6, 30, 10))
    rating = ratings.rating_propose(
        actor=None, member=world.member2, year=YEAR, level="good", reason="Tốt"
    )
    assert rating.previous_branch is None and rating.previous_comment == ""


def test_the_branch_proposes_every_programme_level_at_once(client, world):
    from .test_ratings import programme

    programme(world.member, "good")
    programme(world.member2, "excellent")
    third = make_member(world.branch, full_name="Đỗ Văn Nam")  # no programme level: left alone
    RatingPolicy.objects.create(unit=world.province, excellent_quota_percent=0)
    client.force_login(world.secretary)
    url = reverse("evaluations:ratings-propose-all", args=[world.branch.pk, YEAR])
    client.post(url)
    found = dict(MemberRating.objects.values_list("member_id", "level"))
    # The quota of 0 % refuses the excellent one; the others stand.
    assert found == {world.member.pk: "good"}
    assert third.pk not in found
    client.force_login(world.outsider)
    assert client.post(url).status_code == 404


def test_the_branch_page_reads_its_members_levels_and_transfers_at_once(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.secretary)
    client.get(page(world.branch))  # the session and the caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(page(world.branch))
    for n in range(5):
        make_member(world.branch, full_name=f"Hoàng Văn Thêm {n}")
    with CaptureQueriesContext(connection) as more:
        assert client.get(page(world.branch)).status_code == 200
    assert len(more) == len(few)


def test_the_ratings_waiting_are_paged_oldest_first(client, world, settings):
    settings.PAGE_SIZE = 2
    third = make_member(world.branch2, full_name="Lục Văn Ba")
    for member in (world.member, world.member2, third):
        ratings.rating_propose(actor=None, member=member, year=YEAR, level="good", reason="Tốt")
    client.force_login(world.base_cadre)
    first = client.get(page(world.base))
    waiting = first.content.decode().split('id="waiting"')[1].split('id="figures"')[0]
    assert world.member.full_name in waiting and world.member2.full_name in waiting
    assert third.full_name not in waiting and 'rel="next"' in waiting
    cursor = first.context["page"].next_cursor
    second = client.get(page(world.base), {"cursor": cursor}).content.decode()
    assert third.full_name in second.split('id="waiting"')[1].split('id="figures"')[0]

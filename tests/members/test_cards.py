"""Member-card numbers: ranges allocated down the tree, numbers assigned from them automatically
or by hand, never twice; and the pages."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from doanvien.core import audit
from doanvien.core.models import AuditEvent
from doanvien.members.access import can_allocate_range, can_assign_cards
from doanvien.members.models import CardRange, Member, format_card
from doanvien.members.services import cards
from doanvien.members.services.cards import (
    card_assign,
    card_range_allocate,
    card_range_release,
    parse_card,
)

from ..factories import make_member, make_unit, make_user


def allocate(unit, first, last, actor=None):
    return card_range_allocate(actor=actor, unit=unit, first=first, last=last)


@pytest.fixture
def ranges(world):
    """Province 1–1,000,000; its district 1–100,000; the secretary's base union 1–1,000."""
    province = allocate(world.province, 1, 1_000_000)
    district = allocate(world.district, 1, 100_000)
    base = allocate(world.base, 1, 1_000)
    return province, district, base


def card_of(member):
    return Member.objects.get(pk=member.pk).card_number


# --- Numbers ----------------------------------------------------------------------------------


def test_a_card_number_is_ten_digits_compared_as_a_number():
    assert format_card(12345) == "0000012345"
    assert parse_card(" 12 345 ") == 12345
    assert parse_card("0000012345") == 12345
    assert parse_card(7) == 7


@pytest.mark.parametrize("bad", ["", "12a4", "0", "0000000000", "12345678901", "-5"])
def test_anything_else_is_refused(bad):
    with pytest.raises(ValidationError) as e:
        parse_card(bad)
    assert "card_number" in e.value.message_dict


# --- Ranges -----------------------------------------------------------------------------------


def test_ranges_go_down_the_tree_each_inside_its_parents(world, ranges):
    province, district, base = ranges
    assert province.parent is None
    assert district.parent == province and base.parent == district
    assert base.next_free == 1 and str(base) == "0000000001–0000001000"
    assert AuditEvent.objects.filter(action="card_range.allocated", target_id=base.pk).exists()
    assert AuditEvent.objects.filter(
        action="unit.card_range_allocated", target_id=world.base.pk
    ).exists()


def test_root_blocks_never_overlap(world, ranges):
    with pytest.raises(ValidationError) as e:
        allocate(world.province, 999_999, 2_000_000)
    assert "first" in e.value.message_dict
    assert allocate(world.province, 1_000_001, 2_000_000).parent is None


def test_a_range_must_lie_inside_one_of_the_parents_ranges(world, ranges):
    with pytest.raises(ValidationError) as e:
        allocate(world.other_base, 99_000, 101_000)  # spills out of the district's range
    assert "first" in e.value.message_dict
    with pytest.raises(ValidationError):
        allocate(world.district, 2_000_000, 2_000_010)  # the province holds no such numbers


def test_ranges_handed_down_from_one_range_never_overlap(world, ranges):
    with pytest.raises(ValidationError) as e:
        allocate(world.other_base, 1_000, 2_000)  # 1,000 is the base union's
    assert world.base.name in e.value.message_dict["first"][0]
    assert allocate(world.other_base, 1_001, 2_000).parent == ranges[1]


def test_a_unit_with_no_range_above_it_cannot_receive_one(world):
    with pytest.raises(ValidationError) as e:
        allocate(world.district, 1, 10)
    assert world.province.name in e.value.message_dict["first"][0]


def test_branches_hold_no_range_and_the_numbers_must_be_in_order(world, ranges):
    with pytest.raises(ValidationError) as e:
        allocate(world.branch, 1, 10)
    assert "unit" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        allocate(world.other_base, 2_000, 1_500)
    assert "last" in e.value.message_dict


def test_the_database_refuses_a_range_whose_bounds_are_wrong(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CardRange.objects.create(unit=world.province, first=10, last=5, next_free=10)


# --- Assignment -------------------------------------------------------------------------------


def test_numbers_come_from_the_nearest_range_above_the_branch(world, ranges):
    card_assign(actor=world.base_cadre, member=world.member)
    card_assign(actor=world.base_cadre, member=world.member2)
    # The other base union holds no range: its members' numbers come from the district's,
    # after the part handed down to the secretary's base union.
    card_assign(actor=None, member=world.outsider_member)

    assert card_of(world.member) == "0000000001"
    assert card_of(world.member2) == "0000000002"
    assert card_of(world.outsider_member) == "0000001001"
    assert CardRange.objects.get(pk=ranges[2].pk).next_free == 3
    event = AuditEvent.objects.get(action="member.card_assigned", target_id=world.member.pk)
    assert audit.shown([event])[0].details == {"card_number": [None, "0000000001"]}


def test_automatic_assignment_skips_numbers_typed_by_hand(world, ranges):
    card_assign(actor=None, member=world.member, number="2")
    card_assign(actor=None, member=world.member2, number="1")
    card_assign(actor=None, member=world.member_in_branch2)
    assert card_of(world.member_in_branch2) == "0000000003"


def test_a_full_range_passes_on_to_the_next_one_up(world):
    allocate(world.province, 1, 100)
    allocate(world.district, 1, 10)
    allocate(world.base, 1, 1)
    card_assign(actor=None, member=world.member)
    card_assign(actor=None, member=world.member2)
    assert card_of(world.member) == "0000000001"
    assert card_of(world.member2) == "0000000002"  # from the district's range


def test_without_a_range_there_is_no_automatic_number(world):
    with pytest.raises(ValidationError) as e:
        card_assign(actor=None, member=world.member)
    assert "card_number" in e.value.message_dict
    assert card_of(world.member) is None


def test_a_number_typed_by_hand_must_be_in_a_range_above_the_branch(world, ranges):
    with pytest.raises(ValidationError) as outside:
        card_assign(actor=None, member=world.member, number="5000000")
    assert "card_number" in outside.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:  # the base union's, not above Ấp 1
        card_assign(actor=None, member=world.outsider_member, number="10")
    assert world.base.name in elsewhere.value.message_dict["card_number"][0]

    card_assign(actor=None, member=world.member, number="10")
    card_assign(actor=None, member=world.outsider_member, number="50000")  # the district's
    assert card_of(world.member) == "0000000010"
    assert card_of(world.outsider_member) == "0000050000"


def test_a_number_is_never_given_twice(world, ranges):
    card_assign(actor=None, member=world.member, number="10")
    with pytest.raises(ValidationError) as e:
        card_assign(actor=None, member=world.member2, number="0000000010")
    assert "0000000010" in e.value.message_dict["card_number"][0]
    with pytest.raises(ValidationError):  # and a member keeps the number he has
        card_assign(actor=None, member=world.member, number="11")
    numbers = set()
    for _ in range(12):
        member = make_member(world.branch)
        numbers.add(card_assign(actor=None, member=member).card_number)
    assert len(numbers) == 12 and "0000000010" not in numbers


def test_the_database_refuses_a_number_taken_at_the_same_moment(world, ranges, monkeypatch):
    card_assign(actor=None, member=world.member)
    monkeypatch.setattr(cards, "first_free", lambda card_range: 1)  # a stale pick
    with pytest.raises(ValidationError) as e:
        card_assign(actor=None, member=world.member2)
    assert "card_number" in e.value.message_dict
    assert card_of(world.member2) is None


def test_a_member_who_leaves_the_roll_keeps_his_number(world, ranges):
    from doanvien.actions.members import member_update

    card_assign(actor=None, member=world.member)
    member_update(actor=None, member=world.member, data={"status": "removed"})
    card_assign(actor=None, member=world.member2)
    assert card_of(world.member) == "0000000001" and card_of(world.member2) == "0000000002"


# --- Release ----------------------------------------------------------------------------------


def test_an_unused_range_goes_back_to_its_parent_with_a_recorded_reason(world, ranges):
    province, district, _base = ranges
    other = allocate(world.other_base, 1_001, 2_000)
    district.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        card_range_release(actor=world.province_cadre, card_range=other, reason=" ")
    assert "reason" in e.value.message_dict

    released = card_range_release(actor=world.province_cadre, card_range=other, reason="Typo")

    assert not released.is_active and released.release_reason == "Typo"
    assert AuditEvent.objects.filter(action="card_range.released", target_id=other.pk).exists()
    card_assign(actor=None, member=world.outsider_member)
    assert card_of(world.outsider_member) == "0000001001"  # the district's again
    assert allocate(world.other_base, 1_500, 2_500).parent == district
    with pytest.raises(ValidationError) as twice:
        card_range_release(actor=None, card_range=other, reason="Again")
    assert twice.value.code == "illegal_transition"


def test_a_range_in_use_or_with_ranges_below_it_stays(world, ranges):
    province, district, base = ranges
    with pytest.raises(ValidationError):
        card_range_release(actor=None, card_range=district, reason="x")  # base's is inside
    card_assign(actor=None, member=world.member)
    with pytest.raises(ValidationError):
        card_range_release(actor=None, card_range=base, reason="x")
    assert CardRange.objects.get(pk=base.pk).is_active


# --- Who may --------------------------------------------------------------------------------


def test_cadres_above_a_unit_give_it_a_range_and_the_roots_own_cadres_start(world):
    can = can_allocate_range
    assert can(world.province_cadre, world.province)  # the root's own cadre
    assert can(world.province_cadre, world.district)
    assert not can(world.base_cadre, world.base)  # not above his own unit
    assert not can(world.base_cadre, world.province)
    assert not can(world.secretary, world.base)
    assert not can(world.province_cadre, world.branch)  # branches hold none
    assert can(world.superuser, world.province)


def test_the_level_above_the_branch_assigns_numbers(world):
    assert can_assign_cards(world.base_cadre, world.branch)
    assert can_assign_cards(world.province_cadre, world.branch)
    assert not can_assign_cards(world.secretary, world.branch)
    assert not can_assign_cards(world.outsider, world.branch)


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_assignments_never_share_a_number():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the row lock matters on PostgreSQL")
    province = make_unit(name="Tỉnh đoàn Song Song", code="SS", level="province")
    base = make_unit(province, name="Đoàn cơ sở Song Song", code="SS-CS", level="base")
    branch = make_unit(base, name="Chi đoàn Song Song", code="SS-CS-1")
    allocate(province, 1, 100)
    allocate(base, 1, 50)
    members = [make_member(branch) for _ in range(8)]
    errors = []
    barrier = threading.Barrier(len(members))

    def work(member):
        from django.db import connections

        try:
            barrier.wait()
            card_assign(actor=None, member=member)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    numbers = sorted(card_of(m) for m in members)
    assert numbers == [format_card(n) for n in range(1, 9)]
    assert CardRange.objects.get(unit=base).next_free == 9


# --- The pages --------------------------------------------------------------------------------


def test_a_cadre_allocates_a_range_to_a_unit_under_him(client, world, ranges):
    client.force_login(world.province_cadre)
    url = reverse("members:unit-card-ranges", args=[world.district.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is not None
    units = set(page.context["form"].fields["unit"].queryset)
    assert units == {world.district, world.base, world.other_base}

    response = client.post(
        url, {"unit": world.other_base.pk, "first": "1001", "last": "1500", "note": "2027"}
    )

    assert response.status_code == 302 and response["Location"] == url
    created = CardRange.objects.get(unit=world.other_base)
    assert (created.first, created.last, created.allocated_by) == (1001, 1500, world.province_cadre)
    html = client.get(url).content.decode()
    assert "0000001001–0000001500" in html and world.other_base.name in html


def test_an_overlapping_range_is_a_form_error(client, world, ranges):
    client.force_login(world.province_cadre)
    url = reverse("members:unit-card-ranges", args=[world.district.pk])
    response = client.post(url, {"unit": world.other_base.pk, "first": "500", "last": "1500"})
    assert response.status_code == 400
    assert response.context["form"].errors["first"]
    assert not CardRange.objects.filter(unit=world.other_base).exists()


def test_the_secretary_sees_where_her_numbers_come_from_but_allocates_nothing(
    client, world, ranges
):
    client.force_login(world.secretary)
    url = reverse("members:unit-card-ranges", args=[world.branch.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["form"] is None
    assert "0000000001–0000001000" in html
    assert world.member.full_name in html  # without a card number yet
    assert reverse("members:member-card", args=[world.member.pk]) not in html
    assert client.post(url, {"unit": world.base.pk, "first": "1", "last": "2"}).status_code == 403


def test_a_base_cadre_assigns_a_number_from_the_member_card_page(client, world, ranges):
    client.force_login(world.base_cadre)
    html = client.get(reverse("members:unit-card-ranges", args=[world.branch.pk])).content.decode()
    url = reverse("members:member-card", args=[world.member.pk])
    assert url in html
    assert client.get(url).status_code == 200

    response = client.post(url, {"card": "auto"})

    assert response.status_code == 302
    assert response["Location"] == reverse("members:member-detail", args=[world.member.pk])
    assert card_of(world.member) == "0000000001"
    assert client.get(url).context["form"] is None  # he has one now


def test_a_wrong_number_typed_by_hand_is_a_form_error(client, world, ranges):
    client.force_login(world.base_cadre)
    url = reverse("members:member-card", args=[world.member.pk])
    response = client.post(url, {"card": "manual", "card_number": "9999999"})
    assert response.status_code == 400 and response.context["form"].errors["card_number"]
    missing = client.post(url, {"card": "manual", "card_number": ""})
    assert missing.status_code == 400 and missing.context["form"].errors["card_number"]
    assert card_of(world.member) is None


def test_the_secretary_cannot_assign_numbers(client, world, ranges):
    client.force_login(world.secretary)
    url = reverse("members:member-card", args=[world.member.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(url, {"card": "auto"}).status_code == 403
    assert card_of(world.member) is None


def test_a_cadre_releases_a_range_he_allocated(client, world, ranges):
    other = allocate(world.other_base, 1_001, 2_000)
    client.force_login(world.province_cadre)
    url = reverse("members:card-range-release", args=[other.pk])
    response = client.post(url, {"reason": "Wrong unit"})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:unit-card-ranges", args=[world.district.pk])
    assert not CardRange.objects.get(pk=other.pk).is_active


def test_only_a_cadre_above_the_holder_releases_it(client, world, ranges):
    base_range = ranges[2]
    cadre = make_user("other-cadre", role="cadre", unit=world.other_base)
    client.force_login(cadre)  # does not see the range at all
    url = reverse("members:card-range-release", args=[base_range.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(world.base_cadre)  # sees it, but it is not his to release
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert CardRange.objects.get(pk=base_range.pk).is_active


def test_the_unit_page_links_card_ranges_for_cadres_only(client, world):
    url = reverse("units:unit-detail", args=[world.district.pk])
    link = reverse("members:unit-card-ranges", args=[world.district.pk])
    client.force_login(world.province_cadre)
    assert link in client.get(url).content.decode()
    client.force_login(world.secretary)
    branch_page = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    assert reverse("members:unit-card-ranges", args=[world.branch.pk]) not in branch_page

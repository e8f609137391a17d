"""The programme's criterion "Thực hiện chủ trương 1+1" shows the member's real referrals of the
year beside it on his training page (registration and assessment), to him and his committee."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from doanvien.training import default_framework
from doanvien.training.models import ContentArea, Criterion, Framework, Phase
from doanvien.training.services.registrations import registration_save, registration_submit
from doanvien.youth import services
from doanvien.youth.selectors import referral_summary

from ..training.conftest import complete_items

TODAY = timezone.localdate()
YEAR = 2026


@pytest.fixture
def framework(db):
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    return Framework.objects.get(unit__isnull=True)


def _referrals(world):
    on = min(TODAY, date(YEAR, 6, 1))
    first = services.referral_create(
        actor=None, member=world.member, youth_data={"full_name": "Tạ Quang Vinh"}, on=on
    )
    services.referral_progress(
        actor=None, referral=first, step="joined_federation", on=on, note="Vào Hội"
    )
    services.referral_progress(actor=None, referral=first, step="taking_part", on=on)
    services.referral_create(
        actor=None, member=world.member, youth_data={"full_name": "Lò Văn Khánh"}, on=on
    )
    # Another member's and another year's referrals do not count.
    services.referral_create(
        actor=None, member=world.member2, youth_data={"full_name": "Hà Thị Nga"}, on=on
    )


def test_the_summary_counts_the_members_referrals_of_the_year(world):
    _referrals(world)
    s = referral_summary(world.member, YEAR)
    assert (s.introduced, s.taking_part, s.joined_federation, s.admitted) == (2, 1, 1, 0)
    assert referral_summary(world.member, YEAR - 1).introduced == 0


def test_the_criterion_shows_the_referrals_on_the_registration_page(client, world, framework):
    _referrals(world)
    criterion = next(c for c in Criterion.objects.all() if c.is_referral_programme)
    assert "Thực hiện chủ trương 1+1" in criterion.text
    client.force_login(world.member_user)
    url = reverse("training:member-training", args=[world.member.pk, YEAR])
    html = client.get(url).content.decode()
    beside = html.split(f'id="c-{criterion.pk}"')[1].split('class="detail"')[0]
    assert "data-referrals" in beside and "2" in beside
    assert reverse("youth:member-referrals", args=[world.member.pk]) in beside
    # Only beside that criterion.
    assert html.count("data-referrals") == 1


def test_the_committee_sees_them_beside_the_registered_criterion(client, world, framework):
    _referrals(world)
    criterion = next(c for c in Criterion.objects.all() if c.is_referral_programme)
    items = complete_items(world.member, year=YEAR)
    if criterion.pk not in {i["criterion"] for i in items}:
        items.append({**items[0], "criterion": criterion.pk})
    registration = registration_save(actor=None, member=world.member, year=YEAR, items=items)
    registration_submit(actor=None, registration=registration)
    client.force_login(world.secretary)
    html = client.get(reverse("training:member-training", args=[world.member.pk, YEAR]))
    html = html.content.decode()
    assert 'id="chosen"' in html
    chosen = html.split('id="chosen"')[1]
    assert chosen.count("data-referrals") == 1

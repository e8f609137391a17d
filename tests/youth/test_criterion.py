"""The programme's criterion "Thực hiện chủ trương 1+1" shows the member's real referrals of the
programme year beside it on his training page (registration and assessment), to him and his
committee: the calendar year, or for a school the school year (June to May by default, data)
of the branch his registration belongs to."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from doanvien.training import default_framework
from doanvien.training.models import (
    ContentArea,
    Criterion,
    Framework,
    Phase,
    ProgrammeCalendar,
    school_year_start_month,
)
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
    # In calendar year 2026 and in school year 2026 (01/06/2025 – 31/05/2026) alike.
    on = min(TODAY, date(YEAR, 3, 1))
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


def _introduce(member, on: date, name: str):
    return services.referral_create(
        actor=None, member=member, youth_data={"full_name": name}, on=on
    )


def test_a_school_counts_the_school_year(world):
    """World's branch 12A1 is a school's: programme year 2026 runs from 1 June 2025 to 31 May
    2026; a referral of June 2026 belongs to programme year 2027."""
    assert world.branch.sector == "school"
    _introduce(world.member, date(2025, 6, 1), "Đầu năm học")
    _introduce(world.member, date(2026, 5, 31), "Cuối năm học")
    _introduce(world.member, date(2026, 6, 1), "Năm học sau")
    _introduce(world.member, date(2025, 5, 31), "Năm học trước")
    s = referral_summary(world.member, 2026)
    assert (s.first, s.last, s.introduced) == (date(2025, 6, 1), date(2026, 5, 31), 2)
    assert not s.calendar_year
    assert referral_summary(world.member, 2027).introduced == 1
    # The first month of the school year is data (training's ProgrammeCalendar).
    ProgrammeCalendar.objects.update_or_create(pk=1, defaults={"school_year_start_month": 9})
    school_year_start_month.cache_clear()
    try:
        # 01/09/2025 – 31/08/2026: the referrals of 31/05 and 01/06/2026.
        assert referral_summary(world.member, 2026).introduced == 2
        assert referral_summary(world.member, 2027).introduced == 0
    finally:
        ProgrammeCalendar.objects.filter(pk=1).delete()
        school_year_start_month.cache_clear()


def test_another_sector_counts_the_calendar_year(world):
    _introduce(world.outsider_member, date(2025, 12, 31), "Năm trước")
    _introduce(world.outsider_member, date(2026, 1, 1), "Đầu năm")
    _introduce(world.outsider_member, date(2026, 6, 1), "Giữa năm")
    s = referral_summary(world.outsider_member, 2026)
    assert (s.first, s.last, s.introduced, s.calendar_year) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        2,
        True,
    )
    # The branch his registration belongs to decides: a school's registration, its year.
    assert referral_summary(world.outsider_member, 2026, branch=world.branch).introduced == 2
    assert referral_summary(world.outsider_member, 2027, branch=world.branch).introduced == 1


def test_the_page_shows_the_school_year_span(client, world, framework):
    _introduce(world.member, date(2025, 9, 5), "Khai giảng")
    _introduce(world.member, date(2026, 6, 1), "Năm học sau")
    client.force_login(world.member_user)
    url = reverse("training:member-training", args=[world.member.pk, 2026])
    html = client.get(url).content.decode()
    beside = html.split("data-referrals")[1].split("</p>")[0]
    assert "01/06/2025" in beside and "31/05/2026" in beside
    assert "giới thiệu 1 thanh niên" in beside


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

"""The daily erasure: a record that led to no admission and saw nothing for the retention
period (data, default 3 years) is erased; a recent one, or an admitted one, is kept."""

from datetime import datetime, timedelta

from django.core.management import call_command
from django.utils import timezone

from doanvien.youth import services
from doanvien.youth.models import Referral, ReferralSettings, Youth

TODAY = timezone.localdate()


def _aged(youth: Youth, days: int) -> None:
    at = timezone.make_aware(datetime.combine(TODAY - timedelta(days=days), datetime.min.time()))
    Youth.objects.filter(pk=youth.pk).update(created_at=at)


def test_old_records_are_erased_recent_and_admitted_ones_kept(world):
    old = services.youth_create(actor=None, unit=world.branch, data={"full_name": "Cũ Một"})
    recent = services.youth_create(actor=None, unit=world.branch, data={"full_name": "Mới Hai"})
    followed = services.referral_create(
        actor=None,
        member=world.member,
        youth_data={"full_name": "Theo Dõi Ba"},
        on=TODAY - timedelta(days=400),
    )
    admitted = services.youth_create(actor=None, unit=world.branch, data={"full_name": "Đã Vào"})
    for youth in (old, followed.youth, admitted):
        _aged(youth, 3 * 366 + 5)
    _aged(recent, 365)
    Youth.objects.filter(pk=admitted.pk).update(member=world.member2)
    call_command("erase_expired_youths")
    erased = set(Youth.objects.exclude(erased_at=None).values_list("pk", flat=True))
    # The followed youth's last step is 400 days old: kept.
    assert erased == {old.pk}
    assert Youth.objects.get(pk=old.pk).full_name == ""
    assert Referral.objects.filter(pk=followed.pk).exists()


def test_the_period_is_data_per_unit(world):
    ReferralSettings.objects.create(unit=world.base, retention_years=1)
    youth = services.youth_create(actor=None, unit=world.branch, data={"full_name": "Hai Năm"})
    _aged(youth, 2 * 366)
    assert services.youths_erase_expired(today=TODAY) == 1
    other = services.youth_create(actor=None, unit=world.other_branch, data={"full_name": "Khác"})
    _aged(other, 2 * 366)
    assert services.youths_erase_expired(today=TODAY) == 0

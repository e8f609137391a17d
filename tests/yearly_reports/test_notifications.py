"""Submitting a yearly report tells the cadres of the unit above (in the submit's
transaction); reopening it tells the cadres of the unit that submitted it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from doanvien.notifications.models import Kind, Notification
from doanvien.yearly_reports.services import yearly_report_reopen, yearly_report_submit

from ..factories import make_user
from .conftest import YEAR


def test_submitting_tells_the_unit_above_and_reopening_tells_the_unit(data):
    # A second cadre of the base union, and a cadre of the province (two levels up: not told).
    colleague = make_user("base2", role="cadre", unit=data.base)
    yearly_report_submit(actor=data.base_cadre, unit=data.base, year=YEAR)
    told = Notification.objects.filter(kind=Kind.YEARLY_REPORT_SUBMITTED)
    assert {n.user_id for n in told} == {data.district_cadre.pk}
    note = told.get()
    assert data.base.name in note.title and str(YEAR) in note.title
    assert note.url == f"/units/{data.base.pk}/yearly-report/{YEAR}/"
    assert not Notification.objects.filter(user=data.province_cadre).exists()

    yearly_report_reopen(actor=data.district_cadre, unit=data.base, year=YEAR)
    reopened = Notification.objects.filter(kind=Kind.YEARLY_REPORT_REOPENED)
    # The base union's cadres are told; the one who reopened is not.
    assert {n.user_id for n in reopened} == {data.base_cadre.pk, colleague.pk}
    assert reopened.first().url == f"/units/{data.base.pk}/yearly-report/{YEAR}/"


def test_a_refused_submit_tells_nobody(data):
    yearly_report_submit(actor=data.base_cadre, unit=data.base, year=YEAR)
    Notification.objects.all().delete()
    with pytest.raises(ValidationError), transaction.atomic():
        yearly_report_submit(actor=data.base_cadre, unit=data.base, year=YEAR)
    assert not Notification.objects.exists()


def test_the_submit_api_tells_the_unit_above(data, api):
    answer = api(data.base_cadre).post(f"/api/v1/units/{data.base.pk}/yearly-report/{YEAR}/submit")
    assert answer.status_code == 200
    assert Notification.objects.filter(
        user=data.district_cadre, kind=Kind.YEARLY_REPORT_SUBMITTED
    ).exists()

"""A write still refused after the transaction helper's retries (another one held the database
at that moment) answers the documented JSON error with 503 and Retry-After, never a 500."""

from django.db import OperationalError

from doanvien.members.models import Member

from .test_unit_member_create import new_member, url


def _always_locked(**kwargs):
    raise OperationalError("database is locked")


def test_the_api_answers_503_with_retry_after(api_client, world, monkeypatch):
    monkeypatch.setattr("doanvien.api.units.member_create", _always_locked)
    before = Member.objects.count()

    response = api_client(world.secretary).post(url(world.branch), new_member())

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json() == {
        "detail": "Hệ thống đang bận với các thay đổi khác: chưa có gì được lưu. "
        "Vui lòng thử lại sau vài giây.",
        "errors": [],
    }
    assert Member.objects.count() == before

"""The tree of tests/conftest.py `world` with a year of figures: in the district, the high
school's branch 12A1 has an excellent and a good member, 12A2 one registered and not assessed
(incomplete), the commune's branch one member with a draft; the high school held an activity
for its branches, at which the first member of 12A1 was checked in."""

import pytest

from doanvien.activities.services import activity_checkin, activity_publish
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import registration_approve, registration_save
from doanvien.yearly_reports.models import GoodModel
from doanvien.yearly_reports.services import good_model_create

from ..api.conftest import ApiClient
from ..factories import evaluation_passed, make_user
from ..reports.test_rollup import AREAS, YEAR, _register
from ..training.conftest import (
    complete_items,
    framework,  # noqa: F401  (the shipped default framework)
)

__all__ = ["YEAR", "good_model"]


class Api(ApiClient):
    """The API test client, with PUT."""

    def put(self, path, data=None, **extra):
        return self.client.put(
            path,
            data,
            content_type="application/json",
            headers={**self.headers, **extra.pop("headers", {})},
            **extra,
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def data(world, framework):  # noqa: F811
    evaluation_passed(world.province, YEAR)

    def approve(member):
        return registration_approve(actor=None, registration=_register(member))

    assessment_record(
        actor=None, registration=approve(world.member), areas=dict.fromkeys(AREAS, 19)
    )
    assessment_record(
        actor=None, registration=approve(world.member2), areas=dict.fromkeys(AREAS, 17)
    )
    _register(world.member_in_branch2)
    registration_save(
        actor=None,
        member=world.outsider_member,
        year=YEAR,
        items=complete_items(world.outsider_member, year=YEAR),
    )
    activity = activity_publish(
        actor=world.base_cadre,
        unit=world.base,
        data={
            "title": "Ra quân Chủ nhật xanh",
            "kind": "volunteering",
            "areas": ["1", "3"],
            "starts_at": f"{YEAR}-03-07T07:00:00",
            "ends_at": f"{YEAR}-03-07T11:00:00",
            "audience": "subtree",
        },
    )
    activity_checkin(actor=world.base_cadre, activity=activity, member_ids=[world.member.pk])
    world.activity = activity
    world.district_cadre = make_user("district", role="cadre", unit=world.district)
    return world


@pytest.fixture
def api():
    """api(user) → an API client with the user's token."""
    return Api


def good_model(unit, title="Chi đoàn mạnh", year=YEAR, **extra) -> GoodModel:
    return good_model_create(
        actor=None,
        unit=unit,
        data={"year": year, "title": title, "description": "Sinh hoạt chi đoàn ghép", **extra},
    )

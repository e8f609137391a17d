"""The pages above the branches, read in English (the site's default is Vietnamese), and the
people who see a unit without acting on it."""

import pytest
from django.conf import settings

from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.results import branch_results_submit

from ...factories import make_user
from ..conftest import YEAR
from ..test_workflow import AREAS, approved


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def viewer(world):
    """Someone who follows the base union (role viewer): sees everything, changes nothing."""
    return make_user("viewer", role="viewer", unit=world.base)


def assessed(world, items, member=None):
    registration = approved(world, items, member=member)
    return assessment_record(actor=None, registration=registration, areas=AREAS)


def submitted(world, items):
    """The first branch's results, assessed and submitted to the base union."""
    assessed(world, items)
    return branch_results_submit(actor=None, branch=world.branch, year=YEAR)

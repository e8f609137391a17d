import pytest

from doanvien.dues import defaults
from doanvien.dues.models import CategoryDefault, Rate

YEAR = 2026


@pytest.fixture(autouse=True)
def rates(db):
    """The shipped rates and category defaults (a data migration installs them; a database
    flushed by a browser test may have lost them)."""
    defaults.install(Rate, CategoryDefault)


@pytest.fixture
def api_client():
    """api_client(user) → a JSON client with the user's bearer token."""
    from tests.api.conftest import ApiClient

    return ApiClient

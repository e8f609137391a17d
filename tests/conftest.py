"""Personas (see docs): a province cadre, a base-union cadre, a branch secretary inside that base
union, an outsider (secretary of a branch in another base union) and a member."""

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from doanvien.training import default_deadlines
from doanvien.training.models import (
    DefaultDeadline,
    ProgrammeCalendar,
    school_year_start_month,
)

from . import hostile
from .factories import make_member, make_unit, make_user


@dataclass
class World:
    province: object
    district: object
    base: object
    branch: object
    branch2: object
    other_base: object
    other_branch: object
    member: object
    member2: object
    member_in_branch2: object
    outsider_member: object
    province_cadre: object
    base_cadre: object
    secretary: object
    outsider: object
    member_user: object
    superuser: object


ARGON2 = "doanvien.accounts.hashers.Argon2Hasher"


# Generated tests judge what they check, not how fast the machine is: a shared CI machine may
# be slow to generate examples (no time limit, no "too slow" refusal).
hypothesis_settings.register_profile(
    "doanvien", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("doanvien")


# The suites that also run through a pooler in transaction mode (`pytest -m pooler` with
# DATABASE_POOLER=transaction against scripts/pgbouncer, in .ci/run): what writes in bulk
# (COPY, imports), streams (exports), locks (roll-up ledger, advisory locks, retries) and
# authenticates, where session state would show.
POOLER_SUITES = (
    "tests/training/test_rollup_ledger.py",
    "tests/training/test_registration.py",
    "tests/members/test_import.py::TestAGoodFile",
    "tests/members/test_export.py",
    "tests/api/test_auth_token.py",
    "tests/core/test_transactions.py",
)


# Generated from the OpenAPI document: a test per operation, seconds to build. Where its tests
# would be skipped (SQLite without -m fuzz) the module is not collected at all.
FUZZ_MODULES = ("tests/api/test_schema_fuzz.py",)


def pytest_ignore_collect(collection_path, config):
    if not str(collection_path).endswith(FUZZ_MODULES):
        return None
    on_postgres = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    return True if not on_postgres and "fuzz" not in (config.option.markexpr or "") else None


def pytest_collection_modifyitems(config, items):
    """Tests marked `fuzz` or `e2e` (the browser) take minutes: they run on PostgreSQL (`make
    test-postgres`, so once in CI, which runs the suite on SQLite then on PostgreSQL), and on
    SQLite only when asked for (`pytest -m fuzz`, `-m e2e`). The POOLER_SUITES are marked
    `pooler`."""
    for item in items:
        if item.nodeid.startswith(POOLER_SUITES):
            item.add_marker(pytest.mark.pooler)
    on_postgres = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if on_postgres:
        return
    # Browser tests run once too, on PostgreSQL (the production database), or with -m e2e.
    for marker in ("fuzz", "e2e"):
        if marker in (config.option.markexpr or ""):
            continue
        skip = pytest.mark.skip(
            reason=f"{marker}: runs on PostgreSQL, or on SQLite with -m {marker}"
        )
        for item in items:
            if item.get_closest_marker(marker):
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that are not about hashing use a fast hasher."""
    assert settings.PASSWORD_HASHERS[0] == ARGON2
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", ARGON2]


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    """Files made by background jobs, and files uploaded and kept, go to the test's own folder."""
    settings.JOB_FILES_DIR = tmp_path / "jobs"
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.JOB_FILES_DIR


@pytest.fixture(autouse=True)
def shipped_defaults(request):
    """The default deadlines a data migration ships apply in a test marked `shipped_deadlines`
    (the behaviour of a fresh installation); every other test works with the deadlines it sets
    itself, so the date it runs on does not decide what is late or when assessments open."""
    uses = {"db", "transactional_db"} & set(request.fixturenames)
    if uses:
        request.getfixturevalue(sorted(uses)[-1])  # the database first
        if request.node.get_closest_marker("shipped_deadlines"):
            default_deadlines.install(DefaultDeadline, ProgrammeCalendar)
        else:
            DefaultDeadline.objects.all().delete()
    school_year_start_month.cache_clear()
    yield
    school_year_start_month.cache_clear()


@pytest.fixture(scope="session")
def hostile_files(tmp_path_factory):
    """The hostile spreadsheets of tests/hostile.py, made once: kind → file."""
    return hostile.make_all(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(autouse=True)
def _seed_rows_survive(django_db_serialized_rollback):
    """A transactional test (its database emptied after it) restores the rows written by the
    migrations (levels, content types, …) before it runs, from the copy taken when the test
    database was created; and its emptying does not write them again, so the next one that
    restores them (a browser test) finds no duplicate, whichever order they run in."""


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request that asked for English (a cookie, an
    API client's Accept-Language) leaves it active in the thread after its response."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_cache():
    """The rate limits count in the cache (local memory): each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    province = make_unit(name="Tỉnh đoàn Thử Nghiệm", code="TN", level="province")
    district = make_unit(province, name="Huyện đoàn Tân An", code="TN-TA", level="district")
    base = make_unit(district, name="Đoàn trường THPT Tân An", code="TN-TA-THPT", level="base")
    branch = make_unit(base, name="Chi đoàn 12A1", code="TN-TA-THPT-12A1")
    branch2 = make_unit(base, name="Chi đoàn 12A2", code="TN-TA-THPT-12A2")
    other_base = make_unit(
        district, name="Đoàn xã Tân Hòa", code="TN-TA-TH", level="base", sector="residential"
    )
    other_branch = make_unit(
        other_base, name="Chi đoàn Ấp 1", code="TN-TA-TH-A1", sector="residential"
    )
    member = make_member(branch, full_name="Nguyễn Văn An", sex="male")
    member2 = make_member(branch, full_name="Trần Thị Đào", sex="female")
    member_in_branch2 = make_member(branch2, full_name="Lê Minh Châu")
    outsider_member = make_member(other_branch, full_name="Phạm Đức Dũng")
    return World(
        province=province,
        district=district,
        base=base,
        branch=branch,
        branch2=branch2,
        other_base=other_base,
        other_branch=other_branch,
        member=member,
        member2=member2,
        member_in_branch2=member_in_branch2,
        outsider_member=outsider_member,
        province_cadre=make_user("province", role="cadre", unit=province),
        base_cadre=make_user("base", role="cadre", unit=base),
        secretary=make_user("secretary", role="secretary", unit=branch),
        outsider=make_user("outsider", role="secretary", unit=other_branch),
        member_user=make_user("member", member=member),
        superuser=make_user("root", is_superuser=True, is_staff=True),
    )

import pytest

from doanvien.training import default_framework
from doanvien.training.models import ContentArea, Criterion, Framework, Phase
from doanvien.training.rules import programme_year_span
from doanvien.training.selectors import criteria_offered, framework_for

YEAR = 2026


@pytest.fixture
def framework(db):
    """The shipped default framework (a data migration installs it; a flushed database after
    the browser tests may have lost it)."""
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    return Framework.objects.get(unit__isnull=True)


def complete_items(member, year=YEAR, per_area=2):
    """A registration that keeps every rule: the mandatory criteria and `per_area` more in each
    area (of those offered to the member), with plans and target dates inside the programme
    year."""
    framework = framework_for(member.branch, year)
    criteria = list(criteria_offered(member, framework=framework, branch=member.branch, year=year))
    _first, last = programme_year_span(year, member.branch.sector)
    chosen = [c for c in criteria if c.mandatory]
    for area in framework.areas.all():
        extra = [c for c in criteria if c.area_code == area.code and c not in chosen]
        chosen += extra[:per_area]
    return [
        {"criterion": c.pk, "plan": f"Kế hoạch thực hiện {c.pk}", "target_date": last.isoformat()}
        for c in chosen
    ]


@pytest.fixture
def items(world, framework):
    return complete_items(world.member)

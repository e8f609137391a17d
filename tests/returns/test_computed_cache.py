"""A draft return's computed cells kept in the cache (RETURNS_COMPUTED_CACHE_SECONDS): read
again, no count; submitting counts afresh and the snapshot is exact; a form's edited cells or
0 seconds bypass it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doanvien.returns import services
from doanvien.returns.campaigns import campaign_for
from doanvien.returns.models import FormDefinition
from doanvien.returns.selectors import counted_at, return_forms, return_of

from ..factories import make_member

# A period still to end: its members are counted from the records as they stand.
YEAR = timezone.localdate().year + 1


def members_total(forms):
    form = next(f for f in forms if f["number"] == 1)
    return next(c for c in form["cells"] if (c["row"], c["col"]) == ("members", "total"))["value"]


def member_reads(queries):
    return [q for q in queries if '"members_member"' in q["sql"]]


@pytest.fixture
def campaign(world, settings):
    settings.RETURNS_COMPUTED_CACHE_SECONDS = 300
    return campaign_for(world.base, YEAR, "h1")


def test_a_draft_read_again_is_not_counted_again(world, campaign):
    assert counted_at(world.base, campaign) is None
    first = return_forms(world.base, campaign, None)
    assert members_total(first) == 3 and counted_at(world.base, campaign) is not None
    make_member(world.branch, sex="female")
    with CaptureQueriesContext(connection) as ctx:
        again = return_forms(world.base, campaign, None)
    assert member_reads(ctx.captured_queries) == []
    assert members_total(again) == 3  # as counted a moment ago


def test_submitting_counts_afresh(world, campaign):
    return_forms(world.base, campaign, None)
    make_member(world.branch, sex="female")
    services.return_submit(actor=world.base_cadre, unit=world.base, campaign=campaign)
    ret = return_of(world.base, campaign)
    assert members_total(return_forms(world.base, campaign, ret)) == 4


def test_an_edited_form_or_no_cache_counts_again(world, campaign, settings):
    return_forms(world.base, campaign, None)
    make_member(world.branch, sex="female")
    form = FormDefinition.objects.get(owner=None, number=4)
    form.cells = {**form.cells}
    form.note = "x"
    form.save()
    # The cells are unchanged: still the cached figures.
    assert members_total(return_forms(world.base, campaign, None)) == 3
    cells = dict(form.cells)
    cells.pop(next(iter(cells)))
    form.cells = cells
    form.save()
    assert members_total(return_forms(world.base, campaign, None)) == 4
    make_member(world.branch, sex="male")
    settings.RETURNS_COMPUTED_CACHE_SECONDS = 0
    assert members_total(return_forms(world.base, campaign, None)) == 5
    assert counted_at(world.base, campaign) is None


def test_the_page_says_when_the_draft_s_figures_were_counted(client, world, campaign):
    client.force_login(world.base_cadre)
    page = client.get(f"/units/{world.base.pk}/returns/{YEAR}/h1/")
    assert page.status_code == 200 and 'id="counted-at"' in page.text

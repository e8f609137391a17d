from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from doanvien.training.models import Deadline
from doanvien.training.services.registrations import registration_save, registration_submit

from ...factories import make_member
from ..conftest import YEAR, complete_items
from .conftest import assessed


def progress(client, unit, year=YEAR):
    return client.get(reverse("training:training-progress", args=[unit.pk, year]))


def by_unit(response):
    return {row.unit.pk: row for row in response.context["rows"]}


def test_it_counts_each_child_unit(client, world, items):
    assessed(world, items)
    waiting = registration_save(
        actor=None, member=world.member2, year=YEAR, items=complete_items(world.member2)
    )
    registration_submit(actor=None, registration=waiting, today=date(2025, 11, 1))
    client.force_login(world.base_cadre)
    rows = by_unit(progress(client, world.base))
    first, second = rows[world.branch.pk], rows[world.branch2.pk]
    assert (first.members, first.registered, first.waiting_review, first.assessed) == (2, 2, 1, 1)
    assert (first.registration_rate, first.assessment_rate) == (100.0, 50.0)
    assert (second.members, second.registered, second.assessed) == (1, 0, 0)

    client.force_login(world.province_cadre)
    response = progress(client, world.district)
    rows = by_unit(response)
    base = rows[world.base.pk]
    assert (base.members, base.registered, base.waiting_review, base.assessed) == (3, 2, 1, 1)
    assert base.registration_rate == 66.7 and base.branches == 2
    assert rows[world.other_base.pk].registered == 0
    total = response.context["total"]
    assert (total.members, total.registered, total.assessed) == (4, 2, 1)


def test_it_links_each_child_one_level_down(client, world):
    client.force_login(world.province_cadre)
    html = progress(client, world.district).content.decode()
    assert f'href="{reverse("training:training-progress", args=[world.base.pk, YEAR])}"' in html
    html = progress(client, world.base).content.decode()
    assert f'href="/units/{world.branch.pk}/training/{YEAR}/"' in html


def test_it_offers_the_years_around(client, world):
    client.force_login(world.base_cadre)
    html = progress(client, world.base).content.decode()
    for year in (YEAR - 1, YEAR + 1):
        assert reverse("training:training-progress", args=[world.base.pk, year]) in html
    assert progress(client, world.base, 1999).status_code == 404


def test_late_units_are_highlighted(client, world):
    Deadline.objects.create(
        unit=world.district,
        year=YEAR,
        kind="registration",
        due_on=timezone.localdate() - timedelta(days=10),
    )
    client.force_login(world.province_cadre)
    response = progress(client, world.district)
    assert all(row.late for row in response.context["rows"])
    assert 'class="late"' in response.content.decode()


def test_each_unit_shows_the_days_to_its_deadlines(client, world):
    today = timezone.localdate()
    Deadline.objects.create(
        unit=world.district, year=YEAR, kind="registration", due_on=today - timedelta(days=3)
    )
    # The base union has its own, later evaluation deadline.
    Deadline.objects.create(
        unit=world.base, year=YEAR, kind="evaluation", due_on=today + timedelta(days=12)
    )
    client.force_login(world.province_cadre)
    rows = by_unit(progress(client, world.district))
    base = {d.kind: d.days_left for d in rows[world.base.pk].deadlines}
    other = {d.kind: d.days_left for d in rows[world.other_base.pk].deadlines}
    assert base == {"registration": -3, "evaluation": 12}
    assert other == {"registration": -3}
    page = progress(client, world.district).content.decode()
    assert "3 days ago" in page and "in 12 days" in page


def test_box_ticking_is_shown_next_to_the_branch(client, world):
    for member in [world.member, world.member2, make_member(world.branch)]:
        own = [{**i, "plan": f"{i['plan']} ({member.pk})"} for i in complete_items(member)]
        assessed(world, own, member=member)
    client.force_login(world.base_cadre)
    response = progress(client, world.base)
    rows = by_unit(response)
    assert len(rows[world.branch.pk].flags) == 2 and not rows[world.branch2.pk].flags
    assert rows[world.branch.pk].flags[0] in response.content.decode()


def test_every_list_says_when_it_is_empty(client, world, framework):
    client.force_login(world.base_cadre)
    html = progress(client, world.base).content.decode()
    assert "No branch has submitted its results for this year yet." in html
    assert "No results are recognised for this year yet." in html
    html = progress(client, world.branch2).content.decode()
    assert f"/units/{world.branch2.pk}/training/{YEAR}/" in html  # a branch: its own page


def test_people_outside_or_below_do_not_get_the_page(client, world):
    client.force_login(world.outsider)
    assert progress(client, world.base).status_code == 404
    client.force_login(world.member_user)
    assert progress(client, world.branch).status_code == 404
    client.logout()
    response = progress(client, world.base)
    assert response.status_code == 302 and "/login/" in response["Location"]

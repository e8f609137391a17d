"""Numbers in the reports (issue 15): counts grouped by thousands and shares with a decimal
comma in Vietnamese (1.355, 70,26 %), the English interface its own way (1,355, 70.26%), years
never grouped; and the report tables' boxes, hints, charts and counts that a phone, a keyboard
and a screen reader need."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from doanvien.core.templatetags.doanvien import count, number, percent
from doanvien.training.rules import programme_year_of

from ..factories import make_member

NBSP = "\u00a0"


def render(text: str, **context) -> str:
    return Template("{% load doanvien %}" + text).render(Context(context))


def test_counts_and_shares_in_vietnamese():
    with translation.override("vi"):
        assert count(1355) == "1.355"
        assert count(47297) == "47.297" and count(1234567) == "1.234.567"
        assert count(7) == "7" and count(0) == "0"
        assert count(Decimal("12.5")) == "12,5"
        assert percent(Decimal("70.26")) == f"70,26{NBSP}%"
        assert percent(39.94, 1) == f"39,9{NBSP}%"
        assert number(Decimal("1234.5")) == "1.234,50"
        assert render("{{ n|count }} · {{ year }}", n=1355, year=2027) == "1.355 · 2027"


def test_counts_and_shares_in_english():
    with translation.override("en"):
        assert count(1355) == "1,355"
        assert percent(Decimal("70.26")) == "70.26%"
        assert number(Decimal("1234.5")) == "1,234.50"
        assert render("{{ n|count }} · {{ year }}", n=1355, year=2027) == "1,355 · 2027"


@pytest.mark.parametrize("value", [None, "", "—", "hai", True])
def test_what_is_not_a_number_is_left_as_it_is(value):
    assert count(value) == value
    assert percent(value) == value
    assert number(value) == value


@pytest.fixture
def crowded(world):
    """The base union with 1,355 members (its two branches held three already)."""
    for _ in range(1352):
        make_member(world.branch)
    return world


def test_each_report_page_groups_its_counts(client, crowded):
    world = crowded
    year = programme_year_of(timezone.localdate(), "school")
    client.force_login(world.base_cadre)
    pages = {
        "reports": reverse("reports:unit-report", args=[world.base.pk, year]),
        "member_stats": reverse("member_stats:member-statistics", args=[world.base.pk]),
        "training": reverse("training:training-progress", args=[world.base.pk, year]),
        "units": reverse("units:unit-detail", args=[world.base.pk]),
    }
    for app, url in pages.items():
        html = client.get(url).content.decode()
        assert ">1.355<" in html, app
        assert "1355" not in html, app
        assert f"{year:,}".replace(",", ".") not in html, app  # the year is not grouped
    # The yearly report: the total row of the table and the charts' names.
    html = client.get(pages["reports"]).content.decode()
    assert '<td class="num">1.355</td>' in html
    # In English: 1,355.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<td class="num">1,355</td>' in client.get(pages["reports"]).content.decode()


def test_a_return_shows_its_typed_figures_grouped(client, world):
    year = timezone.localdate().year
    client.force_login(world.base_cadre)
    save = reverse("returns:return-form-save", args=[world.base.pk, year, "h1", 6])
    client.post(save, {"c-total:trained": "1355", "c-union_work:trained": "1355"})
    client.force_login(world.province_cadre)  # reads the base union's return, does not fill it
    html = client.get(reverse("returns:return-detail", args=[world.base.pk, year, "h1"]))
    assert ">1.355<" in html.content.decode()


def test_report_tables_scroll_in_a_named_box_reachable_by_keyboard(client, world):
    year = programme_year_of(timezone.localdate(), "school")
    client.force_login(world.base_cadre)
    pages = [
        reverse("reports:unit-report", args=[world.base.pk, year]),
        reverse("reports:unit-movements", args=[world.base.pk]),
        reverse("member_stats:member-statistics", args=[world.base.pk]),
        reverse("training:training-progress", args=[world.base.pk, year]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        boxes = html.count('tabindex="0" role="region" aria-label="')
        assert boxes >= 1, url
        # Each box comes after its hint, hidden until the script finds the table too wide.
        assert html.count('<p class="scroll-hint" hidden>') == boxes, url
        assert "Vuốt ngang để xem thêm cột" in html, url
    html = client.get(pages[0]).content.decode()
    assert 'role="region" aria-label="Kết quả đánh giá">' in html


def test_charts_are_focusable_and_result_counts_are_announced(client, world):
    year = programme_year_of(timezone.localdate(), "school")
    client.force_login(world.base_cadre)
    html = client.get(reverse("reports:unit-report", args=[world.base.pk, year])).content
    charts = html.decode().count('<svg xmlns="http://www.w3.org/2000/svg"')
    assert charts >= 1 and html.decode().count('role="img" tabindex="0"') == charts
    client.force_login(world.province_cadre)
    members = client.get(reverse("members:member-list", args=[world.base.pk])).content.decode()
    assert 'id="results-count" aria-live="polite" data-announce' in members

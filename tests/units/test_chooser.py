"""The unit chooser: units under a unit found by name (with or without diacritics, any case) or
code, bounded, scoped to the root's subtree; its htmx pieces; the directive form choosing its
units with it (and without script)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doanvien.directives.models import Directive, Receipt
from doanvien.units.selectors import CHOOSER_LIMIT, units_chosen, units_matching

from ..factories import make_unit


def names(units):
    return [u.name for u in units]


def test_names_are_found_without_diacritics_or_case(world):
    assert names(units_matching(world.district, "tan hoa")) == ["Đoàn xã Tân Hòa"]
    assert names(units_matching(world.district, "ĐOÀN XÃ")) == ["Đoàn xã Tân Hòa"]
    assert names(units_matching(world.district, "doan xa tan")) == ["Đoàn xã Tân Hòa"]
    # By code (its beginning, any case); the nearest levels first.
    assert names(units_matching(world.district, "tn-ta-th")) == [
        "Đoàn trường THPT Tân An",
        "Đoàn xã Tân Hòa",
        "Chi đoàn 12A1",
        "Chi đoàn 12A2",
        "Chi đoàn Ấp 1",
    ]
    assert units_matching(world.district, "a") == []  # too short


def test_only_active_units_under_the_root_are_found(world):
    assert names(units_matching(world.base, "chi doan")) == ["Chi đoàn 12A1", "Chi đoàn 12A2"]
    assert units_matching(world.base, "ap 1") == []  # under the other base union
    assert units_matching(world.branch, "12a1") == []  # the root itself is not under it
    world.branch2.is_active = False
    world.branch2.save()
    assert names(units_matching(world.base, "chi doan")) == ["Chi đoàn 12A1"]
    assert units_chosen(world.base, [world.branch.pk, world.other_branch.pk, "x"]) == [world.branch]


def test_a_province_of_many_units_answers_a_bounded_list_in_one_query(world):
    for i in range(CHOOSER_LIMIT + 15):
        make_unit(world.other_base, name=f"Chi đoàn Khu phố {i}", code=f"TN-TA-TH-KP{i}")
    with CaptureQueriesContext(connection) as queries:
        found = units_matching(world.province, "khu pho")
    assert len(found) == CHOOSER_LIMIT and len(queries) == 1
    assert names(units_matching(world.province, "khu pho 34")) == ["Chi đoàn Khu phố 34"]


def test_the_chooser_pieces_are_scoped_to_what_the_user_sees(client, world):
    url = reverse("units:unit-choose", args=[world.base.pk])
    client.force_login(world.base_cadre)
    found = client.get(url, {"unit_q": "chi doan", "units": [world.branch2.pk]})
    html = found.content.decode()
    assert found.status_code == 200 and "Chi đoàn 12A1" in html and "Chi đoàn Ấp 1" not in html
    # The one already chosen has no "Add" button; the other has.
    assert f'name="pick" value="{world.branch.pk}"' in html
    assert f'name="pick" value="{world.branch2.pk}"' not in html
    picked = client.get(url, {"pick": world.branch.pk})
    assert f'name="units" value="{world.branch.pk}" checked' in picked.content.decode()
    assert client.get(url, {"pick": world.branch.pk, "units": [world.branch.pk]}).content == b""
    # A unit outside the root's subtree is never added.
    assert client.get(url, {"pick": world.other_branch.pk}).content.decode().strip() == ""
    assert client.get(url, {"name": "x<y"}).status_code == 404
    assert client.get(url, {"unit_q": "c"}, HTTP_ACCEPT_LANGUAGE="vi").status_code == 200
    for who in (world.outsider, world.member_user):
        client.force_login(who)
        assert client.get(url, {"unit_q": "chi doan"}).status_code == 404
    client.force_login(world.secretary)  # she sees her branch, not the base union
    assert client.get(url, {"unit_q": "chi doan"}).status_code == 404


@pytest.mark.parametrize("button", ["find", "pick"])
def test_the_directive_form_chooses_units_without_script(client, world, button):
    client.force_login(world.province_cadre)
    url = reverse("directives:directive-publish", args=[world.province.pk])
    page = client.get(url).content.decode()
    # No list of every unit: the chooser.
    assert 'id="units-chooser"' in page and "Chi đoàn Ấp 1" not in page
    data = {
        "number": "15-KH/TĐTN",
        "title": "Kế hoạch",
        "issued_on": "2026-03-01",
        "audience": "units",
        "units": [world.branch.pk],
        "unit_q": "ap 1",
    }
    if button == "find":
        data["find"] = "1"
    else:
        data["pick"] = str(world.other_branch.pk)
    shown = client.post(url, data)
    html = shown.content.decode()
    assert shown.status_code == 200 and not Directive.objects.exists()
    assert 'value="Kế hoạch"' in html
    assert f'name="units" value="{world.branch.pk}" checked' in html
    if button == "find":
        assert f'name="pick" value="{world.other_branch.pk}"' in html
    else:
        assert f'name="units" value="{world.other_branch.pk}" checked' in html
    final = {k: v for k, v in data.items() if k not in ("find", "pick", "unit_q")}
    sent = client.post(
        url, {**final, "units": [world.branch.pk, world.other_branch.pk], "publish": "1"}
    )
    assert sent.status_code == 302
    assert set(Receipt.objects.values_list("unit_id", flat=True)) == {
        world.branch.pk,
        world.other_branch.pk,
    }

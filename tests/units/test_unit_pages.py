from django.urls import reverse

from doanvien.units.models import Unit


def test_the_page_lists_children_with_member_counts(client, world):
    client.force_login(world.base_cadre)
    response = client.get(reverse("units:unit-detail", args=[world.base.pk]))
    children = {u.name: u.members_now for u in response.context["children"]}
    assert children == {"Chi đoàn 12A1": 2, "Chi đoàn 12A2": 1}


def test_breadcrumbs_show_only_visible_ancestors(client, world):
    client.force_login(world.base_cadre)
    crumbs = client.get(reverse("units:unit-detail", args=[world.branch.pk])).context["breadcrumbs"]
    assert [u.pk for u in crumbs] == [world.base.pk]


def test_a_cadre_creates_renames_and_deactivates_a_unit_below(client, world):
    client.force_login(world.base_cadre)
    level = Unit.objects.get(pk=world.branch.pk).level
    response = client.post(
        reverse("units:unit-create", args=[world.base.pk]),
        {
            "name": "Chi đoàn 10A5",
            "code": "tn-ta-thpt-10a5",
            "level": level.pk,
            "kind": "branch",
            "sector": "school",
        },
    )
    unit = Unit.objects.get(code="TN-TA-THPT-10A5")
    assert response["Location"] == reverse("units:unit-detail", args=[unit.pk])
    client.post(
        reverse("units:unit-edit", args=[unit.pk]),
        {"name": "Chi đoàn 10A6", "code": unit.code, "level": level.pk, "sector": "school"},
    )
    assert Unit.objects.get(pk=unit.pk).name == "Chi đoàn 10A6"
    client.post(reverse("units:unit-deactivate", args=[unit.pk]))
    assert not Unit.objects.get(pk=unit.pk).is_active


def test_a_cadre_cannot_rename_his_own_unit(client, world):
    client.force_login(world.base_cadre)
    assert client.get(reverse("units:unit-edit", args=[world.base.pk])).status_code == 403


def test_a_duplicate_code_is_shown_on_the_form(client, world):
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("units:unit-create", args=[world.base.pk]),
        {
            "name": "Chi đoàn trùng",
            "code": world.branch.code,
            "level": world.branch.level_id,
            "kind": "branch",
        },
    )
    assert "code" in response.context["form"].errors


def test_moving_by_code_only_into_a_unit_the_cadre_may_see(client, world):
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("units:unit-move", args=[world.branch2.pk]), {"code": world.other_base.code}
    )
    assert "code" in response.context["form"].errors
    client.force_login(world.province_cadre)
    response = client.post(
        reverse("units:unit-move", args=[world.branch2.pk]), {"code": world.other_base.code}
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=world.branch2.pk).path.startswith(world.other_base.path)


def test_merging_from_the_page(client, world):
    client.force_login(world.base_cadre)
    response = client.post(
        reverse("units:unit-merge", args=[world.branch2.pk]), {"code": world.branch.code}
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=world.branch.pk).member_count == 3


def test_the_history_is_on_the_units_page(client, world):
    client.force_login(world.province_cadre)
    html = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    assert 'id="history"' in html and "Chi đoàn 12A1" in html
    assert (
        len(client.get(reverse("units:unit-detail", args=[world.branch.pk])).context["history"])
        >= 2
    )

from django.urls import reverse

from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import registration_approve

from .test_rollup import AREAS, YEAR, _register


def test_the_page_shows_the_table_and_drills_down(client, world, framework):

    registration = registration_approve(actor=None, registration=_register(world.member))
    assessment_record(actor=None, registration=registration, areas=dict.fromkeys(AREAS, 19))
    client.force_login(world.province_cadre)
    response = client.get(reverse("reports:unit-report", args=[world.district.pk, YEAR]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("reports:unit-report", args=[world.base.pk, YEAR]) in html
    own = response.context["own"]
    assert (own.total, own.registered, own.levels["excellent"]["count"]) == (4, 1, 1)
    response = client.get(reverse("reports:unit-report", args=[world.base.pk, YEAR]))
    assert [r.unit for r in response.context["children"]] == [world.branch, world.branch2]


def test_out_of_scope_is_404(client, world, framework):
    client.force_login(world.outsider)
    assert client.get(reverse("reports:unit-report", args=[world.base.pk, YEAR])).status_code == 404


def test_the_page_compares_the_last_years(client, world, framework):
    client.force_login(world.base_cadre)
    response = client.get(reverse("reports:unit-report", args=[world.base.pk, YEAR]))
    assert [y for y, _row in response.context["history"]] == [YEAR - 2, YEAR - 1, YEAR]
    assert 'id="year-over-year"' in response.content.decode()

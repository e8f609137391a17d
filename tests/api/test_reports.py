from datetime import date, timedelta

from django.utils import timezone

from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_save,
    registration_submit,
)

from ..reports.test_rollup import AREAS, YEAR, _register
from ..training.conftest import (
    complete_items,
    framework,  # noqa: F401
)
from .conftest import ApiClient


def test_it_returns_the_unit_then_its_children(world, framework):  # noqa: F811

    registration = registration_approve(actor=None, registration=_register(world.member))
    assessment_record(actor=None, registration=registration, areas=dict.fromkeys(AREAS, 19))
    response = ApiClient(world.base_cadre).get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}")
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["id"] == world.base.pk
    names = [row["unit"]["name"] for row in body["rows"]]
    assert names == [world.base.name, "Chi đoàn 12A1", "Chi đoàn 12A2"]
    base = body["rows"][0]
    assert (base["total"], base["registered"], base["classified"]) == (3, 1, 3)
    assert base["levels"]["excellent"] == {"count": 1, "share": "33.33"}
    assert base["levels"]["incomplete"] == {"count": 2, "share": "66.67"}
    assert sum(float(v["share"]) for v in base["levels"].values()) == 100.0


def test_out_of_scope_units_are_404(world, framework):  # noqa: F811
    client = ApiClient(world.outsider)
    assert client.get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}").status_code == 404
    assert client.get(f"/api/v1/units/999999/reports/{YEAR}").status_code == 404


def test_the_report_carries_the_years_before_where_the_programme_ran(world, framework):  # noqa: F811

    registration = registration_save(
        actor=None,
        member=world.member,
        year=YEAR - 1,
        items=complete_items(world.member, year=YEAR - 1),
    )
    registration_submit(actor=None, registration=registration, today=date(2025, 5, 1))
    body = ApiClient(world.base_cadre).get(f"/api/v1/units/{world.base.pk}/reports/{YEAR}").json()
    assert [(y["year"], y["registered"]) for y in body["previous_years"]] == [(YEAR - 1, 1)]


def test_progress_per_child_unit_and_per_member_of_a_branch(world, framework):  # noqa: F811
    from doanvien.training.models import Deadline

    _register(world.member)
    Deadline.objects.create(
        unit=world.base,
        year=YEAR,
        kind="evaluation",
        due_on=timezone.localdate() + timedelta(days=9),
    )
    client = ApiClient(world.base_cadre)
    body = client.get(f"/api/v1/units/{world.base.pk}/progress/{YEAR}").json()
    first = body["rows"][0]
    evaluation = [d for d in first["deadlines"] if d["kind"] == "evaluation"]
    assert len(evaluation) == 1 and evaluation[0]["days_left"] == 9
    assert first["unit"]["id"] == world.branch.pk
    assert (first["members"], first["registered"], first["waiting_review"]) == (2, 1, 1)
    assert first["registration_rate"] == 50.0
    body = client.get(f"/api/v1/units/{world.branch.pk}/progress/{YEAR}").json()
    assert body["waiting_review"] == [{"id": world.member.pk, "name": world.member.full_name}]
    assert body["not_registered"] == [{"id": world.member2.pk, "name": world.member2.full_name}]
    outsider = ApiClient(world.outsider)
    assert outsider.get(f"/api/v1/units/{world.base.pk}/progress/{YEAR}").status_code == 404

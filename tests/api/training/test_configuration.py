"""The configuration a unit publishes for its subtree, through the API: its framework, its
criteria and its deadlines with their extensions (api/training_config.py), with the pages'
services and scoping."""

from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext

from doanvien.core.models import AuditEvent
from doanvien.training.models import Criterion, Deadline, Framework
from doanvien.training.selectors import deadline_for, framework_for
from doanvien.training.services.configuration import criterion_add, framework_publish

from ...factories import make_user
from ..conftest import fields
from .conftest import YEAR, bring_to


def url(unit, what, year=YEAR):
    return f"/api/v1/units/{unit.pk}/training/{year}/{what}"


def vi(message: str, **values) -> str:
    with translation.override("vi"):
        text = gettext(message)
    return text % values if values else text


def errors(response) -> dict[str, str]:
    fields(response)  # the documented shape
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def delete(api, path):
    return api.client.delete(path, headers=api.headers)


@pytest.fixture
def viewer(world):
    """Follows the base union (role viewer): sees it, changes nothing."""
    return make_user("viewer", role="viewer", unit=world.base)


# --- The framework ----------------------------------------------------------------------------


def test_whoever_sees_the_unit_reads_its_configuration(api_client, world, framework):
    answer = api_client(world.secretary).get(url(world.branch, "framework"))

    assert answer.status_code == 200
    body = answer.json()
    assert body["framework"]["id"] == framework.pk and body["framework"]["own"] is False
    assert body["editable"] is False and body["closed"] is False
    assert [a["code"] for a in body["areas"]] == list(
        framework.areas.values_list("code", flat=True)
    )
    criteria = [c for a in body["areas"] for c in a["criteria"]]
    assert criteria and not any(c["editable"] for c in criteria)
    # The default framework's criteria are not counted over the whole country.
    assert {c["used"] for c in criteria} == {None}


def test_a_cadre_publishes_a_framework_for_his_subtree(api_client, world, framework):
    api = api_client(world.base_cadre)
    assert api.get(url(world.base, "framework")).json()["editable"] is True

    answer = api.post(url(world.base, "framework"))

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    own = Framework.objects.get(unit=world.base, year=YEAR)
    assert body["framework"]["id"] == own.pk and body["framework"]["own"] is True
    assert body["framework"]["unit"]["id"] == world.base.pk
    criteria = [c for a in body["areas"] for c in a["criteria"]]
    assert criteria and all(c["editable"] and c["used"] == 0 for c in criteria)
    assert framework_for(world.branch, YEAR) == own
    assert AuditEvent.objects.filter(action="framework.published", target_id=own.pk).exists()
    # Published once per unit and year: the second time is a conflict.
    again = api.post(url(world.base, "framework"))
    assert again.status_code == 409
    assert again.json()["detail"] == vi(
        "This unit already has its own framework for %(year)s.", year=YEAR
    )
    assert Framework.objects.filter(unit=world.base, year=YEAR).count() == 1


def test_a_framework_is_published_again_from_an_earlier_year(api_client, world, framework):
    earlier = framework_publish(actor=None, unit=world.base, year=YEAR - 1)
    api = api_client(world.base_cadre)
    assert api.get(url(world.base, "framework")).json()["earlier"]["id"] == earlier.pk

    answer = api.post(url(world.base, "framework"), {"source": earlier.pk})

    assert answer.status_code == 201
    assert Framework.objects.get(unit=world.base, year=YEAR).name != earlier.name


def test_publishing_refuses_what_is_not_the_units_own_source(api_client, world, framework):
    elsewhere = framework_publish(actor=None, unit=world.other_base, year=YEAR - 1)
    api = api_client(world.base_cadre)

    other = api.post(url(world.base, "framework"), {"source": elsewhere.pk})
    assert other.status_code == 400
    assert errors(other) == {"source": vi("Choose one of this unit's own frameworks.")}
    typed = api.post(url(world.base, "framework"), {"source": "the last one"})
    assert typed.status_code == 422 and "source" in errors(typed)
    unknown = api.post(url(world.base, "framework"), {"from": elsewhere.pk})
    assert unknown.status_code == 422 and "from" in errors(unknown)
    assert not Framework.objects.filter(unit=world.base, year=YEAR).exists()


def test_who_may_not_publish(api_client, world, framework, viewer):
    # The secretary sees her branch, but branches do not publish; the viewer sees the base
    # union without acting on it; the other base union's cadre does not see it at all.
    assert api_client(world.secretary).post(url(world.branch, "framework")).status_code == 403
    assert api_client(viewer).post(url(world.base, "framework")).status_code == 403
    other = make_user("other-base", role="cadre", unit=world.other_base)
    assert api_client(other).post(url(world.base, "framework")).status_code == 404
    assert api_client(other).get(url(world.base, "framework")).status_code == 404
    assert not Framework.objects.filter(unit__isnull=False).exists()


def test_a_cadre_changes_his_framework(api_client, world, framework):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    own.min_criteria_by_audience = {"student": 8, "teacher": 6}
    own.save()
    api = api_client(world.base_cadre)

    answer = api.patch(
        url(world.base, "framework"),
        {
            "name": "Khung rèn luyện Đoàn trường 2026",
            "areas": {"1": {"max_points": "25"}},
            "band_excellent": 95,
            "min_criteria_by_audience": {"student": 10, "teacher": None},
        },
    )

    assert answer.status_code == 200, answer.json()
    own.refresh_from_db()
    assert own.name == "Khung rèn luyện Đoàn trường 2026"
    assert own.areas.get(code="1").max_points == 25
    assert own.band_excellent == 95
    # The groups left out keep theirs; null removes one.
    assert own.min_criteria_by_audience == {"student": 10}
    body = answer.json()["framework"]
    assert body["bands"]["excellent"] == 95 and body["min_criteria_by_audience"] == {"student": 10}
    assert AuditEvent.objects.filter(action="framework.updated", target_id=own.pk).exists()


def test_a_framework_change_that_breaks_a_rule_changes_nothing(api_client, world, framework):
    own = framework_publish(actor=None, unit=world.base, year=YEAR)
    api = api_client(world.base_cadre)

    answer = api.patch(
        url(world.base, "framework"), {"band_good": own.band_excellent, "name": "Khác"}
    )

    assert answer.status_code == 400
    assert errors(answer) == {
        "band_good": vi("Must be lower than the excellent level (%(n)s).", n="90")
    }
    typed = api.patch(url(world.base, "framework"), {"min_criteria": "many"})
    assert typed.status_code == 422 and errors(typed) == {
        "min_criteria": vi("Enter a whole number.")
    }
    huge = api.patch(url(world.base, "framework"), {"band_complete": "1e40"})
    assert huge.status_code == 400
    assert errors(huge) == {"band_complete": vi("Points are a number.")}
    unknown_area = api.patch(url(world.base, "framework"), {"areas": {"9": {"name": "Chín"}}})
    assert unknown_area.status_code == 400 and "areas.9" in errors(unknown_area)
    own.refresh_from_db()
    assert own.name != "Khác" and not own.areas.filter(code="9").exists()


def test_a_framework_is_changed_only_by_its_unit(api_client, world, framework, viewer):
    framework_publish(actor=None, unit=world.base, year=YEAR)
    # The district has none of its own: nothing to change there.
    district = make_user("district", role="cadre", unit=world.district)
    assert api_client(district).patch(url(world.district, "framework"), {}).status_code == 404
    assert api_client(viewer).patch(url(world.base, "framework"), {"name": "X"}).status_code == 403
    assert api_client(world.outsider).patch(url(world.base, "framework"), {}).status_code == 404


def test_a_closed_year_is_a_conflict(api_client, world, framework):
    bring_to(world, "recognised")

    answer = api_client(world.base_cadre).post(url(world.base, "framework"))

    assert answer.status_code == 409
    assert str(YEAR) in answer.json()["detail"]
    assert api_client(world.base_cadre).get(url(world.base, "framework")).json()["closed"]


# --- Criteria ---------------------------------------------------------------------------------


def test_a_cadre_adds_changes_and_removes_a_custom_criterion(api_client, world, framework):
    api = api_client(world.base_cadre)

    added = api.post(
        url(world.base, "criteria"),
        {"area_code": "1", "text": "Tham gia  hiến máu", "custom": True, "audience": "student"},
    )

    assert added.status_code == 201, added.json()
    body = added.json()
    criterion = Criterion.objects.get(pk=body["id"])
    assert (criterion.unit, criterion.year, criterion.framework) == (world.base, YEAR, None)
    assert body["text"] == "Tham gia hiến máu" and body["custom"] and body["used"] == 0
    listed = api_client(world.secretary).get(url(world.branch, "framework")).json()
    assert body["id"] in [c["id"] for a in listed["areas"] for c in a["criteria"]]

    changed = api.patch(url(world.base, f"criteria/{criterion.pk}"), {"mandatory": True})
    assert changed.status_code == 200
    criterion.refresh_from_db()
    assert criterion.mandatory and criterion.text == "Tham gia hiến máu"
    assert criterion.audience == "student"

    assert delete(api, url(world.base, f"criteria/{criterion.pk}")).status_code == 204
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    assert {"criterion.added", "criterion.updated", "criterion.removed"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_a_criterion_of_the_units_own_framework(api_client, world, framework):
    api = api_client(world.base_cadre)
    refused = api.post(url(world.base, "criteria"), {"area_code": "1", "text": "Đọc sách"})
    assert refused.status_code == 400
    assert errors(refused) == {
        "__all__": vi(
            "Publish a framework for this unit and year first, or add a custom criterion."
        )
    }
    own = framework_publish(actor=None, unit=world.base, year=YEAR)

    added = api.post(url(world.base, "criteria"), {"area_code": "2", "text": "Đọc sách"})

    assert added.status_code == 201
    assert Criterion.objects.get(pk=added.json()["id"]).framework == own


def test_a_bad_criterion_is_refused_by_field(api_client, world, framework):
    api = api_client(world.base_cadre)
    before = Criterion.objects.count()

    missing = api.post(url(world.base, "criteria"), {"custom": True})
    assert missing.status_code == 422
    assert errors(missing) == {
        "area_code": vi("This field is required."),
        "text": vi("This field is required."),
    }
    wrong = api.post(
        url(world.base, "criteria"),
        {"area_code": "9", "text": " ", "sector": "moon", "custom": True},
    )
    assert wrong.status_code == 400
    assert errors(wrong) == {
        "area_code": vi("Choose one of the framework's content areas."),
        "text": vi("Write the criterion."),
        "sector": vi("Choose a sector, or leave it empty for every sector."),
    }
    typed = api.post(
        url(world.base, "criteria"),
        {"area_code": "1", "text": "Đọc sách", "custom": True, "mandatory": "often"},
    )
    assert typed.status_code == 422 and errors(typed) == {"mandatory": vi("Enter true or false.")}
    assert Criterion.objects.count() == before


def test_a_registered_criterion_keeps_its_area_and_stays(api_client, world, framework):
    criterion = criterion_add(
        actor=None,
        unit=world.base,
        year=YEAR,
        custom=True,
        area_code="1",
        text="Tham gia hiến máu",
        mandatory=True,
    )
    bring_to(world, "draft")  # the mandatory criterion is in the member's registration
    api = api_client(world.base_cadre)
    path = url(world.base, f"criteria/{criterion.pk}")

    moved = api.patch(path, {"area_code": "2"})
    assert moved.status_code == 400
    assert errors(moved) == {
        "area_code": vi("%(n)s registrations include this criterion: its area cannot change.", n=1)
    }
    removed = delete(api, path)
    assert removed.status_code == 409
    assert removed.json()["detail"] == vi(
        "%(n)s registrations include this criterion: it cannot be removed. You may still "
        "change its wording.",
        n=1,
    )
    reworded = api.patch(path, {"text": "Hiến máu tình nguyện"})
    assert reworded.status_code == 200 and reworded.json()["used"] == 1
    criterion.refresh_from_db()
    assert criterion.area_code == "1" and criterion.text == "Hiến máu tình nguyện"


def test_only_the_units_own_criteria_change_through_it(api_client, world, framework, viewer):
    theirs = criterion_add(
        actor=None, unit=world.other_base, year=YEAR, custom=True, area_code="1", text="Khác"
    )
    ours = criterion_add(
        actor=None, unit=world.base, year=YEAR, custom=True, area_code="1", text="Của ta"
    )
    default = framework.criteria.first()
    api = api_client(world.base_cadre)
    for criterion in (theirs, default):
        path = url(world.base, f"criteria/{criterion.pk}")
        assert api.patch(path, {"text": "Đổi"}).status_code == 404
        assert delete(api, path).status_code == 404
    # A year the criterion is not of.
    assert api.patch(url(world.base, f"criteria/{ours.pk}", year=YEAR + 1), {}).status_code == 404
    # Who sees the unit but may not act on it; who does not see it.
    assert api_client(viewer).patch(url(world.base, f"criteria/{ours.pk}"), {}).status_code == 403
    outsider = api_client(world.outsider)
    assert outsider.patch(url(world.base, f"criteria/{ours.pk}"), {}).status_code == 404
    assert delete(outsider, url(world.base, f"criteria/{ours.pk}")).status_code == 404
    assert outsider.post(url(world.base, "criteria"), {}).status_code == 404
    assert api_client(viewer).post(url(world.base, "criteria"), {}).status_code == 403
    assert Criterion.objects.get(pk=ours.pk).text == "Của ta"
    assert Criterion.objects.get(pk=theirs.pk).text == "Khác"


# --- Deadlines --------------------------------------------------------------------------------


def test_a_cadre_sets_a_deadline_and_its_extension(api_client, world, framework):
    api = api_client(world.base_cadre)

    answer = api.post(
        url(world.base, "deadlines"),
        {"kind": "registration", "due_on": "15/11/2025", "allow_late": False},
    )

    assert answer.status_code == 201, answer.json()  # a new deadline of the unit
    body = answer.json()
    assert body["due_on"] == "2025-11-15" and body["extended_to"] is None
    assert body["own"] is True and body["allow_late"] is False
    found = deadline_for(unit=world.branch, year=YEAR, kind="registration", sector="school")
    assert (found.unit, found.due_on) == (world.base, date(2025, 11, 15))

    extended = api.post(
        url(world.base, "deadlines"),
        {"kind": "registration", "due_on": "2025-11-15", "extended_to": "2026-01-31"},
    )
    assert extended.status_code == 200 and extended.json()["extended_to"] == "2026-01-31"
    assert Deadline.objects.get(unit=world.base).effective_date == date(2026, 1, 31)
    assert AuditEvent.objects.filter(action="deadline.set").count() == 2

    # The branch below reads it as inherited, and may not set its own.
    secretary = api_client(world.secretary)
    listed = secretary.get(url(world.branch, "deadlines")).json()
    assert listed["editable"] is False
    [row] = [d for d in listed["deadlines"] if d["unit"]]
    assert row["unit"]["id"] == world.base.pk and row["own"] is False
    assert row["extended_to"] == "2026-01-31" and row["replaced_by"] is None
    # Every shipped default of the kind is replaced by it.
    assert all(
        d["replaced_by"]["id"] == world.base.pk
        for d in listed["deadlines"]
        if d["unit"] is None and d["kind"] == "registration"
    )
    refused = secretary.post(
        url(world.branch, "deadlines"), {"kind": "evaluation", "due_on": "15/05/2026"}
    )
    assert refused.status_code == 403
    assert not Deadline.objects.filter(unit=world.branch).exists()


@pytest.mark.parametrize(
    "data,status,expected",
    [
        ({"kind": "registration"}, 422, {"due_on": "This field is required."}),
        ({"due_on": "15/11/2025"}, 422, {"kind": "This field is required."}),
        (
            {"kind": "registration", "due_on": "15/11/2025", "allow_late": "maybe"},
            422,
            {"allow_late": "Enter true or false."},
        ),
        (
            {"kind": "registration", "due_on": "31/02/2026"},
            400,
            {"due_on": "Enter the date as dd/mm/yyyy."},
        ),
        (
            {"kind": "harvest", "due_on": "15/11/2025", "sector": "moon"},
            400,
            {
                "kind": "Choose which deadline.",
                "sector": "Choose a sector, or leave it empty for every sector.",
            },
        ),
        (
            {"kind": "registration", "due_on": "15/11/2025", "extended_to": "01/11/2025"},
            400,
            {"extended_to": None},  # names the due date
        ),
    ],
)
def test_a_bad_deadline_is_refused_by_field(api_client, world, framework, data, status, expected):
    answer = api_client(world.base_cadre).post(url(world.base, "deadlines"), data)

    assert answer.status_code == status
    found = errors(answer)
    assert set(found) == set(expected)
    for field, message in expected.items():
        if message is not None:
            assert found[field] == vi(message)
    assert "15/11/2025" in found.get("extended_to", "15/11/2025")
    assert not Deadline.objects.exists()


def test_deadlines_outside_ones_units_are_not_found(api_client, world, framework, viewer):
    outsider = api_client(world.outsider)
    assert outsider.get(url(world.base, "deadlines")).status_code == 404
    body = {"kind": "registration", "due_on": "15/11/2025"}
    assert outsider.post(url(world.base, "deadlines"), body).status_code == 404
    # Out of scope comes before the required fields.
    assert outsider.post(url(world.base, "deadlines"), {}).status_code == 404
    assert api_client(viewer).post(url(world.base, "deadlines"), body).status_code == 403
    assert api_client(viewer).get(url(world.base, "deadlines")).json()["editable"] is False
    assert not Deadline.objects.exists()


def test_the_service_itself_refuses_another_units_framework_as_source(world, framework):
    """The page and the API share the rule: it is the service's."""
    from django.core.exceptions import ValidationError

    elsewhere = framework_publish(actor=None, unit=world.other_base, year=YEAR - 1)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        framework_publish(actor=None, unit=world.base, year=YEAR, source=elsewhere)
    assert refused.value.message_dict == {
        "source": [vi("Choose one of this unit's own frameworks.")]
    }
    with pytest.raises(ValidationError):
        framework_publish(actor=None, unit=world.base, year=YEAR, source=framework)
    assert not Framework.objects.filter(unit=world.base).exists()

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.training.models import Deadline
from doanvien.training.selectors import deadline_for
from doanvien.training.services.configuration import deadline_set


def set_deadline(client, unit, year=2026, **data):
    url = reverse("training:training-deadline-save", args=[unit.pk, year])
    return client.post(url, {"allow_late": "on", **data})


def page(client, unit, year=2026, **query):
    return client.get(reverse("training:training-deadlines", args=[unit.pk, year]), query)


def test_a_cadre_sets_a_deadline_that_the_units_below_inherit(client, world):
    client.force_login(world.base_cadre)
    response = set_deadline(client, world.base, kind="registration", due_on="15/11/2025")
    assert response["Location"] == reverse(
        "training:training-deadlines", args=[world.base.pk, 2026]
    )
    found = deadline_for(unit=world.branch, year=2026, kind="registration", sector="school")
    assert (found.unit, found.due_on, found.allow_late) == (world.base, date(2025, 11, 15), True)
    assert AuditEvent.objects.filter(action="deadline.set", target_id=found.pk).exists()

    client.force_login(world.secretary)
    response = page(client, world.branch)
    [shown] = response.context["deadlines"]
    assert shown == found and not shown.own
    html = response.content.decode()
    assert world.base.name in html and "inherited" in html and "15/11/2025" in html
    assert "deadlines/save/" not in html
    response = set_deadline(client, world.branch, kind="evaluation", due_on="15/05/2026")
    assert response.status_code == 403
    assert not Deadline.objects.filter(unit=world.branch).exists()


def test_an_extension_is_added_to_the_same_deadline(client, world):
    client.force_login(world.base_cadre)
    set_deadline(client, world.base, kind="registration", due_on="01/12/2025")
    response = page(client, world.base, kind="registration", sector="")
    assert response.context["form"].initial["due_on"] == "01/12/2025"
    set_deadline(
        client, world.base, kind="registration", due_on="01/12/2025", extended_to="31/01/2026"
    )
    deadline = Deadline.objects.get(unit=world.base)
    assert deadline.extended_to == date(2026, 1, 31) and deadline.effective_date.month == 1
    assert AuditEvent.objects.filter(action="deadline.set").count() == 2


@pytest.mark.parametrize(
    "data,field",
    [
        ({"due_on": "15/11/2025", "extended_to": "01/11/2025"}, "extended_to"),
        ({"due_on": "15/11/2025", "extended_to": "15/11/2025"}, "extended_to"),
        ({"due_on": "31/02/2026"}, "due_on"),
        ({"due_on": ""}, "due_on"),
        ({"due_on": "15/11/2030"}, "due_on"),
        ({"due_on": "15/11/2025", "kind": "holiday"}, "kind"),
    ],
)
def test_wrong_dates_are_named_next_to_the_field(client, world, data, field):
    client.force_login(world.base_cadre)
    response = set_deadline(client, world.base, **{"kind": "registration", **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Deadline.objects.exists()


def test_the_extension_must_come_after_the_due_date(world):
    with pytest.raises(ValidationError) as e:
        deadline_set(
            actor=None,
            unit=world.base,
            year=2026,
            kind="evaluation",
            due_on=date(2026, 5, 15),
            extended_to=date(2026, 5, 1),
        )
    assert "phải sau hạn chót" in e.value.message_dict["extended_to"][0]


def test_late_actions_can_be_refused(client, world):
    client.force_login(world.base_cadre)
    url = reverse("training:training-deadline-save", args=[world.base.pk, 2026])
    client.post(url, {"kind": "evaluation", "due_on": "15/05/2026"})
    assert Deadline.objects.get(unit=world.base).allow_late is False


def test_inherited_deadlines_are_labelled_and_a_nearer_one_replaces_them(client, world):
    deadline_set(
        actor=None, unit=world.province, year=2026, kind="registration", due_on="15/11/2025"
    )
    deadline_set(
        actor=None,
        unit=world.district,
        year=2026,
        kind="registration",
        sector="school",
        due_on="15/05/2025",
    )
    client.force_login(world.province_cadre)
    by_unit = {d.unit: d for d in page(client, world.district).context["deadlines"]}
    assert by_unit[world.district].own and not by_unit[world.province].own
    assert by_unit[world.province].replaced_by is None  # only for schools: the rest keep it

    client.force_login(world.base_cadre)
    set_deadline(client, world.base, kind="registration", due_on="30/11/2025")
    by_unit = {d.unit: d for d in page(client, world.base).context["deadlines"]}
    assert by_unit[world.base].own and by_unit[world.base].replaced_by is None
    assert by_unit[world.district].replaced_by == world.base
    assert by_unit[world.province].replaced_by == world.base
    found = deadline_for(unit=world.branch, year=2026, kind="registration", sector="school")
    assert found.unit == world.base


def test_a_viewer_reads_the_deadlines_and_cannot_set_them(client, world, viewer):
    deadline_set(actor=None, unit=world.base, year=2026, kind="evaluation", due_on="15/05/2026")
    client.force_login(viewer)
    response = page(client, world.base)
    assert len(response.context["deadlines"]) == 1 and "Read only" in response.content.decode()
    response = set_deadline(client, world.base, kind="registration", due_on="15/11/2025")
    assert response.status_code == 403


def test_it_says_when_no_deadline_is_set(client, world):
    client.force_login(world.base_cadre)
    assert "No deadline is set for 2026" in page(client, world.base).content.decode()

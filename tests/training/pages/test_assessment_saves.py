"""The assessment screen's saves come in numbered order per row (js/assessment.js sends `seq`):
a save that reaches the server after a later one changes nothing, whatever order they arrive in.
And the screen carries the markup of its phone cards (one member at a time)."""

import re

from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.training.models import Registration
from doanvien.training.services.assessment import assessment_record

from ..conftest import YEAR
from .helpers import AREAS, approved

HTMX = {"HX-Request": "true"}
OLDER = {"1": "15", "2": "15", "3": "15", "4": "15", "5": "15"}  # 75, complete
NEWER = {"1": "19", "2": "19", "3": "18", "4": "19", "5": "18"}  # 93, excellent


def row_url(world, member):
    return reverse(
        "training:branch-assessment-row",
        kwargs={"unit_id": world.branch.pk, "year": YEAR, "member_id": member.pk},
    )


def post(client, world, areas, seq=None, comment=""):
    data = {**{f"area_{k}": v for k, v in areas.items()}, "comment": comment, "auto": "1"}
    if seq is not None:
        data["seq"] = str(seq)
    return client.post(row_url(world, world.member), data, headers=HTMX)


def stored(member):
    return Registration.objects.filter(member=member, year=YEAR).values(
        "branch_points", "branch_comment", "total", "level", "assessment_seq"
    )[0]


# --- The rule, in the service ------------------------------------------------------------------


def test_the_service_ignores_a_save_numbered_below_the_last_one_applied(world, framework):
    registration = approved(world.member)
    assessment_record(actor=None, registration=registration, areas=NEWER, seq=2)
    assessment_record(actor=None, registration=registration, areas=OLDER, seq=1)
    assessment_record(actor=None, registration=registration, areas=OLDER, seq=2)  # same number
    row = stored(world.member)
    assert row["total"] == 93 and row["level"] == "excellent" and row["assessment_seq"] == 2
    assert AuditEvent.objects.filter(action="registration.assessed").count() == 1


def test_the_service_applies_saves_numbered_in_order_and_saves_without_a_number(world, framework):
    registration = approved(world.member)
    assessment_record(actor=None, registration=registration, areas=OLDER, seq=1)
    assert stored(world.member)["total"] == 75
    assessment_record(actor=None, registration=registration, areas=NEWER, seq=2)
    assert stored(world.member)["total"] == 93
    # A form posted without the script, or the API, sends no number: it applies, and the
    # screen's numbers go on from where they were.
    assessment_record(actor=None, registration=registration, areas=AREAS)
    row = stored(world.member)
    assert row["total"] == 90 and row["assessment_seq"] == 2


# --- The same, through the screen's row (both orders) ------------------------------------------


def test_an_older_save_arriving_after_the_newer_one_changes_nothing(client, world, framework):
    approved(world.member)
    client.force_login(world.secretary)
    response = post(client, world, NEWER, seq=2, comment="Mới")
    assert response.status_code == 200 and 'class="saved"' in response.content.decode()
    response = post(client, world, OLDER, seq=1, comment="Cũ")  # overtaken on the way
    # Answered like any save (200, the row as it stands), so the script needs no special case;
    # it is not marked saved, and the row says the newer figures.
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="saved"' not in html and "93,0" in html and 'data-seq="2"' in html
    row = stored(world.member)
    assert row["total"] == 93 and row["branch_comment"] == "Mới" and row["assessment_seq"] == 2
    assert row["branch_points"] == {k: f"{v}.0" for k, v in NEWER.items()}


def test_saves_arriving_in_order_each_apply(client, world, framework):
    approved(world.member)
    client.force_login(world.secretary)
    post(client, world, OLDER, seq=1, comment="Cũ")
    assert stored(world.member)["total"] == 75
    response = post(client, world, NEWER, seq=2, comment="Mới")
    assert 'class="saved"' in response.content.decode() and 'data-seq="2"' in (
        response.content.decode()
    )
    row = stored(world.member)
    assert row["total"] == 93 and row["branch_comment"] == "Mới" and row["assessment_seq"] == 2


def test_a_number_that_is_not_one_is_no_number(client, world, framework):
    approved(world.member)
    client.force_login(world.secretary)
    post(client, world, NEWER, seq=5)
    post(client, world, OLDER, seq="-1")
    post(client, world, OLDER, seq="9" * 12)  # beyond the column: not a number of the screen
    row = stored(world.member)
    assert row["total"] == 75 and row["assessment_seq"] == 5


# --- The phone cards' markup ------------------------------------------------------------------


def test_the_screen_carries_the_cards_markup(client, world, framework):
    approved(world.member)
    approved(world.member2)
    client.force_login(world.secretary)
    post(client, world, NEWER, seq=3)
    response = client.get(
        reverse("training:branch-assessment", kwargs={"unit_id": world.branch.pk, "year": YEAR})
    )
    html = response.content.decode()
    assert "js/assessment.js" in html
    # Previous / Next and the position, hidden until the script shows them.
    assert re.search(r'<nav class="assess-nav" id="assess-nav" aria-label="[^"]+" hidden>', html)
    assert html.count("data-step=") == 2 and '<output id="assess-pos"' in html
    assert "1 / 2</output>" in html
    # Each area's field has its label in the card; the saves number on from the stored one.
    member = world.member.pk
    assert f'<label class="card-only" for="p-{member}-1">' in html
    assert html.count('<label class="card-only" for="') == 2 * (5 + 1)  # areas and comment
    assert f'data-member="{member}" data-seq="3"' in html
    assert f'data-member="{world.member2.pk}" data-seq="0"' in html
    # No hx-post on the rows: the script posts them (in order) and htmx only swaps the answer.
    assert "hx-post" not in html and 'data-unsaved="' in html


def test_cadres_above_read_the_cards_without_saving(client, world, framework):
    approved(world.member)
    client.force_login(world.base_cadre)
    response = client.get(
        reverse("training:branch-assessment", kwargs={"unit_id": world.branch.pk, "year": YEAR})
    )
    html = response.content.decode()
    assert 'id="assess-nav"' in html and "data-save=" not in html
    assert 'for="p-' not in html and html.count('<label class="card-only">') == 5 + 1

"""The branch assessment screen shows, next to each member's self-score, the activities he
took part in during the year: evidence for the meeting, never a score."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from doanvien.activities import services
from doanvien.training.services.assessment import self_assessment_record

from ..training.conftest import YEAR, framework  # noqa: F401 (the framework fixture)
from ..training.pages.helpers import AREAS, approved


def test_each_row_shows_the_activities_taken_part_in(client, world, framework):  # noqa: F811
    registration = approved(world.member)
    self_assessment_record(actor=None, registration=registration, areas=AREAS)
    approved(world.member2)
    activity = services.activity_publish(
        actor=None,
        unit=world.base,
        data={
            "title": "Hiến máu tình nguyện",
            "kind": "volunteering",
            "starts_at": timezone.make_aware(datetime(YEAR, 4, 2, 8)),
            "ends_at": timezone.make_aware(datetime(YEAR, 4, 2, 11)),
        },
    )
    services.activity_checkin(actor=None, activity=activity, member_ids=[world.member.pk])
    client.force_login(world.secretary)
    url = reverse("training:branch-assessment", args=[world.branch.pk, YEAR])
    response = client.get(url)
    html = response.content.decode()
    assert "Hiến máu tình nguyện" in html
    by_member = {r.member.pk: r.activities for r in response.context["rows"]}
    assert by_member == {world.member.pk: ["Hiến máu tình nguyện"], world.member2.pk: []}
    # The points stay the committee's to give: none is filled from the participation.
    assert all(r.registration.assessed_at is None for r in response.context["rows"])

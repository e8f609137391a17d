"""A member links a criterion of his registration to the activities that serve it (offered to
his branch, of the year, serving the criterion's area); his branch's committee may do it for
him; nobody else."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from doanvien.activities import services
from doanvien.activities.models import CriterionLink

from ..training.conftest import YEAR, framework  # noqa: F401 (the framework fixture)
from ..training.pages.helpers import approved


def _activity(world, unit, areas, title="Tọa đàm kỹ năng"):
    return services.activity_publish(
        actor=None,
        unit=unit,
        data={
            "title": title,
            "kind": "skills",
            "areas": areas,
            "starts_at": timezone.make_aware(datetime(YEAR, 5, 2, 8)),
            "ends_at": timezone.make_aware(datetime(YEAR, 5, 2, 11)),
        },
    )


def test_a_member_links_a_criterion_to_an_activity_that_serves_it(
    client,
    world,
    framework,  # noqa: F811
):
    registration = approved(world.member)
    item = registration.items.select_related("criterion").first()
    area = item.criterion.area_code
    other_area = "5" if area != "5" else "1"
    serving = _activity(world, world.base, [area])
    not_serving = _activity(world, world.base, [other_area], title="Hội thao")
    elsewhere = _activity(world, world.other_base, [area], title="Ngày hội xã")
    client.force_login(world.member_user)
    page = client.get(
        reverse("activities:member-activities", args=[world.member.pk]), {"year": YEAR}
    )
    choices = {
        row.item.criterion_id: [a.pk for a in row.choices] for row in page.context["criteria"]
    }
    assert serving.pk in choices[item.criterion_id]
    assert not_serving.pk not in choices[item.criterion_id]
    assert elsewhere.pk not in choices[item.criterion_id]
    url = reverse("activities:member-activity-link", args=[world.member.pk]) + f"?year={YEAR}"
    client.post(url, {"criterion": item.criterion_id, "activity": serving.pk})
    client.post(url, {"criterion": item.criterion_id, "activity": not_serving.pk})
    client.post(url, {"criterion": item.criterion_id, "activity": elsewhere.pk})
    assert list(CriterionLink.objects.values_list("activity", flat=True)) == [serving.pk]
    link = CriterionLink.objects.get()
    client.post(url, {"unlink": link.pk})
    assert not CriterionLink.objects.exists()


def test_only_the_member_and_his_committee_link(client, world, framework):  # noqa: F811
    registration = approved(world.member)
    item = registration.items.first()
    activity = _activity(world, world.branch, [])
    url = reverse("activities:member-activity-link", args=[world.member.pk]) + f"?year={YEAR}"
    data = {"criterion": item.criterion_id, "activity": activity.pk}
    client.force_login(world.outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(world.province_cadre)
    assert client.post(url, data).status_code == 403
    client.force_login(world.secretary)
    client.post(url, data)
    assert CriterionLink.objects.count() == 1

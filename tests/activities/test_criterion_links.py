"""A member links a criterion of his registration to the activities that serve it (offered to
his branch, of the year, serving the criterion's area); his branch's committee may do it for
him; nobody else."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from doanvien.activities import services
from doanvien.activities.models import CriterionLink
from doanvien.training.models import Criterion
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.results import branch_results_submit

from ..api.conftest import ApiClient
from ..factories import make_user
from ..training.conftest import YEAR, complete_items, framework  # noqa: F401 (the fixture)
from ..training.pages.helpers import AREAS, approved, form_data, page


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


# --- The registration page ----------------------------------------------------------------------


def _optional_item(items):
    """An item of the registration whose criterion is not mandatory (it may be left out)."""
    optional = set(
        Criterion.objects.filter(
            pk__in=[i["criterion"] for i in items], mandatory=False
        ).values_list("pk", flat=True)
    )
    return next(i for i in items if i["criterion"] in optional)


def test_the_registration_page_ticks_the_activities_of_each_criterion(
    client,
    world,
    framework,  # noqa: F811
):
    items = complete_items(world.member)
    item = _optional_item(items)
    criterion = Criterion.objects.get(pk=item["criterion"])
    other_area = "5" if criterion.area_code != "5" else "1"
    serving = _activity(world, world.base, [criterion.area_code])
    not_serving = _activity(world, world.base, [other_area], title="Hội thao")
    client.force_login(world.member_user)
    url = page(world.member)
    shown = client.get(url)
    row = next(r for r in shown.context["form"].rows if r.pk == criterion.pk)
    assert serving.pk in [a.pk for a in row.activities.choices]
    assert not_serving.pk not in [a.pk for a in row.activities.choices]
    assert f'name="activities-{criterion.pk}"' in shown.content.decode()
    data = form_data(items)
    data["activity-rows"] = [str(criterion.pk)]
    data[f"activities-{criterion.pk}"] = [str(serving.pk)]
    assert client.post(url, data).status_code == 302
    assert list(CriterionLink.objects.values_list("criterion", "activity")) == [
        (criterion.pk, serving.pk)
    ]
    # An activity of another area is refused next to the criterion; nothing is saved.
    data[f"activities-{criterion.pk}"] = [str(serving.pk), str(not_serving.pk)]
    data[f"plan-{criterion.pk}"] = "Kế hoạch mới"
    refused = client.post(url, data)
    assert refused.status_code == 200
    row = next(r for r in refused.context["form"].rows if r.pk == criterion.pk)
    assert row.errors and not_serving.title in " ".join(row.errors)
    assert row.activities.ticked == {serving.pk, not_serving.pk}
    assert list(CriterionLink.objects.values_list("activity", flat=True)) == [serving.pk]
    assert world.member.registrations.get().items.get(criterion=criterion).plan != "Kế hoạch mới"
    # The criterion left out: its links go with it.
    rest = [i for i in items if i["criterion"] != criterion.pk]
    assert client.post(url, form_data(rest)).status_code == 302
    assert not CriterionLink.objects.exists()


def test_registered_criteria_take_their_activities_in_a_form_of_their_own(
    client,
    world,
    framework,  # noqa: F811
):
    registration = approved(world.member)
    item = registration.items.select_related("criterion").first()
    serving = _activity(world, world.branch, [item.criterion.area_code])
    client.force_login(world.member_user)
    html = client.get(page(world.member)).content.decode()
    assert f'id="crit-activities-{item.criterion_id}"' in html and serving.title in html
    url = reverse("activities:registration-activities", args=[world.member.pk, YEAR])
    data = {"criterion": item.criterion_id, "activities": [serving.pk]}
    assert client.post(url, data).status_code == 302
    assert list(CriterionLink.objects.values_list("activity", flat=True)) == [serving.pk]
    client.post(url, {"criterion": item.criterion_id})
    assert not CriterionLink.objects.exists()
    client.force_login(world.province_cadre)
    assert client.post(url, data).status_code == 403
    client.force_login(world.outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(world.secretary)
    client.post(url, data)
    assert CriterionLink.objects.count() == 1


# --- The API ------------------------------------------------------------------------------------


def test_the_api_sets_a_criterions_activities_within_the_members_scope(
    world,
    framework,  # noqa: F811
):
    registration = approved(world.member)
    item = registration.items.select_related("criterion").first()
    area = item.criterion.area_code
    serving = _activity(world, world.base, [area])
    other_area = _activity(world, world.base, ["5" if area != "5" else "1"], title="Hội thao")
    elsewhere = _activity(world, world.other_base, [area], title="Ngày hội xã")
    url = f"/api/v1/members/{world.member.pk}/registrations/{YEAR}/criteria/{item.criterion_id}"
    url += "/activities"
    member = ApiClient(world.member_user)
    shown = member.get(url).json()
    assert [a["id"] for a in shown["choices"]] == [serving.pk] and shown["activities"] == []
    answer = member.put(url, {"activities": [serving.pk]})
    assert answer.status_code == 200, answer.content
    assert [a["id"] for a in answer.json()["activities"]] == [serving.pk]
    bad = member.put(url, {"activities": [serving.pk, elsewhere.pk, 999999, other_area.pk]})
    assert bad.status_code == 422
    message = " ".join(e["message"] for e in bad.json()["errors"])
    assert "999999" in message and str(elsewhere.pk) in message
    assert elsewhere.title not in message  # not offered to him: not named
    assert other_area.title in message
    assert list(CriterionLink.objects.values_list("activity", flat=True)) == [serving.pk]
    missing = member.put(url, {})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "activities"
    not_his = url.replace(f"/criteria/{item.criterion_id}/", "/criteria/999999/")
    assert member.put(not_his, {"activities": []}).status_code == 404
    # His branch's committee may; a cadre who only sees him may not; others do not see him.
    assert ApiClient(world.secretary).put(url, {"activities": []}).json()["activities"] == []
    assert ApiClient(world.province_cadre).put(url, {"activities": []}).status_code == 403
    assert ApiClient(world.outsider).get(url).status_code == 404
    member2 = ApiClient(make_user("dao", member=world.member2))
    assert member2.put(url, {"activities": [serving.pk]}).status_code == 404
    assert not CriterionLink.objects.exists()
    # Once the branch's results are submitted, the links stay as they are.
    assessment_record(actor=None, registration=registration, areas=AREAS, comment="Tốt")
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    assert member.put(url, {"activities": [serving.pk]}).status_code == 409

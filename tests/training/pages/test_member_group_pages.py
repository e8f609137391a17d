"""The registration pages and member groups: a member is shown the criteria for everyone and for
his group; a criterion for another group posted anyway is refused with the reason; a draft's
criterion no longer offered is named; the branch's default set gives each member his group's."""

from django.conf import settings
from django.urls import reverse

from doanvien.actions.members import member_update
from doanvien.training.models import Criterion, Registration
from doanvien.training.services.configuration import framework_publish, framework_update
from doanvien.training.services.registrations import registration_save

from ..conftest import YEAR, complete_items
from .helpers import form_data, page


def cadres_criterion():
    return Criterion.objects.get(framework__unit__isnull=True, audience="cadre")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_member_is_shown_the_criteria_of_his_group_only(client, world, framework):
    english(client)
    client.force_login(world.member_user)
    response = client.get(page(world.member))
    shown = {r.pk for r in response.context["form"].rows}
    assert cadres_criterion().pk not in shown
    html = response.content.decode()
    assert "Member group: Member (no particular group)." in html

    member_update(actor=None, member=world.member, data={"audience": "cadre"})
    response = client.get(page(world.member))
    assert cadres_criterion().pk in {r.pk for r in response.context["form"].rows}
    assert "Only for: Union cadre" in response.content.decode()


def test_a_criterion_for_another_group_posted_anyway_is_refused_with_the_reason(
    client, world, framework
):
    english(client)
    client.force_login(world.member_user)
    items = complete_items(world.member)
    items.append({**items[0], "criterion": cadres_criterion().pk})
    response = client.post(page(world.member), form_data(items, action="submit"))
    assert response.status_code == 200
    [error] = response.context["form"].errors
    assert error.endswith(
        "” is only for the group “Union cadre”: it is not offered to Nguyễn Văn An, whose "
        "group is “Member (no particular group)”."
    )
    assert error in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not Registration.objects.filter(member=world.member).exists()


def test_a_drafts_criterion_no_longer_offered_is_named_and_left_out_on_saving(
    client, world, framework
):
    english(client)
    member_update(actor=None, member=world.member, data={"audience": "cadre"})
    world.member.refresh_from_db()
    items = complete_items(world.member) + [
        {**complete_items(world.member)[0], "criterion": cadres_criterion().pk}
    ]
    registration_save(actor=None, member=world.member, year=YEAR, items=items)
    member_update(actor=None, member=world.member, data={"audience": "general"})

    client.force_login(world.member_user)
    response = client.get(page(world.member))
    assert response.context["form"].dropped == [cadres_criterion()]
    assert "are no longer offered to this member" in response.content.decode()
    kept = [i for i in items if i["criterion"] != cadres_criterion().pk]
    response = client.post(page(world.member), form_data(kept, action="submit"))
    assert response.status_code == 302
    registration = Registration.objects.get(member=world.member)
    assert registration.state == "submitted"
    assert cadres_criterion().pk not in registration.items.values_list("criterion_id", flat=True)


def test_the_minimum_shown_is_the_members_groups(client, world, framework):
    published = framework_publish(actor=None, unit=world.base, year=YEAR)
    framework_update(actor=None, framework=published, min_criteria_by_audience={"teacher": 12})
    english(client)
    client.force_login(world.member_user)
    assert "at least 10 in total" in client.get(page(world.member)).content.decode()
    member_update(actor=None, member=world.member, data={"audience": "teacher"})
    assert "at least 12 in total" in client.get(page(world.member)).content.decode()


def test_the_default_set_gives_only_the_cadres_the_cadres_criterion(client, world, framework):
    member_update(actor=None, member=world.member, data={"audience": "cadre"})
    client.force_login(world.secretary)
    url = reverse(
        "training:branch-training-bulk", kwargs={"unit_id": world.branch.pk, "year": YEAR}
    )
    form = client.get(url).context["form"]
    assert cadres_criterion().pk in {r.pk for r in form.rows}  # the branch lists every group's
    items = complete_items(world.member2)
    items.append({**items[0], "criterion": cadres_criterion().pk})
    data = form_data(items)
    data["member"] = [str(world.member.pk), str(world.member2.pk)]
    response = client.post(url, data)
    assert response.status_code == 302
    chosen = {
        r.member_id: set(r.items.values_list("criterion_id", flat=True))
        for r in Registration.objects.filter(year=YEAR)
    }
    assert cadres_criterion().pk in chosen[world.member.pk]
    assert cadres_criterion().pk not in chosen[world.member2.pk]

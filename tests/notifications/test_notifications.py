"""Notifications: written by the services that make a change (in their transaction), shown to
their owner only, sent by e-mail through the outbox to those who want it."""

import pytest
from django.core import mail
from django.urls import reverse

from doanvien.jobs import runner
from doanvien.jobs import services as job_services
from doanvien.jobs.models import Job
from doanvien.members.services.transfers import transfer_reject, transfer_request
from doanvien.notifications import services
from doanvien.notifications.models import Channel, Kind, Notification, Preference

from ..api.conftest import ApiClient


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_a_notification_goes_to_each_person_once_but_not_to_the_one_who_acted(world):
    told = services.notify(
        users=[world.secretary, world.secretary, world.base_cadre],
        kind=Kind.TRANSFER_REQUESTED,
        title="Có đề nghị chuyển sinh hoạt",
        url="/transfers/1/",
        exclude=world.base_cadre,
    )
    assert told == 1
    assert titles(world.secretary) == ["Có đề nghị chuyển sinh hoạt"]
    assert titles(world.base_cadre) == []


def test_e_mail_goes_to_those_with_an_address_who_did_not_turn_it_off(world, settings):
    settings.SITE_URL = "https://doanvien.example.vn"
    world.secretary.email, world.base_cadre.email = "bithu@example.vn", "coso@example.vn"
    world.secretary.save()
    world.base_cadre.save()
    Preference.objects.create(user=world.base_cadre, kind=Kind.JOB_FINISHED, channel=Channel.APP)
    services.notify(
        users=[world.secretary, world.base_cadre, world.province_cadre],
        kind=Kind.JOB_FINISHED,
        title="Xuất danh sách: xong",
        url="/jobs/x/",
    )
    pending = Notification.objects.filter(email_state=Notification.EmailState.PENDING)
    assert [n.user for n in pending] == [world.secretary]  # the others: no address, or off
    assert services.deliver_pending() == 1
    (message,) = mail.outbox
    assert message.to == ["bithu@example.vn"] and "Xuất danh sách: xong" in message.subject
    assert "https://doanvien.example.vn/jobs/x/" in message.body
    assert services.deliver_pending() == 0  # sent once
    assert Notification.objects.get(user=world.secretary).email_state == "sent"


def test_an_unknown_kind_or_channel_changes_nothing(world):
    with pytest.raises(Exception) as e:
        services.channels_set(
            user=world.secretary, choices={"job_finished": "app", "no_such": "app"}
        )
    assert "no_such" in str(e.value)
    assert not Preference.objects.filter(user=world.secretary).exists()
    channels = services.channels_set(user=world.secretary, choices={"job_finished": "app"})
    assert channels["job_finished"] == "app" and channels["transfer_requested"] == "app+email"


def test_a_transfer_request_and_its_rejection_tell_both_sides(world):
    member_account = world.member_user
    transfer = transfer_request(
        actor=world.secretary, member=world.member, to_unit=world.other_branch, reason="Chuyển nhà"
    )
    (asked,) = Notification.objects.filter(user=world.outsider)
    assert asked.kind == Kind.TRANSFER_REQUESTED
    assert asked.url == reverse("members:transfer-detail", args=[transfer.pk])
    assert titles(world.secretary) == []  # she asked: she knows
    transfer_reject(actor=world.outsider, transfer=transfer, reason="Không đúng địa bàn")
    assert Notification.objects.filter(user=world.secretary, kind=Kind.TRANSFER_REJECTED).exists()
    assert Notification.objects.filter(user=member_account, kind=Kind.TRANSFER_REJECTED).exists()
    assert not Notification.objects.filter(user=world.outsider, kind=Kind.TRANSFER_REJECTED)


def test_a_finished_job_tells_the_one_who_started_it(world):
    job = job_services.job_start(
        actor=world.secretary, kind=Job.Kind.MEMBERS_EXPORT, unit=world.branch
    )
    runner.run(job.pk)
    (told,) = Notification.objects.filter(user=world.secretary, kind=Kind.JOB_FINISHED)
    assert told.url == reverse("jobs:job-detail", args=[job.pk])
    assert told.title.endswith(str(Job.State.SUCCEEDED.label))


def test_the_list_shows_ones_own_and_opening_one_marks_it_read(client, world):
    services.notify(users=[world.secretary], kind=Kind.JOB_FINISHED, title="Của bí thư", url="/")
    services.notify(users=[world.outsider], kind=Kind.JOB_FINISHED, title="Của người khác")
    client.force_login(world.secretary)
    page = client.get(reverse("notifications:notification-list")).content.decode()
    assert "Của bí thư" in page and "Của người khác" not in page
    assert 'class="count">1<' in page  # the bell
    mine = Notification.objects.get(user=world.secretary)
    others = Notification.objects.get(user=world.outsider)
    gone = client.post(reverse("notifications:notification-open", args=[others.pk]))
    assert gone.status_code == 404 and Notification.objects.get(pk=others.pk).read_at is None
    opened = client.post(reverse("notifications:notification-open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    page = client.get(reverse("notifications:notification-list") + "?unread=1").content.decode()
    assert "Của bí thư" not in page and 'class="count"' not in page


def test_the_settings_page_saves_the_choices(client, world):
    client.force_login(world.secretary)
    data = {kind: Channel.APP_EMAIL for kind in Kind.values} | {"job_finished": Channel.APP}
    response = client.post(reverse("notifications:notification-settings"), data)
    assert response.status_code == 302
    assert services.channels_of(world.secretary)["job_finished"] == Channel.APP
    bad = client.post(reverse("notifications:notification-settings"), {"job_finished": "sms"})
    assert bad.status_code == 200 and "sms" in bad.content.decode()


def test_the_api_lists_marks_and_sets(world):
    services.notify(users=[world.secretary], kind=Kind.JOB_FINISHED, title="Một")
    services.notify(users=[world.secretary], kind=Kind.TRANSFER_ACCEPTED, title="Hai")
    services.notify(users=[world.outsider], kind=Kind.JOB_FINISHED, title="Ba")
    api = ApiClient(world.secretary)
    items = api.get("/api/v1/me/notifications").json()["items"]
    assert [i["title"] for i in items] == ["Hai", "Một"] and not items[0]["read"]
    read = api.post(f"/api/v1/notifications/{items[0]['id']}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    unread = api.get("/api/v1/me/notifications", {"unread": 1}).json()["items"]
    assert [i["title"] for i in unread] == ["Một"]
    other = Notification.objects.get(user=world.outsider)
    assert api.post(f"/api/v1/notifications/{other.pk}/read").status_code == 404
    answer = api.client.put(
        "/api/v1/me/notification-settings",
        {"job_finished": "app"},
        content_type="application/json",
        headers=api.headers,
    )
    assert answer.status_code == 200 and answer.json()["job_finished"] == "app"
    wrong = api.client.put(
        "/api/v1/me/notification-settings",
        {"job_finished": "sms"},
        content_type="application/json",
        headers=api.headers,
    )
    assert wrong.status_code == 400
    assert services.channels_of(world.secretary)["job_finished"] == "app"

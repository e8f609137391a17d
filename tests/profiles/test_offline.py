"""Install and offline reading: the manifest, the service worker, and which pages the worker
may keep (the member's own pages, seen by himself: never another member's record)."""

from django.test import Client
from django.urls import reverse

HEADER = "X-Offline-Copy"


def test_the_manifest_names_the_app_in_vietnamese_with_its_icons(client):
    response = client.get(reverse("profiles:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["name"] == "Hồ sơ đoàn viên" and data["lang"] == "vi"
    assert data["display"] == "standalone" and data["start_url"] == "/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:  # every icon is served
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_for_the_whole_site(client):
    response = client.get(reverse("profiles:service-worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "X-Offline-Copy" in body and '"/static/css/app.css"' in body
    assert "cần kết nối" in body  # its messages in Vietnamese


def test_the_members_own_pages_are_marked_for_keeping(client, world):
    client.force_login(world.member_user)
    for name in ("members:member-detail", "members:member-card", "profiles:member-change-request"):
        response = client.get(reverse(name, args=[world.member.pk]))
        assert response.status_code == 200 and response[HEADER] == "own", name
        assert "private" in response["Cache-Control"]


def test_nobody_elses_pages_are_marked(client, world):
    client.force_login(world.secretary)  # she sees his record: her phone keeps none of it
    for name in ("members:member-detail", "members:member-card"):
        response = client.get(reverse(name, args=[world.member.pk]))
        assert response.status_code == 200 and HEADER not in response, name
    client.force_login(world.member_user)
    assert HEADER not in client.get(reverse("units:unit-detail", args=[world.branch.pk]))
    assert HEADER not in Client().get(reverse("login"))


def test_every_page_carries_the_offline_note_hidden(client, world):
    client.force_login(world.member_user)
    html = client.get(reverse("members:member-card", args=[world.member.pk])).content.decode()
    assert "data-offline-note hidden" in html and "<time data-saved></time>" in html
    assert "Đang xem bản lưu lúc" in html
    assert reverse("profiles:manifest") in html

"""A member proposes a new photo for his card, as a change request his branch approves (it
becomes his card's photo) or rejects (it is deleted). The photo is checked as the branch's own
upload is (members/services/photos.py): by its content, at most MEMBER_PHOTO_MAX_BYTES, stored
small without the camera's metadata; the refusals are said in Vietnamese."""

import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from doanvien.members.models import Member
from doanvien.profiles.models import ChangeRequest

from ..api.conftest import ApiClient
from ..factories import make_user
from ..members.test_photos import png_with_place

NOT_A_PHOTO = "Tệp này không phải ảnh JPEG, PNG hoặc WebP."


def page_url(member):
    return reverse("profiles:member-change-request", args=[member.pk])


def send(client, member, data: bytes, name="chan-dung.png", **fields):
    """The member's form sent as his page fills it (his record's values), with a photo."""
    shown = client.get(page_url(member))
    form = shown.context.get("form") if shown.status_code == 200 else None
    values = {k: v for k, v in form.initial.items() if v is not None} if form else {}
    return client.post(
        page_url(member), {**values, "photo": SimpleUploadedFile(name, data), **fields}
    )


def test_the_member_sends_a_photo_and_it_is_his_cards_once_approved(client, world):
    client.force_login(world.member_user)
    assert 'type="file" name="photo"' in client.get(page_url(world.member)).content.decode()
    response = send(client, world.member, png_with_place())
    assert response.status_code == 302
    request = ChangeRequest.objects.get()
    assert request.state == "open" and request.changes == {}
    # Kept small, as a JPEG without where and when it was taken; not yet on his card.
    with default_storage.open(request.photo) as f, Image.open(f) as stored:
        assert stored.format == "JPEG" and stored.width <= 480 and stored.height <= 640
        assert not stored.getexif()
    assert Member.objects.get(pk=world.member.pk).photo == ""
    photo_url = reverse("profiles:change-request-photo", args=[request.pk])
    page = client.get(page_url(world.member)).content.decode()
    assert photo_url in page and "Ảnh mới" in page
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"

    # His secretary sees it in her queue and approves it.
    client.force_login(world.secretary)
    queue = client.get(reverse("profiles:unit-change-requests", args=[world.branch.pk]))
    assert photo_url in queue.content.decode()
    assert client.get(photo_url).status_code == 200
    client.post(reverse("profiles:change-request-approve", args=[request.pk]))
    member = Member.objects.get(pk=world.member.pk)
    assert member.photo == request.photo
    card = client.get(reverse("members:member-card", args=[member.pk])).content.decode()
    assert reverse("members:member-photo", args=[member.pk]) in card
    assert client.get(photo_url).status_code == 404  # decided: the card's photo now


def test_a_rejected_photo_is_deleted_and_the_card_keeps_its_own(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.member_user)
    send(client, world.member, png_with_place(300, 400))
    request = ChangeRequest.objects.get()
    client.force_login(world.secretary)
    with django_capture_on_commit_callbacks(execute=True):  # deleted once the refusal commits
        client.post(
            reverse("profiles:change-request-reject", args=[request.pk]),
            {"reason": "Ảnh không rõ mặt"},
        )
    request.refresh_from_db()
    assert request.state == "rejected" and not default_storage.exists(request.photo)
    assert Member.objects.get(pk=world.member.pk).photo == ""


def test_a_file_too_large_or_not_a_photo_is_refused_in_vietnamese(client, world, settings):
    client.force_login(world.member_user)
    settings.MEMBER_PHOTO_MAX_BYTES = 1024 * 1024
    big = send(client, world.member, b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 1), "to.jpg")
    assert big.status_code == 400
    assert big.context["form"].errors["photo"] == ["Ảnh lớn hơn 1 MB."]
    for data, name in (
        (b"%PDF-1.7 not a photo", "anh.jpg"),
        (png_with_place()[:200], "cut.png"),
        (b"GIF89a" + b"\x00" * 100, "anh.gif"),
    ):
        response = send(client, world.member, data, name)
        assert response.status_code == 400, name
        assert response.context["form"].errors["photo"] == [NOT_A_PHOTO], name
        assert NOT_A_PHOTO in response.content.decode()
    assert not ChangeRequest.objects.exists()
    # A photo with a wrong value beside it: both are named, nothing is kept.
    both = send(client, world.member, b"not an image", phone="0123")
    assert set(both.context["form"].errors) == {"photo", "phone"}
    assert not ChangeRequest.objects.exists()


def test_only_the_member_himself_sends_his_photo(client, world):
    picture = png_with_place(200, 200)
    client.force_login(world.secretary)  # she sees his record, but the request is his
    assert send(client, world.member, picture).status_code == 403
    client.force_login(world.member_user)
    assert send(client, world.member2, picture).status_code == 404
    client.force_login(world.outsider)
    assert send(client, world.member, picture).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_the_proposed_photo_is_shown_only_in_scope(client, world):
    client.force_login(world.member_user)
    send(client, world.member, png_with_place(200, 200))
    photo_url = reverse("profiles:change-request-photo", args=[ChangeRequest.objects.get().pk])
    client.force_login(world.outsider)
    assert client.get(photo_url).status_code == 404
    client.force_login(make_user("member2", member=world.member2))  # another member
    assert client.get(photo_url).status_code == 404
    client.logout()
    assert client.get(photo_url).status_code == 302


def _api_send(user, member, data: bytes | None, name="anh.png"):
    api = ApiClient(user)
    body = {"photo": SimpleUploadedFile(name, data)} if data is not None else {}
    return api.client.post(f"/api/v1/members/{member.pk}/photo-requests", body, headers=api.headers)


def test_the_api_takes_the_members_photo_as_a_request(world):
    created = _api_send(world.member_user, world.member, png_with_place(600, 800))
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "open" and body["changes"] == {}
    assert body["photo"] == reverse("profiles:change-request-photo", args=[body["id"]])
    queue = ApiClient(world.secretary).get(f"/api/v1/units/{world.branch.pk}/change-requests")
    assert [i["photo"] for i in queue.json()["items"]] == [body["photo"]]
    # One request at a time.
    assert _api_send(world.member_user, world.member, png_with_place()).status_code == 409
    approved = ApiClient(world.secretary).post(f"/api/v1/change-requests/{body['id']}/approve")
    assert approved.status_code == 200 and approved.json()["photo"] is None
    assert Member.objects.get(pk=world.member.pk).photo.startswith("member-photos/")


def test_the_api_refuses_what_is_not_a_photo_and_who_is_not_the_member(world, settings):
    settings.MEMBER_PHOTO_MAX_BYTES = 1024 * 1024
    bad = _api_send(world.member_user, world.member, b"%PDF-1.7", "anh.jpg")
    assert bad.status_code == 400
    assert bad.json()["errors"] == [{"field": "photo", "message": NOT_A_PHOTO}]
    big = _api_send(world.member_user, world.member, b"\x89PNG" + b"\x00" * (1024 * 1024 + 1))
    assert big.status_code == 400
    assert big.json()["errors"] == [{"field": "photo", "message": "Ảnh lớn hơn 1 MB."}]
    missing = _api_send(world.member_user, world.member, None)
    assert missing.status_code == 422
    picture = io.BytesIO()
    Image.new("RGB", (40, 40)).save(picture, "WEBP")
    assert _api_send(world.secretary, world.member, picture.getvalue()).status_code == 403
    assert _api_send(world.member_user, world.member2, picture.getvalue()).status_code == 404
    assert _api_send(world.outsider, world.member, picture.getvalue()).status_code == 404
    assert not ChangeRequest.objects.exists()

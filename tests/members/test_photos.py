"""A member's photo for his card: checked by its content, stored small without the camera's
metadata, shown only to those who may see the member, replaced or removed by the branch."""

import contextlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from doanvien.members.models import Member
from doanvien.members.services import photos
from doanvien.members.services.photos import member_photo_remove, member_photo_set


def png_with_place(width=1200, height=1600) -> bytes:
    """A camera-sized photo carrying where and when it was taken (EXIF)."""
    image = Image.new("RGB", (width, height), (30, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "Hãng máy ảnh"  # the camera's maker
    exif[0x0132] = "2026:05:01 08:00:00"  # when
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    return out.getvalue()


def upload(client, member, data: bytes, name="anh.png", **extra):
    return client.post(
        reverse("members:member-photo", args=[member.pk]),
        {"photo": SimpleUploadedFile(name, data), **extra},
    )


def test_the_branch_gives_a_member_a_photo_stored_small_and_without_metadata(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.secretary)
    response = upload(client, world.member, png_with_place())
    assert response.status_code == 302
    member = Member.objects.get(pk=world.member.pk)
    assert member.photo.startswith("member-photos/")
    with default_storage.open(member.photo) as f, Image.open(f) as stored:
        assert stored.format == "JPEG"
        assert stored.width <= 480 and stored.height <= 640
        assert not stored.getexif()
    card = client.get(reverse("members:member-card", args=[member.pk])).content.decode()
    assert reverse("members:member-photo", args=[member.pk]) in card
    shown = client.get(reverse("members:member-photo", args=[member.pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    # The member sees his own; someone outside the branch's scope does not.
    client.force_login(world.member_user)
    assert client.get(reverse("members:member-photo", args=[member.pk])).status_code == 200
    client.force_login(world.outsider)
    assert client.get(reverse("members:member-photo", args=[member.pk])).status_code == 404

    # Replaced: the old file goes when the change commits; removed: none left.
    old = member.photo
    client.force_login(world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, member, png_with_place(300, 300))
    member.refresh_from_db()
    assert member.photo != old and not default_storage.exists(old)
    second = member.photo
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:member-photo", args=[member.pk]), {"remove": "on"})
    member.refresh_from_db()
    assert member.photo == "" and not default_storage.exists(second)
    assert client.get(reverse("members:member-photo", args=[member.pk])).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_and_changes_nothing(client, world):
    client.force_login(world.secretary)
    upload(client, world.member, png_with_place())
    before = Member.objects.get(pk=world.member.pk).photo
    for data, name in (
        (b"%PDF-1.7 not a photo", "anh.jpg"),
        (png_with_place()[:200], "cut.png"),  # damaged
        (b"GIF89a" + b"\x00" * 100, "anh.gif"),
    ):
        response = upload(client, world.member, data, name=name)
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "không phải ảnh JPEG, PNG hoặc WebP" in page
        assert Member.objects.get(pk=world.member.pk).photo == before


def test_only_those_who_edit_the_branch_change_the_photo(client, world):
    for user in (world.member_user, world.outsider):
        client.force_login(user)
        response = upload(client, world.member, png_with_place(200, 200))
        assert response.status_code in (403, 404)
    assert Member.objects.get(pk=world.member.pk).photo == ""


def test_a_change_rolled_back_keeps_the_file_its_row_points_to(world):
    """The old photo is deleted only once the change commits: a transaction that fails after
    the removal leaves the member with his photo, and the photo still there."""
    member_photo_set(
        actor=world.secretary,
        member=world.member,
        upload=SimpleUploadedFile("anh.png", png_with_place(300, 300)),
    )
    kept = Member.objects.get(pk=world.member.pk).photo
    with contextlib.suppress(RuntimeError), transaction.atomic():
        member_photo_remove(actor=world.secretary, member=world.member)
        raise RuntimeError("a later step of the same write fails")
    assert Member.objects.get(pk=world.member.pk).photo == kept
    assert default_storage.exists(kept)


def test_a_photo_that_fails_to_be_saved_leaves_no_file(world, monkeypatch):
    """The image is made and kept before the member's row is locked; if the row's change
    fails, the kept file goes, and an upload read once is read whole again on a retry."""
    upload = SimpleUploadedFile("anh.png", png_with_place(300, 300))
    upload.read()  # read to the end already, as a first attempt would leave it
    before = (
        set(default_storage.listdir("member-photos")[1])
        if default_storage.exists("member-photos")
        else set()
    )

    def fails(**kwargs):
        raise RuntimeError("the row's change fails")

    monkeypatch.setattr(photos, "member_photo_use", fails)
    with pytest.raises(RuntimeError):
        photos.member_photo_set(actor=world.secretary, member=world.member, upload=upload)
    after = set(default_storage.listdir("member-photos")[1])
    assert after == before
    monkeypatch.undo()
    member = photos.member_photo_set(actor=world.secretary, member=world.member, upload=upload)
    with default_storage.open(member.photo) as f, Image.open(f) as stored:
        assert stored.format == "JPEG"

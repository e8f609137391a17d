"""A member's photo for his card: checked by its content, stored small without the camera's
metadata, shown only to those who may see the member, replaced or removed by the branch."""

import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from doanvien.members.models import Member


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


def test_the_branch_gives_a_member_a_photo_stored_small_and_without_metadata(client, world):
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

    # Replaced: the old file goes; removed: none left.
    old = member.photo
    client.force_login(world.secretary)
    upload(client, member, png_with_place(300, 300))
    member.refresh_from_db()
    assert member.photo != old and not default_storage.exists(old)
    client.post(reverse("members:member-photo", args=[member.pk]), {"remove": "on"})
    member.refresh_from_db()
    assert member.photo == ""
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

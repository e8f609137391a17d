"""A member's photo for his card ("photo if any"): taken from an uploaded JPEG, PNG or WebP,
checked by its content (never its name), made into a small JPEG without the camera's metadata
(place, time, device), kept through `default_storage`; the old one is deleted once the change
commits. The image is made before the member's row is locked (a large photo takes a moment)."""

import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from doanvien.core import audit
from doanvien.core.storage import delete_now, delete_on_commit
from doanvien.core.transactions import atomic

from ..models import Member

FORMATS = {"JPEG", "PNG", "WEBP"}
# The stored photo fits this box (a card shows it at about 3 × 4 cm).
BOX = (480, 640)
# More pixels than any camera gives: a decompression bomb.
MAX_PIXELS = 40_000_000


def photo_jpeg(upload) -> bytes:
    """The uploaded image made into the stored JPEG, or a ValidationError saying why not."""
    if upload.size > settings.MEMBER_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(mb)s MB.")
            % {"mb": settings.MEMBER_PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    not_an_image = ValidationError(_("This file is not a JPEG, PNG or WebP photo."))
    upload.seek(0)  # read whole, however often it is asked for
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise not_an_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)  # upright, as the camera meant it
            image = image.convert("RGB")
            image.thumbnail(BOX)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)  # no EXIF: nothing else kept
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return out.getvalue()


def photo_stored(member: Member, data: bytes) -> str:
    """The photo's bytes (from `photo_jpeg`) kept under a name of the member's, not yet his
    card's photo (a photo he proposes waits for his branch: profiles/services.py)."""
    return default_storage.save(
        f"member-photos/{member.pk}-{secrets.token_hex(8)}.jpg", ContentFile(data)
    )


def member_photo_set(*, actor, member: Member, upload) -> Member:
    """Give the member a photo (replacing any he had): made and kept first, then his row is
    changed (`member_photo_use`); if that fails, the kept file goes."""
    name = photo_stored(member, photo_jpeg(upload))
    try:
        return member_photo_use(actor=actor, member=member, name=name)
    except BaseException:
        delete_now(name)
        raise


@atomic
def member_photo_use(*, actor, member: Member, name: str) -> Member:
    """Make a stored photo (`photo_stored`) the member's card photo; the old one is deleted."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    old = member.photo
    member.photo = name
    member.save(update_fields=["photo"])
    audit.record(
        actor=actor,
        action="member.photo_set",
        target=member,
        unit_path=member.unit_path,
        summary=member.full_name,
    )
    delete_on_commit(old)
    return member


@atomic
def member_photo_remove(*, actor, member: Member) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.photo:
        return member
    old, member.photo = member.photo, ""
    member.save(update_fields=["photo"])
    audit.record(
        actor=actor,
        action="member.photo_removed",
        target=member,
        unit_path=member.unit_path,
        summary=member.full_name,
    )
    delete_on_commit(old)
    return member

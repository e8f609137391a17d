"""One member record: read it (the full ID-card number on request, recorded) and change it;
give it a photo for the card, or take it away."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import File, Query, Router, Schema, UploadedFile

from doanvien.actions.members import member_update
from doanvien.honours.selectors import member_texts
from doanvien.members.access import can_edit_members, can_see_id_number, get_member_for
from doanvien.members.models import Member
from doanvien.members.services.photos import member_photo_remove, member_photo_set
from doanvien.members.services.records import member_id_number_viewed

from .schemas import MemberDetailOut, MemberDetailQuery, MemberIn, error_answers
from .training import required

router = Router(tags=["members"])

ERRORS = error_answers(400, 401, 403, 404, 413, 422)

# The record's columns that the answer shows (the masked ID number is made from the full one):
# not the search and sort keys, nor the time of the last change.
DETAIL_FIELDS = (
    *(f.name for f in Member._meta.concrete_fields if f.name in MemberDetailOut.model_fields),
    "id_number",
)


@router.get("/{member_id}", response={200: MemberDetailOut, **ERRORS}, summary="A member")
def member_detail(request, member_id: int, query: Query[MemberDetailQuery]):
    """The record with the ID-card number masked. With `?include=id_number` the full number
    too, for those who may see it (403 for the others); every such read is recorded."""
    member = get_member_for(request.user, member_id, only=DETAIL_FIELDS)
    out = MemberDetailOut.model_validate(member)
    # Awards and discipline: the dated decisions (honours), then any text left on the record.
    texts = member_texts(member.pk)
    out = out.model_copy(
        update={
            name: "\n".join(t for t in (texts[name], getattr(member, name)) if t)
            for name in ("awards", "discipline")
        }
    )
    if query.include == "id_number":
        if not can_see_id_number(request.user, member):
            raise PermissionDenied
        member_id_number_viewed(actor=request.user, member=member)
        out = out.model_copy(update={"id_number": member.id_number})
    return out


@router.patch("/{member_id}", response={200: MemberDetailOut, **ERRORS}, summary="Change")
def member_change(request, member_id: int, payload: MemberIn):
    """Change any of the editable fields; the others keep their values."""
    member = get_member_for(request.user, member_id)
    if not can_edit_members(request.user, member.branch):
        raise PermissionDenied
    return member_update(
        actor=request.user, member=member, data=payload.model_dump(exclude_unset=True)
    )


class MemberPhotoOut(Schema):
    id: int
    has_photo: bool


def _photo_out(member: Member) -> dict:
    return {"id": member.pk, "has_photo": bool(member.photo)}


@router.post(
    "/{member_id}/photo",
    response={200: MemberPhotoOut, **ERRORS},
    summary="Give a member a photo",
    # The photo is required; the view checks it after access (422 all the same).
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": {"required": ["photo"]}}},
        }
    },
)
def member_photo_upload(request, member_id: int, photo: File[UploadedFile | None] = None):
    """Multipart: `photo`, a JPEG, PNG or WebP photo of the face (at most
    `MEMBER_PHOTO_MAX_BYTES`), as the card page's upload: checked by its content, made small and
    stripped of the camera's metadata; it replaces the photo the member had. For whoever may
    edit the branch's members (403 for the others who see the record; 404 for everyone else);
    not a photo, or too large → 400 with the message under `photo`."""
    member = get_member_for(request.user, member_id)
    if not can_edit_members(request.user, member.branch):
        raise PermissionDenied
    if photo is None:
        raise required("photo")
    try:
        member = member_photo_set(actor=request.user, member=member, upload=photo)
    except ValidationError as e:
        raise ValidationError({"photo": e.messages}) from None
    return _photo_out(member)


@router.delete(
    "/{member_id}/photo",
    response={200: MemberPhotoOut, **ERRORS},
    summary="Remove a member's photo",
)
def member_photo_delete(request, member_id: int):
    """The member's card has no photo any more (nothing happens if it had none). For whoever
    may edit the branch's members (403 for the others who see the record; 404 otherwise)."""
    member = get_member_for(request.user, member_id)
    if not can_edit_members(request.user, member.branch):
        raise PermissionDenied
    return _photo_out(member_photo_remove(actor=request.user, member=member))

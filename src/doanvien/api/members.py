"""One member record: read it (the full ID-card number on request, recorded) and change it."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router

from doanvien.actions.members import member_update
from doanvien.honours.selectors import texts_for as honours_texts
from doanvien.members.access import can_edit_members, can_see_id_number, get_member_for
from doanvien.members.models import Member
from doanvien.members.services.records import member_id_number_viewed

from .schemas import MemberDetailOut, MemberDetailQuery, MemberIn, error_answers

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
    texts = honours_texts([member.pk])
    out = out.model_copy(
        update={
            name: "\n".join(t for t in (texts[name].get(member.pk, ""), getattr(member, name)) if t)
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

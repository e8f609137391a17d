"""Directives: a union publishes one to the units under it (POST /units/{unit_id}/directives,
multipart with its files), the receiving units' people list theirs (GET /me/directives), record
one as read (POST /directives/{directive_id}/read) and reply (POST …/reply, multipart); the
issuing unit's cadres follow the receipts (GET …/receipts), remind the units that have not read
it (POST …/remind) and withdraw it (POST …/withdraw, with a reason).

A directive can be kept as a draft first (`draft=true` on the publishing operation): nothing is
sent and only the issuing unit's cadres see it (GET /units/{unit_id}/directive-drafts); it is
changed (POST /directives/{directive_id}/edit, multipart), deleted (DELETE
/directives/{directive_id}) or published (POST /directives/{directive_id}/publish), which
writes its receipts.

Out of the caller's scope (a draft for anyone but its unit's cadres): 404. In scope but not
allowed (a receiving unit asking for the receipts, a branch publishing): 403. A move the
directive's state does not allow (replying to a withdrawn one, replying twice, changing a
published one): 409. Data refused (a field, a file: type, size, content, virus check): 422
naming each field, nothing kept."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.directives import selectors, services
from doanvien.directives.access import (
    acting_units,
    can_edit_draft,
    can_manage,
    can_publish,
    get_directive_for,
    receipts_of_user,
)
from doanvien.directives.models import Directive, Receipt, ReceiptState

from .errors import ApiError, invalid_as_422, keyset_page_of
from .schemas import UnitRef, error_answers

router = Router(tags=["directives"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
CONFLICTS = {"illegal_transition", "precondition", "already_replied"}


@contextmanager
def refusals() -> Iterator[None]:
    """A service's refusal: a move the state does not allow → 409; a refused file → 422 (its
    detail says so); any other refusal of the data sent → 422 with each field's message."""
    try:
        with invalid_as_422(CONFLICTS):
            yield
    except ApiError as exc:
        if exc.status == 422 and any(e["field"] == "files" for e in exc.errors):
            exc.detail = _("The files cannot be attached.")
        raise


class DirectiveCreatedOut(Schema):
    id: int
    state: str = Field(description="published, or draft (nothing sent)")
    recipients: int = Field(description="the number of receiving units (0 for a draft)")


class DirectiveDraftOut(Schema):
    id: int
    number: str
    title: str
    issued_on: date
    audience: str
    units: list[int] = Field(description="the chosen units' ids (audience `units`)")
    due_on: date | None
    reply_required: bool
    created_at: datetime
    files: int


class DirectiveDraftsOut(Schema):
    items: list[DirectiveDraftOut]
    next: str | None
    count: int | None


class DirectiveDraftsQuery(Schema):
    cursor: str = ""
    page: int = Field(1, ge=1)


class DirectiveFileOut(Schema):
    id: int
    name: str
    size: int
    url: str = Field(description="the scoped download (a browser session)")


class DirectiveReceiptOut(Schema):
    unit: UnitRef
    unit_id: int
    state: str = Field(description="unread, read, replied or late")
    state_label: str
    read_at: datetime | None
    replied_at: datetime | None
    reminded_at: datetime | None
    reply: str
    files: list[DirectiveFileOut] = []


class DirectiveOut(Schema):
    id: int
    number: str
    title: str
    body: str
    issued_on: date
    due_on: date | None
    reply_required: bool
    state: str = Field(description="draft, published, withdrawn or superseded")
    state_label: str
    audience: str
    recipients: int
    unit: UnitRef = Field(description="the issuing unit")
    supersedes: int | None
    units: list[int] = Field(description="the chosen units' ids (audience `units`)")
    withdrawn_reason: str
    files: list[DirectiveFileOut]
    mine: list[DirectiveReceiptOut] = Field(
        description="the receipts of the units the caller acts for"
    )


class MyDirectiveOut(Schema):
    id: int
    number: str
    title: str
    issued_on: date
    due_on: date | None
    reply_required: bool
    state: str
    from_unit: UnitRef
    unit: UnitRef = Field(description="the caller's receiving unit")
    receipt_state: str
    read_at: datetime | None
    replied_at: datetime | None


class MyDirectivesOut(Schema):
    items: list[MyDirectiveOut]
    next: str | None
    count: int | None


class MyDirectivesQuery(Schema):
    unread: bool = Field(False, description="only the published directives not read yet")
    cursor: str = ""
    page: int = Field(1, ge=1)


class DirectiveReceiptsOut(Schema):
    items: list[DirectiveReceiptOut]
    counts: dict[str, int] = Field(description="receipts per state, and `total`")
    next: str | None
    previous: str | None
    count: int | None


class DirectiveReceiptsQuery(Schema):
    state: str = Field("", description="unread, read, replied or late; empty: all")
    cursor: str = ""
    page: int = Field(1, ge=1)


class DirectiveReadOut(Schema):
    marked: int = Field(description="receipts newly recorded as read (0 when already read)")


class DirectiveRemindOut(Schema):
    reminded: int = Field(description="units reminded")


class DirectiveWithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""


def _unit(u) -> dict:
    return {"id": u.pk, "name": u.name, "code": u.code}


def _file(f) -> dict:
    return {
        "id": f.pk,
        "name": f.name,
        "size": f.size,
        "url": reverse("directives:attachment", args=[f.pk]),
    }


def _receipt(r: Receipt, directive: Directive, today, files=()) -> dict:
    state = selectors.state_of(r, directive, today)
    return {
        "unit": _unit(r.unit),
        "unit_id": r.unit_id,
        "state": state,
        "state_label": str(ReceiptState(state).label),
        "read_at": r.read_at,
        "replied_at": r.replied_at,
        "reminded_at": r.reminded_at,
        "reply": r.reply,
        "files": [_file(f) for f in files],
    }


def _directive(request, directive: Directive) -> dict:
    today = timezone.localdate()
    mine = receipts_of_user(request.user, directive).select_related("unit").order_by("unit_path")
    return {
        "id": directive.pk,
        "number": directive.number,
        "title": directive.title,
        "body": directive.body,
        "issued_on": directive.issued_on,
        "due_on": directive.due_on,
        "reply_required": directive.reply_required,
        "state": directive.state,
        "state_label": directive.get_state_display(),
        "audience": directive.audience,
        "recipients": directive.recipients,
        "unit": _unit(directive.unit),
        "supersedes": directive.supersedes_id,
        "units": directive.chosen_units,
        "withdrawn_reason": directive.withdrawn_reason,
        "files": [_file(f) for f in directive.files.filter(receipt=None)],
        "mine": [_receipt(r, directive, today, r.files.all()) for r in mine],
    }


@router.post(
    "/units/{unit_id}/directives",
    response={201: DirectiveCreatedOut, **ERRORS},
    summary="Publish a directive",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "required": ["title", "number"],
                        "properties": {"audience": {"enum": ["children", "subtree", "units"]}},
                    }
                }
            },
        }
    },
)
def directive_publish(
    request,
    unit_id: int,
    title: Form[str] = "",
    number: Form[str] = "",
    body: Form[str] = "",
    issued_on: Form[str] = "",
    audience: Form[str] = "children",
    units: Form[list[str]] = None,  # type: ignore[assignment]
    due_on: Form[str] = "",
    reply_required: Form[bool] = False,
    supersedes: Form[str] = "",
    draft: Form[bool] = False,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    """Multipart: `title`, `number`, `body`, `issued_on` (today by default), `audience`
    (`children`, `subtree` or `units` with the ids in `units`), `due_on`, `reply_required`,
    `supersedes` (the id of a directive of the unit that this one replaces) and `files` (PDF,
    DOCX or XLSX, within the size limit; their content must match their extension). The
    receiving units' cadres are told. `draft=true` keeps it as a draft instead: nothing is
    sent, only the title is required, and it is published later (POST …/publish)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_publish(request.user, unit))
    data = {
        "title": title,
        "number": number,
        "body": body,
        "issued_on": issued_on,
        "audience": audience,
        "units": units or [],
        "due_on": due_on,
        "reply_required": reply_required,
        "supersedes": supersedes,
    }
    with refusals():
        if draft:
            directive = services.directive_draft_save(
                actor=request.user, unit=unit, data=data, files=files or []
            )
        else:
            directive = services.directive_publish(
                actor=request.user, unit=unit, data=data, files=files or []
            )
    return Status(
        201, {"id": directive.pk, "state": directive.state, "recipients": directive.recipients}
    )


@router.get(
    "/units/{unit_id}/directive-drafts",
    response={200: DirectiveDraftsOut, **ERRORS},
    summary="A unit's draft directives",
)
def directive_drafts(request, unit_id: int, filters: Query[DirectiveDraftsQuery]):
    """The unit's drafts the caller may see (those of the units where he is a cadre, and his
    own), newest first; an empty list for anyone else who sees the unit."""
    unit = get_unit_for(request.user, unit_id)
    page = keyset_page_of(
        selectors.drafts_of(request.user, unit.pk).annotate(
            file_count=Count("files", filter=Q(files__receipt=None))
        ),
        keys=("-id",),
        page=filters.page,
        cursor=filters.cursor,
    )
    return {
        "items": [
            {
                "id": d.pk,
                "number": d.number,
                "title": d.title,
                "issued_on": d.issued_on,
                "audience": d.audience,
                "units": d.chosen_units,
                "due_on": d.due_on,
                "reply_required": d.reply_required,
                "created_at": d.created_at,
                "files": d.file_count,
            }
            for d in page.object_list
        ],
        "next": page.next_cursor,
        "count": page.count,
    }


@router.post(
    "/directives/{directive_id}/edit",
    response={200: DirectiveOut, **ERRORS},
    summary="Change a draft directive",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": {"properties": {}}}},
        }
    },
)
def directive_draft_edit(
    request,
    directive_id: int,
    title: Form[str] = None,  # type: ignore[assignment]
    number: Form[str] = None,  # type: ignore[assignment]
    body: Form[str] = None,  # type: ignore[assignment]
    issued_on: Form[str] = None,  # type: ignore[assignment]
    audience: Form[str] = None,  # type: ignore[assignment]
    units: Form[list[str]] = None,  # type: ignore[assignment]
    due_on: Form[str] = None,  # type: ignore[assignment]
    reply_required: Form[bool] = None,  # type: ignore[assignment]
    supersedes: Form[str] = None,  # type: ignore[assignment]
    remove: Form[list[int]] = None,  # type: ignore[assignment]
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    """Multipart, the fields of the publishing operation: those sent replace the draft's (the
    others stay); `files` are added; `remove` lists ids of the draft's files to delete. A
    published directive is never changed (409)."""
    directive = get_directive_for(request.user, directive_id)
    require(can_edit_draft(request.user, directive) or not directive.is_draft)
    require(can_manage(request.user, directive))
    given = {
        "title": title,
        "number": number,
        "body": body,
        "issued_on": issued_on,
        "audience": audience,
        "units": units,
        "due_on": due_on,
        "reply_required": reply_required,
        "supersedes": supersedes,
    }
    data = {k: v for k, v in given.items() if v is not None}
    with refusals():
        directive = services.directive_draft_update(
            actor=request.user,
            directive=directive,
            data=data,
            files=files or [],
            remove=remove or [],
        )
    return _directive(request, get_directive_for(request.user, directive.pk))


@router.post(
    "/directives/{directive_id}/publish",
    response={200: DirectiveOut, **ERRORS},
    summary="Publish a draft directive",
)
def directive_draft_publish(request, directive_id: int):
    """Every field is checked as when publishing directly (422 naming them); then the receipts
    are written and the receiving units' cadres told. Not a draft: 409."""
    directive = get_directive_for(request.user, directive_id)
    require(can_edit_draft(request.user, directive) or not directive.is_draft)
    require(can_manage(request.user, directive))
    with refusals():
        directive = services.directive_draft_publish(actor=request.user, directive=directive)
    return _directive(request, get_directive_for(request.user, directive.pk))


@router.delete(
    "/directives/{directive_id}",
    response={204: None, **ERRORS},
    summary="Delete a draft directive",
)
def directive_draft_delete(request, directive_id: int):
    """A draft only, with its files (a published directive is withdrawn instead: 409)."""
    directive = get_directive_for(request.user, directive_id)
    require(can_edit_draft(request.user, directive) or not directive.is_draft)
    require(can_manage(request.user, directive))
    with refusals():
        services.directive_draft_delete(actor=request.user, directive=directive)
    return Status(204, None)


@router.get(
    "/me/directives",
    response={200: MyDirectivesOut, **error_answers(401, 404, 422)},
    summary="The directives the caller's units received",
)
def my_directives(request, filters: Query[MyDirectivesQuery]):
    """The directives received by the units where the caller holds a role, newest first;
    `unread=1`: the published ones his unit has not read yet. A member without a role gets an
    empty list."""
    today = timezone.localdate()
    rows = selectors.received_by(acting_units(request.user), unread=filters.unread)
    page = keyset_page_of(rows, keys=("-id",), page=filters.page, cursor=filters.cursor)
    items = []
    for r in page.object_list:
        d = r.directive
        items.append(
            {
                "id": d.pk,
                "number": d.number,
                "title": d.title,
                "issued_on": d.issued_on,
                "due_on": d.due_on,
                "reply_required": d.reply_required,
                "state": d.state,
                "from_unit": _unit(d.unit),
                "unit": _unit(r.unit),
                "receipt_state": selectors.state_of(r, d, today),
                "read_at": r.read_at,
                "replied_at": r.replied_at,
            }
        )
    return {"items": items, "next": page.next_cursor, "count": page.count}


@router.get(
    "/directives/{directive_id}",
    response={200: DirectiveOut, **ERRORS},
    summary="A directive",
)
def directive_detail(request, directive_id: int):
    """Its text, files and the caller's units' receipts (reading it here records nothing: POST
    …/read does)."""
    return _directive(request, get_directive_for(request.user, directive_id))


@router.post(
    "/directives/{directive_id}/read",
    response={200: DirectiveReadOut, **ERRORS},
    summary="Record a directive as read",
)
def directive_read(request, directive_id: int):
    """Records the caller's receiving units as having read it (the first reader and time stay);
    403 when the caller acts for none of them."""
    directive = get_directive_for(request.user, directive_id)
    require(receipts_of_user(request.user, directive).exists())
    with refusals():
        marked = services.directive_read(actor=request.user, directive=directive)
    return {"marked": marked}


@router.post(
    "/directives/{directive_id}/reply",
    response={201: DirectiveReceiptOut, **ERRORS},
    summary="Reply to a directive",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": {"properties": {}}}},
        }
    },
)
def directive_reply(
    request,
    directive_id: int,
    reply: Form[str] = "",
    unit: Form[str] = "",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    """Multipart: `reply` (text) and `files` (PDF, DOCX, XLSX), `unit` (the receiving unit's
    id when the caller acts for several). Once per unit, while the directive is published and
    asks for a reply (409 otherwise)."""
    directive = get_directive_for(request.user, directive_id)
    require(receipts_of_user(request.user, directive).exists())
    with refusals():
        receipt = services.directive_reply(
            actor=request.user,
            directive=directive,
            text=reply,
            files=files or [],
            unit_id=unit or None,
        )
    receipt = Receipt.objects.select_related("unit").get(pk=receipt.pk)
    return Status(201, _receipt(receipt, directive, timezone.localdate(), receipt.files.all()))


@router.get(
    "/directives/{directive_id}/receipts",
    response={200: DirectiveReceiptsOut, **ERRORS},
    summary="Who has read and replied (the issuing unit)",
)
def directive_receipts(request, directive_id: int, filters: Query[DirectiveReceiptsQuery]):
    """Every receiving unit's state (unread, read, replied, late), paged by the unit's place in
    the tree, with the counts per state; `state` filters. Only the issuing unit's cadres (403
    for a receiving unit)."""
    directive = get_directive_for(request.user, directive_id)
    require(can_manage(request.user, directive))
    if filters.state and filters.state not in ReceiptState.values:
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": "state", "message": _("Choose a value from the list.")}],
        )
    today = timezone.localdate()
    page = keyset_page_of(
        selectors.receipts(directive, today, filters.state),
        keys=("unit_path", "id"),
        page=filters.page,
        cursor=filters.cursor,
    )
    return {
        "items": [_receipt(r, directive, today) for r in page.object_list],
        "counts": selectors.receipt_counts(directive, today),
        "next": page.next_cursor,
        "previous": page.previous_cursor,
        "count": page.count,
    }


@router.post(
    "/directives/{directive_id}/remind",
    response={200: DirectiveRemindOut, **ERRORS},
    summary="Remind the units that have not read a directive",
)
def directive_remind(request, directive_id: int):
    directive = get_directive_for(request.user, directive_id)
    require(can_manage(request.user, directive))
    with refusals():
        return {"reminded": services.directive_remind(actor=request.user, directive=directive)}


@router.post(
    "/directives/{directive_id}/withdraw",
    response={200: DirectiveOut, **ERRORS},
    summary="Withdraw a directive",
)
def directive_withdraw(request, directive_id: int, payload: DirectiveWithdrawIn):
    """With the reason (recorded in the audit trail). A withdrawn or superseded directive:
    409."""
    directive = get_directive_for(request.user, directive_id)
    require(can_manage(request.user, directive))
    with refusals():
        directive = services.directive_withdraw(
            actor=request.user, directive=directive, reason=payload.reason
        )
    return _directive(request, get_directive_for(request.user, directive.pk))

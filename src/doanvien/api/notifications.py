"""The signed-in user's notifications: list (newest first, by keyset), mark one read, choose
per kind whether it also comes by e-mail. Only the user's own: another's id answers 404."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ConfigDict, RootModel

from doanvien.notifications import selectors, services
from doanvien.notifications.models import Channel, Kind

from .errors import ApiError, keyset_page_of
from .schemas import error_answers

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    created_at: datetime
    read: bool


class NotificationsOut(Schema):
    items: list[NotificationOut]
    next: str | None
    more: bool


class ChannelsIn(RootModel[dict[str, str]]):
    model_config = ConfigDict(
        json_schema_extra={
            "description": f"kind → channel; kinds: {', '.join(Kind.values)}; channels: "
            f"{', '.join(Channel.values)}",
            "example": {"transfer_requested": "app+email", "job_finished": "app"},
        }
    )


def _out(n) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "url": n.url,
        "created_at": n.created_at,
        "read": n.read_at is not None,
    }


@router.get(
    "/me/notifications",
    response={200: NotificationsOut, **error_answers(401, 404, 422)},
    summary="My notifications",
)
def my_notifications(request, unread: bool = False, page: int = 1, cursor: str = ""):
    """Newest first, a page at a time (follow `next`); `unread=1`: the unread ones only."""
    rows = selectors.notifications_of(request.user, unread=unread)
    found = keyset_page_of(rows, keys=selectors.NEWEST_FIRST, page=page, cursor=cursor)
    return {
        "items": [_out(n) for n in found.object_list],
        "next": found.next_cursor,
        "more": found.has_next,
    }


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **error_answers(401, 404, 413, 422)},
    summary="Mark a notification read",
)
def notification_read(request, notification_id: int):
    notification = selectors.own_notification(request.user, notification_id)
    if notification is None:
        raise ApiError(404, _("Not found."))
    return _out(services.mark_read(user=request.user, notification=notification))


class ReadAllOut(Schema):
    marked: int


@router.post(
    "/me/notifications/read-all",
    response={200: ReadAllOut, **error_answers(401, 413, 422)},
    summary="Mark all my notifications read",
)
def notifications_read_all(request):
    """The caller's own notifications only; the answer counts those that were unread."""
    return {"marked": services.mark_all_read(user=request.user)}


@router.put(
    "/me/notification-settings",
    response={200: dict[str, str], **error_answers(400, 401, 413, 422)},
    summary="Choose, per kind, in the app only or also by e-mail",
)
def notification_settings(request, body: ChannelsIn):
    """The kinds named are set; the answer is the channel of every kind."""
    return services.channels_set(user=request.user, choices=body.root)

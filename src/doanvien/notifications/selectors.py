"""A person's own notifications (never anyone else's)."""

from django.db.models import QuerySet

from .models import Notification

NEWEST_FIRST = ("-id",)


def notifications_of(user, *, unread: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by(*NEWEST_FIRST)


def own_notification(user, notification_id: int) -> Notification | None:
    return Notification.objects.filter(user=user, pk=notification_id).first()

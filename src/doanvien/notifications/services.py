"""Writing notifications (by the services that make a change, inside their transaction),
reading them as read, choosing channels, and sending the e-mails waiting in the outbox."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doanvien.accounts.models import BRANCH_ROLES, User
from doanvien.core.transactions import atomic

from .models import Channel, Kind, Notification, Preference

logger = logging.getLogger(__name__)
OUTBOX_BATCH = 200


# --- who --------------------------------------------------------------------------------------


def committee_of(unit_id: int) -> QuerySet[User]:
    """The active users holding a committee role (secretary, deputy, member) on the unit."""
    return User.objects.filter(
        is_active=True, roles__unit_id=unit_id, roles__role__in=BRANCH_ROLES
    ).distinct()


def cadres_of(unit_id: int) -> QuerySet[User]:
    """The active users holding any role on the unit itself."""
    return User.objects.filter(is_active=True, roles__unit_id=unit_id).distinct()


def account_of(member_id: int) -> QuerySet[User]:
    """The member's own account, if he has one."""
    return User.objects.filter(is_active=True, member_id=member_id)


# --- writing ----------------------------------------------------------------------------------


def _email_wanted(users: list[User], kind: str) -> set[int]:
    """Which of the users get this kind by e-mail: an address on record, and not turned off."""
    with_address = [u.pk for u in users if u.email]
    if not with_address:
        return set()
    app_only = set(
        Preference.objects.filter(
            user_id__in=with_address, kind=kind, channel=Channel.APP
        ).values_list("user_id", flat=True)
    )
    return set(with_address) - app_only


def notify(*, users: Iterable[User], kind: str, title: str, url: str = "", exclude=None) -> int:
    """Tell each of `users` (but `exclude`, the person who made the change) what happened: one
    row each, written in the caller's transaction; those who want it by e-mail get a row in the
    outbox, sent by the worker once the transaction commits. How many were told."""
    if kind not in Kind.values:
        raise ValueError(kind)
    skip = getattr(exclude, "pk", None)
    people = [u for u in {u.pk: u for u in users}.values() if u.pk != skip]
    if not people:
        return 0
    by_email = _email_wanted(people, kind)
    Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                kind=kind,
                title=title[:300],
                url=url[:500],
                email_state=(
                    Notification.EmailState.PENDING
                    if u.pk in by_email
                    else Notification.EmailState.NONE
                ),
            )
            for u in people
        ]
    )
    if by_email:
        transaction.on_commit(_send_soon)
    return len(people)


def _send_soon() -> None:
    deliver.enqueue()


@atomic
def mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        raise ValidationError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@atomic
def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def channels_of(user: User) -> dict[str, str]:
    """The user's channel for every kind (the default: in the app and by e-mail)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, Channel.APP_EMAIL) for kind in Kind.values}


@atomic
def channels_set(*, user: User, choices: dict[str, str]) -> dict[str, str]:
    """Set the user's channel for the kinds named; an unknown kind or channel changes nothing."""
    errors = {}
    for kind, channel in choices.items():
        if kind not in Kind.values:
            errors[kind] = _("“%(kind)s” is not a kind of notification.") % {"kind": kind}
        elif channel not in Channel.values:
            errors[kind] = _("Choose “app” or “app+email”.")
    if errors:
        raise ValidationError(errors)
    for kind, channel in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
    return channels_of(user)


def unread_count(user: User, most: int = 99) -> int:
    """Unread notifications, counted up to `most` + 1 (the bell shows "99+")."""
    return (
        Notification.objects.filter(user=user, read_at__isnull=True).order_by()[: most + 1].count()
    )


# --- the outbox -------------------------------------------------------------------------------


def _message(n: Notification) -> tuple[str, str]:
    with translation.override("vi"):
        subject = _("[Union member records] %(title)s") % {"title": n.title}
        link = f"{settings.SITE_URL.rstrip('/')}{n.url}" if n.url and settings.SITE_URL else ""
        body = "\n\n".join(
            part
            for part in (
                n.title,
                link,
                _(
                    "You can choose which notifications come by e-mail on the notification "
                    "settings page."
                ),
            )
            if part
        )
    return subject, body


def deliver_pending(limit: int = OUTBOX_BATCH) -> int:
    """Send up to `limit` waiting e-mails, each marked sent (or failed) in its own short
    transaction, so that two workers never send one twice (the row is locked, others skipped).
    How many were sent."""
    sent = 0
    for pk in list(
        Notification.objects.filter(email_state=Notification.EmailState.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            n = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=pk, email_state=Notification.EmailState.PENDING)
                .first()
            )
            if n is None:
                continue
            subject, body = _message(n)
            try:
                send_mail(subject, body, None, [n.user.email])
            except OSError:
                logger.warning("notification %s: the e-mail could not be sent", n.pk)
                n.email_state = Notification.EmailState.FAILED
            else:
                n.email_state = Notification.EmailState.SENT
                n.emailed_at = timezone.now()
                sent += 1
            n.save(update_fields=["email_state", "emailed_at"])
    return sent


@task
def deliver() -> int:
    """The worker's part (enqueued once a transaction that wrote e-mails commits)."""
    return deliver_pending()

"""What the product tells a person: a notification (in the app, and by e-mail when he has an
address and has not turned it off for that kind), written by the service that made the change
in the same transaction. The e-mail part is an outbox: `email_state` pending until the worker
sends it (services.deliver_pending)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REGISTRATION_RETURNED = "registration_returned", _("Registration returned")
    REGISTRATION_APPROVED = "registration_approved", _("Registration approved")
    RESULTS_RETURNED = "results_returned", _("Branch results returned")
    RESULTS_RECOGNISED = "results_recognised", _("Branch results recognised")
    TRANSFER_REQUESTED = "transfer_requested", _("Transfer requested")
    TRANSFER_ACCEPTED = "transfer_accepted", _("Transfer accepted")
    TRANSFER_REJECTED = "transfer_rejected", _("Transfer rejected")
    ADMISSION_DECIDED = "admission_decided", _("Admission decided")
    CHANGE_REQUEST_DECIDED = "change_request_decided", _("Change to my record decided")
    DEADLINE_SOON = "deadline_soon", _("A deadline in three days")
    JOB_FINISHED = "job_finished", _("Import or export finished")
    DIRECTIVE_RECEIVED = "directive_received", _("A directive received")
    DIRECTIVE_REMINDER = "directive_reminder", _("A reminder to read a directive")
    MEMBER_REMOVED = "member_removed", _("A member removed below")
    DIRECTIVE_REPLIED = "directive_replied", _("A reply to a directive I sent")
    YEARLY_REPORT_SUBMITTED = "yearly_report_submitted", _("A yearly report submitted below")
    YEARLY_REPORT_REOPENED = "yearly_report_reopened", _("Our yearly report reopened")


class Channel(models.TextChoices):
    APP = "app", _("In the app only")
    APP_EMAIL = "app+email", _("In the app and by e-mail")


class Notification(models.Model):
    class EmailState(models.TextChoices):
        NONE = "none", _("No e-mail")
        PENDING = "pending", _("E-mail waiting")
        SENT = "sent", _("E-mail sent")
        FAILED = "failed", _("E-mail failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-id"], name="notification_user_newest"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["id"], condition=Q(email_state="pending"), name="notification_outbox"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A person's choice for one kind (none stored: in the app and by e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"


class Reminder(models.Model):
    """A reminder already sent (by the daily job), by its key: never twice."""

    key = models.CharField(max_length=100, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key

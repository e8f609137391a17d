"""Directives (văn bản chỉ đạo): a unit's written instruction to the units below it, with a
receipt per receiving unit (read, replied, late) and the attached files (issue 20,
"Directives"; union-rules §9: documents go down, reports come up)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField


class Audience(models.TextChoices):
    CHILDREN = "children", _("The units directly under it")
    SUBTREE = "subtree", _("Every unit under it")
    UNITS = "units", _("Chosen units")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded")


class ReceiptState(models.TextChoices):
    """What the sender sees per unit (rules.receipt_state: computed, never stored)."""

    UNREAD = "unread", _("Not read")
    READ = "read", _("Read")
    REPLIED = "replied", _("Replied")
    LATE = "late", _("Late")


class AttachmentRules(models.Model):
    """How large an attached file may be and how many a directive or reply may carry: data
    (one row; the defaults below when there is none), editable in the admin."""

    max_bytes = models.PositiveIntegerField(_("largest file (bytes)"), default=10 * 1024 * 1024)
    max_files = models.PositiveSmallIntegerField(_("files at most"), default=10)

    class Meta:
        verbose_name = _("attachment limits")
        verbose_name_plural = _("attachment limits")

    def __str__(self) -> str:
        return f"{self.max_bytes} B × {self.max_files}"


class Directive(models.Model):
    """A directive of a unit. A draft is kept by the issuing unit (not sent, no receipt, seen
    only by that unit's cadres), edited or deleted, then published. Once published it is never
    edited: it is withdrawn (with a reason) or superseded by a new directive naming it
    (workflow.py)."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # directive_unit_newest serves
    )
    unit_path = TreePathField(editable=False)
    number = models.CharField(_("number"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("date"))
    body = models.TextField(_("body"), blank=True, default="")
    audience = models.CharField(_("sent to"), max_length=10, choices=Audience.choices)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    reply_required = models.BooleanField(_("reply required"), default=False)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PUBLISHED
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    # The units chosen when `audience` is "units" (their ids): a draft keeps them until it is
    # published; the receipts are the units it reached.
    chosen_units = models.JSONField(_("chosen units"), default=list, blank=True)
    recipients = models.PositiveIntegerField(_("receiving units"), default=0, editable=False)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True, default="")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Empty while it is a draft.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        indexes = [
            models.Index(fields=["unit", "-id"], name="directive_unit_newest"),
            models.Index(
                fields=["unit_path"], name="directive_subtree", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT


class Receipt(models.Model):
    """One receiving unit of a directive: who of its cadres opened it first and when, its reply,
    when it was last reminded. Written in bulk when the directive is published."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    unit_path = TreePathField(editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.TextField(_("reply"), blank=True, default="")
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["directive", "unit"], name="one_receipt_per_unit")
        ]
        indexes = [
            # The receipts page (pages by unit path) and a subtree's receipts of a directive.
            models.Index(
                fields=["directive", "unit_path", "id"],
                name="receipt_directive_path",
                opclasses=["int8_ops", "varchar_pattern_ops", "int8_ops"],
            ),
            # What a unit received, newest first; its unread ones.
            models.Index(fields=["unit", "-id"], name="receipt_unit_newest"),
            models.Index(
                fields=["unit"], condition=Q(read_at__isnull=True), name="receipt_unit_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directive_id} → {self.unit_id}"


def attachment_path(instance, filename: str) -> str:
    return f"directives/{instance.directive_id}/{filename}"


class Attachment(models.Model):
    """A file of a directive (receipt empty) or of a unit's reply to it. Kept through Django's
    storage API, served only by the scoped view (views.attachment_download), never by URL."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="files")
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

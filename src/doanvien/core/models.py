from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which object, when, and what changed (field: [before, after])."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # audit_actor_newest below leads with it
    )
    action = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(_("object type"), max_length=20)
    target_id = models.BigIntegerField(_("object id"))
    # The unit the event belongs to, by id, so that history is scoped like everything else
    # (the subtree's units by their paths today) and a unit move rewrites no event.
    unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # audit_unit_newest below leads with it
        related_name="+",
    )
    # Where that unit stood in the tree when the event was written: history, never rewritten.
    unit_path = models.CharField(max_length=255, blank=True, default="")
    summary = models.CharField(_("summary"), max_length=300, blank=True, default="")
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"]),
            # A subtree's trail, newest first, a page at a time (keyset on the id).
            models.Index(fields=["unit", "-id"], name="audit_unit_newest"),
            # One person's events, newest first (the search by actor).
            models.Index(fields=["actor", "-id"], name="audit_actor_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class Heartbeat(models.Model):
    """When a background process (the job worker, the roll-ups' folder) last said it was alive:
    `/readyz` reports each one's age (core/heartbeats.py)."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
